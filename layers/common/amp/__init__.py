"""AMP, the AI Music Production assistant: the shared code of every handler, CLI and test."""

__version__ = "0.1.0"
