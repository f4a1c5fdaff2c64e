"""Roles and affiliations of people, with the real model, gazetteer and tagger."""

from __future__ import annotations

from datetime import date

from nlp.tagger import TagInput, tag_documents


def people(text: str) -> dict[str, dict[str, str]]:
    (result,) = tag_documents([TagInput("t", text, None, date(2026, 5, 20))])
    return {e.name: dict(e.attrs) for e in result.entities if e.label.value == "PERSON"}


def test_a_title_does_not_reach_back_across_a_sentence() -> None:
    found = people(
        "Ministers met on Tuesday. Prime Minister Sanae Takaichi asked for a plan by June."
    )
    assert found["Sanae Takaichi"] == {
        "role": "Prime Minister",
        "affiliation": "Government of Japan",
    }


def test_a_body_before_a_title_is_the_affiliation() -> None:
    found = people("BSI President Lena Hartwig said the office would test the model.")
    assert found["Lena Hartwig"] == {
        "role": "President",
        "affiliation": "Federal Office for Information Security",
    }


def test_a_title_naming_the_body_keeps_its_words() -> None:
    found = people("U.S. Treasury Secretary Scott Bessent spoke to reporters in Paris.")
    assert found["Scott Bessent"] == {
        "role": "Treasury Secretary",
        "affiliation": "U.S. Department of the Treasury",
    }


def test_a_lower_case_job_after_a_company_name() -> None:
    found = people("Barclays finance director Mara Quist told analysts the bank would spend more.")
    assert found["Mara Quist"] == {"role": "finance director", "affiliation": "Barclays"}


def test_signature_and_witness_lines_name_the_body_after_the_title() -> None:
    found = people(
        "Witnesses: Owen Prade, Director of Operational Risk, Bank of England; Ruth Lyall, "
        "Head of Incident Response, National Cyber Security Centre."
    )
    assert found["Owen Prade"] == {
        "role": "Director of Operational Risk",
        "affiliation": "Bank of England",
    }
    assert found["Ruth Lyall"]["affiliation"] == "National Cyber Security Centre"


def test_a_generic_owner_refers_to_the_body_of_that_kind() -> None:
    found = people(
        "The Canadian Centre for Cyber Security issued an alert with the Bank of Canada. "
        '"Patch now," said Lise Caron, a spokesperson for the centre.'
    )
    assert found["Lise Caron"] == {
        "role": "spokesperson",
        "affiliation": "Canadian Centre for Cyber Security",
    }


def test_the_body_ending_a_title_of_x_is_dropped_from_the_role() -> None:
    found = people(
        "Kaito Imura, Director-General of the National Cybersecurity Office, briefed banks."
    )
    assert found["Kaito Imura"] == {
        "role": "Director-General",
        "affiliation": "National Cybersecurity Office",
    }


def test_an_unknown_employer_after_at() -> None:
    found = people("“Costs will rise,” said Ravi Dutta, a banking analyst at Peel Hunt.")
    assert found["Ravi Dutta"] == {"role": "banking analyst", "affiliation": "Peel Hunt"}


def test_an_owner_before_the_title_an_age_and_a_clause_that_is_no_title() -> None:
    found = people(
        "Northvale Bank opened a new cyber unit. Priya Rao, Northvale's chief information "
        "security officer, said it was ready. Emi Kato, 52, director-general of the National "
        "Cybersecurity Office, agreed. Lukas Brenner, said in a statement that it was."
    )
    assert found["Priya Rao"] == {
        "role": "chief information security officer",
        "affiliation": "Northvale Bank",
    }
    assert found["Emi Kato"] == {
        "role": "director-general",
        "affiliation": "National Cybersecurity Office",
    }
    assert "role" not in found.get("Lukas Brenner", {})
