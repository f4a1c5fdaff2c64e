"""Entities and linking: gazetteer matches win over the statistical NER, everything canonical.

``policyradar_entities`` (a registered spaCy factory) runs after the model's ``ner``:

1. Every gazetteer name and alias is matched exactly (case-sensitive phrase matching), so
   "FSA", "Financial Services Agency" and the "FSA" in "Japan's FSA" all become the entry
   "Financial Services Agency"; "the" and possessives fall outside the match by tokenisation.
   An alias shared by several entries is resolved with the disambiguation rules and the text.
2. The model's PERSON / ORG / GPE / PRODUCT entities that do not overlap a gazetteer match are
   kept, normalised (titles and possessive 's stripped) and classified into the six labels by
   the rules in :func:`classify_unknown`; generic or unclassifiable ones are dropped. A name
   the model took for an organisation or a place is a person when it starts with a common
   given name (``nlp/data/given_names.txt``) or stands before a personal apposition.
3. Surname-only mentions ("Matsumoto said") are linked to the full name seen in the document.

The resulting spans are the doc's ``ents`` with the canonical record in ``span._.pr_entity``.
Data lives in ``nlp/gazetteer`` and ``nlp/data/given_names.txt``; reads no settings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from nlp.gazetteer_data import Entry, Gazetteer, default_gazetteer
from policyradar.models import BODY_LABELS

if not Span.has_extension("pr_entity"):
    Span.set_extension("pr_entity", default=None)

_TITLES = re.compile(
    r"^(?:(?:Prime|Deputy|Vice|Digital|Finance|Foreign|Cybersecurity|Chief|Cabinet|Economy|"
    r"Trade|Economic|Security|Defence|Defense|Home|Interior)\s+)*"
    r"(?:Minister|Secretary|President|Chancellor|Governor|Commissioner|Director|Chair(?:man|woman)?|"
    r"CEO|Chief|Mr\.?|Ms\.?|Mrs\.?|Dr\.?|Prof\.?|Sir|Dame|Senator|Rep\.?|General|Councillor|"
    r"Councilor|Cllr\.?|Representative|Mayor|Judge|Lord|Lady|Baroness|Chairperson|Chair)\s+",
)
_GOV_WORDS = re.compile(
    r"\b(Ministry|Minister|Agency|Department|Authority|Commission|Cabinet|Government|Parliament|"
    r"Diet|Congress|Senate|Bureau|Office|Council|Institute|Centre|Center|Service|Regulator|"
    r"Reserve|Treasury|Administration|Directorate|Secretariat|Police|Central Bank|Bank of|"
    r"Committee|Assembly|House of|Court|Tribunal|Inspectorate|Ombudsman)\b"
)
_INTL_WORDS = re.compile(
    r"\b(G7|G20|United Nations|UN|International|World|Organisation|Organization|Union|Forum|"
    r"European|OECD|IMF|NATO|ASEAN|APEC|Group of Seven|Group of Twenty|Multilateral)\b"
)
_COMPANY_WORDS = re.compile(
    r"\b(Inc|Corp|Corporation|Ltd|LLC|plc|PLC|Group|Holdings|Co|Company|Technologies|Labs|"
    r"Bank|Financial|Securities|Capital|Partners|Systems|Networks|Software|Motors)\b\.?"
)
_TITLE_FOLLOWERS = {
    "Minister",
    "Secretary",
    "Ministers",
    "Commissioner",
    "Director",
    "Chief",
    "Officer",
    "Adviser",
    "Advisor",
    "Envoy",
    "Ambassador",
}
# ", chief information security officer at ...", ", president of ...": what follows a person.
_PERSON_APPOSITION = re.compile(
    r"^,\s+(?:a\s+|an\s+|the\s+|its\s+)?(?:[\w’'.-]+\s+){0,5}?(?:president|chief|director|head|"
    r"minister|secretary|spokesperson|spokesman|spokeswoman|analyst|chair|chairman|chairwoman|"
    r"governor|deputy|adviser|advisor|officer|executive|founder|professor|researcher|partner|"
    r"manager|lead|leader|economist|commissioner|ceo|ciso|cto|cio)\b",
    re.I,
)
_HONORIFICS = frozenset(
    (
        "Mr",
        "Mr.",
        "Ms",
        "Ms.",
        "Mrs",
        "Mrs.",
        "Dr",
        "Dr.",
        "Sir",
        "Dame",
        "Lord",
        "Lady",
        "Baroness",
        "Baron",
        "Professor",
        "Prof.",
        "Senator",
        "Rep.",
    )
)
_NAME_TOKEN = re.compile(r"^[A-ZÀ-Þ][a-zß-ÿ]+(?:-[A-ZÀ-Þ]?[a-zß-ÿ]+)?$")
GIVEN_NAMES_FILE = Path(__file__).resolve().parents[1] / "data" / "given_names.txt"


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Common given names (``nlp/data/given_names.txt``): the model often calls a name it does
    not know from English text ("Hiro Tanabe", "Seo-yeon Park") an organisation."""
    lines = GIVEN_NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


_MODEL_NAME = re.compile(
    r"^(GPT|Claude|Gemini|Llama|Grok|Mistral|DeepSeek|Qwen|o\d|Phi|Copilot|ChatGPT)\b", re.I
)
# Names of laws, reports, programmes and frameworks, and internal units of a body: none of
# the six labels (the taxonomy tags bodies, not their departments or documents).
_NOT_AN_ACTOR = re.compile(
    r"\b(Act|Acts|Report|Regulation|Directive|Framework|Programme|Program|Initiative|Strategy|"
    r"Guidelines?|Vulnerabilities|Catalog(ue)?|Index|Standard|Law|Bill|Treaty)$|^Project\b|"
    r"\b(Department|Division|Board|Unit|Team|Desk|Bureau)$|"
    # Capitalised topic phrases, section headings and document titles the model calls ORG
    # ("Frontier AI", "Supervisory Risk", "Cross-Ministerial Meeting", "Financial Stability
    # Review"): no organisation is named like that, and real ones are in the gazetteer.
    r"\b(Review|Meeting|Models?|Risk|Risks|Affairs|Resilience|Response|Outlook|Update|Briefing|ID|"
    r"Product ID)$|"
    r"^(Frontier|Advanced|Supervisory|National Resilience)\b|^(CBEST|TIBER(-\w+)?|FTSE( \d+)?)$|"
    # Documents, databases and titles ("Joint Statement", "Cyber AI Profile", "Notice on ...",
    # "State for Science" from "Secretary of State for Science").
    r"\b(Profile|Database|Statement|Benchmarks?|Proposal|Weekly|Hygiene|OS)$|"
    r"\b(Profile|Framework) (for|on|of)\b|^(Notice|State)\b"
)
# Job nouns that precede an employer: "an analyst at X", "a partner at X".
_JOB_NOUNS = {
    "analyst",
    "economist",
    "strategist",
    "director",
    "head",
    "chief",
    "officer",
    "researcher",
    "partner",
    "fellow",
    "professor",
    "executive",
    "manager",
    "engineer",
    "consultant",
    "adviser",
    "advisor",
    "lawyer",
    "scientist",
}
_DOMAIN_WORDS = {
    "AI",
    "A.I.",
    "Cyber",
    "Cybersecurity",
    "Security",
    "Sharing",
    "Financial System",
    "Internet",
    "Cloud",
    "Crypto",
    "Fintech",
    "Big Tech",
    "Tech",
    "Digital",
    "Data",
}
_GENERIC = {
    # salutations and the labels of a Q&A ("Dear Madam", "Answer")
    "answer",
    "question",
    "madam",
    "sir",
    "honourable",
    "dear",
    "government",
    "the government",
    "ministry",
    "agency",
    "regulators",
    "the company",
    "bank",
    "the bank",
    "cabinet",
    "parliament",
    "congress",
    "the ministry",
    "the agency",
    "committee",
    "commission",
    "the committee",
    "the commission",
}


def normalise_name(text: str) -> str:
    """Strip titles, possessives, quotes and extra spaces from a model entity's text."""
    name = " ".join(text.split())
    name = re.split(r"\s*\(", name)[0]  # "Eleanor Marsh (Chair"
    # "University of Edinburgh — News", "MELBOURNE — Riverton Bank": a heading or a dateline
    # joined to the name by a dash; keep the part that is not in capitals or a section word.
    parts = [p for p in re.split(r"\s+[—–]\s+|\s*[—–]\s*", name) if p.strip()]
    if len(parts) > 1:
        named = [p for p in parts if not p.isupper() and p.strip() not in _TOPIC_WORDS]
        name = named[0] if named else parts[0]
    name = name.strip(" '\"“”‘’,.;:()•")
    # "Ledgerline Inc", "Bharti Airtel Ltd": the legal form is not part of the name we show;
    # "Department of Telecommunications No" (from "No. 12"): nor is a reference number.
    name = re.sub(r"\s+(?:Ltd|Limited|Inc|Corp|Corporation|plc|PLC|LLC|Co|No)\.?$", "", name)
    name = re.sub(r"^(?:Dear|Honourable|Honorable)\s+", "", name)
    name = re.sub(r"(?:'s|’s|')$", "", name)
    name = re.sub(r"^(?:the|The)\s+", "", name)
    name = re.sub(r"^Q\d+\s+", "", name)  # a question number in a hearing transcript
    return _TITLES.sub("", name).strip()


def classify_unknown(model_label: str, name: str) -> str | None:
    """Map a model entity not in the gazetteer to one of the six labels (None drops it).

    PERSON stays PERSON. An ORG naming an international forum is INTL_BODY, one with a
    governmental word (Ministry, Agency, Bank of, ...) is GOV_BODY, else COMPANY. A PRODUCT
    named like a model family is AI_MODEL. GPEs are only kept through the gazetteer, because
    the model's GPE mixes countries with cities and regions.
    """
    if not name or name.lower() in _GENERIC or len(name) < 2 or name in _DOMAIN_WORDS:
        return None
    if name in _COMMON_ACRONYMS or name in _TIME_ZONES or re.fullmatch(r"[A-Z]{2,5}[ -]?\d+", name):
        return None  # "09:40 BST", "CPS 234", "UIN 48213"
    if _NOT_AN_ACTOR.search(name) or all(word in _TOPIC_WORDS for word in name.split()):
        return None
    if model_label == "PERSON":
        if _ORG_TAIL.search(name):
            return "COMPANY"  # "Kestrel Networks", "Corvalis Software"
        # A lone capitalised word is as often a sentence-initial noun as a name; surnames of
        # people named in full are linked separately.
        return "PERSON" if " " in name else None
    if model_label == "ORG":
        head = _head_word(name)
        if _INTL_WORDS.search(name) and not _GOV_WORDS.fullmatch(head):
            return "INTL_BODY"
        if _GOV_WORDS.fullmatch(head):
            return "GOV_BODY"  # "Council of Financial Regulators", "Authority for the ..."
        if _GOV_WORDS.search(name) and not _COMPANY_WORDS.search(name.replace("Bank of", "")):
            return "GOV_BODY"
        return "COMPANY"
    if model_label == "PRODUCT" and _MODEL_NAME.search(name):
        return "AI_MODEL"
    return None


# Acronyms of things that are not bodies.
_COMMON_ACRONYMS = frozenset(
    "MPs MEPs ICT IT OT CPS SMEs CISO CEO CTO API VPN PDF CSIRTs CERTs".split()  # noqa: SIM905
)


def _is_dateline(doc: Doc, ent: Span, text: str) -> bool:
    """A place in capitals opening a paragraph ("OTTAWA —", "MUMBAI, May 20 (PTI) -")."""
    if not ent.text.isupper() or len(ent) > 3:
        return False
    opening = text[: ent.start_char].rstrip(" ")
    return (opening == "" or opening.endswith("\n")) and bool(
        re.match(r"\s*[,—–(-]", text[ent.end_char : ent.end_char + 3])
    )


def _head_word(name: str) -> str:
    """The head noun of a name: the word before its first "of/for/on" ("Council of Financial
    Regulators" -> "Council"), else its last word."""
    before = re.split(r"\s+(?:of|for|on)\s+", name)[0].split()
    return before[-1] if before else name


def _record(entry: Entry) -> dict[str, Any]:
    attrs: dict[str, str] = {}
    if entry.label.value == "GOV_BODY" and entry.country:
        attrs["country"] = entry.country
    return {"id": entry.id, "name": entry.name, "label": entry.label.value, "attrs": attrs}


# The last word of a company, product or document that the model called a person
# ("Kestrel Networks", "Coastline Mutual", "Budget Proposal").
_ORG_TAIL = re.compile(
    r"\b(Networks?|Software|Intelligence|Security|Mutual|Ratings|Insurance|Labs?|AI|Systems|"
    r"Solutions|Technologies|Analytics|Research|Ventures|Capital|Partners|Consulting|Media|News|"
    r"Bank|Pay|Cloud|Group|Holdings|Proposal|Statement|Bill|Report|Act|OS)$"
)
# Capitalised topic words: a name made only of these is a heading or a topic, not a body
# ("Digital Policy", "Banking Supervision", "Cyber Security", "Participant Services").
_TOPIC_WORDS = frozenset(
    [
        "Digital",
        "Policy",
        "Banking",
        "Supervision",
        "Financial",
        "Finance",
        "Markets",
        "Market",
        "Cyber",
        "Security",
        "Services",
        "Participant",
        "Information",
        "Technology",
        "Technologies",
        "Data",
        "Risk",
        "Risks",
        "Resilience",
        "Innovation",
        "Science",
        "Research",
        "Sharing",
        "Threat",
        "Threats",
        "Intelligence",
        "Defence",
        "Defense",
        "Cybersecurity",
        "AI",
        "Artificial",
        "Operational",
        "Stability",
        "Payments",
        "Payment",
        "Systems",
        "Infrastructure",
        "Critical",
        "National",
        "Public",
        "Private",
        "Sector",
        "Affairs",
        "Home",
        "Economic",
        "Economy",
        "Justice",
        "State",
        "Council",
        "Commonwealth",
        "Households",
        "Coordinated",
        "Response",
        "Incident",
        "Management",
        "Governance",
        "Compliance",
        "Strategy",
        "Network",
        "Networks",
        "Cloud",
        "Digitalisation",
        "Frontier",
        "Advanced",
        "Emerging",
        "Regulation",
        "Regulatory",
        "Consumer",
        "Protection",
        "Fraud",
        "Trade",
        "Industry",
        "Energy",
        "Health",
        "Transport",
        "Telecommunications",
        "Internet",
        "Online",
        "Safety",
        "Weekly",
        "Bulletin",
        "News",
        "Press",
        "Update",
        "Notice",
        "Release",
        "Media",
        "Advisory",
        "ID",
    ]
)
_TIME_ZONES = frozenset(
    [
        "BST",
        "GMT",
        "UTC",
        "CET",
        "CEST",
        "EET",
        "EEST",
        "JST",
        "KST",
        "SGT",
        "HKT",
        "IST",
        "EST",
        "EDT",
        "CST",
        "CDT",
        "MST",
        "MDT",
        "PST",
        "PDT",
        "AEST",
        "AEDT",
        "ACST",
        "AWST",
        "NZST",
        "NZDT",
    ]
)
# Places and institutions named after people ("George Washington University").
_NAMED_AFTER = re.compile(
    r"\b(University|College|School|Foundation|Hospital|Services|Management|Trust|Museum|"
    r"Airport|Street|Square|Park|Avenue|Road|Hall|Prize|Award|Fund|Associates|Consulting)\b"
)


def _given_name_first(name: str) -> bool:
    """Two or three name-shaped words, the first a known given name, no organisation word."""
    words = name.split()
    return (
        2 <= len(words) <= 3
        and words[0] in given_names()
        and all(_NAME_TOKEN.match(word) for word in words)
        and not any(
            words.search(name) for words in (_GOV_WORDS, _COMPANY_WORDS, _INTL_WORDS, _NAMED_AFTER)
        )
    )


_PARTICLES = frozenset(
    ["van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "le", "la"]
)
# "(RUSI)", "(NCSC-UK)", "(Cyber Centre)" right after a name defines its short form.
_DEFINITION = re.compile(
    r"\s*\((?:the\s+)?([A-Z][A-Za-z0-9&.-]*[A-Z][A-Za-z0-9&-]*|[A-Z][a-z]+ [A-Z][a-z]+)\)"
)


class EntityLinker:
    """The component behind the ``policyradar_entities`` factory."""

    def __init__(self, nlp: Language, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        forms = sorted(gazetteer.forms)
        for start in range(0, len(forms), 2000):
            chunk = forms[start : start + 2000]
            self.matcher.add("GAZ", [nlp.make_doc(form) for form in chunk])
        self.upper_forms = {
            form.upper(): form
            for form, ids in gazetteer.forms.items()
            if len(form) > 4
            and not form.isupper()
            and all(gazetteer.entries[i].label.value in ("COUNTRY", "INTL_BODY") for i in ids)
        }
        self.upper_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.upper_matcher.add("GAZ_UPPER", [nlp.make_doc(form) for form in self.upper_forms])

    def __call__(self, doc: Doc) -> Doc:
        """Replace ``doc.ents`` with canonical PolicyRadar entities."""
        spans = []
        text = doc.text  # built from every token on each access: read it once, not per match
        for _, start, end in self.matcher(doc):
            span = doc[start:end]
            window = text[max(0, span.start_char - 600) : span.end_char + 600]
            entry = self.gazetteer.resolve(span.text, window)
            if entry is not None:
                labelled = Span(doc, start, end, label=entry.label.value)
                labelled._.pr_entity = _record(entry)
                spans.append(labelled)
        spans.extend(self._capitalised(doc, text))
        gazetteer_spans = filter_spans(spans)
        taken = {i for span in gazetteer_spans for i in range(span.start, span.end)}
        model_spans = list(self._from_model(doc, taken, text))
        final = filter_spans([*gazetteer_spans, *model_spans])
        final = self._abbreviations(doc, text, final)
        final = self._short_forms(doc, final)
        final.extend(self._surnames(doc, final))
        doc.ents = filter_spans(final)
        return doc

    def _capitalised(self, doc: Doc, text: str) -> list[Span]:
        """Countries and international bodies written in capitals, as in section headings
        ("UNITED STATES", "EUROPEAN UNION")."""
        found = []
        for _, start, end in self.upper_matcher(doc):
            span = doc[start:end]
            entry = self.gazetteer.resolve(self.upper_forms[span.text], text)
            if entry is not None:
                labelled = Span(doc, start, end, label=entry.label.value)
                labelled._.pr_entity = _record(entry)
                found.append(labelled)
        return found

    @staticmethod
    def _short_forms(doc: Doc, spans: list[Span]) -> list[Span]:
        """ "Northvale" after "Northvale Bank", "Southern Cross" after "Southern Cross Mutual": a
        name the model found on its own is the longer unknown body that starts with it."""
        bodies = {
            record["name"]: record
            for span in spans
            if (record := span._.pr_entity)
            and record.get("id") is None
            and record["label"] in BODY_LABELS
        }
        relinked = []
        for span in spans:
            record = span._.pr_entity
            longer = (
                [n for n in bodies if n.startswith(record["name"] + " ")]
                if record and record.get("id") is None
                else []
            )
            if len(longer) == 1:
                target = bodies[longer[0]]
                linked = Span(doc, span.start, span.end, label=target["label"])
                linked._.pr_entity = target
                relinked.append(linked)
            else:
                relinked.append(span)
        return relinked

    @staticmethod
    def _abbreviations(doc: Doc, text: str, spans: list[Span]) -> list[Span]:
        """ "The Royal United Services Institute (RUSI)": an abbreviation a text defines in
        brackets after a name is that entity wherever it appears in the text."""
        defined: dict[str, dict[str, Any]] = {}
        for span in spans:
            record = span._.pr_entity
            match = _DEFINITION.match(text, span.end_char)
            if record and record["label"] != "PERSON" and match:
                defined.setdefault(match.group(1), record)
        if not defined:
            return spans
        kept = [s for s in spans if s.text not in defined or s._.pr_entity is defined[s.text]]
        taken = {i for s in kept for i in range(s.start, s.end)}
        for short, record in defined.items():
            for match in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text):
                found = doc.char_span(match.start(), match.end())
                if found is None or any(i in taken for i in range(found.start, found.end)):
                    continue
                linked = Span(doc, found.start, found.end, label=record["label"])
                linked._.pr_entity = record
                kept.append(linked)
                taken.update(range(found.start, found.end))
        return kept

    def _from_model(self, doc: Doc, taken: set[int], text: str) -> Iterable[Span]:
        for ent in doc.ents:
            if any(i in taken for i in range(ent.start, ent.end)):
                continue
            if ent.end < len(doc) and doc[ent.end].text in _TITLE_FOLLOWERS:
                continue  # "Cybersecurity Minister ...": part of a title, not an organisation
            if _is_dateline(doc, ent, text):
                continue
            name = normalise_name(ent.text)
            label = classify_unknown(ent.label_, name)
            if label is None and _given_name_first(name):
                label = "PERSON"  # a name the model took for a place or a product
            if label is None:
                continue
            entry = self.gazetteer.resolve(name, text)
            span = self._trim(doc, ent, name)
            if span is None:
                continue
            if entry is None and label != "PERSON":
                person = self._person_shaped(doc, span, taken, text)
                if person is not None:
                    span, name, label = person, person.text, "PERSON"
            if entry is None and label != "PERSON" and len(span) >= 2:
                person = self._person_at_end(doc, span)
                if person is not None:
                    span, name, label = person, person.text, "PERSON"
            if entry is None and label == "PERSON" and self._employer_position(doc, span):
                label = "COMPANY"  # "an analyst at Peel Hunt": a workplace, not a person
            if entry is not None:
                labelled = Span(doc, span.start, span.end, label=entry.label.value)
                labelled._.pr_entity = _record(entry)
            else:
                labelled = Span(doc, span.start, span.end, label=label)
                labelled._.pr_entity = {"id": None, "name": name, "label": label, "attrs": {}}
            yield labelled

    @staticmethod
    def _person_at_end(doc: Doc, span: Span) -> Span | None:
        """ "Minister for Digital Development and Information Josephine Teo": a title the
        model took for an organisation, ending in a person's name (maybe cut before the
        surname)."""
        if len(span) >= 3 and _given_name_first(span[-2:].text):
            return doc[span.end - 2 : span.end]
        if span.end < len(doc) and _given_name_first(f"{span[-1].text} {doc[span.end].text}"):
            return doc[span.end - 1 : span.end + 1]
        return None

    @staticmethod
    def _employer_position(doc: Doc, span: Span) -> bool:
        """Whether ``span`` stands where an employer does: "<job> at <span>"."""
        if span.start < 2 or doc[span.start - 1].lower_ not in ("at", "with"):
            return False
        after = doc[span.end].text if span.end < len(doc) else ""
        return doc[span.start - 2].lower_ in _JOB_NOUNS and after not in ("'s", "’s")

    @staticmethod
    def _person_shaped(doc: Doc, span: Span, taken: set[int], text: str) -> Span | None:
        """A model ORG/GPE that is really a person: name-like words after an honorific ("Dame
        Eleanor Hartley") or followed by a personal apposition (", chief executive of ...").
        A lone surname takes the given name written before it ("Emi Sakurada" tagged ORG
        "Sakurada")."""
        if not 1 <= len(span) <= 3 or not all(_NAME_TOKEN.match(t.text) for t in span):
            return None
        if _GOV_WORDS.search(span.text) or _COMPANY_WORDS.search(span.text):
            return None
        if span.start > 0 and doc[span.start - 1].text in _HONORIFICS:
            return Span(doc, span.start, span.end, label="PERSON")  # "Dame Eleanor Hartley"
        if _given_name_first(span.text):
            return Span(doc, span.start, span.end, label="PERSON")  # "Hiro Tanabe"
        if not _PERSON_APPOSITION.match(text[span.end_char : span.end_char + 120]):
            return None
        start = span.start
        if len(span) == 1 and start > 0:
            given = doc[start - 1]
            if given.i not in taken and _NAME_TOKEN.match(given.text) and not given.is_stop:
                start -= 1
        if start == span.start and len(span) == 1:
            return None  # a single capitalised word is too weak a signal on its own
        return Span(doc, start, span.end, label="PERSON")

    @staticmethod
    def _trim(doc: Doc, ent: Span, name: str) -> Span | None:
        """The sub-span of ``ent`` whose text is the normalised name (drops titles, 's)."""
        offset = ent.text.find(name)
        if offset < 0:
            return ent
        start_char = ent.start_char + offset
        return doc.char_span(start_char, start_char + len(name), alignment_mode="expand")

    @staticmethod
    def _surnames(doc: Doc, spans: list[Span]) -> list[Span]:
        people: dict[str, dict[str, Any]] = {}
        for span in spans:
            record = span._.pr_entity
            if record and record["label"] == "PERSON" and " " in record["name"]:
                words = record["name"].split()
                people.setdefault(words[-1], record)
                # "Pieter van Dam": "van Dam" and "Van Dam" are his surname too
                for i, word in enumerate(words[1:-1], start=1):
                    if word.lower() in _PARTICLES:
                        surname = " ".join(words[i:])
                        people.setdefault(surname, record)
                        people.setdefault(surname[0].upper() + surname[1:], record)
                        break
        if not people:
            return []
        for index, span in enumerate(spans):
            # A surname the model tagged on its own (as a person or, often, an ORG) is the
            # person named in full elsewhere in the document.
            record = span._.pr_entity
            if record and record.get("id") is None and record["name"] in people:
                relinked = Span(doc, span.start, span.end, label="PERSON")
                relinked._.pr_entity = people[record["name"]]
                spans[index] = relinked
        taken = {i for span in spans for i in range(span.start, span.end)}
        found = []
        for surname, record in people.items():
            if " " not in surname:
                continue
            for match in re.finditer(rf"(?<![\w-]){re.escape(surname)}(?![\w-])", doc.text):
                hit = doc.char_span(match.start(), match.end())
                if hit is not None and not any(i in taken for i in range(hit.start, hit.end)):
                    linked = Span(doc, hit.start, hit.end, label="PERSON")
                    linked._.pr_entity = record
                    found.append(linked)
                    taken.update(range(hit.start, hit.end))
        for token in doc:
            record = people.get(token.text)
            if record is not None and token.i not in taken and token.is_title:
                span = Span(doc, token.i, token.i + 1, label="PERSON")
                span._.pr_entity = record
                found.append(span)
        return found


@Language.factory("policyradar_entities", requires=["doc.ents"], assigns=["doc.ents"])
def make_entity_linker(nlp: Language, name: str) -> EntityLinker:
    """spaCy factory: the gazetteer-backed entity linker (data from ``nlp/gazetteer``)."""
    return EntityLinker(nlp, default_gazetteer())
