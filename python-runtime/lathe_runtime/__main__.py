"""Command line of Lathe's training runtime.

Run ``python -m lathe_runtime info`` (with ``python-runtime/`` on PYTHONPATH) to print what
this interpreter and its torch can do, as one JSON line. stdout is for the main process
(machine-readable); stderr is the human log. An unknown command exits with code 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

from . import __version__
from .info import print_info


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one subcommand per runtime task."""
    parser = argparse.ArgumentParser(
        prog="python -m lathe_runtime",
        description="Lathe's training runtime (torch only).",
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", metavar="command")
    commands.add_parser("info", help="print Python, platform and torch capabilities as one JSON line")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command named in ``argv`` (default: the process arguments) and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "info":
        return print_info()
    # argparse already exits 2 for an unknown command; a missing one is the same mistake.
    parser.error("a command is required")


if __name__ == "__main__":
    sys.exit(main())
