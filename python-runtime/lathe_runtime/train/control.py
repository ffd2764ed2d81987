"""Control of a running training: lines on stdin from the app, and SIGTERM from the OS.

Usage::

    control = RunControl(stop_at_end_of_input=False)
    control.read_lines(sys.stdin)          # a daemon thread: pause, resume, stop, checkpoint
    control.handle_signals()               # SIGTERM (and Ctrl-C) ask to stop
    ...between two steps...
    if control.take_checkpoint_request(): save()
    if control.stop_requested: break       # the recipe checkpoints, then reports done
    while control.pause_requested: control.wait_for_news(timeout=1.0)   # and checkpoint on request

Control goes through stdin because Windows has no signals to send a running process (DESIGN
§4); SIGTERM is honoured too where it exists. Requests are only acted on between optimizer
steps, so a checkpoint never holds half a step. End of stdin means nothing by default: the
app may close the pipe and still expect the run to finish. With ``stop_at_end_of_input``
(``train --stop-when-stdin-closes``) it acts as ``stop``: the app that owns the pipe died, and
a trainer it can no longer control must checkpoint and exit rather than write on, orphaned.

Under several processes only rank 0 reads stdin; the recipe agrees each step's decision with
the other ranks (``distributed.Team.agree``), which is why ``wait_for_news`` only waits a
little: the ranks meet again every second while paused.
"""

from __future__ import annotations

import signal
import threading
from typing import Optional, TextIO

from .events import log

COMMANDS = ("pause", "resume", "stop", "checkpoint")


class RunControl:
    """The requests that have arrived and not been acted on yet. Thread-safe."""

    def __init__(self, stop_at_end_of_input: bool = False) -> None:
        self.stop_at_end_of_input = stop_at_end_of_input
        # Reentrant: a signal handler runs on the main thread, possibly while it holds the lock.
        self._changed = threading.Condition(threading.RLock())
        self._paused = False
        self._stop_reason: Optional[str] = None
        self._checkpoint = False

    def request(self, command: str) -> bool:
        """Apply one command (``pause``, ``resume``, ``stop``, ``checkpoint``); False when unknown."""
        with self._changed:
            if command == "pause":
                self._paused = True
            elif command == "resume":
                self._paused = False
            elif command == "stop":
                self._stop_reason = self._stop_reason or "stop"
            elif command == "checkpoint":
                self._checkpoint = True
            else:
                return False
            self._changed.notify_all()
        return True

    def read_lines(self, stream: Optional[TextIO]) -> Optional[threading.Thread]:
        """Read commands from ``stream`` on a daemon thread, one per line; None without a stream."""
        if stream is None:
            return None
        thread = threading.Thread(target=self._read, args=(stream,), name="lathe-control", daemon=True)
        thread.start()
        return thread

    def _read(self, stream: TextIO) -> None:
        try:
            for line in stream:
                command = line.strip().lower()
                if not command:
                    continue
                if self.request(command):
                    log.info("control: %s", command)
                else:
                    log.warning("control: ignored unknown command %r; the commands are %s", line.strip()[:80], ", ".join(COMMANDS))
        except (OSError, ValueError) as error:  # a closed or broken pipe ends control, not the run
            log.warning("control: stopped reading stdin: %s", error)
        if self.stop_at_end_of_input:
            log.info("control: stdin closed; stopping")
            self._ask_to_stop("stdin closed")

    def _ask_to_stop(self, reason: str) -> None:
        with self._changed:
            self._stop_reason = self._stop_reason or reason
            self._changed.notify_all()

    def handle_signals(self) -> None:
        """Make SIGTERM (where it exists) and SIGINT ask for a stop, like the ``stop`` line.
        Must be called on the main thread."""
        for name in ("SIGTERM", "SIGINT"):
            number = getattr(signal, name, None)
            if number is not None:
                signal.signal(number, self._on_signal)

    def _on_signal(self, number: int, _frame: object) -> None:
        self._ask_to_stop(signal.Signals(number).name)

    @property
    def stop_requested(self) -> bool:
        """Whether a stop was asked for (by ``stop`` or a signal)."""
        with self._changed:
            return self._stop_reason is not None

    @property
    def stop_reason(self) -> Optional[str]:
        """``stop``, ``SIGTERM`` or ``SIGINT``; None when no stop was asked for."""
        with self._changed:
            return self._stop_reason

    @property
    def pause_requested(self) -> bool:
        """Whether the run should pause (and has not been told to resume since)."""
        with self._changed:
            return self._paused

    def take_checkpoint_request(self) -> bool:
        """Whether a checkpoint was asked for since the last call (the request is consumed)."""
        with self._changed:
            wanted, self._checkpoint = self._checkpoint, False
            return wanted

    def wait_for_news(self, timeout: float) -> None:
        """Block up to ``timeout`` seconds while paused and nothing else was asked for."""
        with self._changed:
            if self._paused and self._stop_reason is None and not self._checkpoint:
                self._changed.wait(timeout=timeout)


def ignore_file_size_signal() -> None:
    """Ignore SIGXFSZ where the platform has it: past a file-size limit (``ulimit -f``,
    ``prlimit --fsize``) the write then fails with EFBIG, which the run reports as a full disk
    and survives, instead of the signal killing the process mid-checkpoint."""
    number = getattr(signal, "SIGXFSZ", None)
    if number is not None:
        signal.signal(number, signal.SIG_IGN)
