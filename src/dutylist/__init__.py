"""dutylist: search the official duty list (履职事项清单) of 大南沟乌孜别克族乡, 木垒县."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("dutylist")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
