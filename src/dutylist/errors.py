"""Errors a user can cause, every exit code, and the one handler that maps them.

Exit codes follow grep: 0 found, 1 nothing found, 2 bad usage or input,
3 the database is missing, unreadable or corrupt, or cannot be written (a full
disk, a read-only folder); 130 interrupted (Ctrl-C). 70 is the last resort for a
bug, reported in one line, never a traceback: no input a user or a file can give
ends in it. README's "Exit codes" table lists exactly these (a test checks it).

Every message goes through ``note``, which shows control characters as escapes:
a message may echo what was typed or read, and a terminal must not act on it.

``handle`` is the only place where an exception becomes a message on stderr
and an exit code; ``cli`` calls it around every command and around the
whole program.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import sys

from dutylist import labels
from dutylist.controls import visible

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_USAGE = 2
EXIT_DATABASE = 3
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130

DEBUG_ENV = "DUTYLIST_DEBUG"
"""Set to show a bug's traceback instead of the one-line message."""


class DutylistError(Exception):
    """Base class: ``str(error)`` is the one-line message shown to the user."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(DutylistError):
    """Bad arguments: an empty query, an unknown id, category or department."""

    exit_code = EXIT_USAGE


class SourceError(DutylistError):
    """The YAML source is unreadable or invalid; ``problems`` holds ``file:line: message`` lines."""

    exit_code = EXIT_USAGE

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class DatabaseError(DutylistError):
    """The database is missing, unreadable, corrupt or of an unknown schema."""

    exit_code = EXIT_DATABASE


def note(message: str) -> None:
    """A message for the person (stderr), never mixed into the data; controls shown escaped."""
    import typer  # not at module level: the build hook imports this module without typer

    typer.echo(visible(message), err=True)


def handle(error: BaseException, *, result_code: int = EXIT_OK) -> int:
    """Report ``error`` on stderr (one clear message) and return the exit code.

    ``result_code`` is the exit code the command had decided on before the
    error: a closed pipe (``| head -1``) ends quietly with it.
    Re-raises ``typer.Exit`` (an exit code already decided) unchanged, and a
    bug when ``DUTYLIST_DEBUG`` is set.
    """
    import typer

    if isinstance(error, typer.Exit):
        raise error
    if isinstance(error, DutylistError):
        _print_error(error)
        return error.exit_code
    if isinstance(error, sqlite3.Error):  # a database that opened but is damaged inside
        _print_error(DatabaseError(labels.DATABASE_DAMAGED.format(error=error)))
        return EXIT_DATABASE
    if isinstance(error, OSError) and error.errno == errno.EPIPE:
        return _closed_pipe(result_code)
    if isinstance(error, typer.Abort):
        note(labels.ABORTED)
        return EXIT_INTERRUPTED
    if isinstance(error, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(error, typer.TyperException):  # click's usage errors (bad option, ...)
        from dutylist.cliformat import usage_error_lines

        ctx = getattr(error, "ctx", None)
        if type(error).__name__ == "NoArgsIsHelpError" and ctx is not None:
            typer.echo(ctx.get_help(), err=True)
        else:
            for line in usage_error_lines(error):
                note(line)
        return int(getattr(error, "exit_code", EXIT_USAGE))
    if isinstance(error, UnicodeDecodeError):  # input (stdin) that is not UTF-8
        _print_error(UsageError(labels.INPUT_NOT_UTF8.format(
            position=error.start + 1, reason=error.reason)))
        return EXIT_USAGE
    if isinstance(error, OSError):
        note(labels.ERROR_LINE.format(message=error))
        return EXIT_DATABASE
    if isinstance(error, Exception) and not os.environ.get(DEBUG_ENV):
        note(labels.INTERNAL_ERROR.format(detail=f"{type(error).__name__}: {error}"))
        return EXIT_INTERNAL
    raise error


def _print_error(error: DutylistError) -> None:
    lines = str(error).splitlines() or [type(error).__name__]
    for line in lines:
        note(labels.ERROR_LINE.format(message=line) if len(lines) == 1 else line)
    if len(lines) > 1:
        note(labels.PROBLEMS_TOTAL.format(count=len(lines)))


def _closed_pipe(code: int) -> int:
    """The reader went away: stop quietly with the result's exit code."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return code
