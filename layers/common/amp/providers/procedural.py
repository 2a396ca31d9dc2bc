"""The offline provider: compose the whole song from the seed, render only the requested role."""

from functools import lru_cache

from amp.compose import Score, compose_song
from amp.compose.midi import has_midi, part_to_midi
from amp.domain.spec import MusicSpec, Role
from amp.providers.base import RenderedStem, check_role, stem_frames
from amp.providers.sections import loop_tail_frames, shape_audio
from amp.synth.render import render_part


@lru_cache(maxsize=4)
def _score_for(spec_json: str) -> Score:
    """Warm Lambdas rendering several roles of one job compose once."""
    return compose_song(MusicSpec.model_validate_json(spec_json))


class ProceduralProvider:
    name = "procedural"
    uses_reference = False

    def compose(self, spec: MusicSpec) -> Score:
        return _score_for(spec.model_dump_json())

    def render_stem(self, spec: MusicSpec, role: Role, *, reference: bytes | None = None) -> RenderedStem:
        check_role(spec, role)
        score = self.compose(spec)
        part = score.parts[role]
        frames = stem_frames(spec)
        rendered = render_part(score, part, frames + loop_tail_frames(score, frames), spec.seed)
        audio = shape_audio(score, rendered, frames)
        midi = part_to_midi(score, part, spec.seed) if has_midi(role) else None
        return RenderedStem(audio=audio, midi=midi)
