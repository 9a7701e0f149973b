"""Treillis: a static site generator for thematic dossiers and a relational atlas."""

__version__ = "0.1.0"
