"""`treillis serve`: build in memory, serve on 127.0.0.1, rebuild and reload on every change."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from treillis.errors import Problem
from treillis.live import LiveSite, Update
from treillis.server import PreviewServer
from treillis.watch import TimerFactory, thread_timer, watch


@dataclass
class Preview:
    """A running preview: the live site, its server and its watcher."""

    site: LiveSite
    server: PreviewServer
    observer: object
    thread: threading.Thread

    @property
    def url(self) -> str:
        return self.server.url

    def stop(self) -> None:
        self.observer.stop()  # type: ignore[attr-defined]
        self.server.shutdown()
        self.server.server_close()
        self.site.close()


def start(
    content: Path,
    port: int = 0,
    theme: Path | None = None,
    report: Callable[[Update], None] | None = None,
    timer: TimerFactory = thread_timer,
) -> Preview:
    """Build the site in memory, then serve and watch it (until `stop()`); `timer`
    makes the timers that merge a burst of saves into one rebuild."""
    site = LiveSite(content, theme)
    first = site.rebuild(search_in_background=False)
    if report is not None:
        report(first)
    server = PreviewServer(site, port)

    def changed() -> None:
        try:
            update = site.rebuild()
        except Exception as error:  # never let the watcher die: tell the tabs instead
            update = Update(problems=[Problem("treillis", 1, f"{type(error).__name__}: {error}")])
            site.problems = update.problems
        server.announce(update)
        if report is not None:
            report(update)

    folders = [content, *(f for f in site.theme_folders() if f.is_dir())]
    observer = watch(folders, changed, timer)
    thread = threading.Thread(target=server.serve_forever, name="treillis-server", daemon=True)
    thread.start()
    return Preview(site, server, observer, thread)
