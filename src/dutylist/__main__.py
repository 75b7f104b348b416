"""``python -m dutylist``."""

from dutylist.cli import main

main()
