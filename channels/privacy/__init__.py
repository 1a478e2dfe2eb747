"""PHI scrubbing at the edge: Presidio with our own recognizers, one per file."""
