"""This app's kinds in content files (see raiplay.content)."""

KINDS = []
