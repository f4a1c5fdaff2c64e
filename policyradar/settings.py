"""Settings for every part of PolicyRadar, in one place.

Read from the environment with the ``POLICYRADAR_`` prefix (and from a ``.env`` file in the
working directory when present). Nothing else in the project reads ``os.environ``.

Settings:
    POLICYRADAR_STORE: store URL, ``sqlite:///path.db`` (default ``sqlite:///data/policyradar.db``)
        or ``http(s)://host:9200`` for Elasticsearch.
    POLICYRADAR_DATA_DIR: where local data lives (default ``data``).
    POLICYRADAR_ARCHIVE_DIR: where raw fetched pages are archived (default ``<data_dir>/archive``).
    POLICYRADAR_SQLITE_BUSY_TIMEOUT_MS: how long a SQLite connection waits for a lock.
    POLICYRADAR_IMPORT_BATCH_SIZE: documents written per transaction.
    POLICYRADAR_SEARCH_MAX_LIMIT: the largest page of search hits one call may ask for.
    POLICYRADAR_MAX_PAGE_BYTES: largest response body (after decompression) a crawl accepts.
    POLICYRADAR_DOWNLOAD_TIMEOUT_S: per-request timeout of a crawl.
    POLICYRADAR_CRAWL_DELAY_S / POLICYRADAR_CRAWL_CONCURRENCY_PER_DOMAIN: politeness per host
        (AutoThrottle only ever slows down from there).
    POLICYRADAR_EXTRACT_TIMEOUT_S / POLICYRADAR_EXTRACT_MAX_MEMORY_MB: budget of one extraction.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_STORE_URL = "sqlite:///data/policyradar.db"


class Settings(BaseSettings):
    """All tunable values; see the module docstring for the environment variables."""

    model_config = SettingsConfigDict(
        env_prefix="POLICYRADAR_", env_file=".env", extra="ignore", frozen=True
    )

    store: str = DEFAULT_STORE_URL
    data_dir: Path = Path("data")
    archive_dir: Path | None = None

    sqlite_busy_timeout_ms: int = Field(default=30_000, ge=0)
    import_batch_size: int = Field(default=500, ge=1, le=50_000)
    search_max_limit: int = Field(default=200, ge=1)

    max_page_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    download_timeout_s: float = Field(default=20.0, gt=0)
    crawl_delay_s: float = Field(default=0.25, ge=0)
    crawl_concurrency_per_domain: int = Field(default=2, ge=1, le=32)
    extract_timeout_s: float = Field(default=20.0, gt=0)
    extract_max_memory_mb: int = Field(default=1024, ge=64)

    @property
    def resolved_archive_dir(self) -> Path:
        """The archive folder: the explicit setting, else ``<data_dir>/archive``."""
        return self.archive_dir if self.archive_dir is not None else self.data_dir / "archive"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
