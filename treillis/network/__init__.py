"""The network: other collections (partner networks' bases) harvested, searched and aligned.

A base publishes its records as a ScrutariData file, an Atom or RSS feed, or
another Treillis site's export; `treillis harvest` copies each base into
`content/network/`, and the build reads them back as `NetworkRecord`s.
"""
