"""The versions of the libraries installed, found cheaply."""

from __future__ import annotations

import os
import re
import sys


def installed_versions(names: tuple[str, ...]) -> dict[str, str]:
    """The version of each of these distributions that is installed, by name (those not
    found left out), as `importlib.metadata.version` finds it (the first on `sys.path`),
    from the names of the metadata folders alone: importing `importlib.metadata` takes
    longer than a no-op build's other work."""
    wanted = {_normal_name(name): name for name in names}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            listing = os.listdir(entry or ".")
        except OSError:  # a zip file, a folder gone
            continue
        for item in listing:
            if item.endswith((".dist-info", ".egg-info")):
                name, _, version = item.rsplit(".", 1)[0].partition("-")
                key = _normal_name(name)
                if key in wanted and wanted[key] not in found:
                    found[wanted[key]] = version
    return found


def library_versions(names: tuple[str, ...]) -> list[str]:
    """`name=version` of each installed distribution (`name=?` when not found)."""
    found = installed_versions(names)
    return [f"{name}={found.get(name, '?')}" for name in names]


def _normal_name(name: str) -> str:
    """A distribution's name as its metadata folder may write it (PEP 503, '_' for '-')."""
    return re.sub(r"[-_.]+", "_", name).lower()
