"""CPU (or GPU) training throughput of the LoRA trainer on a ~20M-parameter demo model:
tokens/s, and achieved FLOP/s as a fraction of dense matmul throughput measured in the
same run, at fp32 and at bf16 autocast.

Run it as::

    /usr/bin/python3 bench/train_throughput.py [--steps N] [--threads N] [--warmup N]
        [--bf16-steps N] [--bf16-warmup N] [--batch N] [--length N] [--device cpu|cuda|auto]
        [--profile fp32|bf16] [--keep]

It writes a random-weight llama model (512 dims x 6 layers, 8 heads, FFN 1536, the demo
byte-level vocabulary: 20.7M parameters) with the runtime's GGUF writer and demo-model
pieces, and a prepared dataset (docs/prepared-data.md) whose examples are all exactly
``--length`` tokens, so every micro-batch is ``batch x length`` with no padding and the
FLOP count below is exact. It then trains LoRA (rank 16, all seven targets) through the
real path, ``python -m lathe_runtime train`` as a subprocess, once per precision, reads the
``step`` events (skipping the warm-up steps), and times ``torch.mm`` on the step's own
frozen matmuls (shapes and operand layouts) in this process with the same thread count,
before and after the training runs. Prints a table and, last, one JSON line.

The defaults (batch 2 x 128 tokens, 8 fp32 steps, 2 bf16 steps on a CPU) keep a run on a
2-core CPU near two minutes; on a GPU give it real sizes, e.g. ``--device cuda --batch 8
--length 1024 --steps 20``.

FLOPs of one training step (multiply-add = 2 FLOPs; n = batch·length tokens, m = target
positions, L layers, d model width, q the width of all query heads, V the vocabulary,
r the LoRA rank; each projection has ``in`` x ``out`` weights):

* frozen projections, forward:  n · Σ_proj 2·in·out
* frozen projections, backward: the same again, for the input gradient only (the base gets
  no weight gradient), except layer 0's q, k and v, whose input (the frozen embedding)
  needs no gradient, so autograd skips them
* attention, forward: n · L · 4·length·q (q·kᵀ and softmax·v over the full length x length
  score matrix, which the float32 fallback computes whole; SDPA's causal kernels on torch
  2.x may skip the masked half, so there this overcounts)
* attention, backward: 2x its forward (gradients of both operands of both matmuls)
* output head (only target positions go through it): forward m·2·d·V, backward the same
  (input gradient only)
* LoRA, each wrapped projection: forward n·2·r·(in+out); backward n·2·r·(in+out) for the
  weight gradients of A and B plus n·2·r·(in+out) for the input gradients, less n·2·r·in
  for layer 0's q, k, v (nothing upstream needs their input gradient)

Norms, rope, softmax, SiLU, the loss and the optimizer are elementwise and not counted.
Achieved FLOP/s = step FLOPs / step time, from the ``step`` events (tokens / tokens_per_s).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

# The trainer sets this before torch loads (a busy core otherwise stalls every OpenMP
# barrier); the matmul side is measured under the same policy.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# LATHE_RUNTIME_DIR points at another copy of python-runtime/ (to compare two versions).
RUNTIME_DIR = Path(os.environ.get("LATHE_RUNTIME_DIR") or Path(__file__).resolve().parent.parent / "python-runtime").resolve()
sys.path.insert(0, str(RUNTIME_DIR))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from lathe_runtime.demo_model import (ENDOFTEXT_ID, IM_END_ID, IM_START_ID, VOCAB_SIZE, DemoModelConfig,  # noqa: E402
                                      add_demo_metadata, demo_vocab, demo_weights, storage_type)
from lathe_runtime.gguf import GGUFWriter  # noqa: E402

# 512 x 6, FFN 3·d: 6 · (4·512² + 3·512·1536) + 2·259·512 + norms = 20,719,104 parameters.
BENCH_MODEL = DemoModelConfig(
    arch="llama", size="bench-20m", embedding_length=512, block_count=6, head_count=8, head_count_kv=8,
    feed_forward_length=1536, rope_freq_base=10_000.0, qkv_bias=False, tied_embeddings=False, context_length=1024,
)
LORA_RANK = 16
TARGETS = ("q", "k", "v", "o", "gate", "up", "down")


@dataclass(frozen=True)
class Projection:
    """One frozen projection of a block: its LoRA target name and (in, out) widths."""

    target: str
    inputs: int
    outputs: int


def projections(config: DemoModelConfig) -> List[Projection]:
    """The seven projections of one block."""
    d, ff = config.embedding_length, config.feed_forward_length
    q = config.head_count * config.head_dim
    kv = config.head_count_kv * config.head_dim
    return [Projection("q", d, q), Projection("k", d, kv), Projection("v", d, kv), Projection("o", q, d),
            Projection("gate", d, ff), Projection("up", d, ff), Projection("down", ff, d)]


def parameter_count(config: DemoModelConfig) -> int:
    """Weights in the model (embedding, blocks with their two norms, output norm, output)."""
    d = config.embedding_length
    block = sum(p.inputs * p.outputs for p in projections(config)) + 2 * d
    return 2 * VOCAB_SIZE * d + config.block_count * block + d


def step_flops(config: DemoModelConfig, batch: int, length: int, targets: int, rank: int) -> Dict[str, float]:
    """FLOPs of one training step by part (the module docstring gives the formula)."""
    n, layers, d = batch * length, config.block_count, config.embedding_length
    q_width = config.head_count * config.head_dim
    blocks = projections(config)
    first_layer_inputs = [p for p in blocks if p.target in ("q", "k", "v")]  # fed by the frozen embedding
    frozen = n * layers * sum(2 * p.inputs * p.outputs for p in blocks)
    frozen_skipped = n * sum(2 * p.inputs * p.outputs for p in first_layer_inputs)
    attention = n * layers * 4 * length * q_width
    head = targets * 2 * d * VOCAB_SIZE
    lora = n * layers * sum(2 * rank * (p.inputs + p.outputs) for p in blocks)
    lora_skipped = n * sum(2 * rank * p.inputs for p in first_layer_inputs)
    parts = {
        "frozen_forward": frozen, "frozen_backward": frozen - frozen_skipped,
        "attention_forward": attention, "attention_backward": 2 * attention,
        "head_forward": head, "head_backward": head,
        "lora_forward": lora, "lora_backward": 2 * lora - lora_skipped,
    }
    return {key: float(value) for key, value in parts.items()}


@dataclass(frozen=True)
class MatmulCase:
    """One ``torch.mm`` of the step: (m, k) by (k, n), the second operand either a weight
    read transposed (``x·Wᵀ``, F.linear's forward) or as stored (``g·W``, the input gradient)."""

    m: int
    k: int
    n: int
    transposed: bool

    @property
    def label(self) -> str:
        """How the table names it."""
        return f"{'x·Wᵀ' if self.transposed else 'g·W '} {self.m}x{self.k}x{self.n}"


def matmul_cases(config: DemoModelConfig, rows: int) -> Dict[str, MatmulCase]:
    """The frozen projections' matmuls of a step of ``rows`` tokens, one per distinct shape:
    the forward (rows, in) x Wᵀ and the input gradient (rows, out) x W, W being (out, in)."""
    cases: Dict[str, MatmulCase] = {}
    for p in projections(config):
        name = {"q": "q/k/v/o", "k": "q/k/v/o", "v": "q/k/v/o", "o": "q/k/v/o", "gate": "gate/up", "up": "gate/up"}.get(p.target, p.target)
        cases[f"{name} forward"] = MatmulCase(rows, p.inputs, p.outputs, True)
        cases[f"{name} backward"] = MatmulCase(rows, p.outputs, p.inputs, False)
    return cases


def frozen_matmul_seconds(config: DemoModelConfig, rates: Dict[MatmulCase, float], rows: int) -> float:
    """How long the frozen projections' matmuls of one step take at the ``torch.mm`` rates
    measured for each case (layer 0's q, k, v have no input-gradient matmul)."""
    seconds = 0.0
    for layer in range(config.block_count):
        for p in projections(config):
            flops = 2.0 * rows * p.inputs * p.outputs
            seconds += flops / rates[MatmulCase(rows, p.inputs, p.outputs, True)]
            if layer > 0 or p.target not in ("q", "k", "v"):
                seconds += flops / rates[MatmulCase(rows, p.outputs, p.inputs, False)]
    return seconds


# --- inputs -------------------------------------------------------------------------------


def write_model(path: Path, seed: int = 0) -> None:
    """The bench model as an F32 GGUF file, written like ``make-model`` writes the demo sizes."""
    writer = GGUFWriter()
    add_demo_metadata(writer, BENCH_MODEL, "f32")
    for name, values in demo_weights(BENCH_MODEL, seed).items():
        writer.add_tensor(name, values, storage_type(values, "f32"))
    writer.write(path)


def demo_fingerprint() -> str:
    """The demo tokenizer's fingerprint, as docs/prepared-data.md defines it."""
    tokens, types = demo_vocab()
    array = ["gpt2", "qwen2", tokens, types, [], ENDOFTEXT_ID, IM_END_ID]
    return "sha256:" + hashlib.sha256(json.dumps(array, separators=(",", ":"), ensure_ascii=False).encode("utf-8")).hexdigest()


def chat_example(length: int, generator: torch.Generator) -> Tuple[List[int], List[int]]:
    """A ChatML exchange of exactly ``length`` tokens with random printable text: the user
    turn is context (mask 0), the answer and its closing <|im_end|> are learned (mask 1)."""
    def text(count: int) -> List[int]:
        return torch.randint(32, 127, (count,), generator=generator).tolist()

    head = [IM_START_ID, *b"user\n"]
    middle = [IM_END_ID, 10, IM_START_ID, *b"assistant\n"]
    room = length - len(head) - len(middle) - 1  # the final <|im_end|>
    question = room // 2
    answer = room - question
    ids = head + text(question) + middle
    mask = [0] * len(ids)
    ids += text(answer) + [IM_END_ID]
    mask += [1] * (answer + 1)
    return ids, mask


def write_prepared(folder: Path, examples: int, length: int, seed: int = 0) -> int:
    """A prepared dataset (train split only) of equal-length examples; returns the number of
    target positions per example (a position predicts the next token where that token's mask is 1)."""
    folder.mkdir(parents=True, exist_ok=True)
    generator = torch.Generator().manual_seed(seed)
    rows = [chat_example(length, generator) for _ in range(examples)]
    tokens = [t for ids, _ in rows for t in ids]
    mask = [m for _, row_mask in rows for m in row_mask]
    offsets = [i * length for i in range(examples + 1)]
    (folder / "train.tokens.u32").write_bytes(struct.pack(f"<{len(tokens)}I", *tokens))
    (folder / "train.mask.u8").write_bytes(bytes(mask))
    (folder / "train.offsets.u64").write_bytes(struct.pack(f"<{len(offsets)}Q", *offsets))
    for suffix, data in (("tokens.u32", b""), ("mask.u8", b""), ("offsets.u64", struct.pack("<Q", 0))):
        (folder / f"validation.{suffix}").write_bytes(data)
    manifest = {
        "format": "lathe-prepared", "version": 1,
        "tokenizer": {"fingerprint": demo_fingerprint(), "vocabSize": VOCAB_SIZE, "bos": ENDOFTEXT_ID, "eos": IM_END_ID},
        "datasetHash": "sha256:" + hashlib.sha256(struct.pack(f"<{len(tokens)}I", *tokens)).hexdigest(),
        "templateHash": "sha256:bench",
        "options": {"maxLength": length, "overlong": "truncate", "lossOn": "assistant", "validationPercent": 0, "seed": seed},
        "splits": {"train": {"examples": examples, "tokens": len(tokens), "maskedTokens": sum(mask)},
                   "validation": {"examples": 0, "tokens": 0, "maskedTokens": 0}},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return sum(rows[0][1][1:])


# --- measurements -------------------------------------------------------------------------


@dataclass
class TrainingResult:
    """What the trainer reported for one precision."""

    precision: str
    device: str
    threads: int
    trainable: int  # LoRA parameters
    step_seconds: List[float]  # the measured steps (warm-up excluded)
    tokens_per_step: int
    other_seconds: float  # the process's life outside steps: start-up, model load, final checkpoint

    @property
    def tokens_per_s(self) -> float:
        """Tokens over the measured steps' total time."""
        return self.tokens_per_step * len(self.step_seconds) / sum(self.step_seconds)


def train(work: Path, precision: str, steps: int, warmup: int, threads: int, batch: int, length: int,
          device: str) -> TrainingResult:
    """Run ``python -m lathe_runtime train`` for ``warmup + steps`` steps; raise with its log on failure."""
    output = work / f"run-{precision}"
    config = {
        "base_model": str(work / "model.gguf"), "data": str(work / "prepared"), "output_dir": str(output),
        "lora": {"rank": LORA_RANK, "targets": list(TARGETS)},
        "optimizer": {"lr": 1e-4}, "schedule": {"kind": "constant"},
        "steps": warmup + steps, "micro_batch_size": batch, "precision": precision,
        "threads": threads, "device": device, "log_every": 1,
    }
    run_json = work / f"run-{precision}.json"
    run_json.write_text(json.dumps(config, indent=2), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(RUNTIME_DIR), os.environ.get("PYTHONPATH")) if p))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "lathe_runtime", "train", "--config", str(run_json)], env=env,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    events = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not any(e["event"] == "done" for e in events):
        errors = [e for e in events if e["event"] == "error"]
        raise RuntimeError(f"training at {precision} failed (exit {done.returncode}): {errors or ''}\n{done.stderr[-4000:]}")
    start = next(e for e in events if e["event"] == "start")
    base = start["parameters"]["total"] - start["parameters"]["trainable"]
    if base != parameter_count(BENCH_MODEL):  # the FLOP formula is written for exactly this model
        raise RuntimeError(f"the trainer loaded {base:,} base parameters; the formula expects {parameter_count(BENCH_MODEL):,}")
    steps_seen = [e for e in events if e["event"] == "step"]
    measured = [e for e in steps_seen if e["step"] > warmup]
    if any(e["tokens"] != batch * length for e in steps_seen):  # the formula counts batch x length tokens
        raise RuntimeError(f"a step trained {sorted({e['tokens'] for e in steps_seen})} tokens, not {batch * length}")
    wall = time.perf_counter() - started
    shutil.rmtree(output, ignore_errors=True)
    return TrainingResult(
        precision=start["precision"], device=start["device"], threads=start["threads"],
        trainable=start["parameters"]["trainable"], tokens_per_step=batch * length,
        step_seconds=[e["tokens"] / e["tokens_per_s"] for e in measured],
        other_seconds=wall - sum(e["tokens"] / e["tokens_per_s"] for e in steps_seen),
    )


def matmul_flops_per_s(case: MatmulCase, dtype: torch.dtype, device: torch.device, seconds: float) -> float:
    """Throughput of ``torch.mm`` for ``case`` in ``dtype``: the median of five timed batches
    of calls after a warm-up, each batch about ``seconds``/5 long."""
    m, k, n = case.m, case.k, case.n
    a = torch.randn(m, k, device=device).to(dtype)
    b = torch.randn(n, k, device=device).to(dtype).t() if case.transposed else torch.randn(k, n, device=device).to(dtype)

    def run(calls: int) -> float:
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        began = time.perf_counter()
        for _ in range(calls):
            torch.mm(a, b)
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        return time.perf_counter() - began

    run(1)  # warm-up: first-call allocations, library initialisation
    once = run(3) / 3
    calls = max(1, int(seconds / 5 / max(once, 1e-6)))
    times = [run(calls) / calls for _ in range(5)]
    return 2.0 * m * k * n / statistics.median(times)


DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16}


def measure_matmuls(cases: Dict[str, MatmulCase], device: torch.device) -> Dict[str, Dict[str, float]]:
    """FLOP/s of ``torch.mm`` per case and dtype (bf16 gets longer: on CPUs without bf16
    instructions its calls are slow and noisy)."""
    return {name: {label: matmul_flops_per_s(case, dtype, device, 1.0 if label == "fp32" else 2.5)
                   for label, dtype in DTYPES.items()}
            for name, case in cases.items()}


@dataclass
class StepProfile:
    """One profiled step: its wall time, self time and calls per operator (longest first),
    and the matmul FLOPs the profiler counted beside the formula's count for the same step."""

    seconds: float
    ops: List[Tuple[str, float, int]]
    counted_flops: float
    formula_flops: float


def profile_step(model_path: Path, batch: int, length: int, precision: str) -> StepProfile:
    """Profile one training step built as the recipe builds it (frozen decoder, LoRA on every
    target, loss on the second half of each row, clipping, AdamW), in this process on the CPU.
    The profiler's own FLOP count of mm/bmm/addmm checks ``step_flops``."""
    from torch.profiler import ProfilerActivity, profile

    from lathe_runtime.lora import LoRASpec, apply_lora, mark_only_lora_trainable
    from lathe_runtime.model import load_decoder

    bf16 = precision == "bf16"
    model, _ = load_decoder(model_path, dtype=torch.bfloat16 if bf16 else torch.float32)
    torch.manual_seed(0)
    apply_lora(model, LoRASpec(rank=LORA_RANK, alpha=2.0 * LORA_RANK, targets=TARGETS))
    mark_only_lora_trainable(model)
    model.train()
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(parameters, lr=1e-4)
    tokens = torch.randint(0, 256, (batch, length), generator=torch.Generator().manual_seed(0))
    labels = tokens.roll(-1, dims=1)
    labels[:, :length // 2] = -100
    labels[:, -1] = -100
    keep = labels != -100

    def step() -> None:
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext():
            logits = model.head(model.hidden_states(tokens)[keep])
            loss = F.cross_entropy(logits.float(), labels[keep], reduction="sum") / int(keep.sum())
        loss.backward()
        torch.nn.utils.clip_grad_norm_(parameters, 1.0)
        optimizer.step()

    step()  # warm-up
    with profile(activities=[ProfilerActivity.CPU], with_flops=True) as profiler:
        began = time.perf_counter()
        step()
        seconds = time.perf_counter() - began
    events = profiler.key_averages()
    ops = sorted(((event.key, event.self_cpu_time_total / 1e6, event.count) for event in events), key=lambda op: -op[1])
    counted = sum(event.flops or 0 for event in events if event.key in ("aten::mm", "aten::bmm", "aten::addmm"))
    formula = sum(step_flops(BENCH_MODEL, batch, length, int(keep.sum()), LORA_RANK).values())
    return StepProfile(seconds, ops, float(counted), formula)


# --- report -------------------------------------------------------------------------------


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Build the inputs, train at fp32 and bf16, time the matmuls, print the table and JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=8, help="measured fp32 steps (default 8)")
    parser.add_argument("--warmup", type=int, default=2, help="fp32 steps skipped before measuring (default 2)")
    # bf16 without the CPU's bf16 instructions is ~15x slower: fewer steps keep the run short,
    # and one warm-up step is enough when a step takes seconds.
    parser.add_argument("--bf16-steps", type=int, default=None, help="measured bf16 steps (default: 2 on a CPU, else --steps)")
    parser.add_argument("--bf16-warmup", type=int, default=None, help="bf16 warm-up steps (default: 1 on a CPU, else --warmup)")
    affinity = getattr(os, "sched_getaffinity", None)
    parser.add_argument("--threads", type=int, default=len(affinity(0)) if affinity else (os.cpu_count() or 1),
                        help="CPU threads for training and matmuls (default: the CPUs this process may use)")
    parser.add_argument("--batch", type=int, default=2, help="micro-batch size (default 2)")
    parser.add_argument("--length", type=int, default=128, help="tokens per example (default 128)")
    parser.add_argument("--device", default="cpu", help="cpu (default), cuda or auto")
    parser.add_argument("--profile", choices=("fp32", "bf16"), help="also profile one step of this precision in-process")
    parser.add_argument("--keep", action="store_true", help="keep the model and data folder and print its path")
    args = parser.parse_args(argv)
    if args.profile and args.device != "cpu":
        parser.error("--profile profiles a CPU step; use it with --device cpu")
    counts = (args.steps, args.threads, args.batch, args.bf16_steps if args.bf16_steps is not None else 1)
    warmups = (args.warmup, args.bf16_warmup if args.bf16_warmup is not None else 0)
    if min(counts) < 1 or min(warmups) < 0 or not 32 <= args.length <= BENCH_MODEL.context_length:
        parser.error("--steps, --bf16-steps, --threads and --batch must be ≥ 1, the warm-ups ≥ 0, "
                     f"--length 32 to {BENCH_MODEL.context_length}")
    torch.set_num_threads(args.threads)
    device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else
                          "cpu" if args.device == "auto" else args.device)
    on_cpu = device.type == "cpu"
    bf16_steps = args.bf16_steps if args.bf16_steps is not None else (2 if on_cpu else args.steps)
    bf16_warmup = args.bf16_warmup if args.bf16_warmup is not None else (1 if on_cpu else args.warmup)

    # The step's matmuls: a micro-batch of activations (rows) by each projection's weights.
    rows = args.batch * args.length
    cases = matmul_cases(BENCH_MODEL, rows)
    work = Path(tempfile.mkdtemp(prefix="lathe-train-bench-"))
    load_before = os.getloadavg()
    try:
        write_model(work / "model.gguf")
        targets_per_example = write_prepared(work / "prepared", examples=max(64, 8 * args.batch), length=args.length)
        # Matmuls before and after the training runs: on a shared machine the load drifts, and
        # the better of the two is the machine's peak in this run.
        rounds = [measure_matmuls(cases, device)]
        results = [train(work, "fp32", args.steps, args.warmup, args.threads, args.batch, args.length, args.device),
                   train(work, "bf16", bf16_steps, bf16_warmup, args.threads, args.batch, args.length, args.device)]
        rounds.append(measure_matmuls(cases, device))
        profiled = profile_step(work / "model.gguf", args.batch, args.length, args.profile) if args.profile else None
    finally:
        if args.keep:
            print(f"inputs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()

    flops = step_flops(BENCH_MODEL, args.batch, args.length, targets_per_example * args.batch, LORA_RANK)
    total = sum(flops.values())
    matmul = {name: {label: max(r[name][label] for r in rounds) for label in DTYPES} for name in cases}
    peak = {label: max(by_dtype[label] for by_dtype in matmul.values()) for label in ("fp32", "bf16")}
    print(f"model: llama {BENCH_MODEL.embedding_length} x {BENCH_MODEL.block_count}, {parameter_count(BENCH_MODEL):,} parameters; "
          f"LoRA r{LORA_RANK} on {','.join(TARGETS)} ({results[0].trainable:,} trainable); batch {args.batch} x {args.length} tokens; "
          f"{args.threads} threads on {device}; torch {torch.__version__}")
    print(f"step FLOPs: {total / 1e9:.2f} G = frozen {(flops['frozen_forward'] + flops['frozen_backward']) / total:.0%}, "
          f"attention {(flops['attention_forward'] + flops['attention_backward']) / total:.0%}, "
          f"LoRA {(flops['lora_forward'] + flops['lora_backward']) / total:.0%}, "
          f"head {(flops['head_forward'] + flops['head_backward']) / total:.1%}")
    print(f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print()
    print(f"{'torch.mm GFLOP/s, before / after training':<44}{'fp32':>16}{'bf16':>16}")
    for name, case in cases.items():
        cells = "".join(f"{rounds[0][name][label] / 1e9:.1f} / {rounds[1][name][label] / 1e9:.1f}".rjust(16) for label in DTYPES)
        print(f"{name + ' ' + case.label:<44}{cells}")
    print()
    # "s/step": the mean over the measured steps, which tokens/s and GFLOP/s use; "best": the
    # fastest step (on a shared machine, the one least disturbed). "frozen mm s": the step's frozen-projection matmuls alone at the torch.mm rates above;
    # "share" is that over the step time: the part of a step spent on the base model's
    # matmuls if they ran as fast as bare torch.mm does.
    print(f"{'training':<10}{'steps':>6}{'s/step':>9}{'best':>8}{'tokens/s':>10}{'GFLOP/s':>9}{'of peak mm':>11}"
          f"{'frozen mm s':>12}{'share':>7}{'other s':>9}")
    report: Dict[str, Any] = {}
    for result in results:
        seconds = sum(result.step_seconds) / len(result.step_seconds)
        achieved = total / seconds
        fraction = achieved / peak[result.precision]
        rates = {case: matmul[name][result.precision] for name, case in cases.items()}
        frozen_s = frozen_matmul_seconds(BENCH_MODEL, rates, rows)
        print(f"{result.precision:<10}{len(result.step_seconds):>6}{seconds:>9.3f}{min(result.step_seconds):>8.3f}{result.tokens_per_s:>10.0f}"
              f"{achieved / 1e9:>9.2f}{fraction:>11.1%}{frozen_s:>12.3f}{frozen_s / seconds:>7.0%}{result.other_seconds:>9.1f}")
        report[result.precision] = {
            "steps": len(result.step_seconds), "step_s_mean": round(seconds, 4), "step_s_median": round(statistics.median(result.step_seconds), 4),
            "step_s_min": round(min(result.step_seconds), 4), "step_s_max": round(max(result.step_seconds), 4),
            "tokens_per_s": round(result.tokens_per_s, 1), "gflop_per_s": round(achieved / 1e9, 3),
            "matmul_peak_gflop_per_s": round(peak[result.precision] / 1e9, 2), "fraction_of_matmul": round(fraction, 4),
            "frozen_matmul_s": round(frozen_s, 4), "other_s": round(result.other_seconds, 2),
        }
    if profiled is not None:
        print()
        print(f"profile of one {args.profile} step in this process (built like the recipe's; not the trainer): "
              f"{profiled.seconds:.3f} s; matmul FLOPs counted by the profiler {profiled.counted_flops / 1e9:.3f} G, "
              f"by the formula {profiled.formula_flops / 1e9:.3f} G; self time per operator:")
        for name, op_seconds, calls in profiled.ops[:12]:
            print(f"  {name[:48]:<50}{op_seconds:>8.3f} s{op_seconds / profiled.seconds:>6.0%}{calls:>7} calls")
    print()
    print(json.dumps({
        "benchmark": "train_throughput", "parameters": parameter_count(BENCH_MODEL), "lora_rank": LORA_RANK,
        "batch": args.batch, "length": args.length, "threads": args.threads, "device": str(device),
        "torch": str(torch.__version__), "warmup_steps": {"fp32": args.warmup, "bf16": bf16_warmup},
        "step_gflop": round(total / 1e9, 4), "step_gflop_parts": {key: round(value / 1e9, 4) for key, value in flops.items()},
        "matmul_gflop_per_s": {name: {label: [round(r[name][label] / 1e9, 2) for r in rounds] for label in DTYPES} for name in cases},
        "training": report, "load_average": [round(load_before[0], 2), round(load_after[0], 2)],
    }))
    return 0

if __name__ == "__main__":
    sys.exit(main())
