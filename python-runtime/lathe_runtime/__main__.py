"""Command line of Lathe's training runtime.

Run ``python -m lathe_runtime info`` (with ``python-runtime/`` on PYTHONPATH) to print what
this interpreter and its torch can do, as one JSON line, and ``python -m lathe_runtime
make-model --out FILE`` to write a random-weight demo model (see ``demo_model.py``). stdout
is for the main process (machine-readable); stderr is the human log. Bad arguments exit
with code 2; a command that fails (an unwritable file, say) exits with code 1.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import Optional, Sequence

from . import __version__
from .info import print_info

# The make-model choices, spelled here because importing demo_model imports torch, and
# `info` must run without torch. A test keeps them equal to demo_model's own lists.
DEMO_ARCHITECTURES = ("llama", "qwen2")
DEMO_SIZES = ("tiny", "small")
DEMO_DTYPES = ("f32", "f16", "bf16", "q8_0")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one subcommand per runtime task."""
    parser = argparse.ArgumentParser(
        prog="python -m lathe_runtime",
        description="Lathe's training runtime (torch only).",
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", metavar="command")
    commands.add_parser("info", help="print Python, platform and torch capabilities as one JSON line")
    make_model = commands.add_parser(
        "make-model",
        help="write a small random-weight decoder with a byte-level tokenizer as GGUF",
        description="Write a small random-weight decoder with a byte-level ChatML tokenizer as a GGUF file "
        "and print one JSON line describing it.",
    )
    make_model.add_argument("--out", required=True, help="the GGUF file to write (its folder must exist)")
    make_model.add_argument("--arch", choices=DEMO_ARCHITECTURES, default="llama")
    make_model.add_argument("--size", choices=DEMO_SIZES, default="tiny", help="tiny: 64 dims x 2 layers; small: 128 x 4")
    make_model.add_argument("--dtype", choices=DEMO_DTYPES, default="f32", help="storage of the weight matrices")
    make_model.add_argument("--seed", type=seed_number, default=0, help="seed of the random weights (default 0)")
    return parser


def seed_number(text: str) -> int:
    """Parse a --seed value: an integer from 0 to 2**63 - 1 (torch's generator range)."""
    try:
        seed = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if not 0 <= seed < 2**63:
        raise argparse.ArgumentTypeError(f"must be between 0 and 2**63 - 1, got {seed}")
    return seed


def run_make_model(args: argparse.Namespace) -> int:
    """Write the demo model; print its description on stdout, or the reason it failed on stderr."""
    # As in `info`: whatever torch prints while loading goes to the human log, not stdout.
    with contextlib.redirect_stdout(sys.stderr):
        try:
            from .demo_model import make_demo_model
        except ImportError as error:  # imported here so that `info` runs without torch
            print(f"make-model needs torch: {error}", file=sys.stderr)
            return 1
        try:
            summary = make_demo_model(args.out, arch=args.arch, size=args.size, dtype=args.dtype, seed=args.seed)
        except OSError as error:
            reason = error.strerror or str(error)
            print(f"make-model: cannot write {args.out}: {reason}", file=sys.stderr)
            return 1
    sys.stdout.write(json.dumps(summary) + "\n")
    sys.stdout.flush()
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command named in ``argv`` (default: the process arguments) and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "info":
        return print_info()
    if args.command == "make-model":
        return run_make_model(args)
    # argparse already exits 2 for an unknown command; a missing one is the same mistake.
    parser.error("a command is required")


if __name__ == "__main__":
    sys.exit(main())
