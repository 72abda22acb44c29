"""Getting submissions in: parsers, sources and the store pipeline."""
