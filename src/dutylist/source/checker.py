"""Reading YAML as nodes and checking them, every problem as ``file:line: message``.

The YAML is composed into nodes (``yaml.compose`` with the safe loader) so each
value keeps its line; nothing is ever constructed from a tag, so a
``!!python/...`` tag is an error, not code. Anchors and aliases are refused.

Only a regular file is read (never a folder, a device or a pipe), and only within
limits a real list is far below (:data:`MAX_SOURCE_BYTES`, :data:`MAX_LINE_CHARS`,
:data:`MAX_DEPTH`), so a crafted file is refused at once instead of filling memory
or recursing without end. Text holding control characters is accepted with a warning
(it is shown escaped); a lone surrogate (``"\\ud800"``) is no character: an error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import yaml

from dutylist import labels
from dutylist.controls import controls_in, has_surrogate, visible_line
from dutylist.errors import SourceError
from dutylist.source.text import LINE_BREAK, read_file, yaml_problem
from dutylist.source.text import MAX_SOURCE_BYTES as MAX_SOURCE_BYTES

MAX_LINE_CHARS = 10_000
"""Longest line of a YAML file (the real list's longest is under 500 characters)."""
MAX_DEPTH = 64
"""Deepest nesting of lists and mappings (the real list nests 9 deep)."""

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"
# Scalars taken as text, exactly as written (a clerk may write a date or 2026.1 unquoted).
_TEXT_TAGS = {STR, INT, "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}
_PLAIN_TAGS = {STR, INT, BOOL, NULL, SEQ, MAP, "tag:yaml.org,2002:float",
               "tag:yaml.org,2002:timestamp"}

@dataclass
class Checker:
    """Collects problems while walking the node tree."""

    path: str
    problems: list[str]
    warnings: list[str] = field(default_factory=list)

    def add(self, node: yaml.Node | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(f"{self.path}:{line}: {message}")

    def warn(self, node: yaml.Node, message: str) -> None:
        self.warnings.append(f"{self.path}:{node.start_mark.line + 1}: {message}")

    def mapping(self, node: yaml.Node, what: str, allowed: set[str]) -> dict[str, yaml.Node]:
        """The keys of a mapping node, reporting unknown and duplicate keys."""
        if not isinstance(node, yaml.MappingNode) or node.tag != MAP:
            self.add(node, labels.YAML_NOT_MAPPING.format(what=what))
            return {}
        if not node.value:  # {} would otherwise vanish without a word
            self.add(node, labels.YAML_EMPTY_MAPPING.format(what=what))
            return {}
        result: dict[str, yaml.Node] = {}
        present = {
            k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode) and k.value in allowed
        }
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or key not in allowed:
                meant = _meant_key(key, sorted(allowed - present - set(result)))
                if meant is not None:
                    # one message for one cause: the value is read under the key meant,
                    # so the key does not also show up as missing
                    self.add(key_node, labels.YAML_MISSPELT_KEY.format(
                        what=what, key=key, expected=meant))
                    result[meant] = value_node
                    continue
                known = ", ".join(sorted(allowed))
                self.add(key_node, labels.YAML_UNKNOWN_KEY.format(what=what, key=key, known=known))
                continue
            if key in result:
                self.add(key_node, labels.YAML_DUPLICATE_KEY.format(what=what, key=key))
                continue
            result[key] = value_node
        return result

    def text(self, node: yaml.Node | None, what: str, parent: yaml.Node | None) -> str | None:
        """A required, non-empty string."""
        if node is None:
            self.add(parent, labels.YAML_MISSING.format(what=what))
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag not in _TEXT_TAGS:
            self._bad_type(node, what, labels.YAML_TEXT)
            return None
        value = str(node.value).strip()
        if not value:
            self.add(node, labels.YAML_EMPTY.format(what=what))
            return None
        if has_surrogate(value):
            self.add(node, labels.YAML_SURROGATE.format(what=what, text=visible_line(value)))
            return None
        if value != node.value:
            self.add(node, labels.YAML_SPACES.format(what=what))
        controls = controls_in(value)
        if controls:
            self.warn(node, labels.YAML_CONTROLS.format(what=what, chars=labels.SEP.join(controls)))
        return value

    def optional_text(self, node: yaml.Node | None, what: str) -> str | None:
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == NULL):
            return None
        return self.text(node, what, node)

    def integer(self, node: yaml.Node | None, what: str, parent: yaml.Node) -> int | None:
        if node is None:
            self.add(parent, labels.YAML_MISSING.format(what=what))
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag != INT:
            self._bad_type(node, what, labels.YAML_INTEGER)
            return None
        try:
            value = int(node.value)
        except ValueError:
            self.add(node, labels.YAML_NOT_INTEGER.format(what=what, value=node.value))
            return None
        if not -(2**63) <= value < 2**63:
            self.add(node, labels.YAML_TOO_LARGE.format(what=what, value=node.value[:30]))
            return None
        return value

    def sequence(self, node: yaml.Node | None, what: str) -> list[yaml.Node]:
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode) or node.tag != SEQ:
            self._bad_type(node, what, labels.YAML_LIST)
            return []
        return list(node.value)

    def _bad_type(self, node: yaml.Node, what: str, expected: str) -> None:
        if node.tag not in _PLAIN_TAGS:
            self.add(node, labels.YAML_TAG.format(what=what, tag=node.tag))
        else:
            self.add(node, labels.YAML_SHOULD_BE.format(what=what, expected=expected))


def _meant_key(key: object, missing: list[str]) -> str | None:
    """The missing key a misspelt one most likely stands for (``sqe`` for ``seq``)."""
    import difflib  # only on this error path

    if not isinstance(key, str) or not missing:
        return None
    folded = {k.lower(): k for k in missing}
    if key.strip().lower() in folded:
        return folded[key.strip().lower()]
    close = difflib.get_close_matches(key, missing, n=1, cutoff=0.6)
    return close[0] if close else None


def read(path: str | os.PathLike[str], notes: list[str] | None = None) -> tuple[str, str]:
    """(text, path as shown in messages) of a regular file within the limits, decoded by
    :func:`source.text.read_file`; the note saying it was not UTF-8 goes to ``notes``."""
    decoded, shown = read_file(path, notes=notes)
    check_lines(decoded.text, shown)
    return decoded.text, shown


def check_lines(text: str, shown: str) -> None:
    """SourceError for the first line longer than MAX_LINE_CHARS."""
    for number, line in enumerate(LINE_BREAK.split(text), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise SourceError([labels.YAML_LINE_TOO_LONG.format(
                path=shown, line=number, chars=len(line), limit=MAX_LINE_CHARS)])


def compose(text: str, path: str) -> yaml.Node | None:
    """The YAML node tree (nothing constructed), or SourceError with the line.

    libyaml's composer (``CSafeLoader``) when PyYAML has it: about 9x faster than
    the pure-Python one, and its nodes carry the same line marks for messages.
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
    except RecursionError:  # the pure-Python composer, nested hundreds deep
        raise SourceError([_too_deep(path, 1)]) from None
    except yaml.YAMLError as exc:
        if "nesting depth" in str(exc):  # libyaml's own limit (1,000 levels)
            mark = getattr(exc, "problem_mark", None)
            raise SourceError([_too_deep(path, mark.line + 1 if mark else 1)]) from None
        raise SourceError([_syntax_problem(text, path, exc)]) from None
    if root is not None:
        shared = _shared_nodes(root, path)
        if shared:
            raise SourceError(shared)
    return root


def _syntax_problem(text: str, path: str, exc: yaml.YAMLError) -> str:
    """``file:line: message`` for a syntax error, in Chinese.

    libyaml words its errors more tersely; the pure-Python composer is asked again
    (an error is rare, its speed does not matter) so the message can be precise.
    """
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as detailed:
        exc = detailed
    except (yaml.YAMLError, RecursionError):
        pass
    if isinstance(exc, yaml.MarkedYAMLError):
        line, message = yaml_problem(exc)
        return f"{path}:{line}: {message}"
    return labels.YAML_SYNTAX.format(path=path, line=1, problem=exc)


def _too_deep(path: str, line: int) -> str:
    return labels.YAML_TOO_DEEP.format(path=path, line=line, limit=MAX_DEPTH)


def _shared_nodes(root: yaml.Node, path: str) -> list[str]:
    """Problems for YAML anchors/aliases (a node reached twice, ``&a`` … ``*a``) and for
    nesting deeper than MAX_DEPTH, found in one walk without recursion.

    The list is plain data, so aliases are refused; this also keeps a crafted
    file ("billion laughs") from making validation walk the same nodes forever.
    """
    seen: set[int] = set()
    problems: list[str] = []
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return [_too_deep(path, node.start_mark.line + 1)]
        if id(node) in seen:
            line = node.start_mark.line + 1
            problems.append(labels.YAML_ALIAS.format(path=path, line=line))
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend(((key, depth + 1), (value, depth + 1)))
    return problems[:1]


