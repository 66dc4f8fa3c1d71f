"""Run the command line as ``python -m siting.cli``."""

from siting.cli.app import main

main()
