"""Importers: thesauri (SKOS) and documents with another front matter, into content files."""
