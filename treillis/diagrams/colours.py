"""Colours of diagram boxes: a family's colour, its tint, and the text that reads on them."""

from __future__ import annotations

from functools import lru_cache

LIGHT_TEXT = "#ffffff"
DARK_TEXT = "#1d232a"


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@lru_cache(maxsize=4096)  # a few colours, on every box
def text_colour_on(colour: str) -> str:
    """Dark or light text, whichever contrasts more with `colour`."""
    luminance = _luminance(colour)
    return DARK_TEXT if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else LIGHT_TEXT


@lru_cache(maxsize=4096)
def tint(colour: str, amount: float = 0.82) -> str:
    """`colour` mixed with white (amount 1 = white)."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in channels)
