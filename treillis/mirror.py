"""`treillis mirror PARTNER`: a partner's own subsite, linked to the main site.

It holds the documents the partner contributed, the dossiers that hold them or
name the partner, and its local map: the descriptors that index them and every
broader descriptor up to the top, so the lattice stays connected. Everything else they mention (other documents,
neighbours outside the map) links to the main site, marked as external.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from treillis.atlas import Atlas
from treillis.build import BuildReport, checked_base_url, load, publish
from treillis.errors import BuildError, Problem, did_you_mean
from treillis.model import Site, Text
from treillis.views.common import Scope


def partner_scope(site: Site, partner_id: str, main_url: str) -> Scope:
    """What the mirror of `partner_id` holds."""
    # The documents the partner contributed, and the dossiers that hold them or name it
    # (their other documents stay on the main site).
    documents = {
        d.key
        for d in site.documents.values()
        if d.partner is not None and d.partner.target == partner_id
    }
    dossiers = {site.documents[k].dossier for k in documents} | {
        d.slug for d in site.dossiers.values() if any(r.target == partner_id for r in d.partners)
    }
    atlas = Atlas(site)
    used = {d for k in documents for d in site.documents[k].descriptor_ids if d in site.descriptors}
    used |= {
        r.target
        for s in dossiers
        for r in site.dossiers[s].descriptors
        if r.target in site.descriptors
    }
    local_map = set(used)
    for descriptor_id in used:
        local_map |= atlas.ancestors(descriptor_id)
    return Scope(partner_id, main_url, documents, dossiers, local_map)


def mirror(
    content: Path,
    partner_id: str,
    output: Path,
    base_url: str | None = None,
    main_url: str | None = None,
    theme: Path | None = None,
    cache: Path | bool | None = True,
) -> BuildReport:
    """Build the subsite of one partner into `output`."""
    site = load(content)
    origin = site.config.origin
    path = str(origin.path) if origin else "site.yaml"
    if partner_id not in site.partners:
        raise BuildError(
            [
                Problem(
                    path,
                    1,
                    f"unknown partner '{partner_id}'{did_you_mean(partner_id, site.partners)}",
                )
            ]
        )
    main = checked_base_url(main_url) if main_url else site.config.base_url
    if not main:
        raise BuildError(
            [
                Problem(
                    path,
                    1,
                    "a mirror links to the main site: give its address "
                    "with base_url in site.yaml or --main-url",
                )
            ]
        )
    scope = partner_scope(site, partner_id, main)
    if not scope.documents:
        raise BuildError(
            [Problem(path, 1, f"the partner '{partner_id}' has no dossier or document to mirror")]
        )
    partner = site.partners[partner_id]
    languages = site.config.languages
    config = replace(
        site.config,
        title=Text({lang: partner.name for lang in languages}, languages[0]),
        description=partner.description if partner.description else site.config.description,
        base_url=checked_base_url(base_url) if base_url else "",
        brand=partner,
        main_url=main,
        main_title=site.config.title,
        network=[],  # the network's records are the portal's search, not the partner's
    )
    site = replace(site, config=config, network=[])
    return publish(site, content, output, theme, cache=cache, scope=scope)
