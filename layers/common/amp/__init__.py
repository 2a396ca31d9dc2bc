"""AMP, the AI Music Production assistant: the shared code of every handler, CLI and test."""

from amp import allocator as _allocator

__version__ = "0.1.0"

# Before any thread of the process allocates: the arena limit binds only threads that have not
# (amp/allocator.py says why whole-song arrays need it).
_allocator.configure()
