"""Entity linking with the real model and the bundled gazetteer."""

from __future__ import annotations

from nlp.output import doc_entities
from nlp.pipeline import build_nlp


def entities(text: str) -> dict[tuple[str, str], list[str]]:
    doc = build_nlp()(text)
    found = {(e.label.value, e.name): [m.text for m in e.mentions] for e in doc_entities(doc)}
    for (_, _), mentions in found.items():
        assert mentions
    return found


def test_aliases_possessives_and_the_resolve_to_one_entity() -> None:
    found = entities(
        "Japan's FSA said on Monday that the Financial Services Agency would widen its "
        "review; the FSA also met MUFG."
    )
    assert found[("GOV_BODY", "Financial Services Agency")] == [
        "FSA",
        "Financial Services Agency",
        "FSA",
    ]
    assert ("COUNTRY", "Japan") in found
    assert ("COMPANY", "Mitsubishi UFJ Financial Group") in found


def test_titles_are_not_organisations_and_surnames_link() -> None:
    found = entities(
        "Cybersecurity Minister Hisashi Matsumoto met bankers. Matsumoto said more work is needed."
    )
    assert found[("PERSON", "Hisashi Matsumoto")] == ["Hisashi Matsumoto", "Matsumoto"]
    assert not [key for key in found if key[1] == "Cybersecurity"]


def test_offsets_match_the_text() -> None:
    text = "The G7 Cyber Expert Group met in Paris. Anthropic's Claude Mythos was discussed."
    doc = build_nlp()(text)
    for entity in doc_entities(doc):
        for mention in entity.mentions:
            assert text[mention.start : mention.end] == mention.text
    names = {e.name for e in doc_entities(doc)}
    assert {"G7 Cyber Expert Group", "Anthropic", "Claude Mythos"} <= names
    assert "G7" not in names  # the nested body is one entity


def test_an_abbreviation_defined_in_brackets_is_that_entity() -> None:
    found = entities(
        "The Harbour Cyber Institute (HCI) met on Monday. HCI said it would publish a paper."
    )
    names = [key for key in found if "Harbour" in key[1]]
    assert len(names) == 1
    assert found[names[0]].count("HCI") == 2
    assert not [key for key in found if key[1] == "HCI"]


def test_capitalised_headings_datelines_and_time_zones() -> None:
    found = entities(
        "OTTAWA — Officials met at 09:40 BST.\n\nUNITED STATES\n\nThe Treasury issued a note."
    )
    assert ("COUNTRY", "United States") in found
    assert not [key for key in found if key[1] in ("OTTAWA", "BST")]


def test_company_shaped_names_and_bodies_by_their_head_word() -> None:
    found = entities(
        "Analysts at Corvalis Software said the Council of Payment Regulators of Elbonia would "
        "meet. The Banking Supervision team agreed."
    )
    assert ("COMPANY", "Corvalis Software") in found
    assert ("GOV_BODY", "Council of Payment Regulators of Elbonia") in found or not [
        key for key in found if "Council" in key[1] and key[0] != "GOV_BODY"
    ]
    assert not [key for key in found if key[1] == "Banking Supervision"]


def test_documents_acronyms_and_a_person_at_the_end_of_a_title() -> None:
    found = entities(
        "The agencies issued a Joint Statement and a new Cyber AI Profile for MPs and ICT staff. "
        "Minister for Digital Development and Information Josephine Teo welcomed it."
    )
    assert ("PERSON", "Josephine Teo") in found
    for junk in ("Joint Statement", "Cyber AI Profile", "MPs", "ICT"):
        assert not [key for key in found if key[1] == junk], junk


def test_surname_particles_legal_forms_and_salutations() -> None:
    found = entities(
        "Dear Madam, Pieter van Dam opened the meeting. Van Dam said Ledgerline Inc would "
        "respond, and van Dam agreed with José Campa."
    )
    assert found[("PERSON", "Pieter van Dam")] == ["Pieter van Dam", "Van Dam", "van Dam"]
    assert ("PERSON", "José Campa") in found or not [k for k in found if "Campa" in k[1]]
    assert not [key for key in found if key[1] in ("Madam", "Dear Madam", "Ledgerline Inc")]
