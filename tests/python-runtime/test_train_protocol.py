"""``python -m lathe_runtime train`` as the app runs it: a real subprocess, JSON events on
stdout, control lines on stdin, checkpoints and resume, and typed errors.

Run with ``node scripts/pytest.mjs``. Runs are tiny demo models and tens of steps (2 cores).
Source: ``lathe_runtime/train/`` (``recipe.py`` first).
"""

from __future__ import annotations

import math
import os
import queue
import signal
import struct
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Dict, List

import pytest
import torch

from lathe_runtime.demo_model import make_demo_model
from lathe_runtime.train.checkpoint import latest_checkpoint, list_checkpoints, load_checkpoint
from lathe_runtime.train.session import as_training_error
from train_helpers import QA_PAIRS, TrainerProcess, run_train, write_prepared, write_run_config

STEP_FIELDS = {"step", "total_steps", "epoch", "loss", "lr", "grad_norm", "tokens", "tokens_per_s", "memory_bytes", "elapsed_s"}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Path]:
    """Demo models and a prepared set shared by this module's runs."""
    folder = tmp_path_factory.mktemp("train-files")
    make_demo_model(str(folder / "tiny.gguf"), size="tiny")
    make_demo_model(str(folder / "small.gguf"), size="small")
    write_prepared(folder / "data", QA_PAIRS, QA_PAIRS[:2])
    return {"tiny": folder / "tiny.gguf", "small": folder / "small.gguf", "data": folder / "data"}


def config_for(files: Dict[str, Path], folder: Path, model: str = "tiny", **settings: Any) -> Path:
    """run.json for a CPU fp32 run of the demo set into ``folder/out``."""
    base: Dict[str, Any] = {"base_model": str(files[model]), "data": str(files["data"]), "output_dir": str(folder / "out"),
                            "lora": {"rank": 4}, "optimizer": {"lr": 3e-3}, "micro_batch_size": 8, "steps": 30,
                            "precision": "fp32", "device": "cpu", "threads": 2}
    for key, value in settings.items():
        base[key] = {**base[key], **value} if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return write_run_config(folder / "run.json", **base)


def steps_of(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [event for event in events if event["event"] == "step"]


def test_a_run_reports_its_progress_in_order_and_learns(files: Dict[str, Path], tmp_path: Path) -> None:
    code, events, stderr = run_train(config_for(files, tmp_path, eval_every=10, checkpoint_every=15))
    assert code == 0, stderr
    names = [event["event"] for event in events]
    assert names[0] == "start" and names[-1] == "done"
    start, done = events[0], events[-1]
    assert (start["device"], start["dtype"], start["precision"], start["threads"], start["total_steps"]) == ("cpu", "float32", "fp32", 2, 30)
    # rank 4 on q, k, v, o (64 -> 64) and gate, up (64 -> 256), down (256 -> 64), 2 blocks.
    assert start["parameters"]["trainable"] == 2 * (4 * 4 * 128 + 3 * 4 * 320)
    assert start["examples"] == {"train": 8, "validation": 2} and start["config"]["lora"]["alpha"] == 8.0
    steps = steps_of(events)
    assert [event["step"] for event in steps] == list(range(1, 31))
    for event in steps:
        assert STEP_FIELDS <= set(event) and event["total_steps"] == 30 and event["tokens_per_s"] > 0
        assert math.isfinite(event["loss"]) and event["memory_bytes"] > 0
    assert [event["step"] for event in events if event["event"] == "eval"] == [10, 20, 30]
    assert [event["step"] for event in events if event["event"] == "checkpoint"] == [15, 30]
    assert names[-3:] == ["eval", "checkpoint", "done"]  # the final evaluation and checkpoint come before done
    # The demo model's random output matrix caps how confident it can get (loss ~5 at best on
    # the tiny one), so "learns" is a steady fall, not a low loss.
    losses = [event["loss"] for event in steps]
    assert sum(losses[-5:]) / 5 < sum(losses[:5]) / 5 - 0.3, losses
    assert all(later < earlier for earlier, later in zip(losses[::5], losses[5::5])), losses
    assert done["status"] == "completed" and done["step"] == 30 and done["train_loss"] == pytest.approx(losses[-1])
    assert Path(done["adapter"]["gguf"]) == tmp_path / "out" / "adapter.gguf" and Path(done["adapter"]["gguf"]).is_file()
    assert (Path(done["adapter"]["peft"]) / "adapter_model.safetensors").is_file()
    assert [Path(p).name for p in list_checkpoints(str(tmp_path / "out"))] == ["step-00000015", "step-00000030"]
    assert "Traceback" not in stderr


def test_stdin_pauses_resumes_checkpoints_and_stops(files: Dict[str, Path], tmp_path: Path) -> None:
    trainer = TrainerProcess(config_for(files, tmp_path, steps=5000))
    trainer.wait_for("step", step=2)
    trainer.send("pause")
    paused = trainer.wait_for("paused")
    with pytest.raises(queue.Empty):  # no step while paused
        trainer.next_event(timeout=1.0)
    trainer.send("checkpoint")
    checkpoint = trainer.wait_for("checkpoint")
    assert checkpoint["step"] == paused["step"] and Path(checkpoint["path"], "state.pt").is_file()
    trainer.send("resume")
    assert trainer.wait_for("resumed")["step"] == paused["step"]
    trainer.wait_for("step", step=paused["step"] + 2)
    trainer.send("not-a-command")
    trainer.send("stop")
    stopped_at = trainer.wait_for("checkpoint")  # stop writes a checkpoint first
    done = trainer.wait_for("done")
    assert trainer.finish() == 0
    assert done["status"] == "stopped" and done["step"] == stopped_at["step"] < 5000
    assert done["checkpoint"] == stopped_at["path"] and Path(done["adapter"]["gguf"]).is_file()
    assert not (tmp_path / "out" / "adapter.gguf").exists()  # a stopped run is not a finished adapter
    assert "ignored unknown command 'not-a-command'" in trainer.stderr


def test_closing_stdin_stops_the_run_only_with_stop_when_stdin_closes(files: Dict[str, Path], tmp_path: Path) -> None:
    (tmp_path / "flag").mkdir()
    trainer = TrainerProcess(config_for(files, tmp_path / "flag", steps=5000), "--stop-when-stdin-closes")
    trainer.wait_for("step", step=2)
    trainer.close_stdin()  # what the pipe does when the app that started the run dies
    checkpoint = trainer.wait_for("checkpoint")
    done = trainer.wait_for("done")
    assert trainer.finish() == 0
    assert done["status"] == "stopped" and done["step"] < 5000 and done["checkpoint"] == checkpoint["path"]
    assert latest_checkpoint(str(tmp_path / "flag" / "out")) == checkpoint["path"] and "stdin closed" in trainer.stderr

    (tmp_path / "plain").mkdir()
    trainer = TrainerProcess(config_for(files, tmp_path / "plain", steps=40))
    trainer.wait_for("step", step=2)
    trainer.close_stdin()  # without the flag: ignored, the run goes on to its end
    done = trainer.wait_for("done")
    assert trainer.finish() == 0
    assert (done["status"], done["step"]) == ("completed", 40)


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name == "nt", reason="POSIX signals")
def test_sigterm_stops_like_the_stop_line(files: Dict[str, Path], tmp_path: Path) -> None:
    trainer = TrainerProcess(config_for(files, tmp_path, steps=5000))
    trainer.wait_for("step", step=3)
    trainer.process.send_signal(signal.SIGTERM)
    checkpoint = trainer.wait_for("checkpoint")
    done = trainer.wait_for("done")
    assert trainer.finish() == 0
    assert done["status"] == "stopped" and done["checkpoint"] == checkpoint["path"]
    assert latest_checkpoint(str(tmp_path / "out")) == checkpoint["path"]


def test_stop_and_resume_give_the_losses_of_an_uninterrupted_run(files: Dict[str, Path], tmp_path: Path) -> None:
    # Dropout makes the loss depend on the random state, which the checkpoint must restore.
    settings: Dict[str, Any] = {"steps": 30, "lora": {"rank": 4, "dropout": 0.1}, "schedule": {"kind": "linear", "warmup_steps": 3}}
    (tmp_path / "straight").mkdir()
    code, straight_events, stderr = run_train(config_for(files, tmp_path / "straight", **settings))
    assert code == 0, stderr
    straight = {event["step"]: event["loss"] for event in steps_of(straight_events)}

    (tmp_path / "split").mkdir()
    config = config_for(files, tmp_path / "split", **settings)
    trainer = TrainerProcess(config)
    trainer.wait_for("step", step=10)
    trainer.send("stop")  # acted on between two steps: at step 10, or a few later
    first = trainer.wait_for("done")
    assert trainer.finish() == 0 and first["status"] == "stopped" and 10 <= first["step"] < 30, first
    code, resumed_events, stderr = run_train(config, "--resume")
    assert code == 0, stderr
    assert resumed_events[0]["resumed_from"] == first["step"]
    split = {event["step"]: event["loss"] for event in steps_of(trainer.events) + steps_of(resumed_events)}
    assert sorted(split) == list(range(1, 31))
    for step in range(1, 31):
        assert split[step] == pytest.approx(straight[step], abs=1e-5), (step, split[step], straight[step])
    assert resumed_events[-1]["status"] == "completed"


def test_gradient_accumulation_gives_the_loss_of_one_big_batch(files: Dict[str, Path], tmp_path: Path) -> None:
    losses = []
    for name, micro, accumulation in (("big", 8, 1), ("accumulated", 2, 4)):
        (tmp_path / name).mkdir()
        config = config_for(files, tmp_path / name, steps=4, micro_batch_size=micro, gradient_accumulation=accumulation)
        code, events, stderr = run_train(config)
        assert code == 0, stderr
        losses.append([event["loss"] for event in steps_of(events)])
    assert losses[0] == pytest.approx(losses[1], abs=1e-4)  # every step sees all 8 examples either way


def test_packing_checkpointing_and_bf16_train_together(files: Dict[str, Path], tmp_path: Path) -> None:
    config = config_for(files, tmp_path, steps=8, micro_batch_size=2, packing=True, max_length=200,
                        gradient_checkpointing=True, precision="bf16", optimizer={"lr": 1e-2})
    code, events, stderr = run_train(config)
    assert code == 0, stderr
    start = events[0]
    assert (start["dtype"], start["precision"], start["gradient_checkpointing"]) == ("bfloat16", "bf16", True)
    assert start["rows"] < 8  # examples were packed together
    losses = [event["loss"] for event in steps_of(events)]
    assert losses[-1] < losses[0] - 0.3, losses


def test_a_diverging_run_stops_with_an_error_and_keeps_the_last_good_checkpoint(files: Dict[str, Path], tmp_path: Path) -> None:
    # With RMS norms everywhere a merely large rate (1e6, 1e12) saturates the demo model into a
    # constant loss instead; 1e20 overflows float32 on the second step.
    config = config_for(files, tmp_path, steps=30, checkpoint_every=1, optimizer={"lr": 1e20}, schedule={"kind": "constant"})
    code, events, stderr = run_train(config)
    assert code == 1
    error = events[-1]
    assert (error["event"], error["kind"], error["cause"]) == ("error", "config", "diverged"), events[-1]
    assert "Lower the learning rate" in error["message"] and "done" not in [event["event"] for event in events]
    failed_step = error["step"] + 1
    kept = list_checkpoints(str(tmp_path / "out"))
    assert kept and [Path(p).name for p in kept][-1] == f"step-{failed_step - 1:08d}"
    state = load_checkpoint(kept[-1])
    assert all(torch.isfinite(tensor).all() for tensor in state["adapter"].values())
    assert not (tmp_path / "out" / "adapter.gguf").exists()
    assert "Traceback" not in stderr


def error_of(config: Path, *args: str) -> Dict[str, Any]:
    """The one event of a run that fails before it starts; only an internal error (a bug)
    puts a traceback in the human log."""
    code, events, stderr = run_train(config, *args)
    assert code == 1 and len(events) == 1 and events[0]["event"] == "error", (events, stderr)
    assert ("Traceback" in stderr) == (events[0]["kind"] == "internal"), stderr
    return events[0]


def test_a_missing_damaged_or_unsupported_model_is_a_typed_error(files: Dict[str, Path], tmp_path: Path) -> None:
    missing = error_of(config_for(files, tmp_path, base_model=str(tmp_path / "nope.gguf")))
    assert (missing["kind"], missing["cause"]) == ("config", "not_found") and "does not exist" in missing["message"]

    truncated = tmp_path / "truncated.gguf"
    truncated.write_bytes(files["tiny"].read_bytes()[: files["tiny"].stat().st_size // 2])
    damaged = error_of(config_for(files, tmp_path, base_model=str(truncated)))
    assert (damaged["kind"], damaged["cause"]) == ("unsupported_model", "invalid_file") and "truncated" in damaged["message"]

    # The same model with one matrix marked IQ4_XS (its data would fit: IQ4_XS is smaller than F32).
    data = bytearray(files["tiny"].read_bytes())
    name = b"blk.0.ffn_down.weight"
    at = data.index(struct.pack("<Q", len(name)) + name) + 8 + len(name)
    n_dims = struct.unpack_from("<I", data, at)[0]
    struct.pack_into("<I", data, at + 4 + 8 * n_dims, 23)  # GGML_TYPE_IQ4_XS
    quantized = tmp_path / "iq4xs.gguf"
    quantized.write_bytes(bytes(data))
    unsupported = error_of(config_for(files, tmp_path, base_model=str(quantized)))
    assert (unsupported["kind"], unsupported["cause"]) == ("unsupported_model", "unsupported")
    assert "blk.0.ffn_down.weight is stored as IQ4_XS" in unsupported["message"]


def test_bad_settings_and_bad_data_are_reported_before_training(files: Dict[str, Path], tmp_path: Path) -> None:
    bad = error_of(config_for(files, tmp_path, lora={"rank": 0}, micro_batch_size=0, precision="fp8"))
    assert bad["kind"] == "config" and len(bad["problems"]) == 3

    other = write_prepared(tmp_path / "other", QA_PAIRS, fingerprint="sha256:" + "1" * 64)
    wrong_tokenizer = error_of(config_for(files, tmp_path, data=str(other)))
    assert wrong_tokenizer["kind"] == "data" and "another tokenizer" in wrong_tokenizer["message"]


def test_resume_starts_fresh_without_a_checkpoint_and_refuses_another_adapter_shape(files: Dict[str, Path], tmp_path: Path) -> None:
    code, events, stderr = run_train(config_for(files, tmp_path, steps=3), "--resume")
    assert code == 0, stderr
    assert events[0]["resumed_from"] is None and events[-1]["step"] == 3
    # The finished run's checkpoint is at step 3; resuming it with rank 8 would be another run.
    refused = error_of(config_for(files, tmp_path, steps=6, lora={"rank": 8}), "--resume")
    assert refused["kind"] == "config" and "cannot resume" in refused["message"] and "lora was" in refused["message"]
    # Resuming with more steps goes on from step 3.
    code, events, stderr = run_train(config_for(files, tmp_path, steps=6), "--resume")
    assert code == 0, stderr
    assert events[0]["resumed_from"] == 3 and [event["step"] for event in steps_of(events)] == [4, 5, 6]


def test_out_of_memory_says_what_to_lower() -> None:
    session = SimpleNamespace(config=SimpleNamespace(micro_batch_size=8), max_length=2048, step=41,
                              model=SimpleNamespace(gradient_checkpointing=False),
                              precision=SimpleNamespace(name="bf16"), device=torch.device("cuda"))
    for error in (RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB"), MemoryError()):
        failure = as_training_error(error, session)  # type: ignore[arg-type]
        assert failure.kind == "out_of_memory"
        assert failure.message.startswith("The GPU ran out of memory at step 42.")
        for advice in ("micro batch size (now 8", "max length (now 2048)", "gradient checkpointing on"):
            assert advice in failure.message
    assert as_training_error(MemoryError(), None).kind == "out_of_memory"
    assert as_training_error(RuntimeError("shape mismatch"), session).kind == "internal"  # type: ignore[arg-type]


def test_an_unexpected_failure_is_an_internal_error_event_not_a_traceback(files: Dict[str, Path], tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    failure = error_of(config_for(files, tmp_path, output_dir=str(blocker / "out")))
    assert failure["kind"] == "internal" and str(blocker) in failure["message"]
    assert "Traceback (most recent call last)" in failure["detail"]  # for the logs, not for stdout's protocol
