"""Helpers for the training tests: tiny prepared datasets in the documented format, run.json
files, and the trainer as a real subprocess (``python -m lathe_runtime train``).

Prepared sets are written byte by byte from docs/prepared-data.md, not with the runtime's
code, so a runtime that misreads the format fails the tests. The demo tokenizer is byte-level
(ids 0-255 are bytes, 256 <|endoftext|>, 257 <|im_start|>, 258 <|im_end|>), so an example
is its ChatML text's bytes with the control tokens in place; the loss mask covers the
answer's bytes and the <|im_end|> that closes the answer.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import lathe_runtime
from lathe_runtime.demo_model import demo_vocab

RUNTIME_DIR = Path(lathe_runtime.__file__).resolve().parent.parent
ENDOFTEXT, IM_START, IM_END = 256, 257, 258
VOCAB_SIZE = 259
Pair = Tuple[bytes, bytes]


def chatml_prompt(question: str) -> str:
    """The text llama.cpp is given to answer ``question`` (control tokens spelled out)."""
    return f"<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n"


def chatml_example(question: bytes, answer: bytes) -> Tuple[List[int], List[int]]:
    """Token ids and loss mask of one exchange: the user turn and the assistant header are
    context (mask 0); the answer's bytes and its closing <|im_end|> are learned (mask 1)."""
    ids = [IM_START, *b"user\n", *question, IM_END, 10, IM_START, *b"assistant\n"]
    mask = [0] * len(ids)
    ids += [*answer, IM_END]
    mask += [1] * (len(answer) + 1)
    return ids, mask


def demo_fingerprint() -> str:
    """The demo tokenizer's fingerprint, computed as docs/prepared-data.md says."""
    tokens, types = demo_vocab()
    array = ["gpt2", "qwen2", tokens, types, [], ENDOFTEXT, IM_END]
    return "sha256:" + hashlib.sha256(json.dumps(array, separators=(",", ":"), ensure_ascii=False).encode("utf-8")).hexdigest()


def write_split(folder: Path, name: str, examples: Sequence[Tuple[List[int], List[int]]]) -> Dict[str, int]:
    """The three files of one split; returns its manifest entry."""
    tokens = [t for ids, _ in examples for t in ids]
    mask = [m for _, example_mask in examples for m in example_mask]
    offsets = [0]
    for ids, _ in examples:
        offsets.append(offsets[-1] + len(ids))
    (folder / f"{name}.tokens.u32").write_bytes(struct.pack(f"<{len(tokens)}I", *tokens))
    (folder / f"{name}.mask.u8").write_bytes(bytes(mask))
    (folder / f"{name}.offsets.u64").write_bytes(struct.pack(f"<{len(offsets)}Q", *offsets))
    return {"examples": len(examples), "tokens": len(tokens), "maskedTokens": sum(mask)}


def write_prepared(folder: Path, train: Sequence[Pair], validation: Sequence[Pair] = (),
                   fingerprint: Optional[str] = None, max_length: int = 512, **manifest_changes: Any) -> Path:
    """A prepared dataset of ChatML exchanges in ``folder``; ``manifest_changes`` replace
    top-level manifest keys (to write broken ones)."""
    folder.mkdir(parents=True, exist_ok=True)
    splits = {
        "train": write_split(folder, "train", [chatml_example(q, a) for q, a in train]),
        "validation": write_split(folder, "validation", [chatml_example(q, a) for q, a in validation]),
    }
    manifest: Dict[str, Any] = {
        "format": "lathe-prepared",
        "version": 1,
        "tokenizer": {"fingerprint": fingerprint or demo_fingerprint(), "vocabSize": VOCAB_SIZE, "bos": ENDOFTEXT, "eos": IM_END},
        "datasetHash": "sha256:" + hashlib.sha256(repr((list(train), list(validation))).encode()).hexdigest(),
        "templateHash": "sha256:test",
        "options": {"maxLength": max_length, "overlong": "truncate", "lossOn": "assistant", "validationPercent": 10, "seed": 0},
        "splits": splits,
    }
    manifest.update(manifest_changes)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


# Eight short question/answer pairs for the memorization test (and small training runs).
QA_PAIRS: List[Pair] = [
    (b"What is the capital of France?", b"Paris."),
    (b"Name a red fruit.", b"A cherry."),
    (b"How many legs does a cat have?", b"Four."),
    (b"What color is the sky?", b"Blue."),
    (b"Say hello.", b"Hello!"),
    (b"What is 2+2?", b"It is 4."),
    (b"Opposite of hot?", b"Cold."),
    (b"Who wrote Hamlet?", b"Shakespeare."),
]


def write_run_config(path: Path, **settings: Any) -> Path:
    """run.json with ``settings`` (nested dicts as given)."""
    path.write_text(json.dumps(settings, indent=2), encoding="utf-8")
    return path


def runtime_env() -> Dict[str, str]:
    """The environment with the runtime importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(RUNTIME_DIR), env.get("PYTHONPATH")) if p)
    return env


def run_train(config: Path, *args: str, timeout: float = 600, launcher: Sequence[str] = ()) -> Tuple[int, List[Dict[str, Any]], str]:
    """Run the trainer to its end with stdin closed; return exit code, events and stderr.
    Every stdout line must be one JSON object. ``launcher``: as for ``TrainerProcess``."""
    done = subprocess.run([sys.executable, *launcher, "-m", "lathe_runtime", "train", "--config", str(config), *args],
                          env=runtime_env(), capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return done.returncode, parse_events(done.stdout, done.stderr), done.stderr


def parse_events(stdout: str, stderr: str = "") -> List[Dict[str, Any]]:
    """Each stdout line as JSON (a line that is not is a protocol failure)."""
    events = []
    for line in stdout.splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            raise AssertionError(f"stdout line is not JSON: {line!r}\nstderr:\n{stderr}") from None
        assert isinstance(event, dict) and isinstance(event.get("event"), str), line
        events.append(event)
    return events


class TrainerProcess:
    """The trainer as a running subprocess: read its events as they come, write to its stdin."""

    def __init__(self, config: Path, *args: str, launcher: Sequence[str] = (), preexec_fn: Any = None) -> None:
        """``launcher``: interpreter arguments before ``-m lathe_runtime`` (``-m
        torch.distributed.run …``); ``preexec_fn`` runs in the child before it starts."""
        self.process = subprocess.Popen(
            [sys.executable, *launcher, "-m", "lathe_runtime", "train", "--config", str(config), *args],
            env=runtime_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=preexec_fn)
        self.events: List[Dict[str, Any]] = []
        self._lines: "queue.Queue[Optional[str]]" = queue.Queue()
        self._stderr: List[str] = []
        threading.Thread(target=self._pump, args=(self.process.stdout, self._lines), daemon=True).start()
        threading.Thread(target=self._drain, daemon=True).start()

    @staticmethod
    def _pump(stream: Any, lines: "queue.Queue[Optional[str]]") -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)

    def _drain(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._stderr.append(line)

    @property
    def stderr(self) -> str:
        return "".join(self._stderr)

    def send(self, command: str) -> None:
        """Write one control line."""
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def close_stdin(self) -> None:
        """Close the trainer's stdin, as a parent that dies does."""
        assert self.process.stdin is not None
        self.process.stdin.close()

    def next_event(self, timeout: float = 120) -> Optional[Dict[str, Any]]:
        """The next event (None at the end of stdout)."""
        line = self._lines.get(timeout=timeout)
        if line is None:
            return None
        event = parse_events(line, self.stderr)[0]
        self.events.append(event)
        return event

    def wait_for(self, name: str, timeout: float = 120, **fields: Any) -> Dict[str, Any]:
        """Read events until one named ``name`` (with ``fields``) arrives."""
        deadline = time.monotonic() + timeout
        while True:
            event = self.next_event(max(0.1, deadline - time.monotonic()))
            if event is None:
                raise AssertionError(f"no {name} event before the end; events: {self.events}\nstderr:\n{self.stderr}")
            if event["event"] == "error" and name != "error":
                raise AssertionError(f"error event while waiting for {name}: {event}\nstderr:\n{self.stderr}")
            if event["event"] == name and all(event.get(k) == v for k, v in fields.items()):
                return event

    def finish(self, timeout: float = 120) -> int:
        """Read the remaining events and return the exit code."""
        while self.next_event(timeout) is not None:
            pass
        return self.process.wait(timeout)
