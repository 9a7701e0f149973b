"""What a page worker keeps from group to group stays bounded: reused fragments and boxes."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from tests.conftest import DEMO_CONTENT
from treillis import render
from treillis.diagrams import Node, star
from treillis.errors import Problems
from treillis.readers import read_site
from treillis.render import DEFAULT_THEME, Renderer, _once_each


@dataclass(frozen=True)
class _Item:
    text: str


class _Card:
    """A macro that counts its calls (`_once_each` knows a macro by its name here)."""

    name = "card"

    def __init__(self) -> None:
        self.calls: list[_Item] = []

    def __call__(self, item: _Item) -> Markup:
        self.calls.append(item)
        return Markup(item.text)


def _held(renderer: Renderer) -> int:
    return sum(
        len(html)
        for fragments in renderer.fragments.values()
        for made in fragments.by_macro.values()
        for _, html in made.values()
    )


def test_a_renderers_fragments_hold_a_bounded_number_of_characters_in_all_languages(
    monkeypatch,
) -> None:
    """A large site's cards outnumber what a worker can keep: past the bound (every
    language's fragments together) the oldest are forgotten, the newest still reused,
    and a forgotten one is made again the same."""
    monkeypatch.setattr(render, "MAX_FRAGMENT_CHARS", 1000, raising=False)
    renderer = Renderer([DEFAULT_THEME], read_site(DEMO_CONTENT, Problems()).config)
    card = _Card()
    items = [_Item(f"<p>{number:03}</p>" + "x" * 90) for number in range(30)]  # 100 each
    for lang in ("fr", "en"):
        assert _once_each(renderer._fragments(lang), (), card, items) == [
            item.text for item in items
        ]
    assert len(card.calls) == 60
    assert 900 <= _held(renderer) <= 1000
    card.calls.clear()
    assert _once_each(renderer._fragments("en"), (), card, items[-9:]) == [
        item.text for item in items[-9:]
    ]
    assert card.calls == []  # the newest, reused
    assert _once_each(renderer._fragments("fr"), (), card, items[:1]) == [items[0].text]
    assert card.calls == [items[0]]  # the oldest, forgotten: made again
    assert _held(renderer) <= 1000


def test_boxes_kept_for_reuse_are_bounded_and_the_newest_kept(monkeypatch) -> None:
    """Past the bound the oldest box is forgotten, not every box at once: the boxes of
    the pictures being drawn (the newest) stay reusable."""
    monkeypatch.setattr(star, "MAX_SHAPES", 3)
    star._SHAPES.clear()
    nodes = [Node(f"n{i}", f"Descripteur {i}", "narrower", "#336699") for i in range(5)]
    shapes = [star._shape(node, (node.label,)) for node in nodes]
    assert len(star._SHAPES) == 3
    for node, shape in zip(nodes[2:], shapes[2:], strict=True):
        assert star._shape(node, (node.label,)) is shape  # reused, not drawn again
    assert star._shape(nodes[0], (nodes[0].label,)) is not shapes[0]
    assert len(star._SHAPES) == 3
    star._SHAPES.clear()


def _thresholds() -> tuple[int, int, int]:
    import gc

    return gc.get_threshold()


def test_workers_collect_cycles_rarely_and_leave_the_parents_frozen_objects_frozen(
    tmp_path, monkeypatch
) -> None:
    """A worker's collector runs every `_WORKER_GC_THRESHOLDS[0]` allocations, not
    Python's 700 (its young objects are freed by reference counting); the parent's own
    thresholds are untouched, and what it froze before the pool stays frozen after it."""
    import gc

    from treillis import workers
    from treillis.output import Staging

    monkeypatch.setenv("TREILLIS_WORKERS", "2")
    renderer = Renderer([DEFAULT_THEME], read_site(DEMO_CONTENT, Problems()).config)
    before = gc.get_threshold()
    gc.freeze()
    frozen = gc.get_freeze_count()
    try:
        done = workers.render_pages(
            [],
            renderer,
            Staging(tmp_path / "output"),
            side_tasks={"thresholds": _thresholds},
        )
        assert gc.get_freeze_count() >= frozen > 0
    finally:
        gc.unfreeze()
    assert done.side_results["thresholds"] == workers._WORKER_GC_THRESHOLDS
    assert gc.get_threshold() == before != workers._WORKER_GC_THRESHOLDS


def test_a_rendered_pages_data_is_let_go_without_the_cycle_collector(tmp_path) -> None:
    """The contexts a page's rendering makes hold their macros, which hold them: they are
    let go when the page is made, and the page's data with them, without waiting for the
    cycle collector (a worker's collections walked thousands of pages' data). A module
    imported without context, which Jinja keeps, still works on the next page."""
    import gc
    import weakref

    from treillis.views.common import Page

    theme = tmp_path / "theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "templates" / "page.html").write_text(
        '{% from "macros.html" import item with context %}'
        '{% import "plain.html" as plain %}'
        "{% macro own(x) %}<b>{{ x }}</b>{% endmacro %}"
        "{{ own(title) }}{{ item(title) }}{{ plain.tree(2) }}",
        encoding="utf-8",
    )
    (theme / "templates" / "macros.html").write_text(
        "{% macro item(x) %}<i>{{ lang }}:{{ x }}</i>{% endmacro %}", encoding="utf-8"
    )
    (theme / "templates" / "plain.html").write_text(
        "{% macro tree(n) %}({% if n %}{{ tree(n - 1) }}{% endif %}){% endmacro %}",
        encoding="utf-8",
    )
    renderer = Renderer([theme], read_site(DEMO_CONTENT, Problems()).config)
    collecting = gc.isenabled()
    gc.disable()
    try:
        for title in ("A", "B"):
            view = _Item(title)
            context = {"title": view.text, "view": view}
            page = Page("a/index.html", "page.html", "fr", title, context=context)
            assert renderer.render(page) == f"<b>{title}</b><i>fr:{title}</i>((()))"
            held = weakref.ref(page)
            del page, context
            assert held() is None
    finally:
        if collecting:
            gc.enable()


def test_each_languages_groups_go_to_one_worker_and_an_idle_one_takes_the_last_left() -> None:
    """A language's groups (its lane) go to one worker; the first language's to the first
    worker, the others' to the others in turn. A worker takes the side tasks and the
    groups of no lane first, then its own; done, the last group of the queue with the
    most groups after its last side task: never a side task, nor a group it waits for
    (the search, after the documents' pages)."""
    from types import SimpleNamespace

    from treillis.views import PageGroup
    from treillis.workers import _Lanes

    lanes = ["fr", "fr", "fr", "fr", "en", "en", "es", "es"]
    groups = [PageGroup(list), *(PageGroup(list, lane) for lane in lanes)]
    job = SimpleNamespace(groups=groups, side_tasks={"feeds": print, "search": print})
    two = _Lanes(job, [None, None])  # type: ignore[arg-type]
    two._place({"search": 3})  # after the site's group and two of the documents'
    g = [("group", number) for number in range(len(groups))]
    search = ("side", "search")
    assert list(two.queues[0]) == [g[1], g[2], search, g[3], g[4]]
    assert list(two.queues[1]) == [g[5], g[6], g[7], g[8]]
    assert list(two.shared) == [("side", "feeds"), g[0]]
    taken = [two._next(1) for _ in range(9)]
    assert taken == [("side", "feeds"), g[0], g[5], g[6], g[7], g[8], g[4], g[3], None]
    assert [two._next(0) for _ in range(4)] == [g[1], g[2], search, None]
    lone = _Lanes(SimpleNamespace(groups=[], side_tasks={"search": print}), [None, None])  # type: ignore[arg-type]
    lone._place({"search": 3})  # no group to wait for
    assert list(lone.shared) == [search]
    three = _Lanes(job, [None, None, None])  # type: ignore[arg-type]
    three._place({})
    assert [list(queue) for queue in three.queues] == [g[1:5], g[5:7], g[7:9]]
    assert list(three.shared) == [("side", "feeds"), ("side", "search"), g[0]]


def test_a_worker_given_no_task_stops_with_its_pool() -> None:
    """A pool's process is forked as soon as the pool is made (before any pool starts
    its threads); one given no task (more workers than groups, an error first) still
    stops when its pool does."""
    from types import SimpleNamespace

    from treillis.workers import _forked

    with _forked(SimpleNamespace(), 1) as pool:  # type: ignore[arg-type]
        processes = list(pool._processes.values())
        assert processes and all(process.is_alive() for process in processes)
    try:
        for process in processes:
            process.join(timeout=20)
        assert not any(process.is_alive() for process in processes)
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()


def test_the_pages_time_ends_with_the_last_page_not_with_the_side_tasks(
    tmp_path, monkeypatch
) -> None:
    """A side task (the search index) may end after the pages (an edit's few): when the
    last page was written is said apart (`pages_done`), so that the pages' time is theirs."""
    import time

    from treillis import workers
    from treillis.atlas import Atlas
    from treillis.build import load
    from treillis.output import Staging
    from treillis.views import Views, page_groups

    monkeypatch.setenv("TREILLIS_WORKERS", "1")  # the side tasks run after the pages, here
    site = load(DEMO_CONTENT)
    staging = Staging(tmp_path / "output")
    started: list[float] = []
    try:
        done = workers.render_pages(
            page_groups(Views(site, Atlas(site)))[:2],
            Renderer([DEFAULT_THEME], site.config),
            staging,
            side_tasks={"search": lambda: started.append(time.perf_counter())},
        )
    finally:
        staging.abort()
    assert done.rendered > 10 and len(started) == 1
    assert 0 < done.pages_done <= started[0]
