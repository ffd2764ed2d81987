"""Command line of Lathe's training runtime.

Run ``python -m lathe_runtime info`` (with ``python-runtime/`` on PYTHONPATH) to print what
this interpreter and its torch can do, as one JSON line, and ``python -m lathe_runtime
make-model --out FILE`` to write a random-weight demo model (see ``demo_model.py``), and
``python -m lathe_runtime train --config run.json [--resume] [--stop-when-stdin-closes]`` to
train a LoRA adapter, also under ``python -m torch.distributed.run`` (see
``train/recipe.py``; its events are described in ``train/events.py``), and ``python -m
lathe_runtime merge --base BASE.gguf --adapter ADAPTER.gguf --out OUT.gguf`` to fold an adapter
into its base model (``merge.py``). stdout is for the
main process (machine-readable); stderr is the human log. Bad arguments exit with code 2; a
command that fails (an unwritable file, say) exits with code 1.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from typing import Optional, Sequence, TextIO

from . import __version__
from .info import print_info

# The make-model choices, spelled here because importing demo_model imports torch, and
# `info` must run without torch. A test keeps them equal to demo_model's own lists.
DEMO_ARCHITECTURES = ("llama", "qwen2")
DEMO_SIZES = ("tiny", "small", "wide")
DEMO_DTYPES = ("f32", "f16", "bf16", "q8_0", "q4_0", "q4_1", "q5_0", "q5_1", "q2_k", "q3_k", "q4_k", "q5_k", "q6_k")


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
    make_model.add_argument("--size", choices=DEMO_SIZES, default="tiny", help="tiny: 64 dims x 2 layers; small: 128 x 4; wide: 256 x 2")
    make_model.add_argument("--dtype", choices=DEMO_DTYPES, default="f32", help="storage of the weight matrices")
    make_model.add_argument("--seed", type=seed_number, default=0, help="seed of the random weights (default 0)")
    train = commands.add_parser(
        "train",
        help="train a LoRA adapter on a GGUF base model, printing JSON events",
        description="Train a LoRA adapter as run.json describes. stdout carries one JSON event per line; "
        "stdin takes the commands pause, resume, checkpoint and stop, one per line.",
    )
    train.add_argument("--config", required=True, help="the run's settings (run.json)")
    train.add_argument("--resume", action="store_true", help="continue from the latest checkpoint in the output folder")
    train.add_argument("--stop-when-stdin-closes", action="store_true",
                       help="treat the end of stdin (the app that started the run is gone) as stop: checkpoint, then exit")
    merge = commands.add_parser(
        "merge",
        help="fold a LoRA adapter into its base model, writing one GGUF",
        description="Write BASE with ADAPTER folded in (W' = W + scale*B*A in the GGUF's own layout). stdout carries "
        "JSON lines: progress ({\"event\": \"progress\", \"fraction\"}), then done (a summary) or error (kind, message, problems).",
    )
    merge.add_argument("--base", required=True, help="the base model (GGUF)")
    merge.add_argument("--adapter", required=True, help="the LoRA adapter (GGUF) trained on that model")
    merge.add_argument("--out", required=True, help="the merged GGUF to write (atomically)")
    merge.add_argument("--type", choices=("auto", "f32", "f16", "bf16", "q8_0"), default="auto",
                       help="auto: each tensor's own type when F32/F16/BF16/Q8_0, else F16")
    merge.add_argument("--scale", type=float, default=1.0, help="adapter strength (default 1, as trained)")
    return parser


def run_merge(args: argparse.Namespace) -> int:
    """Merge; every outcome is a JSON line on stdout (``done`` or ``error``), never a traceback."""
    protocol = sys.stdout  # kept: anything else printing while merging goes to stderr

    def emit(event: dict) -> None:
        protocol.write(json.dumps(event) + "\n")
        protocol.flush()

    with contextlib.redirect_stdout(sys.stderr):
        try:
            from .merge import MergeError, merge_adapter
        except ImportError as error:  # imported here so that `info` runs without torch
            emit({"event": "error", "kind": "internal", "message": f"merge needs torch: {error}", "problems": []})
            return 1
        try:
            summary = merge_adapter(args.base, args.adapter, args.out, args.type, args.scale,
                                    progress=lambda fraction: emit({"event": "progress", "fraction": round(fraction, 4)}))
        except MergeError as error:
            emit({"event": "error", "kind": error.kind, "message": str(error), "problems": error.problems})
            return 1
        except FileNotFoundError as error:
            emit({"event": "error", "kind": "not_found", "message": f"{error.filename}: no such file", "problems": []})
            return 1
        except OSError as error:
            emit({"event": "error", "kind": "unwritable", "message": f"cannot write {args.out}: {error.strerror or error}", "problems": []})
            return 1
    emit({"event": "done", **summary})
    return 0


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


def protocol_stream() -> TextIO:
    """The stream events are written to: the process's stdout, kept on a descriptor of its
    own while descriptor 1 is pointed at stderr, so that even native code printing to stdout
    (a CUDA library, say) lands in the human log instead of the protocol."""
    try:
        descriptor = sys.stdout.fileno()
        sys.stdout.flush()
        protocol = os.fdopen(os.dup(descriptor), "w", encoding="utf-8", newline="\n")
        os.dup2(sys.stderr.fileno(), descriptor)
        return protocol
    except (AttributeError, OSError, ValueError):  # not a real file (tests calling main())
        return sys.stdout


def run_train(args: argparse.Namespace) -> int:
    """Train; every outcome is an event on stdout (``done`` or ``error``), never a traceback."""
    from .train.control import ignore_file_size_signal
    from .train.events import EventWriter, setup_human_log

    # First, before torch loads: past a file-size limit a write must fail (EFBIG, reported as
    # a full disk) rather than the signal kill the process.
    ignore_file_size_signal()
    # OpenMP threads that spin while they wait make torch 10-20x slower as soon as another
    # process wants the same cores (the app's llama.cpp, a test suite): measured on 2 cores
    # at load 9, ~100 tokens/s spinning and ~2,200 sleeping. Read when torch loads, so set
    # before it is imported; a value the person set wins.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    events = EventWriter(protocol_stream())
    setup_human_log(sys.stderr)
    # Anything else that prints (torch, a library) goes to the human log: stdout is the protocol.
    with contextlib.redirect_stdout(sys.stderr):
        try:
            from .train.recipe import run_training
        except ImportError as error:  # imported here so that `info` runs without torch
            events.error("internal", f"Training needs torch, which cannot be imported here: {error}", detail=repr(error))
            return 1
        return run_training(args.config, resume=args.resume, events=events, stdin=sys.stdin,
                            stop_when_stdin_closes=args.stop_when_stdin_closes)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command named in ``argv`` (default: the process arguments) and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "info":
        return print_info()
    if args.command == "make-model":
        return run_make_model(args)
    if args.command == "train":
        return run_train(args)
    if args.command == "merge":
        return run_merge(args)
    # argparse already exits 2 for an unknown command; a missing one is the same mistake.
    parser.error("a command is required")


if __name__ == "__main__":
    sys.exit(main())
