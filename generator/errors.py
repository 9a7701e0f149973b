"""Content problems, reported as `path:line: message`, all at once."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in the content: where it is and what is wrong."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


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
