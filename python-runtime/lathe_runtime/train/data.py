"""Prepared datasets (docs/prepared-data.md): memory-mapped, checked, tied to one tokenizer.

Usage::

    fingerprint = tokenizer_fingerprint(gguf.metadata)          # of the base model
    dataset = open_prepared_dataset("prepared/abc", fingerprint, vocab_size=259)
    ids, mask = dataset.train.example(0)                       # int64 ids, uint8 loss mask

The three binary files per split are mapped, not read (``mmap`` + ``torch.frombuffer``: torch
only, numpy is not needed), so a dataset of gigabytes costs its pages as they are touched.
Before training starts everything the format promises is checked, and every problem is
reported in one ``DataError``: format and version, counts that match the files, offsets that
start at 0, never decrease and end at the token count, mask bytes of 0 or 1, token ids below
the vocabulary, a non-empty training split with something to learn, and the tokenizer
fingerprint of the base model.

Token ids are ``uint32`` on disk; torch 1.13 has no uint32, so they are viewed as int32 and
an id of 2**31 or more shows up negative, which the id check catches like any id too large.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

import torch

from .errors import DataError

MANIFEST = "manifest.json"
FORMAT = "lathe-prepared"
VERSION = 1
SPLITS = ("train", "validation")
# (file suffix, torch dtype, bytes per value); uint32 and uint64 are viewed as signed types.
FILES = (("tokens.u32", torch.int32, 4), ("mask.u8", torch.uint8, 1), ("offsets.u64", torch.int64, 8))
CHUNK = 1 << 24  # values per slice when scanning a whole file
FINGERPRINT_KEYS = ("model", "pre", "tokens", "token_type", "merges", "bos_token_id", "eos_token_id")


def tokenizer_fingerprint(metadata: Mapping[str, Any]) -> str:
    """``sha256:<hex>`` of the compact JSON array of the GGUF's tokenizer keys, as the doc says:
    ``[model, pre, tokens, token_type, merges, bos, eos]``, null for an absent key, no spaces,
    non-ASCII characters as themselves (what JavaScript's JSON.stringify writes)."""
    values = [_as_main_process_reads_it(metadata.get(f"tokenizer.ggml.{key}")) for key in FINGERPRINT_KEYS]
    text = json.dumps(values, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _as_main_process_reads_it(value: Any) -> Any:
    """The value as the main process's GGUF reader sees it. Our reader keeps a byte that is not
    UTF-8 as a lone surrogate (``surrogateescape``); Node decodes it as U+FFFD instead."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if isinstance(value, list):
        return [_as_main_process_reads_it(item) for item in value]
    return value


@dataclass
class PreparedSplit:
    """One split: ``tokens`` (int32 ids), ``mask`` (uint8), ``offsets`` (int64, N + 1)."""

    name: str
    tokens: torch.Tensor
    mask: torch.Tensor
    offsets: torch.Tensor

    @property
    def examples(self) -> int:
        """How many examples the split holds."""
        return max(self.offsets.numel() - 1, 0)

    def lengths(self) -> torch.Tensor:
        """Tokens per example (int64)."""
        return self.offsets[1:] - self.offsets[:-1] if self.examples else torch.zeros(0, dtype=torch.int64)

    def example(self, index: int) -> Tuple[torch.Tensor, torch.Tensor]:
        """Example ``index``: its token ids (int64) and loss mask (uint8)."""
        start, end = int(self.offsets[index]), int(self.offsets[index + 1])
        return self.tokens[start:end].long(), self.mask[start:end]

    def target_count(self) -> int:
        """Tokens the loss covers: masked tokens that are not the first of their example."""
        if not self.examples:
            return 0
        firsts = self.mask[self.offsets[:-1][self.lengths() > 0]].long().sum()
        return sum(int(chunk.sum(dtype=torch.int64)) for chunk in _chunks(self.mask)) - int(firsts)


@dataclass
class PreparedDataset:
    """A checked prepared dataset: its manifest and its two splits."""

    path: str
    manifest: Dict[str, Any]
    train: PreparedSplit
    validation: PreparedSplit
    _maps: List[mmap.mmap] = field(default_factory=list, repr=False)

    @property
    def max_length(self) -> Optional[int]:
        """The manifest's ``options.maxLength``, when it has one."""
        value = (self.manifest.get("options") or {}).get("maxLength")
        return value if isinstance(value, int) and not isinstance(value, bool) and value > 1 else None

    def identity(self) -> Dict[str, Any]:
        """What a checkpoint records to tell whether it was made from this same data."""
        return {"datasetHash": self.manifest.get("datasetHash"), "fingerprint": self.manifest["tokenizer"]["fingerprint"],
                "train": self.manifest["splits"]["train"]}


def open_prepared_dataset(path: str, fingerprint: str, vocab_size: int) -> PreparedDataset:
    """Map and check the prepared dataset in folder ``path`` for a base model whose tokenizer
    has ``fingerprint`` and ``vocab_size`` ids. Raises DataError listing every problem."""
    if sys.byteorder != "little":
        raise DataError("Prepared datasets are little-endian; this machine is big-endian, which Lathe does not support.")
    manifest = _read_manifest(path)
    problems: List[str] = []
    tokenizer = manifest.get("tokenizer")
    if manifest.get("format") != FORMAT:
        problems.append(f"manifest.json's format is {manifest.get('format')!r}, not {FORMAT!r}: this is not a Lathe prepared dataset")
    version = manifest.get("version")
    if version != VERSION:
        newer = " (made by a newer Lathe)" if isinstance(version, int) and version > VERSION else ""
        problems.append(f"manifest.json's version is {version!r}{newer}; this runtime reads version {VERSION}")
    manifest_vocab: Optional[int] = None
    if not isinstance(tokenizer, dict):
        problems.append("manifest.json has no tokenizer object")
    else:
        their = tokenizer.get("fingerprint")
        if their != fingerprint:
            problems.append(
                f"the data was prepared for another tokenizer (fingerprint {str(their)[:19]}…, the base model's is "
                f"{fingerprint[:19]}…): prepare the dataset again for this model"
            )
        manifest_vocab = tokenizer.get("vocabSize") if _is_count(tokenizer.get("vocabSize")) else None
        if manifest_vocab is None:
            problems.append(f"tokenizer.vocabSize is {tokenizer.get('vocabSize')!r}; expected a whole number")
        elif manifest_vocab != vocab_size:
            problems.append(f"tokenizer.vocabSize is {manifest_vocab}, but the base model has {vocab_size} tokens")
    splits_raw = manifest.get("splits")
    if not isinstance(splits_raw, dict) or "train" not in splits_raw:
        problems.append("manifest.json has no splits.train")
        splits_raw = {}
    limit = min(vocab_size, manifest_vocab) if manifest_vocab is not None else vocab_size
    maps: List[mmap.mmap] = []
    splits = {name: _open_split(path, name, splits_raw.get(name), limit, problems, maps) for name in SPLITS}
    if not problems and splits["train"].examples == 0:
        problems.append("the training split has no examples; there is nothing to train on")
    elif not problems and splits["train"].target_count() == 0:
        problems.append("no token of the training split is covered by the loss mask; there is nothing to learn")
    if problems:
        raise DataError.listing(f"The prepared dataset {path}", problems)
    return PreparedDataset(os.path.abspath(path), manifest, splits["train"], splits["validation"], maps)


def _read_manifest(path: str) -> Dict[str, Any]:
    manifest_path = os.path.join(path, MANIFEST)
    if not os.path.isdir(path):
        raise DataError(f"The prepared dataset folder {path} does not exist. Prepare the dataset again.")
    try:
        with open(manifest_path, "r", encoding="utf-8") as file:
            manifest = json.load(file)
    except FileNotFoundError:
        raise DataError(f"{path} has no {MANIFEST}, so it is not a (complete) prepared dataset. Prepare the dataset again.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataError(f"{manifest_path} cannot be read: {error}. Prepare the dataset again.") from None
    if not isinstance(manifest, dict):
        raise DataError(f"{manifest_path} does not hold a JSON object. Prepare the dataset again.")
    return manifest


def _open_split(folder: str, name: str, expected: Any, vocab_size: int, problems: List[str],
                maps: List[mmap.mmap]) -> PreparedSplit:
    """Map one split's files and check them against the manifest's counts, adding problems."""
    empty = PreparedSplit(name, torch.zeros(0, dtype=torch.int32), torch.zeros(0, dtype=torch.uint8), torch.zeros(1, dtype=torch.int64))
    if expected is None and name != "train":
        return empty  # a split the manifest does not list is empty
    if not isinstance(expected, dict) or not _is_count(expected.get("examples")) or not _is_count(expected.get("tokens")):
        problems.append(f"splits.{name} must give whole-number examples and tokens; it is {json.dumps(expected)[:80]}")
        return empty
    examples, tokens = expected["examples"], expected["tokens"]
    wanted = {"tokens.u32": tokens, "mask.u8": tokens, "offsets.u64": examples + 1}
    tensors: Dict[str, torch.Tensor] = {}
    for suffix, dtype, width in FILES:
        file_name = f"{name}.{suffix}"
        file_path = os.path.join(folder, file_name)
        try:
            size = os.path.getsize(file_path)
        except OSError:
            if examples == 0 and tokens == 0:
                tensors[suffix] = empty.offsets if suffix == "offsets.u64" else torch.zeros(0, dtype=dtype)
            else:
                problems.append(f"{file_name} is missing")
            continue
        if size % width or size // width != wanted[suffix]:
            problems.append(f"{file_name} holds {size / width:g} values ({size} bytes); the manifest's counts say {wanted[suffix]}")
            continue
        tensors[suffix] = _map(file_path, size, dtype, maps)
    if len(tensors) < len(FILES):
        return empty
    split = PreparedSplit(name, tensors["tokens.u32"], tensors["mask.u8"], tensors["offsets.u64"])
    offsets = split.offsets
    if int(offsets[0]) != 0 or int(offsets[-1]) != tokens:
        problems.append(f"{name}.offsets.u64 must start at 0 and end at {tokens} (the token count); it runs from {int(offsets[0])} to {int(offsets[-1])}")
    elif bool((offsets[1:] < offsets[:-1]).any()):
        at = int((offsets[1:] < offsets[:-1]).nonzero()[0])
        problems.append(f"{name}.offsets.u64 decreases after example {at} ({int(offsets[at])} then {int(offsets[at + 1])})")
    bad_ids, first_bad = 0, -1
    for start, chunk in zip(range(0, tokens, CHUNK), _chunks(split.tokens)):
        bad = (chunk < 0) | (chunk >= vocab_size)
        count = int(bad.sum())
        if count and first_bad < 0:
            first_bad = start + int(bad.nonzero()[0])
        bad_ids += count
    if bad_ids:
        value = int(split.tokens[first_bad]) & 0xFFFFFFFF
        problems.append(f"{name}.tokens.u32 has token id {value} at position {first_bad}, but the vocabulary has {vocab_size} ids "
                        f"({bad_ids} such ids in all)")
    if any(bool((chunk > 1).any()) for chunk in _chunks(split.mask)):
        problems.append(f"{name}.mask.u8 has bytes other than 0 and 1")
    return split


def _map(path: str, size: int, dtype: torch.dtype, maps: List[mmap.mmap]) -> torch.Tensor:
    """The file as a flat tensor of ``dtype`` sharing a private (copy-on-write) mapping."""
    if size == 0:
        return torch.zeros(0, dtype=dtype)  # mmap refuses empty files
    with open(path, "rb") as file:
        mapping = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_COPY)
    maps.append(mapping)
    return torch.frombuffer(mapping, dtype=dtype)


def _chunks(values: torch.Tensor) -> Iterator[torch.Tensor]:
    """``values`` in slices of ``CHUNK``: a check over a billion tokens then needs the
    temporary memory of 16M, not of the billion."""
    for start in range(0, values.numel(), CHUNK):
        yield values[start:start + CHUNK]


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
