"""YAML source -> model, every problem reported as ``file:line: message``.

- ``source.checker``: YAML read as nodes (safe, no anchors), the ``Checker``
  that collects problems in the YAML's own key names.
- ``source.catalog``: ``data/duties.yaml`` -> ``Catalog``.
- ``source.synonyms``: ``data/synonyms.yaml`` -> ``{word: [targets]}``.

Off the query path: yaml is imported here at module level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dutylist import labels
from dutylist.errors import UsageError
from dutylist.model import Catalog
from dutylist.source.catalog import SCHEMA_VERSION, load_catalog, parse_catalog
from dutylist.source.synonyms import load_synonyms, synonym_targets_not_found, synonyms_beside

__all__ = [
    "SCHEMA_VERSION", "Loaded", "default_source", "load_catalog", "load_source",
    "load_synonyms", "parse_catalog", "synonym_targets_not_found", "synonyms_beside",
]


def default_source() -> Path | None:
    """``data/duties.yaml`` of the checkout the user is in, if any."""
    candidate = Path.cwd() / "data" / "duties.yaml"
    return candidate if candidate.is_file() else None


@dataclass(frozen=True)
class Loaded:
    """A validated source with its synonyms, as build and validate use it."""

    path: Path
    catalog: Catalog
    synonyms_path: Path | None
    synonyms: dict[str, list[str]]
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # files read as GBK or UTF-16


def load_source(source: Path | None, synonyms: Path | None = None) -> Loaded:
    """The list (default: ./data/duties.yaml) and its synonyms (default: beside it), validated.

    ``warnings`` says when there is no synonyms file beside the list, names fields
    holding control characters (``file:line``) and synonym targets found nowhere in
    the list; ``notes`` which file was read as GBK/GB18030 or UTF-16.
    """
    path = source or default_source()
    if path is None:
        raise UsageError(labels.NO_SOURCE)
    found: list[str] = []
    notes: list[str] = []
    catalog = load_catalog(path, warnings=found, notes=notes)
    synonyms_path = synonyms or synonyms_beside(path)
    synonym_map = (
        load_synonyms(synonyms_path, warnings=found, notes=notes) if synonyms_path else {}
    )
    warnings = [labels.WARNING.format(message=warning) for warning in found]
    warnings += [
        labels.SYNONYM_WARNING.format(path=synonyms_path, warning=warning)
        for warning in synonym_targets_not_found(catalog, synonym_map)
    ]
    if synonyms_path is None:  # never lose the synonyms silently
        expected = Path(path).with_name("synonyms.yaml")
        warnings.insert(0, labels.NO_SYNONYMS_FILE.format(path=expected))
    return Loaded(Path(path), catalog, synonyms_path, synonym_map, warnings, notes)
