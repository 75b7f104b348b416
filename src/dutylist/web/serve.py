"""``dutylist serve``: Datasette's own ``serve``, read-only, with this plugin loaded.

The database is opened immutable (``-i``); arbitrary SQL is off
(``default_allow_sql`` here, and ``allow_sql: false`` in the plugin's metadata).
"""

from __future__ import annotations

from pathlib import Path

import click
from datasette import cli as datasette_cli


def serve_args(db_path: Path, *, host: str, port: int) -> list[str]:
    return [
        "serve",
        "--immutable", str(db_path),
        "--host", host,
        "--port", str(port),
        "--setting", "default_allow_sql", "off",
    ]


def run(db_path: Path, *, host: str, port: int) -> int:
    """Serve until interrupted; returns Datasette's exit code (2 for its usage errors)."""
    try:
        datasette_cli.cli.main(
            args=serve_args(db_path, host=host, port=port),
            prog_name="datasette",
            standalone_mode=False,
        )
    except click.ClickException as error:
        error.show()
        return 2
    return 0
