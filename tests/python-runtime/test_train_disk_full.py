"""A disk that fills up while a run writes: one typed error, nothing half-written left, and
the run resumes from the checkpoint before once there is room.

Run with ``node scripts/pytest.mjs``. Source: ``DiskFullError`` in
``lathe_runtime/train/errors.py``, ``save_checkpoint`` in ``checkpoint.py``. A full disk is
simulated as the app's own tests do, with a file-size limit (``RLIMIT_FSIZE``, what
``prlimit --fsize`` sets): the runtime ignores SIGXFSZ, so a write past the limit fails with
EFBIG. The limit is measured, not guessed: a checkpoint at step 0 holds no optimizer moments
and is about a third the size of a later one, so a limit between the two lets the first
checkpoint through and stops the next.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Dict, Optional

import pytest

from lathe_runtime.demo_model import make_demo_model
from lathe_runtime.train.checkpoint import list_checkpoints, load_checkpoint
from train_helpers import QA_PAIRS, TrainerProcess, run_train, write_prepared, write_run_config

resource = pytest.importorskip("resource", reason="file-size limits are POSIX")
pytestmark = pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="no RLIMIT_FSIZE here")


def largest_file(folder: Path) -> int:
    return max(path.stat().st_size for path in folder.iterdir())


def run_with_early_checkpoint(config: Path, limit: Optional[int] = None) -> TrainerProcess:
    """The trainer, asked for a checkpoint before its first step, optionally under a file-size limit."""
    preexec: Optional[Callable[[], Any]] = None
    if limit is not None:
        def preexec() -> None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    trainer = TrainerProcess(config, launcher=(), preexec_fn=preexec)
    trainer.send("checkpoint")  # read while the model loads: acted on before step 1
    return trainer


def test_a_full_disk_ends_the_run_cleanly_and_it_resumes_after(tmp_path: Path) -> None:
    make_demo_model(str(tmp_path / "tiny.gguf"), size="tiny")
    write_prepared(tmp_path / "data", QA_PAIRS)
    settings: Dict[str, Any] = {"base_model": str(tmp_path / "tiny.gguf"), "data": str(tmp_path / "data"), "lora": {"rank": 4},
                                "steps": 4, "checkpoint_every": 2, "micro_batch_size": 8, "precision": "fp32",
                                "device": "cpu", "threads": 2}

    # Unlimited, to measure what the checkpoints of step 0 and step 2 need.
    measure = write_run_config(tmp_path / "measure.json", output_dir=str(tmp_path / "measure"), **settings)
    trainer = run_with_early_checkpoint(measure)
    assert [trainer.wait_for("checkpoint")["step"] for _ in range(2)] == [0, 2]
    assert trainer.finish() == 0, trainer.stderr
    first, second = (largest_file(Path(path)) for path in list_checkpoints(str(tmp_path / "measure"))[:2])
    assert second > first * 2, (first, second)
    limit = (first + second) // 2

    out = tmp_path / "out"
    config = write_run_config(tmp_path / "run.json", output_dir=str(out), **settings)
    trainer = run_with_early_checkpoint(config, limit)
    assert trainer.wait_for("checkpoint")["step"] == 0
    error = trainer.wait_for("error")
    assert trainer.finish() == 1
    assert (error["kind"], error["cause"], error["step"]) == ("internal", "disk_full", 2), error
    assert str(out) in error["message"] and "Free some disk space" in error["message"] and "resume" in error["message"]
    assert "done" not in [event["event"] for event in trainer.events]
    # No half-written checkpoint is left; the one of step 0 is whole and loadable.
    assert sorted(os.listdir(out / "checkpoints")) == ["step-00000000"]
    assert load_checkpoint(str(out / "checkpoints" / "step-00000000"))["step"] == 0

    code, events, stderr = run_train(config, "--resume")
    assert code == 0, stderr
    assert events[0]["resumed_from"] == 0 and (events[-1]["status"], events[-1]["step"]) == ("completed", 4)
