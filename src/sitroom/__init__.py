"""sitroom: a situation room built from the news.

Library first: ``sitroom.ingest(paths, db=...)`` reads news files into a
store and merges their events; ``sitroom.open_store(path)`` queries it. The
``sitroom`` command only wraps these.
"""

from __future__ import annotations

import importlib as _importlib
from pathlib import Path as _Path
from typing import TYPE_CHECKING, Any

from sitroom.store import EventQuery, Store, open_store

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sitroom.pipeline import IngestReport

__version__ = "0.1.0"

# The stage package sitroom.ingest is imported first so that binding the
# library function below is final: importing a submodule sets the parent's
# attribute only on its first import. Stage code imports with
# ``from sitroom.ingest import ...``, which resolves through sys.modules.
_importlib.import_module("sitroom.ingest")


def ingest(paths: Iterable[str | _Path], db: str | _Path | Store = "sitroom.db",
           **options: Any) -> IngestReport:
    """Read news files into the store at ``db`` and merge their events.

    See :func:`sitroom.pipeline.ingest` for the options. The pipeline (and
    spaCy) is imported on first use, keeping ``import sitroom`` cheap.
    """
    from sitroom.pipeline import ingest as run

    return run(paths, db, **options)


__all__ = ["EventQuery", "Store", "__version__", "ingest", "open_store"]
