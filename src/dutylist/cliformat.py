"""Click's own texts in Chinese: help pages and usage errors, laid out for wide characters.

Typer's bundled Click writes its help and errors in English and counts a Chinese
character as one column, so Chinese help overflows at 80 columns. This module
writes them itself from the command's parameters: the headings, usage line,
defaults, ranges, metavars and usage errors come from ``labels``, and text is
wrapped by display width (a wide character is two columns), never splitting a
Latin word and never starting a line with closing punctuation.

The command classes (``ChineseHelp`` mixed into the group and the commands) call
``help_page`` and ``usage_line``; ``errors.handle`` calls ``usage_error_lines``.
``ChineseTyper`` gives every command of an app the Chinese help page.
"""

from __future__ import annotations

import difflib
import inspect
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import typer
from typer.core import TyperCommand
from typer.models import CommandFunctionType

from dutylist import labels
from dutylist.textio import display_width

MAX_WIDTH = 100
"""Help is wrapped to the terminal's width, at most this."""

_NO_LINE_START = set("，。、；：？！）》」』】”’…,.;:?!)]}%")
_NO_LINE_END = set("（《「『【“‘([{")


def _is_wide(char: str) -> bool:
    return display_width(char) == 2


def _tokens(text: str) -> list[str]:
    """Units that are never split: a Latin word (with its trailing punctuation), a space
    run, or one wide character."""
    return re.findall(r"\s+|[^\s\u2E80-\uFFEF]+|.", text)


def wrap(text: str, width: int, indent: int = 0, first_indent: int | None = None) -> list[str]:
    """Lines of at most ``width`` columns (wide characters count two), with an indent."""
    first = indent if first_indent is None else first_indent
    lines: list[str] = []
    line: list[str] = []
    used = first
    limit = max(width, first + 4, indent + 4)

    def flush() -> None:
        nonlocal line, used
        pad = first if not lines else indent
        lines.append(" " * pad + "".join(line).rstrip())
        line, used = [], indent

    for token in _tokens(text):
        size = display_width(token)
        if token.isspace():
            if line:
                line.append(" ")
                used += 1
            continue
        if used + size > limit and line:
            carried: list[str] = []
            # Keep closing punctuation with what it closes, opening with what it opens.
            if token[0] in _NO_LINE_START:
                while line and not line[-1].isspace():
                    carried.insert(0, line.pop())
                    if carried[0][0] not in _NO_LINE_START:
                        break
            while line and line[-1] and line[-1][-1] in _NO_LINE_END:
                carried.insert(0, line.pop())
            while line and line[-1].isspace():
                line.pop()
            flush()
            line = carried
            used = indent + sum(display_width(t) for t in carried)
        if size > limit - indent and not _is_wide(token[0]):
            for char in token:  # a Latin word longer than a line: cut it
                if used + display_width(char) > limit and line:
                    flush()
                line.append(char)
                used += display_width(char)
            continue
        line.append(token)
        used += size
    if line or not lines:
        flush()
    return lines


def terminal_width() -> int:
    return max(40, min(shutil.get_terminal_size((80, 24)).columns, MAX_WIDTH))


# ---------------------------------------------------------------- parameters


def metavar(param: Any) -> str:
    """A parameter's placeholder in Chinese (``编号``, ``格式``…), without brackets."""
    raw = (param.metavar or "").strip("[]").rstrip(".").strip()
    if raw:
        return labels.METAVARS.get(raw, raw)
    name = param.name or ""
    return labels.METAVARS.get(name, labels.METAVAR_VALUE)


def _argument_piece(param: Any) -> str:
    text = metavar(param)
    if param.nargs != 1:
        text += "..."
    return text if param.required else f"[{text}]"


def usage_line(command: Any, ctx: Any) -> str:
    """``用法：dutylist search [选项] [查询词...]``."""
    pieces = [ctx.command_path, labels.USAGE_OPTIONS]
    if hasattr(command, "list_commands"):
        pieces.append(labels.USAGE_COMMAND)
    pieces += [_argument_piece(p) for p in command.get_params(ctx)
               if p.param_type_name == "argument" and not getattr(p, "hidden", False)]
    return labels.USAGE.format(usage=" ".join(pieces))


def _option_help(param: Any, ctx: Any) -> str:
    help_text = labels.BUILTIN_OPTION_HELP.get(param.name or "", param.help or "")
    extras = []
    default = param.default
    if (
        param.param_type_name == "option"
        and param.show_default
        and default is not None
        and not getattr(param, "is_flag", False)
        and not callable(default)
    ):
        extras.append(labels.HELP_DEFAULT.format(default=default))
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if low is not None and high is not None:
        extras.append(labels.HELP_RANGE.format(low=low, high=high))
    elif low is not None:
        extras.append(labels.HELP_AT_LEAST.format(low=low))
    elif high is not None:
        extras.append(labels.HELP_AT_MOST.format(high=high))
    if param.required and param.param_type_name == "option":
        extras.append(labels.HELP_REQUIRED)
    if extras:
        help_text += labels.HELP_EXTRAS.format(extras="；".join(extras))
    return help_text


def _option_term(param: Any) -> str:
    names = sorted(param.opts, key=lambda o: (o.startswith("--"), o))
    term = ", ".join(names + list(param.secondary_opts))
    if not getattr(param, "is_flag", False) and not getattr(param, "count", False):
        term += f" {metavar(param)}"
    return term


def definitions(rows: Sequence[tuple[str, str]], width: int) -> list[str]:
    """Two columns (term, text), the text wrapped beside its term; a long term gets its
    text on the next line."""
    if not rows:
        return []
    first = min(max(display_width(term) for term, _ in rows), 30)
    text_at = 2 + first + 2
    out = []
    for term, text in rows:
        term_width = display_width(term)
        if term_width <= first:
            lines = wrap(text, width, indent=text_at, first_indent=text_at) if text else [""]
            out.append("  " + term + " " * (first - term_width + 2) + lines[0].lstrip())
            out += lines[1:]
        else:
            out.append("  " + term)
            if text:
                out += wrap(text, width, indent=text_at)
    return out


def help_page(command: Any, ctx: Any) -> str:
    """The whole ``--help`` page of a command or of the program, in Chinese."""
    width = terminal_width()
    out = [*wrap(usage_line(command, ctx), width, indent=4, first_indent=0), ""]
    for paragraph in inspect.cleandoc(command.help or "").split("\n\n"):
        if paragraph.strip():
            out += wrap(" ".join(paragraph.split("\n")), width, indent=2)
            out.append("")
    params = [p for p in command.get_params(ctx) if not getattr(p, "hidden", False)]
    arguments = [(_argument_piece(p).strip("[]"), p.help or "") for p in params
                 if p.param_type_name == "argument"]
    options = [(_option_term(p), _option_help(p, ctx)) for p in params
               if p.param_type_name == "option"]
    for title, rows in ((labels.HELP_ARGUMENTS, arguments), (labels.HELP_OPTIONS, options)):
        if rows:
            out += [title, *definitions(rows, width), ""]
    if hasattr(command, "list_commands"):
        commands = []
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                summary = inspect.cleandoc(sub.help or "").split("\n")[0]
                commands.append((name, summary))
        if commands:
            out += [labels.HELP_COMMANDS, *definitions(commands, width), ""]
    return "\n".join(out).rstrip("\n")


# ---------------------------------------------------------------- usage errors


def _bad_value(param: Any, problem: str) -> str:
    hint = _param_hint(param)
    return labels.ERR_BAD_VALUE.format(hint=hint, problem=problem) if hint else problem


def _param_hint(param: Any) -> str:
    if param is None:
        return ""
    if param.param_type_name == "argument":
        return labels.HINT_ARGUMENT.format(name=metavar(param))
    return labels.HINT_OPTION.format(name="/".join(param.opts))


def _has_chinese(text: str) -> bool:
    return any(_is_wide(c) for c in text)


def usage_error_message(error: Any) -> str:
    """A click usage error's message in Chinese (its class and fields, not its English)."""
    kind = type(error).__name__
    message = str(getattr(error, "message", "") or "")
    param = getattr(error, "param", None)
    if kind == "MissingParameter":
        return labels.ERR_MISSING.format(hint=_param_hint(param))
    if kind == "NoSuchOption":
        text = labels.ERR_NO_SUCH_OPTION.format(name=error.option_name)
        possibilities = sorted(getattr(error, "possibilities", None) or [])
        if possibilities:
            text += labels.SUGGESTION.format(choices=labels.SEP.join(possibilities))
        return text
    if kind == "BadOptionUsage":
        name = getattr(error, "option_name", "")
        if "requires" in message:
            return labels.ERR_NEEDS_VALUE.format(name=name)
        return labels.ERR_OPTION_USAGE.format(name=name)
    if kind == "BadArgumentUsage":
        return labels.ERR_ARGUMENT_USAGE
    if kind == "BadParameter":
        if _has_chinese(message):
            return _bad_value(param, message)
        low, high = getattr(param, "min", None), getattr(param, "max", None)
        if ("greater" in message or "less" in message) and (low is not None or high is not None):
            problem = (labels.HELP_AT_LEAST.format(low=low) if high is None
                       else labels.HELP_RANGE.format(low=low, high=high) if low is not None
                       else labels.HELP_AT_MOST.format(high=high))
        elif "integer" in message:
            problem = labels.ERR_NOT_INTEGER
        elif "number" in message or "float" in message:
            problem = labels.ERR_NOT_NUMBER
        else:
            problem = labels.ERR_INVALID
        return _bad_value(param, problem)
    found = re.match(r"No such command '([^']*)'", message)
    if found:
        name = found.group(1)
        ctx = getattr(error, "ctx", None)
        known = ctx.command.list_commands(ctx) if ctx is not None else []
        text = labels.ERR_NO_SUCH_COMMAND.format(name=name)
        close = difflib.get_close_matches(name, known, n=3)
        return text + (labels.SUGGESTION.format(choices=labels.SEP.join(close)) if close else "")
    found = re.match(r"Got unexpected extra argument.*\(([^()]*)\)", message)
    if found:
        return labels.ERR_EXTRA_ARGUMENTS.format(args=found.group(1))
    if message.startswith("Missing command"):
        return labels.ERR_MISSING_COMMAND
    return message


def usage_error_lines(error: Any) -> Iterable[str]:
    """Usage line, the error, and where to find help: what a usage error prints."""
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        yield usage_line(ctx.command, ctx)
    yield labels.ERROR_LINE.format(message=usage_error_message(error))
    if ctx is not None:
        yield labels.HELP_HINT.format(command=ctx.command_path)


class ChineseHelp:
    """Mixed into the Typer group and command classes: help and usage in Chinese."""

    def get_help(self, ctx: Any) -> str:
        return help_page(self, ctx)

    def get_usage(self, ctx: Any) -> str:
        return usage_line(self, ctx)


class ChineseCommand(ChineseHelp, TyperCommand):
    """A command whose help page is written in Chinese."""


class ChineseTyper(typer.Typer):
    """A Typer app whose commands get the Chinese help page unless they name their class."""

    def command(
        self, *args: Any, cls: type[TyperCommand] | None = None, **kwargs: Any
    ) -> Callable[[CommandFunctionType], CommandFunctionType]:
        return super().command(*args, cls=cls or ChineseCommand, **kwargs)
