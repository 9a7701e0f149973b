"""Allow `python -m treillis`."""

from treillis.cli import main

main()
