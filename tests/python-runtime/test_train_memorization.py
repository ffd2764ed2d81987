"""Through the real end: a trained adapter.gguf makes llama.cpp answer what it was taught.

Run with ``node scripts/pytest.mjs``. The trainer runs as the app runs it
(``python -m lathe_runtime train``) on eight question/answer pairs; node-llama-cpp then loads
the base model with and without the written ``adapter.gguf`` (``llama_answer.mjs``) and
answers each question greedily. DESIGN §7: a rank-8 LoRA on all seven projections (alpha 2r,
B zero-initialised) of the random 128 x 4 demo model recalls 8 short answers after ~40
steps at lr 3e-3 with all 8 examples in every step, given a decaying schedule. Recall is
judged exactly, not by loss: the random output matrix keeps the loss near 3 even when every
greedy answer is right. The same holds for a Q4_K base trained with ``base_weights:
"quantized"`` (its blocks never dequantized into the model).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import List, Optional

import pytest

from lathe_runtime.demo_model import make_demo_model
from train_helpers import QA_PAIRS, chatml_prompt, run_train, write_prepared, write_run_config

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("llama_answer.mjs")
STEPS = 60


def llama_answers(model: Path, adapter: Optional[Path], questions: List[str]) -> List[str]:
    """llama.cpp's greedy answer to each question, through node-llama-cpp."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH; this test runs llama.cpp through node-llama-cpp")
    if not (REPO_ROOT / "node_modules" / "node-llama-cpp" / "package.json").is_file():
        pytest.fail(f"node-llama-cpp is not installed in {REPO_ROOT / 'node_modules'}; run `npm install` (npm test always has it)")
    prompts = json.dumps([chatml_prompt(question) for question in questions])
    # 16 tokens: room for the longest answer (12 bytes) and more, without letting the
    # untrained model ramble on (slow where the cores are shared).
    done = subprocess.run([node, str(SCRIPT), str(model), str(adapter) if adapter else "none", prompts, "16"],
                          capture_output=True, text=True, timeout=180, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def memorize_and_ask_llama_cpp(tmp_path: Path, model: Path, **settings: object) -> None:
    """Train on QA_PAIRS, then check llama.cpp recalls every answer with the adapter and none without."""
    write_prepared(tmp_path / "data", QA_PAIRS)
    config = write_run_config(
        tmp_path / "run.json", base_model=str(model), data=str(tmp_path / "data"), output_dir=str(tmp_path / "out"),
        lora={"rank": 8, "alpha": 16}, optimizer={"lr": 3e-3}, schedule={"kind": "cosine"}, steps=STEPS,
        micro_batch_size=8, precision="fp32", device="cpu", threads=2, log_every=10, **settings,
    )
    code, events, stderr = run_train(config)
    assert code == 0, stderr
    done = events[-1]
    assert done["event"] == "done" and done["status"] == "completed"

    questions = [question.decode() for question, _ in QA_PAIRS]
    expected = [answer.decode() for _, answer in QA_PAIRS]
    assert llama_answers(model, Path(done["adapter"]["gguf"]), questions) == expected
    untrained = llama_answers(model, None, questions)
    assert not any(got == want for got, want in zip(untrained, expected)), untrained


def test_llama_cpp_with_the_trained_adapter_answers_what_it_was_taught(tmp_path: Path) -> None:
    model = tmp_path / "small.gguf"
    make_demo_model(str(model), size="small")
    memorize_and_ask_llama_cpp(tmp_path, model)


def test_an_adapter_trained_on_a_q4_k_base_kept_quantized_works_in_llama_cpp(tmp_path: Path) -> None:
    # The small model in Q4_K (its 512-wide ffn_down rows) with Q5_0 where rows are 128 wide,
    # as llama.cpp mixes them, trained in low-memory mode: llama.cpp applies the adapter to
    # the very blocks the runtime trained through.
    model = tmp_path / "small-q4_k.gguf"
    make_demo_model(str(model), size="small", dtype="q4_k")
    memorize_and_ask_llama_cpp(tmp_path, model, base_weights="quantized")
