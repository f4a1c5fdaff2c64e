"""Keyword rules for the ``ai_cyber`` topic filter of the source catalog.

A document is in scope when it speaks of AI *and* of cyber risk (or a policy response to it).
This is the crawler's fast first pass; the NLP stage computes a finer relevance score later.
Reads no settings.
"""

from __future__ import annotations

import re

_AI = re.compile(
    r"\b(AI|A\.I\.|artificial intelligence|machine learning|LLMs?|large language models?|"
    r"generative|frontier models?|foundation models?|chatbots?|Claude|Mythos|GPT-?\d*|ChatGPT|"
    r"Gemini|Llama|Anthropic|OpenAI|DeepMind|neural)\b",
    re.IGNORECASE,
)
_CYBER = re.compile(
    r"\b(cyber\w*|hack\w*|vulnerabilit\w*|exploit\w*|malware|ransomware|phishing|"
    r"intrusions?|breach\w*|zero-day|patch\w*|threat actors?|attacks?|CERT|CSIRT|"
    r"security|resilience|red[- ]team\w*|NCSC|CISA|ENISA|NISC|defen[cs]\w*|risks?|threats?|"
    r"weakness\w*|flaws?|misuse)\b",
    re.IGNORECASE,
)


def keyword_relevance(title: str | None, text: str) -> float:
    """A 0–1 score: 0 without AI or cyber vocabulary, rising with how much of both there is."""
    sample = f"{title or ''}\n{text[:20000]}"
    ai_hits = len(_AI.findall(sample))
    cyber_hits = len(_CYBER.findall(sample))
    if not ai_hits or not cyber_hits:
        return 0.0
    return min(1.0, 0.4 + 0.1 * min(ai_hits, 3) + 0.1 * min(cyber_hits, 3))


def in_scope(topic: str | None, title: str | None, text: str) -> bool:
    """Whether a document passes a source's ``topic_filter`` (no filter keeps everything)."""
    if topic is None:
        return True
    return keyword_relevance(title, text) >= 0.5
