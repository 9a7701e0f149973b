"""The basket and the reading path in a real browser: what each entry shows, on screen and on paper."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import browser_page, site_base
from tests.conftest import DEMO_CONTENT
from treillis.build import build

SITE_NAME = "Territoires en gouvernance"
BASE_URL = "https://example.org/atlas/"
DOCUMENT = "dossiers/conseils-citoyens-et-chartes/charte-participation-villebrune/index.html"
SECOND = "dossiers/comite-de-direction-partage/pays-de-brevanne/index.html"
DESCRIPTOR = "atlas/initiatives-citoyennes/index.html"


@pytest.fixture(scope="module")
def published_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo built with a public address, as a site put online is."""
    content = tmp_path_factory.mktemp("published") / "content"
    shutil.copytree(DEMO_CONTENT, content)
    output = content.parent / "output"
    build(content, output, base_url=BASE_URL)
    return output


@pytest.fixture(params=["file", "published"])
def site(request: pytest.FixtureRequest, demo_output: Path) -> Iterator[tuple[str, str]]:
    """A site opened from disk without a base URL, or served with one: (its address, base)."""
    if request.param == "file":
        with site_base(demo_output, "file") as base:
            yield base, ""
    else:
        output = request.getfixturevalue("published_output")
        with site_base(output, "http") as base:
            yield base, BASE_URL


def test_entries_show_type_dossier_lead_and_date_and_print_readable_links(
    site: tuple[str, str],
) -> None:
    base, base_url = site
    with browser_page() as page:
        page.goto(base + DOCUMENT)
        document_title = page.inner_text("h1")
        page.locator(".basket-toggle").click()
        details = page.locator("[data-reader-entry]")
        type_label, dossier, lead, date = (
            details.get_attribute(f"data-{name}") for name in ("type", "dossier", "lead", "date")
        )
        assert type_label and dossier and lead and date
        # What the entry shows is what the document page itself shows.
        main = page.text_content("main") or ""
        assert type_label in main and date in main
        page.goto(base + DESCRIPTOR)
        page.goto(base + SECOND)
        second_type = page.get_attribute("[data-reader-entry]", "data-type")
        assert second_type

        page.goto(base + "basket/index.html")
        assert SITE_NAME in page.title()
        entry = page.locator("#basket-list li")
        assert entry.count() == 1
        assert entry.locator("a").inner_text() == document_title
        assert entry.locator(".reader-entry__type").inner_text() == type_label
        assert entry.locator(".reader-entry__dossier").inner_text() == dossier
        assert entry.locator(".reader-entry__date").inner_text() == date
        assert entry.locator(".reader-entry__lead").inner_text() == lead
        # The time it was added, written in the page's language (not 02/12/2026 02:38:49).
        stamp = entry.locator(".reader-entry__time").inner_text()
        assert stamp.startswith("Ajouté le ") and "/" not in stamp
        assert page.evaluate(
            "() => { const t = document.querySelector('#basket-list time');"
            " return t.textContent === new Intl.DateTimeFormat('fr',"
            " {dateStyle: 'long', timeStyle: 'short'}).format(new Date(t.dateTime)); }"
        )
        # On screen: no address spelled out (the link is there); on paper: the site's name
        # and a link a colleague can use.
        assert not entry.locator(".reader-entry__address").is_visible()
        assert not page.locator(".reader-list__site").is_visible()
        page.emulate_media(media="print")
        assert page.locator(".reader-list__site").is_visible()
        assert SITE_NAME in page.inner_text(".reader-list__site")
        printed = page.inner_text("#basket-list")
        assert "file://" not in printed and "127.0.0.1" not in printed
        assert entry.locator(".reader-entry__address").inner_text() == base_url + DOCUMENT
        page.emulate_media(media="screen")

        page.goto(base + "history/index.html")
        assert SITE_NAME in page.title()
        entries = page.locator("#history-list li")
        assert entries.count() == 3
        first, descriptor, last = entries.nth(0), entries.nth(1), entries.nth(2)
        assert first.locator(".reader-entry__type").inner_text() == type_label
        assert first.locator(".reader-entry__dossier").inner_text() == dossier
        assert first.locator(".reader-entry__lead").inner_text() == lead
        assert first.locator(".reader-entry__date").inner_text() == date
        assert first.locator(".reader-entry__time").inner_text().startswith("Consulté le ")
        # A descriptor is shown by its kind; it has no dossier, lead or date of its own.
        assert descriptor.inner_text().lower().startswith("descripteur")
        assert descriptor.locator(".reader-entry__meta, .reader-entry__lead").count() == 0
        assert last.locator(".reader-entry__type").inner_text() == second_type
        page.emulate_media(media="print")
        addresses = page.locator("#history-list .reader-entry__address")
        assert [addresses.nth(i).inner_text() for i in range(3)] == [
            base_url + DOCUMENT,
            base_url + DESCRIPTOR,
            base_url + SECOND,
        ]
        assert page.console_errors == [] and page.failed_requests == []


def test_entries_written_by_older_versions_still_show(demo_output: Path) -> None:
    with site_base(demo_output, "http") as base, browser_page() as page:
        page.goto(base + "basket/index.html")
        page.evaluate("""() => localStorage.setItem('treillis.basket', JSON.stringify([
            {url: location.origin + '/dossiers/x/index.html', title: 'Ancien', time: 1764642000000},
            {url: location.origin + '/dossiers/y/index.html', title: 'Bizarre', type: 3,
             dossier: {a: 1}, lead: null},
        ]))""")
        page.reload()
        entries = page.locator("#basket-list li")
        assert entries.count() == 2
        assert entries.nth(0).locator("a").inner_text() == "Ancien"
        assert entries.nth(0).locator(".reader-entry__meta, .reader-entry__lead").count() == 0
        # Its time is written in words of the page's language, like a new entry's.
        assert "décembre 2025" in entries.nth(0).locator("time").inner_text()
        assert entries.nth(1).locator("a").inner_text() == "Bizarre"
        assert "[object" not in entries.nth(1).inner_text()
        assert "3" not in entries.nth(1).inner_text()
        assert page.console_errors == []
