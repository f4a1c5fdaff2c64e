"""Data models shared by every stage: sources, documents and the annotations on them.

The annotation models follow ``shared/spec/tagging-output.md`` exactly; the labels and measure
types are those of ``shared/spec/taxonomy.md``. Reads no settings.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)


class SourceKind(StrEnum):
    """Who publishes a source."""

    GOVERNMENT = "government"
    G7 = "g7"
    INTERNATIONAL = "international"
    REGULATOR = "regulator"
    CENTRAL_BANK = "central_bank"
    PRESS = "press"
    INDUSTRY = "industry"


class DateSource(StrEnum):
    """Where a document's published date came from."""

    METADATA = "metadata"  # the page's own metadata or visible date
    FEED = "feed"
    SITEMAP = "sitemap"
    PROVIDED = "provided"  # given by whoever imported the document
    NONE = "none"


class Frequency(StrEnum):
    """How often a source should be re-crawled."""

    HOURLY = "hourly"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class EntityLabel(StrEnum):
    """The six entity labels of the taxonomy."""

    PERSON = "PERSON"
    GOV_BODY = "GOV_BODY"
    INTL_BODY = "INTL_BODY"
    COMPANY = "COMPANY"
    AI_MODEL = "AI_MODEL"
    COUNTRY = "COUNTRY"


# The labels of organisations: what can speak through a spokesperson, employ a person, or be
# "the agency" / "the company" of a later sentence.
BODY_LABELS: tuple[str, ...] = (EntityLabel.GOV_BODY, EntityLabel.INTL_BODY, EntityLabel.COMPANY)


class MeasureType(StrEnum):
    """The twelve policy measure types of the taxonomy."""

    MODEL_ACCESS = "model_access"
    WORKING_GROUP = "working_group"
    MEETING = "meeting"
    GUIDANCE = "guidance"
    INFORMATION_SHARING = "information_sharing"
    REGULATION = "regulation"
    TESTING_EVALUATION = "testing_evaluation"
    VULNERABILITY_RESPONSE = "vulnerability_response"
    INTERNATIONAL_COOPERATION = "international_cooperation"
    FUNDING = "funding"
    DIRECTIVE = "directive"
    RISK_WARNING = "risk_warning"


class MeasureStatus(StrEnum):
    """How far along a measure is, as the text states it."""

    ANNOUNCED = "announced"
    PLANNED = "planned"
    IN_EFFECT = "in_effect"
    REPORTED = "reported"


class DatePrecision(StrEnum):
    """How precise a resolved date expression is."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


# An ISO 8601 date at its stated precision: 2026-05-18 (day), 2026-W21 (week), 2026-05 (month),
# 2026 (year). Partial values are what a text says ("next week", "in May").
PartialDate = Annotated[str, StringConstraints(pattern=r"^\d{4}(-W\d{2}|-\d{2}(-\d{2})?)?$")]

_SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_COUNTRY = re.compile(r"^[A-Z][A-Z0-9]{1,3}$")  # ISO alpha-2, or G7, G20, EU, INT


class SourceSelectors(BaseModel):
    """Per-site CSS selectors that override generic extraction."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str | None = None
    body: str | None = None
    date: str | None = None


class SourceExpectations(BaseModel):
    """Data-quality assertions checked after a crawl of one source."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_documents: int | None = Field(default=None, ge=0)
    min_dated_fraction: float | None = Field(default=None, ge=0, le=1)


class Source(BaseModel):
    """One catalog entry (``shared/spec/sources.md``): where and how to crawl a publisher."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    publisher: str
    kind: SourceKind
    country: str
    language: str = "en"
    homepage: str | None = None
    start_urls: list[str] = Field(min_length=1)
    follow: list[str] = Field(default_factory=list)
    paginate: str | None = None
    allow: list[str] = Field(default_factory=list)
    deny: list[str] = Field(default_factory=list)
    topic_filter: str | None = None
    selectors: SourceSelectors = Field(default_factory=SourceSelectors)
    frequency: Frequency = Frequency.DAILY
    enabled: bool = True
    unverified: list[str] = Field(default_factory=list)
    notes: str | None = None
    expect: SourceExpectations = Field(default_factory=SourceExpectations)

    @field_validator("id")
    @classmethod
    def _id_is_slug(cls, value: str) -> str:
        if not _SOURCE_ID.match(value):
            raise ValueError("must be lowercase letters, digits and underscores")
        return value

    @field_validator("country")
    @classmethod
    def _country_code(cls, value: str) -> str:
        if not _COUNTRY.match(value):
            raise ValueError("must be an ISO 3166-1 alpha-2 code or an org code like G7, EU, INT")
        return value

    @field_validator("follow", mode="before")
    @classmethod
    def _follow_as_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [value]
        return value if value is not None else []

    @field_validator("start_urls", "homepage")
    @classmethod
    def _http_only(cls, value: Any) -> Any:
        urls = value if isinstance(value, list) else [value] if value else []
        for url in urls:
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme not in ("http", "https"):
                raise ValueError(f"only http and https URLs are allowed, got {url!r}")
        return value

    @field_validator("allow", "deny")
    @classmethod
    def _regexes_compile(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"invalid regex {pattern!r}: {exc}") from exc
        return value

    @field_validator("topic_filter")
    @classmethod
    def _known_topic(cls, value: str | None) -> str | None:
        if value is not None and value != "ai_cyber":
            raise ValueError("the only topic filter is 'ai_cyber'")
        return value


def content_hash(text: str) -> str:
    """A stable fingerprint of a document's text (whitespace-insensitive)."""
    normalised = " ".join(text.split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def document_id_for(key: str) -> str:
    """A short stable document id derived from a canonical URL or another unique key."""
    return "d" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


class Document(BaseModel):
    """One stored statement or article (the latest version of it)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    url: str | None = None
    canonical_url: str | None = None
    source_id: str | None = None
    source_kind: SourceKind | None = None
    publisher: str | None = None
    country: str | None = None
    language: str | None = None
    title: str | None = None
    text: str
    published: date | None = None
    published_source: DateSource = DateSource.NONE
    fetched_at: datetime | None = None
    content_hash: str = ""
    version: int = Field(default=1, ge=1)
    warnings: list[str] = Field(default_factory=list)
    archive_id: str | None = None

    @field_validator("published", mode="before")
    @classmethod
    def _date_from_datetime(cls, value: Any) -> Any:
        # Feeds and imports give datetimes; the corpus is indexed by calendar day.
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, str) and len(value) > 10 and value[4:5] == "-":
            return value[:10]
        return value

    @model_validator(mode="after")
    def _fill_hash(self) -> Document:
        if not self.content_hash:
            self.content_hash = content_hash(self.text)
        return self


class Mention(BaseModel):
    """Where an entity is mentioned: Python string offsets into the document text."""

    model_config = ConfigDict(extra="forbid")

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Entity(BaseModel):
    """One real-world thing in one document, with its canonical name and all its mentions."""

    model_config = ConfigDict(extra="forbid")

    label: EntityLabel
    name: str
    id: str | None = None
    mentions: list[Mention] = Field(default_factory=list)
    attrs: dict[str, str] = Field(default_factory=dict)


class Measure(BaseModel):
    """A policy measure stated in one sentence."""

    model_config = ConfigDict(extra="forbid")

    type: MeasureType
    actor: str | None = None
    date: PartialDate | None = None
    status: MeasureStatus = MeasureStatus.REPORTED
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Quote(BaseModel):
    """Direct speech with its speaker."""

    model_config = ConfigDict(extra="forbid")

    speaker: str | None = None
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class DateMention(BaseModel):
    """A date expression resolved to an ISO date."""

    model_config = ConfigDict(extra="forbid")

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    value: PartialDate | None = None
    precision: DatePrecision = DatePrecision.DAY


class Annotations(BaseModel):
    """Everything the NLP stage says about one document (one output line of ``tag``)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    pipeline: str
    relevance: float = Field(default=0.0, ge=0.0, le=1.0)
    entities: list[Entity] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    dates: list[DateMention] = Field(default_factory=list)
