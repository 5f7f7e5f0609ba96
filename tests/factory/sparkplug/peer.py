"""Drive pysparkplug (:mod:`.pysparkplug_peer`) in a process of its own, from a test.

The peer answers in JSON lines; :meth:`Peer.wait_for` waits for the first
answer a predicate accepts. Why a process: pysparkplug and reind each register a
``sparkplug_b.proto`` in protobuf's default pool, which takes only one
(docs/decisions/0096).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
Answer = dict[str, Any]


class Peer:
    """One pysparkplug edge node or host; ``spec`` says which (see the peer's docstring)."""

    def __init__(self, port: int, **spec: Any) -> None:
        if importlib.util.find_spec("pysparkplug") is None:
            pytest.fail("pysparkplug is not installed: run scripts/bootstrap dev (ADR 0096)")
        self.answers: list[Answer] = []
        self._changed = threading.Condition()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.factory.sparkplug.pysparkplug_peer"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.send(port=port, **spec)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                answer = json.loads(line)
            except ValueError:
                answer = {"event": "log", "text": line.rstrip()}
            if not isinstance(answer, dict):
                answer = {"event": "log", "text": line.rstrip()}
            with self._changed:
                self.answers.append(answer)
                self._changed.notify_all()

    def send(self, **command: Any) -> None:
        """One command line to the peer."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()

    def wait_for(self, accept: Callable[[Answer], bool], timeout: float = 20.0) -> Answer:
        """The first answer ``accept`` takes; fails the test with every answer if none comes."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for answer in self.answers:
                    if accept(answer):
                        return answer
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None and not self._reader.is_alive():
                    pytest.fail(f"pysparkplug peer never answered as expected: {self.answers}")
                self._changed.wait(min(left, 0.2))

    def messages(self, kind: str | None = None) -> list[Answer]:
        """The Sparkplug messages a host peer decoded so far (of one kind: NBIRTH, DDATA...)."""
        with self._changed:
            found = [a for a in self.answers if a.get("event") == "message"]
        if kind is None:
            return found
        return [a for a in found if a["topic"].split("/")[2 if kind != "STATE" else 1] == kind]

    def close(self, command: str = "quit") -> None:
        """Ask the peer to leave (``quit`` for a host, ``disconnect`` for an edge node)."""
        if self.process.poll() is None:
            try:
                self.send(cmd=command)
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait(timeout=10)
        self._reader.join(timeout=5)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()
