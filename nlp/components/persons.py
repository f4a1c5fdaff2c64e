"""Persons: ``role`` and ``affiliation`` from titles and appositions, as the text states them.

- A title right before the name ("Finance Minister Satsuki Katayama") is the role; a title that
  names one body gives the affiliation (``nlp/data/title_affiliations.yaml``).
- An apposition after the name ("Sarah Whitfield, the NCSC's director of operations";
  "Haruto Sekine, a senior official at the National Cybersecurity Office"; "Tom Ellery, who
  leads cyber evaluations at AISI") gives the role without the body's name, and the body or
  company named in it as the affiliation (canonical name).

Runs on the text and the linked entities of a whole document. Reads no settings.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from policyradar.models import BODY_LABELS, Entity

TITLES_FILE = Path(__file__).resolve().parents[1] / "data" / "title_affiliations.yaml"
_TITLE_BEFORE = re.compile(
    r"((?:(?:[A-Z][\w.’'-]*|of|the|and|for|in charge of)\s+){0,5}?"
    r"(?:Minister|Secretary|President|Governor|Chancellor|Commissioner|Director|Chair(?:man|woman)?|"
    r"CEO|Chief Executive|Ambassador|Senator|Representative|Mayor|Chief)"
    r"(?:\s+of(?:\s+the)?(?:\s+[A-Z][\w-]*)+)?)\s+$"
)
_PLACE_WORDS = re.compile(
    r"^(?:U\.S\.|US|UK|U\.K\.|Japan(?:’s|'s)?|Japanese|British|American|French|German|Italian|Canadian|EU)\s+"
)
# ", 54," (an age) may stand between a name and its apposition.
_APPOSITION = re.compile(r"^,\s+(?:\d{1,3},\s+)?(?:who\s+)?(?:an?\s+|the\s+)?([^,.;:“”\"?]+)")
# An apposition that opens with a verb is the rest of a sentence, not a title ("said in a
# statement", "put it to me bluntly").
_CLAUSE = re.compile(
    r"^(said|says|told|tells|put|puts|has|have|had|is|was|were|are|added|adds|warned|noted|"
    r"argued|asked|wrote|explained|stressed|speaking|according)\b",
    re.I,
)
_DEMONYM = re.compile(
    r"^(?:Japanese|British|American|French|German|Italian|Canadian|Norwegian|Swedish|Danish|"
    r"Finnish|Dutch|Swiss|Korean|South Korean|Australian|Indian|Singaporean|Chinese|Spanish|"
    r"Irish|Belgian|Austrian|Polish|European)\s+"
)
# "Torvane's chief information security officer": the owner is the affiliation.
_OWNER = re.compile(r"^([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,3})(?:’s|'s)\s+(.+)$")
_GENERIC_NOUNS = (
    r"agency|ministry|group|company|bank|association|institute|centre|center|regulator|firm|"
    r"office|board|fund|department|committee|council|commission|authority|supervisor|lab"
)
_GENERIC_POSSESSIVE = re.compile(rf"(?:the\s+)?\b({_GENERIC_NOUNS})(?:’s|'s)\s+")
# "a spokesperson for the centre": the body is the one of that kind named before.
_GENERIC_OWNER = re.compile(rf"\s+(?:at|of|for|with|from)\s+the\s+({_GENERIC_NOUNS})$")
# Lower-case job titles after a body's name: "Barclays finance director Helen Carver".
_JOB_BEFORE = re.compile(
    r"^\s*((?:[a-z][\w-]*\s+){0,3}?(?:director|chief|head|spokesperson|spokeswoman|spokesman|"
    r"analyst|chairman|chairwoman|chair|president|official|economist|strategist|officer|"
    r"minister|secretary|governor|executive|adviser|advisor|manager|researcher|lead))\s+$"
)
# A sentence or paragraph break: a title never reaches across one ("Tuesday. Prime Minister").
_BREAK = re.compile(r"(?<!\b[A-Z])(?<!\bU\.S)(?<!\bU\.K)[.!?:;]\s+|\n")
_PLACE_POSSESSIVE = re.compile(
    r"^(?:Japan|Britain|France|Germany|Italy|Canada|the United States|the UK|China)(?:’s|'s)\s+"
)


@lru_cache(maxsize=1)
def title_affiliations() -> dict[str, str]:
    """Title -> canonical body, longest titles first."""
    data: dict[str, str] = yaml.safe_load(TITLES_FILE.read_text(encoding="utf-8"))
    return dict(sorted(data.items(), key=lambda item: -len(item[0])))


def add_person_attrs(text: str, entities: list[Entity]) -> None:
    """Fill ``role`` / ``affiliation`` of PERSON entities in place."""
    bodies = sorted(
        (
            (m.start, m.end, e.name)
            for e in entities
            if e.label.value in BODY_LABELS
            for m in e.mentions
        ),
        key=lambda item: item[0],
    )
    for entity in entities:
        if entity.label.value != "PERSON":
            continue
        for mention in entity.mentions:
            attrs = (
                _from_title(text, mention.start, bodies)
                or _from_apposition(text, mention.end, bodies)
                or _from_job_before(text, mention.start, bodies)
            )
            if attrs:
                for key, value in attrs.items():
                    entity.attrs.setdefault(key, value)
                break


def _since_break(text: str, start: int, width: int = 80) -> int:
    """Where the sentence holding ``start`` begins, looking back at most ``width`` chars."""
    left = max(0, start - width)
    breaks = list(_BREAK.finditer(text, left, start))
    return breaks[-1].end() if breaks else left


def _from_title(text: str, start: int, bodies: list[tuple[int, int, str]]) -> dict[str, str]:
    left = _since_break(text, start)
    match = _TITLE_BEFORE.search(text[left:start])
    if not match:
        return {}
    role_start = left + match.start(1)
    role = match.group(1).strip()
    # "BSI President Katharina Vogt": the body named first is the affiliation, not the role.
    owner = next((b for b in bodies if b[0] == role_start and b[1] < start), None)
    plain = re.sub(r"^(?:[a-z]+\s+)+", "", _PLACE_WORDS.sub("", role))
    known = _known_title(plain)
    if known is not None:  # "U.S. Treasury Secretary": the title names the body itself
        return {"role": plain, "affiliation": known}
    if owner is not None:
        role = text[owner[1] : start].strip()
        role = re.sub(r"^(?:’s|'s)\s+", "", role)
    role = _PLACE_WORDS.sub("", role)
    role = re.sub(
        r"^(?:[a-z]+\s+)+", "", role
    )  # lower-case words before the title ("has instructed")
    if not role:
        return {}
    attrs = {"role": role}
    if owner is not None:
        attrs["affiliation"] = owner[2]
    return attrs


def _known_title(role: str) -> str | None:
    """The body a title names ("Finance Minister" -> "Ministry of Finance"), if any."""
    for title, body in title_affiliations().items():
        if role.endswith(title):
            return body
    return None


def _from_job_before(text: str, start: int, bodies: list[tuple[int, int, str]]) -> dict[str, str]:
    """ "Barclays finance director Helen Carver": a body, then a lower-case job title."""
    left = _since_break(text, start)
    owner = next(
        (b for b in reversed(bodies) if left <= b[0] and b[1] < start and b[1] > start - 50), None
    )
    if owner is None:
        return {}
    between = re.sub(r"^(?:’s|'s)", "", text[owner[1] : start])
    match = _JOB_BEFORE.match(between)
    if not match:
        return {}
    return {"role": match.group(1), "affiliation": owner[2]}


def _from_apposition(text: str, end: int, bodies: list[tuple[int, int, str]]) -> dict[str, str]:
    match = _APPOSITION.match(text[end : end + 200])
    if not match:
        return {}
    phrase_start = end + match.start(1)
    phrase_end = end + match.end(1)
    phrase = text[phrase_start:phrase_end].strip()
    if _CLAUSE.match(phrase):
        return {}
    phrase = re.split(r"\s+who\s+", phrase)[0]
    phrase = _DEMONYM.sub("", _PLACE_POSSESSIVE.sub("", phrase))
    inside = [b for b in bodies if phrase_start <= b[0] and b[1] <= phrase_start + len(phrase)]
    if not inside:
        # "Duncan Reid, Executive Director for Supervisory Risk, Bank of England;": a
        # signature, a witness list or a by-line names the body right after the title.
        after = re.match(r",\s+(?:the\s+)?", text[phrase_end : phrase_end + 8])
        follow = after and next((b for b in bodies if b[0] == phrase_end + after.end()), None)
        if follow and re.match(r"\s*(?:[;.)\n]|$)", text[follow[1] : follow[1] + 2]):
            return {"role": phrase, "affiliation": follow[2]}
    generic = _GENERIC_POSSESSIVE.search(phrase)
    owner_after = _GENERIC_OWNER.search(phrase)
    if not inside and owner_after and not generic:
        attrs = {"role": phrase[: owner_after.start()].strip()}
        body = _referent(owner_after.group(1), bodies, end)
        if body:
            attrs["affiliation"] = body
        return attrs
    if not inside and generic:
        attrs = {"role": _drop_owner(phrase, generic.group(0))}
        body = _referent(generic.group(1), bodies, end)
        if body:
            attrs["affiliation"] = body
        return attrs
    owned = _OWNER.match(phrase)
    if owned and not _GENERIC_POSSESSIVE.search(phrase):
        owner = owned.group(1)
        # "Northvale's CISO" is the "Northvale Bank" named elsewhere in the text
        longer = sorted({b[2] for b in bodies if b[2].startswith(owner + " ")}, key=len)
        exact = next((b[2] for b in inside if text[b[0] : b[1]] == owner), None)
        known = exact if exact and exact != owner else next(iter(longer), exact)
        return {"role": owned.group(2), "affiliation": known or owner}
    if not inside:
        # "a banking analyst at Peel Hunt": an employer the tagger does not know by name.
        employer = re.match(
            r"^(.+?)\s+at\s+(?:[\w-]+-based\s+|[a-z-]+\s+){0,3}"
            r"((?:[A-Z][\w&.-]*)(?:\s+[A-Z][\w&.-]*){0,3})$",
            phrase,
        )
        if employer:
            return {"role": employer.group(1), "affiliation": employer.group(2)}
        return {"role": phrase} if len(phrase.split()) <= 8 else {}
    b_start, b_end, name = inside[0]
    surface = text[b_start:b_end]
    at = re.search(
        rf"\s+(?:at|with|from)\s+(?:the\s+)?(?:[\w-]+-based\s+|[a-z-]+\s+){{0,3}}"
        rf"{re.escape(surface)}\b",
        phrase,
    ) or re.search(rf"\s+(?:of|for)\s+(?:the\s+)?{re.escape(surface)}$", phrase)
    if at:
        role = phrase[: at.start()]
    else:
        owner = re.search(rf"(?:the\s+)?{re.escape(surface)}(?:’s|'s)?\s+", phrase)
        role = _drop_owner(phrase, owner.group(0)) if owner else phrase
    return {"role": " ".join(role.split()), "affiliation": name}


def _referent(noun: str, bodies: list[tuple[int, int, str]], end: int) -> str | None:
    """The body "the committee" / "the agency" refers to: the last one named before ``end``
    whose name has that noun, else the last one named."""
    earlier = [b for b in bodies if b[1] <= end]
    same_kind = [b for b in earlier if noun.lower() in b[2].lower()]
    chosen = same_kind or earlier
    return chosen[-1][2] if chosen else None


def _drop_owner(phrase: str, owner: str) -> str:
    """Remove "the X's " from a role; after a preposition keep "the" ("head of the ... office")."""
    index = phrase.find(owner)
    before = phrase[:index]
    keep_the = bool(re.search(r"\b(of|in|at|for|on|to)\s*$", before))
    role = before + ("the " if keep_the else "") + phrase[index + len(owner) :]
    return " ".join(re.sub(r"^the\s+", "", role).split())
