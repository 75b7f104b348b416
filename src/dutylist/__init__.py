"""dutylist: search the official duty list (履职事项清单) of 大南沟乌孜别克族乡, 木垒县."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # The version is read from the installed metadata only when asked for:
    # importlib.metadata costs tens of milliseconds on every start otherwise.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("dutylist")
        except PackageNotFoundError:  # running from a source tree that is not installed
            return "0+unknown"
    raise AttributeError(f"module 'dutylist' has no attribute {name!r}")
