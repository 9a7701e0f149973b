"""`treillis new`: what it writes reads back as given, and never breaks a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from treillis import scaffold
from treillis.build import load

ODD = 'Budgets: « locaux »\n- id: ghost\ntitle: "x" # not a comment\x01'


def test_odd_titles_and_labels_read_back_as_given(small_site: Path) -> None:
    scaffold.new_dossier(small_site, "budgets", ODD)
    scaffold.new_document(small_site, "budgets/un-cas", ODD, "proposal")
    scaffold.new_descriptor(small_site, "budget-annexe", "methodes", ODD, ["budget"])
    site = load(small_site)  # every file written is valid
    expected = " ".join(ODD.replace("\x01", "").split())
    assert " ".join(site.dossiers["budgets"].title.split()) == expected
    assert site.documents["budgets/un-cas"].title == ODD.replace("\x01", "").strip()
    assert site.descriptors["budget-annexe"].label.get("fr") == ODD.replace("\x01", "").strip()
    assert "ghost" not in site.descriptors


def test_a_descriptor_is_never_appended_to_a_file_it_would_break(small_site: Path) -> None:
    flow = small_site / "atlas/descriptors/flow.yaml"
    text = "[{id: vert, family: methodes, label: Vert}]\n"
    flow.write_text(text, encoding="utf-8")
    with pytest.raises(scaffold.ScaffoldError, match=r"flow\.yaml is not a list of '- id:' items"):
        scaffold.new_descriptor(small_site, "bleu", "methodes", file_name="flow.yaml")
    assert flow.read_text(encoding="utf-8") == text
    comments = small_site / "atlas/descriptors/notes.yaml"
    comments.write_text("# Descriptors added by hand\n", encoding="utf-8")
    scaffold.new_descriptor(small_site, "bleu", "methodes", file_name="notes.yaml")
    assert comments.read_text(encoding="utf-8").startswith("# Descriptors added by hand\n- id:")
    assert load(small_site).descriptors["bleu"].family.target == "methodes"


def test_a_folder_that_cannot_be_written_is_said_plainly(small_site: Path) -> None:
    import subprocess
    import sys

    (small_site / "dossiers/essai").rename(small_site / "essai")
    (small_site / "dossiers").rmdir()
    (small_site / "dossiers").write_text("not a folder\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "treillis", "new", "dossier", "budgets"],
        capture_output=True,
        text=True,
        cwd=small_site.parent,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("error: ")
    assert (small_site / "dossiers").read_text(encoding="utf-8") == "not a folder\n"


@pytest.mark.parametrize("languages", [["fr"], ["en", "fr"], ["es", "en", "fr"]])
def test_a_new_site_builds_at_once_in_its_languages(tmp_path: Path, languages: list[str]) -> None:
    from tests.htmlsite import Site
    from treillis.build import build

    folder = tmp_path / "site"
    content = scaffold.new_site(folder, "Réseau « essai »", languages)
    site = load(content)
    assert site.config.languages == languages
    assert site.config.title.get(languages[0]) == "Réseau « essai »"
    assert len(site.dossiers) == 1 and len(site.documents) == 1
    (document,) = site.documents.values()
    assert document.lang == languages[0] and document.descriptor_ids
    # A lattice: a descriptor under two broader ones, a related link across.
    assert any(len(d.broader) == 2 for d in site.descriptors.values())
    assert any(d.related for d in site.descriptors.values())
    for descriptor in site.descriptors.values():
        assert set(descriptor.label.values) == set(languages)
    report = build(content, folder / "output", cache=False, strict=True)
    assert report.pages > 10 and report.warnings == []
    pages = Site(folder / "output")
    assert pages.page("index.html").html["lang"] == languages[0]
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "Réseau « essai »" in readme
    assert {"fr": "Publier", "en": "Publishing", "es": "Publicar"}[languages[0]] in readme
    ignored = (folder / ".gitignore").read_text(encoding="utf-8").split()
    assert "/output/" in ignored and ".treillis-cache/" in ignored


def test_a_new_site_is_refused_in_a_folder_that_has_files(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(scaffold.ScaffoldError, match="not empty"):
        scaffold.new_site(tmp_path / "site", "X", ["fr"])
    assert [p.name for p in (tmp_path / "site").iterdir()] == ["notes.txt"]
    with pytest.raises(scaffold.ScaffoldError, match="among fr, en, es"):
        scaffold.new_site(tmp_path / "other", "X", ["fr", "xx"])
    assert not (tmp_path / "other").exists()


def test_the_publishing_workflows_install_this_version_and_build_strictly(tmp_path: Path) -> None:
    import yaml

    from treillis import __version__

    scaffold.new_site(tmp_path / "site", None, ["fr"])
    github = yaml.safe_load((tmp_path / "site/.github/workflows/publish.yml").read_text("utf-8"))
    steps = [step.get("run", "") for step in github["jobs"]["build"]["steps"]]
    assert f'pip install "treillis-atlas=={__version__}"' in steps
    assert any(step.startswith("treillis build --strict") for step in steps)
    gitlab = yaml.safe_load((tmp_path / "site/.gitlab-ci.yml").read_text("utf-8"))
    assert f'pip install "treillis-atlas=={__version__}"' in gitlab["pages"]["script"]
    assert gitlab["pages"]["artifacts"]["paths"] == ["public"]
    assert any("--output public" in line for line in gitlab["pages"]["script"])


def test_a_new_theme_changes_the_site(small_site: Path, tmp_path: Path) -> None:
    from treillis.build import build

    theme = scaffold.new_theme(tmp_path / "theme")
    css = theme / "static/treillis.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* ours */\n", encoding="utf-8")
    build(small_site, tmp_path / "output", theme=theme, cache=False)
    assert (
        (tmp_path / "output/assets/treillis.css")
        .read_text(encoding="utf-8")
        .endswith("/* ours */\n")
    )
    whole = scaffold.new_theme(tmp_path / "whole", whole=True)
    assert (whole / "templates/base.html").is_file()
    with pytest.raises(scaffold.ScaffoldError, match="not empty"):
        scaffold.new_theme(theme)
