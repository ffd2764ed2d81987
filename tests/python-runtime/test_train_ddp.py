"""Two training processes under ``torch.distributed.run`` (DDP, gloo, CPU) train exactly what
one process trains with the same global batch, and stop, checkpoint and resume together.

Run with ``node scripts/pytest.mjs``. Source: ``lathe_runtime/train/distributed.py`` and
``recipe.py``. The launcher is started as the app starts it, with ``--redirects 2 --tee 2``
(without them torch 1.13's launcher cannot start on Python 3.11; see distributed.py).

Tolerance: both runs compute in float32 and see the same rows per step; what differs is the
order of the sums (each rank pads to its own longest row and the two halves of the gradient
are added by the all-reduce), which moves the losses by ~1e-6 at most. The losses and
gradient norms are compared to 1e-5 and the adapters to 1e-6.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
import torch

from lathe_runtime.adapters import read_gguf_adapter
from lathe_runtime.demo_model import make_demo_model
from lathe_runtime.train.distributed import Launch, rank_share
from lathe_runtime.train.errors import ConfigError
from train_helpers import (QA_PAIRS, TrainerProcess, parse_events, run_train, runtime_env, write_prepared,
                           write_run_config)

pytestmark = pytest.mark.skipif(not torch.distributed.is_available(), reason="this torch has no torch.distributed")


def torchrun(processes: int = 2) -> List[str]:
    """Interpreter arguments that start ``processes`` trainers under PyTorch's launcher."""
    with socket.socket() as probe:  # a free port for the rendezvous
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return ["-m", "torch.distributed.run", "--nproc_per_node", str(processes), "--master_addr", "127.0.0.1",
            "--master_port", str(port), "--redirects", "2", "--tee", "2"]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Path]:
    folder = tmp_path_factory.mktemp("ddp-files")
    make_demo_model(str(folder / "tiny.gguf"), size="tiny")
    # 7 examples and a global micro-batch of 6: every epoch ends with a micro-batch of one row,
    # so one rank gets nothing to learn from in it and must still join the all-reduce.
    write_prepared(folder / "data", QA_PAIRS[:7], QA_PAIRS[7:])
    return {"model": folder / "tiny.gguf", "data": folder / "data"}


def config_for(files: Dict[str, Path], folder: Path, micro_batch_size: int, steps: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_run_config(
        folder / "run.json", base_model=str(files["model"]), data=str(files["data"]), output_dir=str(folder / "out"),
        lora={"rank": 4}, optimizer={"lr": 3e-3}, schedule={"kind": "constant"}, micro_batch_size=micro_batch_size,
        gradient_accumulation=2, steps=steps, eval_every=2, precision="fp32", device="cpu", threads=1)


def curve(events: List[Dict[str, Any]]) -> Dict[int, Tuple[float, float]]:
    return {event["step"]: (event["loss"], event["grad_norm"]) for event in events if event["event"] == "step"}


def test_two_processes_train_what_one_process_trains_and_resume_together(files: Dict[str, Path], tmp_path: Path) -> None:
    # Two processes with micro batch 3; stopped through stdin a few steps in.
    config = config_for(files, tmp_path / "ddp", micro_batch_size=3, steps=1000)
    trainer = TrainerProcess(config, launcher=torchrun())
    start = trainer.wait_for("start")
    assert start["processes"] == 2 and start["threads"] == 1
    trainer.wait_for("step", step=2)
    trainer.send("stop")
    stopped = trainer.wait_for("done")
    assert trainer.finish() == 0, trainer.stderr
    assert stopped["status"] == "stopped" and 2 <= stopped["step"] < 1000
    total = stopped["step"] + 3
    names = [event["event"] for event in trainer.events]
    # Rank 0 alone speaks: one start, one checkpoint, one done; rank 1's log is on stderr.
    assert names.count("start") == 1 and names.count("checkpoint") == 1 and names.count("done") == 1, names
    assert "[rank 1]" in trainer.stderr and "[rank 0]" in trainer.stderr

    # Both processes resume from that checkpoint and run three steps more.
    config = config_for(files, tmp_path / "ddp", micro_batch_size=3, steps=total)
    code, resumed, stderr = run_train(config, "--resume", launcher=torchrun())
    assert code == 0, stderr
    assert resumed[0]["resumed_from"] == stopped["step"] and resumed[-1]["status"] == "completed"

    # One process with micro batch 6: the same global batch.
    code, single, stderr = run_train(config_for(files, tmp_path / "one", micro_batch_size=6, steps=total))
    assert code == 0, stderr
    assert single[0]["processes"] == 1

    together = {**curve(trainer.events), **curve(resumed)}
    alone = curve(single)
    assert sorted(together) == sorted(alone) == list(range(1, total + 1))
    for step in alone:
        assert together[step][0] == pytest.approx(alone[step][0], abs=1e-5), (step, together[step], alone[step])
        assert together[step][1] == pytest.approx(alone[step][1], abs=1e-5), (step, together[step], alone[step])
    val = [[event["val_loss"] for event in events if event["event"] == "eval"] for events in (resumed, single)]
    assert val[0] and val[0][-1] == pytest.approx(val[1][-1], abs=1e-5)

    ours = read_gguf_adapter(resumed[-1]["adapter"]["gguf"]).state_dict()
    theirs = read_gguf_adapter(single[-1]["adapter"]["gguf"]).state_dict()
    assert sorted(ours) == sorted(theirs) and ours
    for name in theirs:
        assert torch.allclose(ours[name], theirs[name], rtol=0, atol=1e-6), name
    assert any(float(tensor.abs().max()) > 0 for name, tensor in theirs.items() if name.endswith("lora_b"))  # it trained


# Run as the launcher's script: rank 1 fails at its third step, the rest is the real runtime.
FAILING_RANK = '''
import os, sys
if os.environ["RANK"] == "1":
    import lathe_runtime.train.recipe as recipe
    real_step = recipe.train_step
    def failing_step(session):
        if session.step == 2:
            raise RuntimeError("rank 1 broke")
        return real_step(session)
    recipe.train_step = failing_step
from lathe_runtime.__main__ import main
sys.exit(main(["train", "--config", sys.argv[1]]))
'''


def test_a_failure_on_another_rank_is_reported_once_by_rank_0(files: Dict[str, Path], tmp_path: Path) -> None:
    config = config_for(files, tmp_path, micro_batch_size=3, steps=6)
    script = tmp_path / "failing_rank.py"
    script.write_text(FAILING_RANK, encoding="utf-8")
    done = subprocess.run([sys.executable, *torchrun(), str(script), str(config)], env=runtime_env(), capture_output=True,
                          text=True, timeout=300, stdin=subprocess.DEVNULL)
    events = parse_events(done.stdout, done.stderr)
    assert done.returncode != 0
    errors = [event for event in events if event["event"] == "error"]
    # Rank 0 saw only a broken connection; it reports rank 1's error, the cause.
    assert len(errors) == 1 and events[-1] is errors[0], events
    assert errors[0]["kind"] == "internal" and "rank 1 broke" in errors[0]["message"], errors[0]
    assert "(in training process 1)" in errors[0]["message"] and errors[0]["step"] == 2


def test_the_launcher_is_recognised_by_its_environment() -> None:
    assert Launch.from_environment({}) == Launch() and not Launch().distributed
    torchrun_env = {"WORLD_SIZE": "2", "RANK": "1", "LOCAL_RANK": "1", "LOCAL_WORLD_SIZE": "2", "MASTER_ADDR": "127.0.0.1",
                    "MASTER_PORT": "29500", "TORCHELASTIC_USE_AGENT_STORE": "True", "TORCHELASTIC_RESTART_COUNT": "0"}
    launch = Launch.from_environment(torchrun_env)
    assert (launch.world_size, launch.rank, launch.local_rank, launch.agent_store) == (2, 1, 1, True)
    assert launch.distributed and not launch.is_main and launch.device_for(torch.device("cpu")) == torch.device("cpu")
    assert not Launch.from_environment({**torchrun_env, "WORLD_SIZE": "1", "RANK": "0"}).distributed
    for broken in ({"RANK": "2"}, {"WORLD_SIZE": "two"}, {"MASTER_PORT": ""}):
        with pytest.raises(ConfigError):
            Launch.from_environment({**torchrun_env, **broken})


def test_each_rank_takes_a_consecutive_share_of_the_global_micro_batch() -> None:
    assert [rank_share([7, 3, 5, 1, 0, 2], rank, 2) for rank in (0, 1)] == [[7, 3, 5], [1, 0, 2]]
    assert [rank_share([4], rank, 2) for rank in (0, 1)] == [[4], []]  # the short end of an epoch
    assert [rank_share([1, 2, 3], rank, 2) for rank in (0, 1)] == [[1, 2], [3]]
