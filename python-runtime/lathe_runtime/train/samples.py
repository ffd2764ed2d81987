"""Samples while training: greedy continuations of a few held-out prompts, as text.

Usage (from ``recipe.py``)::

    vocabulary = Vocabulary.from_metadata(gguf.metadata)     # ids -> text, stop ids
    prompts = sample_prompts(data.validation or data.train, vocabulary.stop_ids)
    output = generate_greedy(model, prompts[0].prompt, max_new_tokens=64, stop_ids=..., context=2048)
    vocabulary.decode(output)

A prompt is the start of an example up to its first trained token (what the loss mask leaves
untrained: the user turn and the assistant header of a chat), and its reference is the
trained run that follows, without the closing end-of-turn token. Generation is greedy
(argmax), so it draws no random numbers; the caller still restores the random state after it,
so that a run with samples trains exactly as one without (resuming stays exact).

The decoder has no key/value cache, so each new token recomputes the whole sequence: the
prompts are short and there are at most ``SAMPLE_COUNT`` of them, and the length is bounded
by ``max_new_tokens`` and the model's context.

Text comes from the GGUF vocabulary as llama.cpp spells it: byte-level BPE (``gpt2``) tokens
map their characters back to bytes through GPT-2's byte table; SentencePiece (``llama``)
tokens turn ``▁`` into a space and ``<0xNN>`` byte tokens into that byte; control and
user-defined tokens show as their text. Bytes that are not valid UTF-8 become U+FFFD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, FrozenSet, List, Mapping, Optional, Sequence

import torch

from ..demo_model import bytes_to_unicode
from .data import PreparedSplit

SAMPLE_COUNT = 2
# llama.cpp's llama_token_type values.
TOKEN_NORMAL, TOKEN_UNKNOWN, TOKEN_CONTROL, TOKEN_USER_DEFINED, TOKEN_UNUSED, TOKEN_BYTE = 1, 2, 3, 4, 5, 6
_BYTE_TOKEN = re.compile(r"^<0x([0-9A-Fa-f]{2})>$")
_STOP_KEYS = ("eos_token_id", "eot_token_id", "eom_token_id")


@dataclass(frozen=True)
class Vocabulary:
    """Token ids to text for one GGUF tokenizer, and the ids that end a generation."""

    model: str
    tokens: Sequence[str]
    types: Sequence[int]
    stop_ids: FrozenSet[int]

    @staticmethod
    def from_metadata(metadata: Mapping[str, Any]) -> "Vocabulary":
        """The vocabulary in a GGUF file's ``tokenizer.ggml.*`` keys (empty when it has none)."""
        tokens = metadata.get("tokenizer.ggml.tokens")
        types = metadata.get("tokenizer.ggml.token_type")
        tokens = tokens if isinstance(tokens, list) else []
        types = types if isinstance(types, list) and len(types) == len(tokens) else [TOKEN_NORMAL] * len(tokens)
        stops = {metadata.get(f"tokenizer.ggml.{key}") for key in _STOP_KEYS}
        stop_ids = frozenset(value for value in stops if isinstance(value, int) and 0 <= value < len(tokens))
        model = metadata.get("tokenizer.ggml.model")
        return Vocabulary(model if isinstance(model, str) else "gpt2", tokens, types, stop_ids)

    def decode(self, ids: Sequence[int]) -> str:
        """The text of ``ids``; invalid UTF-8 is replaced, unknown ids are skipped."""
        byte_of = _byte_table() if self.model != "llama" else None
        pieces = bytearray()
        for token_id in ids:
            if not 0 <= token_id < len(self.tokens):
                continue
            text, kind = self.tokens[token_id], self.types[token_id]
            if kind in (TOKEN_CONTROL, TOKEN_USER_DEFINED, TOKEN_UNKNOWN):
                pieces += text.encode("utf-8", "surrogateescape")
            elif byte_of is not None:  # byte-level BPE: every character stands for one byte
                for character in text:
                    byte = byte_of.get(character)
                    pieces += bytes([byte]) if byte is not None else character.encode("utf-8", "surrogateescape")
            else:  # SentencePiece
                match = _BYTE_TOKEN.match(text) if kind == TOKEN_BYTE else None
                pieces += bytes([int(match.group(1), 16)]) if match else text.replace("\u2581", " ").encode("utf-8", "surrogateescape")
        return pieces.decode("utf-8", "replace")


_BYTES: Optional[dict] = None


def _byte_table() -> dict:
    """GPT-2's character → byte table (the inverse of ``bytes_to_unicode``)."""
    global _BYTES
    if _BYTES is None:
        _BYTES = {character: byte for byte, character in enumerate(bytes_to_unicode())}
    return _BYTES


@dataclass(frozen=True)
class SamplePrompt:
    """An example cut where training starts: ``prompt`` (untrained ids) and ``reference``."""

    prompt: List[int]
    reference: List[int]


def sample_prompts(split: PreparedSplit, stop_ids: FrozenSet[int], count: int = SAMPLE_COUNT) -> List[SamplePrompt]:
    """The first ``count`` examples of ``split`` that have both an untrained start and a
    trained part, cut into prompt and reference."""
    found: List[SamplePrompt] = []
    for index in range(split.examples):
        ids, mask = split.example(index)
        trained = mask.nonzero().flatten().tolist()
        if not trained or trained[0] == 0:
            continue
        start = trained[0]
        end = start
        while end < len(mask) and int(mask[end]) == 1:  # the first trained run: one answer
            end += 1
        reference = ids[start:end].tolist()
        while reference and reference[-1] in stop_ids:  # generation stops before these too
            reference.pop()
        found.append(SamplePrompt(ids[:start].tolist(), reference))
        if len(found) == count:
            break
    return found


def generate_greedy(model: Any, prompt: Sequence[int], max_new_tokens: int, stop_ids: FrozenSet[int], context: int,
                    device: torch.device) -> List[int]:
    """Up to ``max_new_tokens`` ids after ``prompt``, each the most likely next one, ending
    before a stop id. The sequence never exceeds ``context`` tokens (the prompt's start is
    dropped to make room). Call under ``torch.no_grad()`` with the model in eval mode."""
    room = max(1, min(max_new_tokens, context - 1))
    sequence = list(prompt)[-(context - room):] if context - room > 0 else []
    if not sequence:
        return []
    output: List[int] = []
    while len(output) < room:
        ids = torch.tensor([sequence], dtype=torch.int64, device=device)
        hidden = model.hidden_states(ids)[:, -1]
        next_id = int(model.head(hidden).float().argmax(dim=-1)[0])
        if next_id in stop_ids:
            break
        output.append(next_id)
        sequence.append(next_id)
    return output
