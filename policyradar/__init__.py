"""PolicyRadar kernel: settings, models, the store, the CLI and exports.

The other packages (``crawlers``, ``nlp``, ``dashboard``) import this one and never each other.
"""

from __future__ import annotations

__version__ = "0.1.0"
