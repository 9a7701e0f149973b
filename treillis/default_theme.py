"""Where the default theme is: one definition for every module, and light enough for
`treillis.build` to import without the renderer."""

from pathlib import Path

DEFAULT_THEME = Path(__file__).resolve().parent / "themes" / "default"
