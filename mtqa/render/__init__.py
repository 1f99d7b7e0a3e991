"""Renderings of an Assessment: files of the output contract, HTML, terminal tables."""
