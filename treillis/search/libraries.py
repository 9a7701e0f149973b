"""The browser libraries the search needs (lunr, lunr-languages), carried by the package.

They come from the npm packages pinned in package.json: after `npm ci`, `make
site`, `make test` and `make dist` call `copy_from`, which copies the files a
site needs, and their licences, into the package (`treillis/search/browser/`,
never committed).
An installed Treillis reads them there and never needs Node.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from treillis.errors import SetupError

FOLDER = Path(__file__).resolve().parent / "browser"

# Files of the npm packages that a site needs, and their names in its assets/search/.
BROWSER_LIBRARIES = {
    "lunr/lunr.min.js": "lunr.js",
    "lunr-languages/min/lunr.stemmer.support.min.js": "lunr.stemmer.support.js",
    "lunr-languages/min/lunr.fr.min.js": "lunr.fr.js",
    "lunr-languages/min/lunr.es.min.js": "lunr.es.js",
    "lunr-languages/min/lunr.pt.min.js": "lunr.pt.js",
}
LICENCES = {"lunr/LICENSE": "LICENSE.lunr", "lunr-languages/LICENSE": "LICENSE.lunr-languages"}


def browser_libraries() -> dict[Path, str]:
    """Each library file to copy into a site, and its name in the site's assets/search/."""
    files = {FOLDER / name: name for name in BROWSER_LIBRARIES.values()}
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        raise SetupError(
            "the search libraries are missing from this installation of Treillis ("
            + ", ".join(missing)
            + "): in a checkout of Treillis, run `make site`; otherwise reinstall Treillis"
        )
    return files


def copy_from(node_modules: Path | str, folder: Path = FOLDER) -> None:
    """Copy the libraries and their licences from an `npm ci` into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for source, name in {**BROWSER_LIBRARIES, **LICENCES}.items():
        shutil.copyfile(Path(node_modules) / source, folder / name)
