"""Prompt understanding: free text -> `MusicSpec`.

`parse_prompt` is the rule parser (pure, fast, never fails on odd text); `apply_reference` merges a
reference track's analysis; `profile_for` finds a genre's profile (the table itself is
`amp.genres.profiles`, shared with the composer, mixer and QA); `bedrock` holds the optional LLM
parser that falls back to the rules. The vocabularies: `instruments` (names, roles, registers, the
tradition each implies), `ensembles` (ensemble nouns, limit and count words, one stem per player),
`styles` (composers, bands and forms), `words` (moods, tempo, structure, exclusions).
"""

from amp.prompt.genres import DrumFeel, GenreProfile, profile_for
from amp.prompt.parser import derive_seed, parse_prompt
from amp.prompt.reference import apply_reference

__all__ = ["DrumFeel", "GenreProfile", "apply_reference", "derive_seed", "parse_prompt", "profile_for"]
