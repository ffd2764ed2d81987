"""Tests for ``python -m lathe_runtime info`` with the real torch and with torch hidden.

Run with ``node scripts/pytest.mjs`` (it puts python-runtime/ on PYTHONPATH).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, List

import pytest
import torch

import lathe_runtime
from lathe_runtime.info import collect_info, print_info

# The folder that holds the lathe_runtime these tests imported, so the subprocesses run
# the same copy whatever the working directory.
RUNTIME_DIR = Path(lathe_runtime.__file__).resolve().parent.parent

# Refuses torch at import time, then runs the CLI as `python -m` would: an interpreter
# without torch, simulated inside the one that has it.
WITHOUT_TORCH = textwrap.dedent(
    """
    import importlib.abc, runpy, sys

    class RefuseTorch(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "torch" or name.startswith("torch."):
                raise ModuleNotFoundError("No module named 'torch' (hidden by the test)", name=name)
            return None

    sys.meta_path.insert(0, RefuseTorch())
    sys.argv = ["lathe_runtime", "info"]
    runpy.run_module("lathe_runtime", run_name="__main__", alter_sys=True)
    """
)


def runtime_env() -> Dict[str, str]:
    """The current environment with the runtime's folder first on PYTHONPATH."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(RUNTIME_DIR), env.get("PYTHONPATH")) if p)
    return env


def run_python(args: List[str]) -> subprocess.CompletedProcess[str]:
    """Run this interpreter with ``args`` and the runtime importable; capture text output."""
    return subprocess.run(
        [sys.executable, *args], env=runtime_env(), capture_output=True, text=True, timeout=120
    )


def test_package_has_a_version() -> None:
    assert isinstance(lathe_runtime.__version__, str)
    assert lathe_runtime.__version__[0].isdigit()


def test_collect_info_reports_the_real_torch() -> None:
    info = collect_info()
    assert info["torch_error"] is None
    assert info["python"]["executable"] == sys.executable
    assert info["python"]["version"].startswith(f"{sys.version_info.major}.{sys.version_info.minor}.")
    reported = info["torch"]
    assert reported["version"] == str(torch.__version__)
    assert reported["num_threads"] >= 1
    assert reported["sdpa"] == hasattr(torch.nn.functional, "scaled_dot_product_attention")
    assert reported["cuda_available"] == torch.cuda.is_available()
    assert len(reported["cuda_devices"]) == (torch.cuda.device_count() if reported["cuda_available"] else 0)


def test_info_command_prints_one_json_line() -> None:
    result = run_python(["-m", "lathe_runtime", "info"])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    info = json.loads(lines[0])
    assert info["torch"]["version"] == str(torch.__version__)
    assert info["lathe_runtime"] == lathe_runtime.__version__


def test_info_without_torch_reports_null_and_the_import_error() -> None:
    result = run_python(["-c", WITHOUT_TORCH])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    info = json.loads(lines[0])
    assert info["torch"] is None
    assert info["torch_error"] == "ModuleNotFoundError: No module named 'torch' (hidden by the test)"
    assert info["python"]["executable"] == sys.executable


def test_unknown_command_exits_2_with_usage() -> None:
    result = run_python(["-m", "lathe_runtime", "fly"])
    assert result.returncode == 2
    assert result.stdout == ""
    assert "usage:" in result.stderr
    assert "fly" in result.stderr


def test_missing_command_exits_2_with_usage() -> None:
    result = run_python(["-m", "lathe_runtime"])
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_print_info_keeps_stray_prints_off_stdout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def noisy_collect() -> Dict[str, str]:
        print("warning printed while importing torch")
        return {"torch": "stand-in"}

    monkeypatch.setattr("lathe_runtime.info.collect_info", noisy_collect)
    assert print_info() == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == ['{"torch": "stand-in"}']
    assert "warning printed while importing torch" in captured.err
