"""Dossiers: what an investor files for a procedure, its files, events and workflow."""
