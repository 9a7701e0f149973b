"""`treillis new`: what it writes reads back as given, and never breaks a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import scaffold
from generator.build import load

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
        [sys.executable, "-m", "generator", "new", "dossier", "budgets"],
        capture_output=True,
        text=True,
        cwd=small_site.parent,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("error: ")
    assert (small_site / "dossiers").read_text(encoding="utf-8") == "not a folder\n"
