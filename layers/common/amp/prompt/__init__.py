"""Prompt understanding: free text -> `MusicSpec`.

`parse_prompt` is the rule parser (pure, fast, never fails on odd text); `apply_reference` merges a
reference track's analysis; `profile_for` gives the generator a genre's defaults; `bedrock` holds the
optional LLM parser that falls back to the rules.
"""

from amp.prompt.genres import DrumFeel, GenreProfile, profile_for
from amp.prompt.parser import derive_seed, parse_prompt
from amp.prompt.reference import apply_reference

__all__ = ["DrumFeel", "GenreProfile", "apply_reference", "derive_seed", "parse_prompt", "profile_for"]
