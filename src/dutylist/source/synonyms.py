"""The synonyms YAML: words people say -> words of the document."""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from dutylist import labels
from dutylist.errors import SourceError
from dutylist.model import Catalog
from dutylist.source.checker import MAP, Checker, compose, read

_SYNONYM_KEYS = {"schema", "synonyms"}


def load_synonyms(
    path: str | os.PathLike[str],
    *,
    warnings: list[str] | None = None,
    notes: list[str] | None = None,
) -> dict[str, list[str]]:
    """Read ``synonyms.yaml``: a mapping from a word people say to words of the document
    (``notes``: as for ``load_catalog``)."""
    text, shown = read(path, notes)
    root = compose(text, shown)
    if root is None:
        return {}
    check = Checker(shown, [])
    top = check.mapping(root, labels.YAML_WHAT_SYNONYMS_FILE, _SYNONYM_KEYS)
    result: dict[str, list[str]] = {}
    table = top.get("synonyms")
    if table is not None and not (isinstance(table, yaml.MappingNode) and table.tag == MAP):
        check.add(table, labels.YAML_SYNONYMS_NOT_MAPPING)
    elif table is not None:
        for key_node, value_node in table.value:
            word = check.text(key_node, labels.YAML_WHAT_SYNONYM_WORD, table)
            if word is None:
                continue
            if word in result:
                check.add(key_node, labels.YAML_SYNONYM_TWICE.format(word=word))
                continue
            what = labels.YAML_WHAT_SYNONYM_TARGETS.format(word=word)
            if isinstance(value_node, yaml.ScalarNode):
                targets = [check.text(value_node, what, key_node)]
            else:
                targets = [check.text(n, what, key_node) for n in check.sequence(value_node, what)]
            kept = [t for t in targets if t is not None]
            if not kept:
                check.add(value_node, labels.YAML_SYNONYM_EMPTY.format(word=word))
            result[word] = kept
    if check.problems:
        raise SourceError(check.problems)
    if warnings is not None:
        warnings.extend(check.warnings)
    return result


def synonyms_beside(source: Path) -> Path | None:
    """The ``synonyms.yaml`` next to a duties file, if there is one."""
    candidate = Path(source).with_name("synonyms.yaml")
    return candidate if candidate.is_file() else None


def synonym_targets_not_found(catalog: Catalog, synonyms: dict[str, list[str]]) -> list[str]:
    """Synonym targets that occur nowhere in the list, which could never match (a warning)."""
    from dutylist.textsearch import segments

    def flat(text: str) -> str:
        return "".join(segments(text))

    pieces = [
        text for duty in catalog.duties() for text in (duty.name, *duty.departments,
                                                         *duty.body_texts())
    ]
    everything = "\n".join(flat(piece) for piece in pieces)
    return [
        labels.SYNONYM_TARGET_NOT_FOUND.format(word=word, target=target)
        for word, targets in synonyms.items()
        for target in targets
        if flat(target) not in everything
    ]

