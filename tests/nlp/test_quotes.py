"""Quotes and speakers, on texts written apart from the gold set."""

from __future__ import annotations

from nlp.tagger import TagInput, tag_documents


def quotes(text: str) -> list[tuple[str, str | None]]:
    (result,) = tag_documents([TagInput("q", text)])
    for quote in result.quotes:
        assert text[quote.start : quote.end] == quote.text
    return [(q.text, q.speaker) for q in result.quotes]


def test_attribution_after_before_pronoun_and_continuation() -> None:
    text = (
        "Cybersecurity Minister Hisashi Matsumoto spoke to reporters on Tuesday. "
        "“We will not wait for the model,” he said. “The countermeasures continue.”\n\n"
        'The Financial Services Agency said: "Banks must share what they see."'
    )
    assert quotes(text) == [
        ("We will not wait for the model,", "Hisashi Matsumoto"),
        ("The countermeasures continue.", "Hisashi Matsumoto"),
        ("Banks must share what they see.", "Financial Services Agency"),
    ]


def test_unnamed_spokesperson_speaks_for_the_company_and_scare_quotes_are_skipped() -> None:
    text = (
        "Mizuho Financial Group tested the model on its own systems. "
        "“Every finding went straight to our engineers,” a spokesperson for the bank said. "
        "Analysts call the delay the “patch gap” in their notes."
    )
    assert quotes(text) == [
        ("Every finding went straight to our engineers,", "Mizuho Financial Group"),
    ]


def test_who_is_told_is_not_the_speaker() -> None:
    text = (
        "Sarah Lyle, a director at the Bank of England, spoke in London on Monday. "
        "“The risk is real,” she told the Financial Times."
    )
    assert quotes(text) == [("The risk is real,", "Sarah Lyle")]


def test_a_statement_that_reads() -> None:
    text = "“Firms must act now,” reads the statement from the Financial Conduct Authority."
    assert quotes(text) == [("Firms must act now,", "Financial Conduct Authority")]


def test_a_persons_words_quoted_inside_reported_speech_but_not_terms() -> None:
    text = (
        "Rohan Iyer, an opposition lawmaker, said the cyber team was “badly understaffed” and "
        "warned about the so-called “patch gap” in ministries."
    )
    assert quotes(text) == [("badly understaffed", "Rohan Iyer")]


def test_a_title_abbreviation_does_not_end_the_sentence_and_a_letter_speaks_for_its_signer() -> (
    None
):
    assert quotes('"We are behind," said Rep. Jane Doyle at the hearing.') == [
        ("We are behind,", "Jane Doyle")
    ]
    letter = (
        "Dear CEO,\n\nWe are writing to set out our expectations. "
        '"Boards should own this risk," the letter says.\n\nYours sincerely,\nAnna Berg\n'
        "Executive Director, Prudential Regulation Authority"
    )
    assert quotes(letter) == [("Boards should own this risk,", "Prudential Regulation Authority")]
