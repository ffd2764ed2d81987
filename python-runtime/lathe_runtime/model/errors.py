"""Errors raised while reading a base model: one typed error per cause, every problem listed.

Usage::

    try:
        model, config = load_decoder("model.gguf")
    except ModelError as error:
        error.kind        # "not_found" | "invalid_file" | "unsupported" (the app's error kinds)
        error.problems    # each problem on its own, for logs and details panes
        str(error)        # one message a person can act on

The kinds are the ones the main process's contract uses (``src-main/contract/errors.ts``), so
the trainer can put them in its ``error`` event unchanged.
"""

from __future__ import annotations

from typing import Iterable, List, Optional

from ..gguf import GGUFError


class ModelError(Exception):
    """A base model that cannot be used, with a machine-readable ``kind`` and its ``problems``."""

    kind = "invalid_file"

    def __init__(self, message: str, problems: Optional[Iterable[str]] = None) -> None:
        self.problems: List[str] = list(problems) if problems is not None else [message]
        super().__init__(message)

    @classmethod
    def listing(cls, subject: str, problems: Iterable[str]) -> "ModelError":
        """One error whose message names ``subject`` and lists every problem, one a line."""
        found = list(problems)
        if len(found) == 1:
            return cls(f"{subject}: {found[0]}", found)
        lines = "\n".join(f"  - {problem}" for problem in found)
        return cls(f"{subject} ({len(found)} problems):\n{lines}", found)


class UnsupportedModelError(ModelError):
    """A valid model that holds something this runtime does not handle yet (an architecture,
    a tensor type, a rope scaling method)."""

    kind = "unsupported"


class InvalidModelError(ModelError):
    """A model file that is damaged or inconsistent: missing keys or tensors, wrong shapes."""

    kind = "invalid_file"


class ModelNotFoundError(ModelError):
    """The model file is not there (or cannot be opened)."""

    kind = "not_found"


def from_gguf_error(error: GGUFError) -> ModelError:
    """The model error for a ``GGUFError`` (whose message already names the file)."""
    if error.kind == "unsupported":
        return UnsupportedModelError(f"This model cannot be used yet: {error}")
    return InvalidModelError(f"Cannot read the model file: {error}")
