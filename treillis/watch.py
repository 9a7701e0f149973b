"""Watching the content and theme folders, with bursts of saves merged into one rebuild."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

DEBOUNCE_SECONDS = 0.08
# Editors' temporary and backup files: their saves are not changes of the site.
IGNORED_SUFFIXES = (".swp", ".swx", ".swo", "~", ".tmp", ".part", ".crdownload")


def interesting(path: str) -> bool:
    parts = Path(path).parts
    name = parts[-1] if parts else ""
    # Hidden folders (.git…) and editors' temporary files are not the site.
    if any(part.startswith(".") for part in parts[:-1] if part not in (".", "..")):
        return False
    return not (name.startswith((".", "#")) or name.endswith(IGNORED_SUFFIXES))


class Timer(Protocol):
    """A one-shot timer, as `threading.Timer`: `start()` arms it, `cancel()` disarms it."""

    def start(self) -> None: ...

    def cancel(self) -> None: ...


TimerFactory = Callable[[float, Callable[[], None]], Timer]


def thread_timer(delay: float, action: Callable[[], None]) -> Timer:
    """A real timer: `action` runs in a thread of its own after `delay` seconds."""
    timer = threading.Timer(delay, action)
    timer.daemon = True
    return timer


class Debouncer(FileSystemEventHandler):
    """Calls `action` once, `delay` seconds after the last of a burst of changes.

    Atomic saves (write a temporary file, rename it) arrive as a move whose
    destination is the real file: both ends of a move count. `timer` makes the
    timers (tests pass timers they fire themselves: no test waits on the clock).
    """

    def __init__(
        self,
        action: Callable[[], None],
        delay: float = DEBOUNCE_SECONDS,
        timer: TimerFactory = thread_timer,
    ) -> None:
        self.action = action
        self.delay = delay
        self._make_timer = timer
        self._timer: Timer | None = None
        self._lock = threading.Lock()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        paths = [event.src_path, getattr(event, "dest_path", "")]
        if not any(p and interesting(str(p)) for p in paths):
            return
        self.poke()

    def poke(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = self._make_timer(self.delay, self.action)
            self._timer.start()


def watch(
    folders: list[Path], action: Callable[[], None], timer: TimerFactory = thread_timer
) -> Observer:
    """Start watching `folders` (recursively); `action` runs after each burst of changes."""
    observer = Observer()
    handler = Debouncer(action, timer=timer)
    for folder in folders:
        if folder.is_dir():
            observer.schedule(handler, str(folder), recursive=True)
    observer.daemon = True
    observer.start()
    return observer
