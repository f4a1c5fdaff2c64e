"""Measures: the policy actions a sentence states, typed, with actor, date and status.

A sentence carries a measure type when one of the type's cues matches (``nlp/data/
measure_cues.yaml``); cue words inside the names of bodies and companies do not count. The actor
is a body, company, person or country of the document (generic agents such as "the agency" or
"the government" resolve to the entity they refer to), or None when none qualifies.
``risk_warning`` needs a public or international body, a person or a country as the actor:
warnings by companies are not official risk warnings. The actor is the first named
entity after a reporting verb ("X said Y would ...": Y), else the first one in the sentence. The
date is the first resolved date expression in the sentence; the status follows the precedence
reported > planned > in effect > announced. Documents the relevance rules find off-topic carry
no measures: a measure responds to AI cyber risk. The types the cues give are then checked and
completed by the trained classifier of ``measure_classifier.py`` (a type it rejects is dropped,
one it is sure of is added).

Reads no settings; data in ``nlp/data/measure_cues.yaml``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from nlp.components.measure_classifier import ADD, KEEP, masked_sentence, type_scores
from nlp.gazetteer_data import default_gazetteer
from policyradar.models import (
    BODY_LABELS,
    DateMention,
    Entity,
    Measure,
    MeasureStatus,
    MeasureType,
)

CUES_FILE = Path(__file__).resolve().parents[1] / "data" / "measure_cues.yaml"
_ABBREVIATIONS = re.compile(
    r"\b(?:U\.S|U\.K|Mr|Ms|Mrs|Dr|Prof|St|No|Co|Inc|Ltd|Corp|vs|e\.g|i\.e)\.$"
)
_LIST_NUMBER = re.compile(r"\(?\d{1,2}(?:\.\d{1,2})*[.)]?|\(?[a-z][.)]")
_LIST_ITEM = re.compile(r"^\s*(?:\(?[a-z0-9]{1,2}\)|[•▪●–-])\s")
_BINDING = re.compile(
    r"\b(binding|mandatory|must|order(s|ed)?|emergency directive|take effect)\b", re.I
)
# Words of joint action: international cooperation when the document names two countries.
_JOINT = re.compile(
    r"\b(joint|jointly|dialogue|delegations?|both sides|the two (countries|sides))\b", re.I
)
_REPORTING = re.compile(r"\b(said|says|announced|told|stated|added|noted|according to)\b", re.I)
_GENERIC_BODY = re.compile(
    r"\b(the|its) (agency|ministry|regulator|centre|center|institute|bank|department|authority|"
    r"commission|office|body|group|company|firm|lab|board|council|agencies|authors|authorities|"
    r"supervisors|regulators)\b",
    re.I,
)
_GENERIC_COUNTRY = re.compile(
    r"\b(the government|officials|ministries|the cabinet|authorities)\b", re.I
)
_FIRST_PERSON = re.compile(r"\b(we|our|us|members)\b", re.I)
_OFFICIAL_LABELS = ("GOV_BODY", "INTL_BODY", "PERSON", "COUNTRY")
# Coordination counts as international cooperation only between countries.
_FOREIGN = re.compile(
    r"\b(international\w*|overseas|foreign|counterparts|partners|allies|bilateral|multilateral|"
    r"cross-border|cross(?:es|ing)? borders|abroad|G7|G20|other countries|other governments|global|"
    r"(?:the|two) sides|liaison|(?:Japanese|American|U\.S\.|British|French|German|Italian|"
    r"Canadian|European|Chinese|Korean|Indian|Australian) (?:officials|counterparts|authorities|"
    r"ministers|agencies|regulators|government))\b",
    re.I,
)


@dataclass(frozen=True)
class Cues:
    """Compiled cue patterns."""

    types: dict[MeasureType, list[re.Pattern[str]]]
    status: dict[MeasureStatus, re.Pattern[str]]
    recommendation: re.Pattern[str]
    passing: dict[MeasureType, re.Pattern[str]]


@lru_cache(maxsize=1)
def load_cues(path: Path = CUES_FILE) -> Cues:
    """Read and compile the cue lists."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Cues(
        # One alternation per type: a single search per sentence instead of one per cue.
        types={
            MeasureType(name): [re.compile("|".join(f"(?:{p})" for p in patterns), re.I)]
            for name, patterns in data["types"].items()
        },
        status={
            MeasureStatus(name): re.compile(pattern, re.I)
            for name, pattern in data["status"].items()
        },
        recommendation=re.compile(data["recommendation"], re.I),
        passing={
            MeasureType(name): re.compile(pattern, re.I)
            for name, pattern in data.get("passing", {}).items()
        },
    )


# A sentence ends at . ! ? before a space and a capital, a quotation mark or a digit; at a line
# break; and before the items of a run-in list ("decided to: (a) ...; (b) ...", "• ...").
_BOUNDARY = re.compile(
    r"[.!?][”\"’]?(?=\s+[\"“‘A-Z0-9])|\n+|(?<=[;:,.])\s+(?:and\s+|or\s+)?(?=\([a-z0-9]{1,2}\)\s)"
    r"|\s+(?=[•▪●]\s)"
)


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (see ``_BOUNDARY``); a full stop after an abbreviation or a paragraph
    number such as "1." or "3.2" ends nothing."""
    spans = []
    start = 0
    for match in re.finditer(_BOUNDARY, text):
        end = match.end()
        if match.group(0).startswith((".",)) and _ABBREVIATIONS.search(text[start:end]):
            continue
        if _LIST_NUMBER.fullmatch(text[start:end].strip()):
            continue  # "1. " or "3.2 " opening a numbered paragraph is part of its sentence
        segment = text[start:end].strip()
        if segment:
            left = start + (len(text[start:end]) - len(text[start:end].lstrip()))
            spans.append((left, left + len(segment)))
        start = end
    tail = text[start:].strip()
    if tail:
        left = start + (len(text[start:]) - len(text[start:].lstrip()))
        spans.append((left, left + len(tail)))
    return spans


def entity_mentions(entities: list[Entity]) -> list[tuple[int, int, str, str]]:
    """Every mention of every entity as (start, end, label, name), in text order."""
    return sorted(
        ((m.start, m.end, e.label.value, e.name) for e in entities for m in e.mentions),
        key=lambda m: m[0],
    )


def _within(
    mentions: list[tuple[int, int, str, str]], start: int, end: int
) -> list[tuple[int, int, str, str]]:
    """The mentions inside ``[start, end)``, found by bisection: long texts have thousands of
    sentences and mentions, and a scan per sentence would be quadratic."""
    first = bisect_left(mentions, start, key=lambda m: m[0])
    last = bisect_left(mentions, end, key=lambda m: m[0])
    return [m for m in mentions[first:last] if m[1] <= end]


def _actor(
    text: str, start: int, end: int, mentions: list[tuple[int, int, str, str]]
) -> tuple[str | None, str | None]:
    inside = _within(mentions, start, end)
    sentence = text[start:end]
    reporting = _REPORTING.search(sentence)
    if reporting:
        after = [m for m in inside if m[0] >= start + reporting.end()]
        if after:
            return after[0][3], after[0][2]
    if inside:
        return inside[0][3], inside[0][2]
    earlier = [m for m in mentions if m[1] <= start]
    if _GENERIC_BODY.search(sentence):
        bodies = [m for m in earlier if m[2] in BODY_LABELS]
        if bodies:
            return bodies[-1][3], bodies[-1][2]
    if _GENERIC_COUNTRY.search(sentence):
        countries = [m for m in earlier if m[2] == "COUNTRY"]
        if countries:
            return countries[-1][3], countries[-1][2]
    if _FIRST_PERSON.search(sentence):
        # "We propose ...", "In our view ...": the speaker, the official or body named last.
        speakers = [m for m in earlier if m[2] in _OFFICIAL_LABELS and m[2] != "COUNTRY"]
        if speakers:
            return speakers[-1][3], speakers[-1][2]
    return None, None


def _country_of(entity: Entity) -> str | None:
    """The ISO country code of a country, a government body or an official (through the
    gazetteer, else a person's affiliation); None for companies and international bodies."""
    label = entity.label.value
    if label in ("COMPANY", "INTL_BODY", "AI_MODEL"):
        return None
    codes = _country_codes()
    if label == "GOV_BODY":
        return entity.attrs.get("country") or codes.get(entity.name)
    if label == "COUNTRY":
        return codes.get(entity.name, entity.name)
    return codes.get(entity.name) or codes.get(entity.attrs.get("affiliation", ""))


@lru_cache(maxsize=1)
def _country_codes() -> dict[str, str]:
    """Canonical name -> country code of every gazetteer entry that has one."""
    return {
        entry.name: entry.country
        for entry in default_gazetteer().entries.values()
        if entry.country and entry.label.value != "COMPANY"
    }


def _blank(text: str, pattern: re.Pattern[str] | None) -> str:
    if pattern is None:
        return text
    return pattern.sub(lambda match: " " * len(match.group(0)), text)


def _is_heading(sentence: str) -> bool:
    """A short line without closing punctuation ("Recommended actions", "Why access is
    limited") titles a section; it states nothing. A numbered headline ("1. Regulator sets
    deadline") is an item of a digest, not a heading."""
    return (
        not sentence.rstrip().endswith((".", "!", "?", '"', "”", ":", ";", ")"))
        and len(sentence.split()) <= 8
        and not _LIST_NUMBER.match(sentence.split()[0] if sentence.split() else "")
    )


def _is_question(sentence: str) -> bool:
    stripped = sentence.rstrip(' ”"’')
    return stripped.endswith("?") or bool(re.match(r"^Q\s*[:.]", sentence))


def _international(
    sentence: str,
    inside: list[tuple[int, int, str, str]],
    countries: dict[str, str | None],
) -> bool:
    """Whether a sentence is about more than one country: an international body, two
    countries (named, or through their bodies), or a word that says so."""
    if any(label == "INTL_BODY" for _, _, label, _ in inside):
        return True
    named = {countries.get(name) for _, _, _, name in inside} - {None}
    return len(named) >= 2 or bool(_FOREIGN.search(sentence))


def _status(sentence: str, cues: Cues) -> MeasureStatus:
    for status in (MeasureStatus.REPORTED, MeasureStatus.PLANNED, MeasureStatus.IN_EFFECT):
        if cues.status[status].search(sentence):
            return status
    return MeasureStatus.ANNOUNCED


def find_measures(
    text: str,
    entities: list[Entity],
    dates: list[DateMention],
    relevant: bool = True,
    use_classifier: bool = True,
) -> list[Measure]:
    """Typed measures of every sentence of ``text`` (see the module docstring); the cue
    rules' types, checked and completed by the trained classifier unless ``use_classifier``
    is False."""
    if not relevant or not text.strip():
        return []
    mentions = entity_mentions(entities)
    candidates = _rule_types(text, entities, mentions)
    if use_classifier and candidates:
        scores = type_scores(
            [
                masked_sentence(text, start, end, _within(mentions, start, end))
                for start, end, _ in candidates
            ]
        )
        candidates = [
            (start, end, _combine(types, score))
            for (start, end, types), score in zip(candidates, scores, strict=True)
        ]
    cues = load_cues()
    found: list[Measure] = []
    for start, end, types in candidates:
        if not types:
            continue
        sentence = text[start:end]
        actor, actor_label = _actor(text, start, end, mentions)
        date = next((d.value for d in dates if start <= d.start < end and d.value), None)
        status = _status(sentence, cues)
        for kind in types:
            if kind is MeasureType.RISK_WARNING and actor_label in ("COMPANY", "AI_MODEL"):
                continue  # companies' and experts' warnings are not official risk warnings
            if kind is MeasureType.INTERNATIONAL_COOPERATION and actor_label == "COMPANY":
                continue  # cooperation between governments, not a company's partnerships
            found.append(
                Measure(
                    type=kind,
                    actor=actor,
                    date=date,
                    status=status,
                    start=start,
                    end=end,
                    text=sentence,
                )
            )
    return found


def _combine(rules: list[MeasureType], scores: dict[str, float]) -> list[MeasureType]:
    """The rules' types the classifier does not reject, plus the ones it is sure of."""
    if not scores:
        return rules
    kept = [kind for kind in rules if scores.get(kind.value, 1.0) >= KEEP]
    added = [
        kind for kind in MeasureType if kind not in rules and scores.get(kind.value, 0.0) >= ADD
    ]
    return kept + added


def _rule_types(
    text: str, entities: list[Entity], mentions: list[tuple[int, int, str, str]]
) -> list[tuple[int, int, list[MeasureType]]]:
    """Each sentence that can state a measure (not a question or a heading) with the types
    its cues give."""
    cues = load_cues()
    countries = {e.name: _country_of(e) for e in entities}
    out: list[tuple[int, int, list[MeasureType]]] = []
    recommending = False  # inside the items of a list introduced by a recommendation
    # A document naming two or more countries: its "joint" actions are between them.
    bilateral = len({countries.get(e.name) for e in entities if e.label.value == "COUNTRY"}) >= 2
    for start, end in sentences(text):
        sentence = text[start:end]
        item = bool(_LIST_ITEM.match(sentence))
        recommending = recommending and item
        # Cue words inside names ("International Monetary Fund", "Financial Stability Board")
        # say nothing about what the sentence does: blank the names of bodies and companies.
        masked = list(sentence)
        inside = _within(mentions, start, end)
        for m_start, m_end, label, _ in inside:
            if label in BODY_LABELS:
                masked[m_start - start : m_end - start] = "X" * (m_end - m_start)
        cue_text = "".join(masked)
        if _is_question(cue_text) or _is_heading(sentence):
            continue  # a question asks about a measure, a heading names one: neither states it
        types = []
        for kind, patterns in cues.types.items():
            text_for_kind = _blank(cue_text, cues.passing.get(kind))  # once per type, not per cue
            if any(p.search(text_for_kind) for p in patterns):
                types.append(kind)
        if MeasureType.INTERNATIONAL_COOPERATION in types and not (
            _international(cue_text, inside, countries) or (bilateral and _JOINT.search(cue_text))
        ):
            types.remove(MeasureType.INTERNATIONAL_COOPERATION)
        if recommending:
            types = [MeasureType.GUIDANCE]  # "We recommend that firms: • patch ...; • test ..."
        elif sentence.rstrip().endswith(":") and cues.recommendation.search(cue_text):
            recommending = True
        if MeasureType.GUIDANCE in types and cues.recommendation.search(cue_text):
            # A recommendation is guidance only, unless it is made binding.
            # Joint guidance is cooperation as well.
            keep = [
                MeasureType.GUIDANCE,
                MeasureType.RISK_WARNING,
                MeasureType.INTERNATIONAL_COOPERATION,
            ]
            if _BINDING.search(cue_text):
                keep.append(MeasureType.REGULATION)
            types = [t for t in types if t in keep]
        if MeasureType.DIRECTIVE in types and MeasureType.RISK_WARNING in types:
            types.remove(MeasureType.RISK_WARNING)  # an instruction about a threat is no warning
        out.append((start, end, types))
    return out
