"""Placeholder: filled in by the next commits. Pure: no Django."""
