"""Quotes: direct speech between quotation marks, with the speaker as a canonical entity.

A quote is the text between a pair of curly (“…”) or straight ("…") marks, exactly as it stands;
a short phrase in marks that is not attributed to anyone ("patch gap") is a scare quote and is
skipped. The speaker comes from the attribution clause next to the quote (after it: `…,” said X`,
`…,” he said`; before it: `X said: “…”`, `According to X, “…”`):

- a named entity in the clause is the speaker (a person first, else a body or company, so
  "a spokesperson for SMFG said" gives the company);
- a pronoun ("he", "she") is the previous quote's speaker when that quote is in the sentence
  before, else whoever was mentioned last: a person, or a body through an unnamed official
  ("a Treasury official ... he said");
- a clause that ends in a colon attributes like a speech verb ("An FSA official was blunt: “…”");
- an unnamed official, spokesperson, the ministers, a statement... is the body mentioned last;
- a quote with no attribution of its own that opens a paragraph goes to the first person named
  in the next sentence (`“…” So said X`); otherwise it continues the previous quote's speaker
  when that quote ended in the previous sentence, else goes to the person mentioned last;
- a quote ending in a full stop is a whole sentence: the words after it are not its attribution.

Works on the text and the document's linked entities (offsets), so it runs after entity linking
on the whole text. Reads no settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policyradar.models import BODY_LABELS, Entity, Quote

_SPEECH = re.compile(
    r"\b(said|says|say|added|adds|told|warned|warns|noted|stressed|explained|argued|wrote|asked|"
    r"insisted|cautioned|declared|commented|remarked|according to|put it|stated|replied|reads)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(
    r"^\s*,?\s*(he|she)\b|\b(he|she)\s+(said|added|told|says|noted|warned)\b", re.I
)
_NOMINAL = re.compile(
    r"\b(official|officials|spokesperson|spokesman|spokeswoman|ministers|minister|agency|ministry|"
    r"regulator|bank|company|firm|statement|communiqu[eé]|report|document|institute|centre|center|"
    r"group|board|authority|department|advisory|letter|summary|notice|note|paper|release|readout|"
    r"guidance)\b",
    re.IGNORECASE,
)
# "a Treasury official", "an SMFG spokesperson": a body speaking through an unnamed person.
_UNNAMED_SPEAKER = re.compile(
    r"^(?:’s|'s)?\s+(?:senior\s+|former\s+)?(official|spokesperson|spokesman|spokeswoman|"
    r"representative|executive|officer)\b",
    re.I,
)
_SHORT_NAME = re.compile(
    r"\b([A-Z][\w-]+)\s+(?:official|officials|spokesperson|spokesman|spokeswoman|"
    r"representative)\b"
)
_ADDRESSEE = re.compile(r"\b(told|tells|telling|informed|interview with)\s+(the\s+)?$", re.I)
_TERM_MARKERS = re.compile(
    r"(\bso-called|\bdubbed|\bknown as|\bcalls?|\btermed|\bnicknamed|"
    r"\bthe|\ba|\ban|\bits|\btheir)\s*$",
    re.I,
)
_REPORTED_SPEECH = re.compile(
    r"\b(said|says|saying|told|telling|described|calling|called|warned)\b", re.I
)
_OPENERS = {"“": "”", '"': '"'}
# A full stop ends a sentence, except after a title or an abbreviation ("Rep. Jane Doyle").
_SENTENCE_END = re.compile(
    r"(?<!\bRep)(?<!\bSen)(?<!\bGov)(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bProf)(?<!\bGen)"
    r"(?<!\bSt)(?<!\bNo)(?<!\bInc)(?<!\bCorp)(?<!\bLtd)(?<!\bCo)(?<!\bU\.S)(?<!\bU\.K)"
    r"(?<!\bCalif)(?<!\bLt)(?<!\bJr)(?<!\bSr)[.!?](?=\s|$)"
)


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    label: str
    name: str


def _segments(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text inside each pair of quotation marks."""
    found = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in _OPENERS:
            close = text.find(_OPENERS[char], i + 1)
            if char == '"' and close == -1:
                break
            if close == -1:
                i += 1
                continue
            # A paragraph break inside an unclosed pair means the marks were not a pair.
            if "\n\n" not in text[i + 1 : close]:
                found.append((i + 1, close))
                i = close + 1
                continue
        i += 1
    return found


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    paragraph = text.rfind("\n", 0, start)
    left = max(paragraph, _last_end(text, max(paragraph, 0), start))
    match = _SENTENCE_END.search(text, end + 1)
    right = match.end() if match else len(text)
    newline = text.find("\n", end + 1)
    if newline != -1:
        right = min(right, newline)
    return left + 1, right


def _last_end(text: str, after: int, before: int) -> int:
    """Where the last sentence ending between ``after`` and ``before`` is (-1 if none); the
    search starts at the paragraph, not at the top of a long text."""
    last = -1
    for match in _SENTENCE_END.finditer(text, after, before):
        last = match.start()
    return last


def _speaker_in(clause: str, offset: int, mentions: list[_Mention]) -> str | None:
    inside = [
        m
        for m in mentions
        if offset <= m.start
        and m.end <= offset + len(clause)
        # "she told the Financial Times": who is told is not who speaks
        and not _ADDRESSEE.search(clause[: m.start - offset])
    ]
    people = [m for m in inside if m.label == "PERSON"]
    if people:
        return people[0].name
    bodies = [m for m in inside if m.label in BODY_LABELS]
    return bodies[0].name if bodies else None


def _last(mentions: list[_Mention], before: int, labels: tuple[str, ...]) -> str | None:
    earlier = [m for m in mentions if m.end <= before and m.label in labels]
    return earlier[-1].name if earlier else None


def find_quotes(text: str, entities: list[Entity]) -> list[Quote]:
    """Direct quotes with speakers (see the module docstring)."""
    mentions = sorted(
        (_Mention(m.start, m.end, e.label.value, e.name) for e in entities for m in e.mentions),
        key=lambda m: m.start,
    )
    quotes: list[Quote] = []
    people = {m.name for m in mentions if m.label == "PERSON"}
    previous_end = -1
    previous_speaker: str | None = None
    previous_is_person = False
    for start, end in _segments(text):
        inner = text[start:end]
        sentence_start, sentence_end = _sentence_bounds(text, start - 1, end + 1)
        if len(inner.split()) < 4 and not inner.rstrip().endswith((",", ".", "!", "?")):
            # A term in marks ("patch gap") is no speech, but a person's words quoted inside
            # reported speech are: `Mehta said the team was "badly understaffed"`.
            lead = text[sentence_start : start - 1]
            if not (_fragment_of_speech(lead) and _speaker_in(lead, sentence_start, mentions)):
                continue
            quotes.append(
                Quote(
                    speaker=_speaker_in(lead, sentence_start, mentions),
                    start=start,
                    end=end,
                    text=inner,
                )
            )
            continue
        after = text[end + 1 : sentence_end]
        before = text[sentence_start : start - 1]
        speaker: str | None = None
        attributed = False
        # A quote that closes with a full stop is a whole sentence: what follows it is the next
        # sentence, not its attribution (`"…," he said` takes a comma).
        closes_sentence = inner.rstrip().endswith(".")
        for clause, offset in ((after, end + 1), (before, sentence_start)):
            if clause is after and closes_sentence:
                continue
            colon = clause is before and clause.rstrip().endswith(":")
            if not _SPEECH.search(clause) and not colon:
                continue
            attributed = True
            speaker = _speaker_in(clause, offset, mentions)
            if speaker is None and _PRONOUN.search(clause):
                adjacent = previous_is_person and _gap_is_one_sentence(text, previous_end, start)
                speaker = previous_speaker if adjacent else _antecedent(text, mentions, start)
            if speaker is None:
                speaker = _short_name_speaker(clause, mentions, start)
            if speaker is None and _NOMINAL.search(clause):
                speaker = _last(mentions, start, BODY_LABELS)
                if speaker is None and re.search(r"\b(letter|notice|circular)\b", clause, re.I):
                    speaker = _first_body_after(mentions, end)  # signed at the foot
            if speaker is not None:
                break
        if not attributed:
            continues = previous_speaker is not None and _gap_is_one_sentence(
                text, previous_end, start
            )
            if _opens_paragraph(text, start - 1):
                # A quote that opens a paragraph is attributed after it: `“…” So said X`.
                speaker = _first_person_after(text, mentions, end + 1)
            elif continues:
                speaker = previous_speaker
            if speaker is None:
                speaker = _last(mentions, start, ("PERSON",))
        quotes.append(Quote(speaker=speaker, start=start, end=end, text=inner))
        previous_end, previous_speaker = end, speaker
        previous_is_person = speaker is not None and speaker in people
    return quotes


def _fragment_of_speech(lead: str) -> bool:
    """Whether a short phrase in marks after ``lead`` quotes someone's words: reported
    speech before it, and no marker of a term ("so-called", "the", "dubbed")."""
    return bool(_REPORTED_SPEECH.search(lead)) and not _TERM_MARKERS.search(lead)


def _short_name_speaker(clause: str, mentions: list[_Mention], before: int) -> str | None:
    """ "A Commission spokesperson said": the body named earlier whose name has that word."""
    match = _SHORT_NAME.search(clause)
    if not match:
        return None
    word = match.group(1)
    for mention in reversed([m for m in mentions if m.end <= before]):
        if mention.label in BODY_LABELS and re.search(rf"\b{re.escape(word)}\b", mention.name):
            return mention.name
    return None


def _first_body_after(mentions: list[_Mention], after: int) -> str | None:
    bodies = [m for m in mentions if m.start > after and m.label in BODY_LABELS]
    return bodies[0].name if bodies else None


def _opens_paragraph(text: str, mark: int) -> bool:
    return text[max(0, text.rfind("\n\n", 0, mark)) : mark].strip() == ""


def _first_person_after(text: str, mentions: list[_Mention], after: int) -> str | None:
    """The first person named in the sentence that follows a quote."""
    match = _SENTENCE_END.search(text, after + 1)
    end = match.end() if match else len(text)
    people = [m for m in mentions if after <= m.start and m.end <= end and m.label == "PERSON"]
    return people[0].name if people else None


def _antecedent(text: str, mentions: list[_Mention], before: int) -> str | None:
    """Who "he"/"she" refers to: the last person, or body named with an unnamed official."""
    for mention in reversed([m for m in mentions if m.end <= before]):
        if mention.label == "PERSON":
            return mention.name
        if mention.label in BODY_LABELS and _UNNAMED_SPEAKER.match(
            text[mention.end : mention.end + 40]
        ):
            return mention.name
    return None


def _gap_is_one_sentence(text: str, previous_end: int, start: int) -> bool:
    if previous_end < 0:
        return False
    gap = text[previous_end + 1 : start - 1]
    return len(_SENTENCE_END.findall(gap)) <= 1 and "\n\n" not in gap
