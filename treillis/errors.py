"""Content problems, reported as `path:line: message`, all at once."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Characters that change the text around them when shown (bidirectional overrides and
# isolates can make a terminal show a line other than the one printed).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8 (surrogateescape)
        code -= 0xDC00
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` safe to show on a terminal, on one line: control characters (escape
    sequences, newlines, tabs…), line separators, bidirectional overrides and the
    undecodable bytes of file names are shown as escapes (`\\x1b`, `\\n`, `\\u202e`);
    everything else as written."""
    if text.isprintable():  # the usual case, and fast
        return text
    return "".join(
        _escape(char)
        if unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") or char in _BIDI_CONTROLS
        else char
        for char in text
    )


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in the content: where it is and what is wrong."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        # Paths and messages quote what contributors wrote: never let it act on a terminal.
        return f"{printable(self.path)}:{self.line}: {printable(self.message)}"


class BuildError(Exception):
    """Raised when the content has problems; carries all of them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class OutputError(Exception):
    """Raised when the output folder cannot be written safely."""


class SetupError(Exception):
    """Raised when something Treillis needs is not installed (say how to install it)."""


@dataclass
class Problems:
    """A collector of problems, shared by the readers and the validator."""

    items: list[Problem] = field(default_factory=list)
    # Kinds of item ("descriptor", "document"...) of which some could not be read:
    # references to such items are not reported as unknown, to avoid cascades.
    unreadable: set[str] = field(default_factory=set)
    # Ids that files which could not be read seem to define, by kind (found by a lenient
    # look at their text): references to these are not reported as unknown, others are.
    unread_ids: dict[str, set[str]] = field(default_factory=dict)
    # What is allowed but probably unwanted: shown, never stopping anything.
    warnings: list[Problem] = field(default_factory=list)

    def add(self, path: Path | str, line: int, message: str) -> None:
        # One problem, one line: a message never spans lines (it may quote a value that does).
        message = " ".join(message.split())
        self.items.append(Problem(self.display(path), max(line, 1), message))

    def warn(self, path: Path | str, line: int, message: str) -> None:
        """Record a warning, written exactly as a problem would be."""
        self.add(path, line, message)
        self.warnings.append(self.items.pop())

    @staticmethod
    def display(path: Path | str) -> str:
        """A path as the editor types it: relative to the working folder when inside it."""
        path = Path(path)
        try:
            return str(path.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(path)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise BuildError(self.items)


def did_you_mean(wrong: str, candidates: Iterable[str]) -> str:
    """A ` (did you mean 'x'?)` suffix when a close candidate exists, else ''."""
    matches = difflib.get_close_matches(wrong, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""
