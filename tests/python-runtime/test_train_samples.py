"""``sample`` events: greedy continuations of held-out prompts while training, as text.

Run with ``node scripts/pytest.mjs``. Source: ``lathe_runtime/train/samples.py`` and
``emit_samples`` in ``recipe.py``. The memorization run follows DESIGN §7 (the small demo
model, rank 8, alpha 16, lr 3e-3 with a decaying schedule, all 8 examples in every step), so
by its end the greedy answer to a trained question is the trained answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import torch

from lathe_runtime.demo_model import demo_vocab, make_demo_model
from lathe_runtime.train.data import PreparedSplit
from lathe_runtime.train.samples import Vocabulary, sample_prompts
from train_helpers import IM_END, QA_PAIRS, chatml_example, chatml_prompt, run_train, write_prepared, write_run_config


def samples_of(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [event for event in events if event["event"] == "sample"]


def test_samples_show_the_trained_answers_by_the_end_of_a_memorization_run(tmp_path: Path) -> None:
    make_demo_model(str(tmp_path / "small.gguf"), size="small")
    write_prepared(tmp_path / "data", QA_PAIRS)  # no validation split: samples use training prompts
    config = write_run_config(
        tmp_path / "run.json", base_model=str(tmp_path / "small.gguf"), data=str(tmp_path / "data"),
        output_dir=str(tmp_path / "out"), lora={"rank": 8, "alpha": 16}, optimizer={"lr": 3e-3}, schedule={"kind": "cosine"},
        steps=60, micro_batch_size=8, precision="fp32", device="cpu", threads=2, log_every=10, sample_every=25,
        sample_max_tokens=16)
    code, events, stderr = run_train(config)
    assert code == 0, stderr
    samples = samples_of(events)
    assert [sample["step"] for sample in samples] == [25, 25, 50, 50, 60, 60]  # every 25 steps, and at the end
    for sample in samples:
        assert sample["output"] and sample["prompt"] == chatml_prompt(QA_PAIRS[samples.index(sample) % 2][0].decode())
    assert [sample["reference"] for sample in samples[-2:]] == ["Paris.", "A cherry."]
    assert [sample["output"] for sample in samples[-2:]] == ["Paris.", "A cherry."], samples
    names = [event["event"] for event in events]
    assert names.index("sample") > names.index("step") and names[-1] == "done"


def test_sampling_leaves_the_loss_curve_as_it_was(tmp_path: Path) -> None:
    make_demo_model(str(tmp_path / "tiny.gguf"), size="tiny")
    write_prepared(tmp_path / "data", QA_PAIRS, QA_PAIRS[:2])
    curves = []
    for sample_every in (0, 1):
        folder = tmp_path / f"every-{sample_every}"
        folder.mkdir()
        # Dropout draws random numbers each step and is off in eval mode: sampling that left the
        # model in eval mode, or consumed the random stream, would change every later loss.
        config = write_run_config(
            folder / "run.json", base_model=str(tmp_path / "tiny.gguf"), data=str(tmp_path / "data"),
            output_dir=str(folder / "out"), lora={"rank": 4, "dropout": 0.2}, optimizer={"lr": 3e-3}, steps=6,
            micro_batch_size=4, precision="fp32", device="cpu", threads=2, sample_every=sample_every, sample_max_tokens=4)
        code, events, stderr = run_train(config)
        assert code == 0, stderr
        assert len(samples_of(events)) == (0 if sample_every == 0 else 2 * 6)
        curves.append([event["loss"] for event in events if event["event"] == "step"])
    assert len(curves[0]) == 6 and curves[0] == curves[1]


def test_text_is_decoded_as_llama_cpp_spells_tokens() -> None:
    tokens, types = demo_vocab()
    gpt2 = Vocabulary("gpt2", tokens, types, frozenset({IM_END}))
    assert gpt2.decode([*"naïve €".encode(), IM_END]) == "naïve €<|im_end|>"  # control tokens as their text
    assert gpt2.decode([0xE2, 0x82]) == "\ufffd"  # a cut-off character is replaced, not an exception
    assert gpt2.decode([9999, *b"ok"]) == "ok"  # an id outside the vocabulary is skipped
    spm = Vocabulary("llama", ["<unk>", "<s>", "\u2581Hello", ",", "\u2581wor", "ld", "<0xE2>", "<0x82>", "<0xAC>"],
                     [2, 3, 1, 1, 1, 1, 6, 6, 6], frozenset({1}))
    assert spm.decode([1, 2, 3, 4, 5, 6, 7, 8]) == "<s> Hello, world€"
    metadata = {"tokenizer.ggml.model": "gpt2", "tokenizer.ggml.tokens": tokens, "tokenizer.ggml.token_type": types,
                "tokenizer.ggml.eos_token_id": 258, "tokenizer.ggml.eot_token_id": 258, "tokenizer.ggml.eom_token_id": 9999}
    assert Vocabulary.from_metadata(metadata).stop_ids == frozenset({258})


def test_a_prompt_is_the_untrained_start_and_the_reference_the_answer() -> None:
    examples = [([1, 2, 3], [0, 0, 0]), chatml_example(b"Q?", b"A."), ([5, 6, 7, 8, 9], [0, 1, 1, 0, 1])]
    ids = torch.tensor([t for example, _ in examples for t in example], dtype=torch.int32)
    mask = torch.tensor([m for _, example_mask in examples for m in example_mask], dtype=torch.uint8)
    offsets = torch.tensor([0, 3, 3 + len(examples[1][0]), len(ids)], dtype=torch.int64)
    prompts = sample_prompts(PreparedSplit("validation", ids, mask, offsets), frozenset({IM_END}))
    # The first example has nothing trained; the chat's reference drops its closing <|im_end|>;
    # the last keeps only its first trained run.
    assert [p.prompt for p in prompts] == [examples[1][0][:-3], [5]]
    assert [p.reference for p in prompts] == [list(b"A."), [6, 7]]
