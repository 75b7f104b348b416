"""Errors a user can cause, each with a clear message and an exit code.

Exit codes follow grep: 0 found, 1 nothing found, 2 bad usage or input,
3 the database is missing, unreadable or corrupt.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_USAGE = 2
EXIT_DATABASE = 3


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
