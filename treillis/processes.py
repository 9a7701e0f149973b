"""The processes a build runs at once, and how it forks them."""

from __future__ import annotations

import os

from treillis.errors import SetupError


def worker_count() -> int:
    """How many processes render pages: TREILLIS_WORKERS, else (unset, empty or 0) one
    per core. Never more than four per core: each one is forked at once."""
    value = os.environ.get("TREILLIS_WORKERS", "").strip()
    if value and not (value.isascii() and value.isdigit()):
        raise SetupError(
            f"TREILLIS_WORKERS='{value}' is not a number of processes: write a whole number "
            "such as TREILLIS_WORKERS=1, or leave it empty for one per core"
        )
    cores = os.cpu_count() or 1
    return min(int(value or 0) or cores, 4 * cores)


def fork_piped() -> tuple[int, int] | None:
    """A process forked with a pipe from it: in the child, (0, the pipe's end to write
    to); in this process, (the child's pid, the end to read from). None when no process
    could be forked (nothing is left open)."""
    reader, writer = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        return None
    if pid == 0:
        os.close(reader)
        return 0, writer
    os.close(writer)
    return pid, reader
