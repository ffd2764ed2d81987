"""Prepared data as the trainer reads it: the format's checks, the tokenizer fingerprint,
labels, packing, the resumable sampler and the learning-rate schedule.

Run with ``node scripts/pytest.mjs``. Sources: ``lathe_runtime/train/data.py``,
``batching.py``, ``schedule.py``; the files are written by ``train_helpers.py`` straight from
docs/prepared-data.md.
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any, Dict, List

import pytest
import torch

from lathe_runtime.demo_model import make_demo_model
from lathe_runtime.gguf import GGUFReader
from lathe_runtime.model import load_decoder
from lathe_runtime.train.batching import IGNORE_INDEX, EpochSampler, StepPlan, example_labels, make_batch, plan_rows
from lathe_runtime.train.data import open_prepared_dataset, tokenizer_fingerprint
from lathe_runtime.train.errors import DataError
from lathe_runtime.train.schedule import LearningRateSchedule
from train_helpers import IM_END, QA_PAIRS, VOCAB_SIZE, chatml_example, demo_fingerprint, write_prepared

REPO_ROOT = Path(__file__).resolve().parents[2]
# sha256 of JSON.stringify(["gpt2","qwen2",tokens,token_type,[],256,258]) for the demo
# tokenizer, computed by Node (the main process's side of the contract).
DEMO_FINGERPRINT = "sha256:0186146dd7d207adbaf899ded43a12bcbb014711f898404cb5fd9cf135313c29"


def open_set(folder: Path) -> Any:
    return open_prepared_dataset(str(folder), demo_fingerprint(), VOCAB_SIZE)


def problems_of(folder: Path, fingerprint: str = "", vocab: int = VOCAB_SIZE) -> List[str]:
    with pytest.raises(DataError) as caught:
        open_prepared_dataset(str(folder), fingerprint or demo_fingerprint(), vocab)
    assert caught.value.kind == "data"
    return caught.value.problems


# --- reading and checking -----------------------------------------------------------------


def test_a_prepared_set_is_mapped_as_written(tmp_path: Path) -> None:
    dataset = open_set(write_prepared(tmp_path / "d", QA_PAIRS, QA_PAIRS[:2]))
    assert (dataset.train.examples, dataset.validation.examples) == (8, 2)
    ids, mask = dataset.train.example(3)
    expected_ids, expected_mask = chatml_example(*QA_PAIRS[3])
    assert ids.tolist() == expected_ids and mask.tolist() == expected_mask and ids.dtype == torch.int64
    assert dataset.train.target_count() == sum(len(answer) + 1 for _, answer in QA_PAIRS)
    assert dataset.max_length == 512


def test_bad_format_and_version_are_both_reported(tmp_path: Path) -> None:
    folder = write_prepared(tmp_path / "d", QA_PAIRS, format="something-else", version=2)
    problems = problems_of(folder)
    assert any("format is 'something-else'" in p for p in problems)
    assert any("version is 2 (made by a newer Lathe)" in p for p in problems)


def test_counts_that_disagree_with_the_files_are_reported(tmp_path: Path) -> None:
    folder = write_prepared(tmp_path / "d", QA_PAIRS, QA_PAIRS[:2])
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["splits"]["train"]["tokens"] += 3
    manifest["splits"]["validation"]["examples"] = 5
    (folder / "manifest.json").write_text(json.dumps(manifest))
    problems = problems_of(folder)
    assert any(p.startswith("train.tokens.u32 holds") for p in problems)
    assert any(p.startswith("train.mask.u8 holds") for p in problems)
    assert any(p.startswith("validation.offsets.u64 holds 3 values") for p in problems)


def test_offsets_must_start_at_zero_end_at_the_count_and_never_decrease(tmp_path: Path) -> None:
    folder = write_prepared(tmp_path / "d", QA_PAIRS)
    offsets = list(struct.unpack("<9Q", (folder / "train.offsets.u64").read_bytes()))
    (folder / "train.offsets.u64").write_bytes(struct.pack("<9Q", *offsets[:3], offsets[4], offsets[3], *offsets[5:]))
    assert any("decreases after example 3" in p for p in problems_of(folder))
    (folder / "train.offsets.u64").write_bytes(struct.pack("<9Q", 1, *offsets[1:]))
    assert any("must start at 0" in p for p in problems_of(folder))


def test_token_ids_must_be_below_the_vocabulary(tmp_path: Path) -> None:
    folder = write_prepared(tmp_path / "d", QA_PAIRS)
    tokens = bytearray((folder / "train.tokens.u32").read_bytes())
    tokens[4 * 5:4 * 6] = struct.pack("<I", VOCAB_SIZE)
    tokens[4 * 7:4 * 8] = struct.pack("<I", 2**32 - 1)  # reads as -1 through int32: still caught
    (folder / "train.tokens.u32").write_bytes(bytes(tokens))
    problems = problems_of(folder)
    assert any(f"token id {VOCAB_SIZE} at position 5" in p and "2 such ids" in p for p in problems)
    # A model whose vocabulary is smaller than the manifest's is refused too.
    assert any("vocabSize is 259, but the base model has 200" in p for p in problems_of(write_prepared(tmp_path / "e", QA_PAIRS), vocab=200))


def test_data_for_another_tokenizer_is_refused(tmp_path: Path) -> None:
    folder = write_prepared(tmp_path / "d", QA_PAIRS, fingerprint="sha256:" + "0" * 64)
    [problem] = problems_of(folder)
    assert "prepared for another tokenizer" in problem and "prepare the dataset again" in problem


def test_an_empty_training_split_or_nothing_to_learn_is_refused(tmp_path: Path) -> None:
    assert problems_of(write_prepared(tmp_path / "empty", [], QA_PAIRS[:1])) == [
        "the training split has no examples; there is nothing to train on"]
    folder = write_prepared(tmp_path / "unmasked", QA_PAIRS)
    (folder / "train.mask.u8").write_bytes(bytes(len((folder / "train.mask.u8").read_bytes())))
    assert any("nothing to learn" in p for p in problems_of(folder))
    # An empty validation split, or none at all, is fine.
    folder = write_prepared(tmp_path / "noval", QA_PAIRS)
    for suffix in ("tokens.u32", "mask.u8", "offsets.u64"):
        (folder / f"validation.{suffix}").unlink()
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["splits"]["validation"] = {"examples": 0, "tokens": 0, "maskedTokens": 0}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert open_set(folder).validation.examples == 0


def test_a_missing_folder_or_manifest_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        open_set(tmp_path / "nowhere")
    folder = write_prepared(tmp_path / "d", QA_PAIRS)
    (folder / "manifest.json").unlink()
    with pytest.raises(DataError, match="has no manifest.json"):
        open_set(folder)
    shutil.rmtree(folder)


# --- the tokenizer fingerprint --------------------------------------------------------------


def test_the_fingerprint_of_a_demo_model_is_what_node_computes(tmp_path: Path) -> None:
    make_demo_model(str(tmp_path / "m.gguf"))
    with GGUFReader(tmp_path / "m.gguf") as gguf:
        assert tokenizer_fingerprint(gguf.metadata) == DEMO_FINGERPRINT == demo_fingerprint()


def node_fingerprint(array: List[Any]) -> str:
    script = ("let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const a=JSON.parse(s);"
              "process.stdout.write('sha256:'+require('crypto').createHash('sha256').update(JSON.stringify(a),'utf8').digest('hex'))})")
    done = subprocess.run(["node", "-e", script], input=json.dumps(array), capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


def test_the_fingerprint_escapes_strings_as_javascript_does() -> None:
    if shutil.which("node") is None:
        pytest.fail("node is not on PATH; the fingerprint is checked against Node's JSON.stringify")
    tokens = ["\"", "\\", "\n", "\t", "\x00", "\x1f", "\x7f", "é", "日本", "\u2028", "</", "😀", "Ġthe"]
    metadata: Dict[str, Any] = {"tokenizer.ggml.model": "gpt2", "tokenizer.ggml.tokens": tokens,
                                "tokenizer.ggml.token_type": [1] * len(tokens), "tokenizer.ggml.merges": ["Ġ t", "h e"],
                                "tokenizer.ggml.bos_token_id": 0}
    expected = node_fingerprint(["gpt2", None, tokens, [1] * len(tokens), ["Ġ t", "h e"], 0, None])
    assert tokenizer_fingerprint(metadata) == expected


def test_a_byte_that_is_not_utf8_counts_as_the_replacement_character() -> None:
    # Our GGUF reader keeps a stray byte as a lone surrogate; Node decodes it as U+FFFD.
    raw = {"tokenizer.ggml.tokens": ["a\udcff"]}
    assert tokenizer_fingerprint(raw) == tokenizer_fingerprint({"tokenizer.ggml.tokens": ["a\ufffd"]})


# --- labels, batches and packing -----------------------------------------------------------


def test_labels_are_the_next_token_where_the_mask_covers_it() -> None:
    ids, mask = torch.tensor([257, 65, 66, 67, 258]), torch.tensor([1, 0, 1, 1, 1], dtype=torch.uint8)
    # The first token is never predicted, whatever its mask; the last predicts nothing.
    assert example_labels(ids, mask).tolist() == [IGNORE_INDEX, 66, 67, 258, IGNORE_INDEX]


def test_a_batch_is_right_padded_with_ignored_labels(tmp_path: Path) -> None:
    split = open_set(write_prepared(tmp_path / "d", QA_PAIRS)).train
    batch = make_batch(split, [[0], [4]], max_length=512, pad_id=256)
    lengths = [len(chatml_example(*QA_PAIRS[i])[0]) for i in (0, 4)]
    assert batch.input_ids.shape == (2, max(lengths)) and batch.segment_ids is None
    assert batch.input_ids[1, lengths[1]:].eq(256).all() and batch.labels[1, lengths[1] - 1:].eq(IGNORE_INDEX).all()
    assert batch.tokens == sum(lengths) and batch.targets == len(b"Paris.") + len(b"Hello!") + 2
    assert batch.labels[0, lengths[0] - 2].item() == IM_END


def test_packing_fills_rows_keeps_segments_apart_and_computes_the_same_loss(tmp_path: Path) -> None:
    split = open_set(write_prepared(tmp_path / "d", QA_PAIRS)).train
    rows = plan_rows(split, max_length=120, packing=True, seed=3)
    assert sorted(i for row in rows for i in row) == list(range(8)) and len(rows) < 8
    assert all(sum(int(split.lengths()[i]) for i in row) <= 120 for row in rows)
    packed = make_batch(split, rows, 120, pad_id=256)
    assert packed.segment_ids is not None and packed.targets == split.target_count()
    first = rows[0]
    n0 = int(split.lengths()[first[0]])
    assert packed.segment_ids[0, :n0].eq(1).all() and packed.segment_ids[0, n0].item() == 2
    assert packed.labels[0, n0 - 1].item() == IGNORE_INDEX  # no prediction across examples

    make_demo_model(str(tmp_path / "m.gguf"))
    model, _ = load_decoder(tmp_path / "m.gguf")

    def loss(batch: Any) -> float:
        logits = model(batch.input_ids, batch.segment_ids)
        return float(torch.nn.functional.cross_entropy(logits.flatten(0, 1), batch.labels.flatten(), reduction="sum"))

    alone = make_batch(split, [[i] for i in range(8)], 120, pad_id=256)
    assert loss(packed) == pytest.approx(loss(alone), rel=1e-5)


# --- epochs, resume and the schedule --------------------------------------------------------


def test_each_epoch_is_a_seeded_permutation_and_the_sampler_resumes_exactly() -> None:
    sampler = EpochSampler(10, batch_size=4, seed=7)
    drawn = [sampler.next_rows() for _ in range(6)]
    assert [len(rows) for rows in drawn] == [4, 4, 2, 4, 4, 2]  # the last batch of an epoch is short
    assert sorted(sum(drawn[:3], [])) == list(range(10)) and sorted(sum(drawn[3:], [])) == list(range(10))
    assert sum(drawn[:3], []) != sum(drawn[3:], [])  # a new order each epoch
    again = EpochSampler(10, batch_size=4, seed=7)
    assert [again.next_rows() for _ in range(6)] == drawn
    resumed = EpochSampler(10, batch_size=4, seed=7)
    halfway = EpochSampler(10, batch_size=4, seed=7)
    for _ in range(4):
        halfway.next_rows()
    resumed.load_state_dict(json.loads(json.dumps(halfway.state_dict())))
    assert [resumed.next_rows() for _ in range(2)] == drawn[4:]
    with pytest.raises(ValueError, match="made for"):
        EpochSampler(10, batch_size=2, seed=7).load_state_dict(halfway.state_dict())


def test_the_step_plan_counts_optimizer_steps() -> None:
    assert StepPlan.make(steps=25, epochs=None, batches_per_epoch=3, accumulation=2).total_steps == 25
    plan = StepPlan.make(steps=None, epochs=2, batches_per_epoch=5, accumulation=4)  # 10 micro-batches
    assert plan.total_steps == 3 and [plan.micro_batches(d) for d in (0, 4, 8)] == [4, 4, 2]
    assert StepPlan.make(steps=None, epochs=None, batches_per_epoch=3, accumulation=1).total_steps == 3


def test_warmup_then_decay_to_zero_at_the_end() -> None:
    cosine = LearningRateSchedule("cosine", 1.0, warmup_steps=4, total_steps=14)
    assert [cosine.factor(s) for s in range(4)] == [0.25, 0.5, 0.75, 1.0]
    assert cosine.factor(4) == 1.0 and cosine.factor(9) == pytest.approx(0.5) and 0 < cosine.factor(13) < 0.03
    linear = LearningRateSchedule("linear", 2.0, warmup_steps=0, total_steps=10)
    assert linear.lr(0) == 2.0 and linear.lr(5) == pytest.approx(1.0) and linear.lr(9) == pytest.approx(0.2)
    assert LearningRateSchedule("constant", 3.0, 0, 10).lr(9) == 3.0
