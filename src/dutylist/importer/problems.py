"""What the importer says when it cannot place a line of the official text.

Every message names the source line (``文件:行号``) and says, in Chinese, what
was expected there; nothing the importer does not understand is kept silently.
"""

from __future__ import annotations

from dutylist.errors import SourceError
from dutylist.labels import IMPORT_MESSAGES as MESSAGES
from dutylist.labels import IMPORT_TABLE_NAMES as TABLE_NAMES
from dutylist.labels import shorten

__all__ = ["MESSAGES", "TABLE_NAMES", "ImportTextError", "problem"]

class ImportTextError(SourceError):
    """The official text could not be read or placed; ``problems`` name the source lines."""


ECHO_CHARS = 60
"""Text of the source quoted back in a message is cut to this many characters."""


def problem(path: str, line: int, key: str, **fields: object) -> str:
    cut = {k: shorten(v, ECHO_CHARS) if isinstance(v, str) else v for k, v in fields.items()}
    return f"{path}:{line}: {MESSAGES[key].format(**cut)}"
