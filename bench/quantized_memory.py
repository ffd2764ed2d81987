"""Peak memory and speed of LoRA training on a quantized base: the base dequantized at load
(``base_weights: "dequantize"``) against the base kept in its blocks (``"quantized"``, the
low-memory mode), side by side in one run.

Run it as::

    /usr/bin/python3 bench/quantized_memory.py [--dtype q4_k|q5_k|q6_k|q8_0|...] [--steps N]
        [--warmup N] [--batch N] [--length N] [--threads N] [--device cpu|cuda] [--keep]

It writes a random-weight llama (1024 dims x 8 layers, 16 heads, FFN 2816, the demo byte-level
vocabulary: 103.3M parameters, every row a whole number of k-quant blocks) in ``--dtype``
with the runtime's own quantizer, and a prepared dataset of equal-length chat examples
(``train_throughput.py``'s). Each mode then trains LoRA (rank 16, all seven targets, fp32)
for ``warmup + steps`` steps in a process of its own (``--child``), which runs the trainer
in-process and reports its own peak resident memory (``VmHWM``) and, on CUDA, torch's
peak allocated GPU memory. Tokens/s come from the trainer's ``step`` events, warm-up steps
skipped. Prints a table and, last, one JSON line.

What the peak holds besides the base: the Python interpreter and torch (~300 MB of RSS on
CPU before any model), activations of one micro-batch, LoRA weights and their AdamW state.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
RUNTIME_DIR = Path(os.environ.get("LATHE_RUNTIME_DIR") or Path(__file__).resolve().parent.parent / "python-runtime").resolve()
sys.path.insert(0, str(RUNTIME_DIR))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402

from lathe_runtime.demo_model import DTYPES, FILE_TYPES, DemoModelConfig, add_demo_metadata, demo_weights, storage_type  # noqa: E402
from lathe_runtime.gguf import GGUFWriter  # noqa: E402
from train_throughput import write_prepared  # noqa: E402

# 8 · (4·1024² + 3·1024·2816) + 2·259·1024 + 17·1024 (norms) = 103,308,288 parameters.
BENCH_MODEL = DemoModelConfig(
    arch="llama", size="bench-100m", embedding_length=1024, block_count=8, head_count=16, head_count_kv=16,
    feed_forward_length=2816, rope_freq_base=10_000.0, qkv_bias=False, tied_embeddings=False, context_length=1024,
)
MODES = ("dequantize", "quantized")
MB = 1024 * 1024


def write_model(path: Path, dtype: str) -> Dict[str, int]:
    """The bench model in ``dtype``; returns its parameter count and the bytes of its matrices."""
    writer = GGUFWriter()
    add_demo_metadata(writer, BENCH_MODEL, dtype)
    weights = demo_weights(BENCH_MODEL, seed=0)
    for name, values in weights.items():
        writer.add_tensor(name, values, storage_type(values, dtype))
    writer.write(path)
    return {"parameters": sum(v.numel() for v in weights.values())}


def peak_rss() -> int:
    """This process's peak resident bytes. Linux's VmHWM belongs to this program image;
    ``ru_maxrss`` would also carry the parent's peak across fork and exec (the parent held
    the whole float32 model while writing the file)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def child(run_json: str) -> int:
    """Train in this process, then report this process's peak memory as a JSON line (on
    stderr: the trainer keeps stdout for its events)."""
    from lathe_runtime.__main__ import main

    code = main(["train", "--config", run_json])
    sys.stdout.flush()
    report: Dict[str, Any] = {"event": "bench_memory", "code": code, "peak_rss": peak_rss()}
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        report["cuda_peak_allocated"] = torch.cuda.max_memory_allocated()
    print(json.dumps(report), file=sys.stderr, flush=True)
    return code


def run_mode(work: Path, mode: str, args: argparse.Namespace) -> Dict[str, Any]:
    """Train once with ``base_weights = mode`` in a fresh process; its numbers."""
    output = work / f"run-{mode}"
    config = {
        "base_model": str(work / "model.gguf"), "data": str(work / "prepared"), "output_dir": str(output),
        "lora": {"rank": 16}, "optimizer": {"lr": 1e-4}, "schedule": {"kind": "constant"},
        "steps": args.warmup + args.steps, "micro_batch_size": args.batch, "precision": "fp32",
        "threads": args.threads, "device": args.device, "log_every": 1, "base_weights": mode,
    }
    run_json = work / f"run-{mode}.json"
    run_json.write_text(json.dumps(config, indent=2), encoding="utf-8")
    done = subprocess.run([sys.executable, __file__, "--child", str(run_json)], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    events = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    # The trainer points the process's own prints at stderr (stdout carries only its events).
    report = next((json.loads(line) for line in done.stderr.splitlines() if line.startswith('{"event": "bench_memory"')), None)
    if done.returncode != 0 or report is None or report["code"] != 0:
        errors = [e for e in events if e["event"] == "error"]
        raise RuntimeError(f"training with base_weights={mode} failed (exit {done.returncode}): {errors}\n{done.stderr[-4000:]}")
    steps = [e for e in events if e["event"] == "step" and e["step"] > args.warmup]
    seconds = sum(e["tokens"] / e["tokens_per_s"] for e in steps)
    shutil.rmtree(output, ignore_errors=True)
    return {
        "mode": mode,
        "peak_rss_mb": report["peak_rss"] / MB,
        "cuda_peak_allocated_mb": report.get("cuda_peak_allocated", 0) / MB or None,
        "tokens_per_s": sum(e["tokens"] for e in steps) / seconds,
        "s_per_step": seconds / len(steps),
    }


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--dtype", choices=[d for d in DTYPES if d not in ("f32", "f16", "bf16")], default="q4_k")
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--length", type=int, default=128)
    parser.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (printed)")
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child)

    work = Path(tempfile.mkdtemp(prefix="lathe-qmem-"))
    try:
        facts = write_model(work / "model.gguf", args.dtype)
        write_prepared(work / "prepared", examples=max(8, args.batch * (args.steps + args.warmup)), length=args.length)
        file_mb = (work / "model.gguf").stat().st_size / MB
        results: List[Dict[str, Any]] = [run_mode(work, mode, args) for mode in MODES]
    finally:
        if args.keep:
            print(f"work folder: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    full, low = results
    print(f"Quantized base: llama {BENCH_MODEL.embedding_length} x {BENCH_MODEL.block_count}, {facts['parameters']:,} parameters, "
          f"{args.dtype.upper()} file {file_mb:.1f} MB (general.file_type {FILE_TYPES[args.dtype]}); LoRA r16 on all 7 targets, fp32, "
          f"batch {args.batch} x {args.length} tokens, {args.threads} threads, {args.device}, {args.steps} steps after {args.warmup} warm-up")
    print(f"  float32 copy of the parameters alone: {facts['parameters'] * 4 / MB:.0f} MB")
    for result in results:
        gpu = f", GPU peak allocated {result['cuda_peak_allocated_mb']:.0f} MB" if result["cuda_peak_allocated_mb"] else ""
        print(f"  base_weights={result['mode']:<10}  peak RSS {result['peak_rss_mb']:7.0f} MB{gpu}  "
              f"{result['tokens_per_s']:7.1f} tokens/s  {result['s_per_step']:.2f} s/step")
    print(f"  quantized / dequantize: peak RSS {low['peak_rss_mb'] / full['peak_rss_mb']:.2f}x, "
          f"speed {low['tokens_per_s'] / full['tokens_per_s']:.2f}x")
    print(json.dumps({"dtype": args.dtype, "parameters": facts["parameters"], "file_mb": file_mb, "results": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
