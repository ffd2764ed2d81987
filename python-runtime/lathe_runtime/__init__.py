"""Lathe's training runtime. Run ``python -m lathe_runtime --help`` for its commands."""

__version__ = "0.1.0"
