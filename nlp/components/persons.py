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

from policyradar.models import Entity

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
_APPOSITION = re.compile(r"^,\s+(?:who\s+)?(?:an?\s+|the\s+)?([^,.;:“”\"]+)")
_BODY_LABELS = ("GOV_BODY", "INTL_BODY", "COMPANY")
_GENERIC_POSSESSIVE = re.compile(
    r"(?:the\s+)?\b(agency|ministry|group|company|bank|association|institute|centre|center|"
    r"regulator|firm|office|board|fund|department)(?:’s|'s)\s+"
)
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
            if e.label.value in _BODY_LABELS
            for m in e.mentions
        ),
        key=lambda item: item[0],
    )
    for entity in entities:
        if entity.label.value != "PERSON":
            continue
        for mention in entity.mentions:
            attrs = _from_title(
                text[max(0, mention.start - 80) : mention.start]
            ) or _from_apposition(text, mention.end, bodies)
            if attrs:
                for key, value in attrs.items():
                    entity.attrs.setdefault(key, value)
                break


def _from_title(before: str) -> dict[str, str]:
    match = _TITLE_BEFORE.search(before)
    if not match:
        return {}
    role = _PLACE_WORDS.sub("", match.group(1).strip())
    role = re.sub(
        r"^(?:[a-z]+\s+)+", "", role
    )  # lower-case words before the title ("has instructed")
    if not role:
        return {}
    attrs = {"role": role}
    for title, body in title_affiliations().items():
        if role.endswith(title) or role == title:
            attrs["affiliation"] = body
            break
    return attrs


def _from_apposition(text: str, end: int, bodies: list[tuple[int, int, str]]) -> dict[str, str]:
    match = _APPOSITION.match(text[end : end + 200])
    if not match:
        return {}
    phrase_start = end + match.start(1)
    phrase_end = end + match.end(1)
    phrase = text[phrase_start:phrase_end].strip()
    phrase = re.split(r"\s+who\s+", phrase)[0]
    phrase = _PLACE_POSSESSIVE.sub("", phrase)
    inside = [b for b in bodies if phrase_start <= b[0] and b[1] <= phrase_start + len(phrase)]
    generic = _GENERIC_POSSESSIVE.search(phrase)
    if not inside and generic:
        earlier = [b for b in bodies if b[1] <= end]
        role = _drop_owner(phrase, generic.group(0))
        attrs = {"role": role}
        if earlier:
            attrs["affiliation"] = earlier[-1][2]
        return attrs
    if not inside:
        return {"role": phrase} if len(phrase.split()) <= 8 else {}
    b_start, b_end, name = inside[0]
    surface = text[b_start:b_end]
    at = re.search(rf"\s+(?:at|with|from)\s+(?:the\s+)?{re.escape(surface)}\b", phrase)
    if at:
        role = phrase[: at.start()]
    else:
        owner = re.search(rf"(?:the\s+)?{re.escape(surface)}(?:’s|'s)?\s+", phrase)
        role = _drop_owner(phrase, owner.group(0)) if owner else phrase
    return {"role": " ".join(role.split()), "affiliation": name}


def _drop_owner(phrase: str, owner: str) -> str:
    """Remove "the X's " from a role; after a preposition keep "the" ("head of the ... office")."""
    index = phrase.find(owner)
    before = phrase[:index]
    keep_the = bool(re.search(r"\b(of|in|at|for|on|to)\s*$", before))
    role = before + ("the " if keep_the else "") + phrase[index + len(owner) :]
    return " ".join(re.sub(r"^the\s+", "", role).split())
