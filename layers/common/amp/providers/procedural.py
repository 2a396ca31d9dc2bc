"""The offline provider: compose the whole song from the seed, render only the requested role."""

from amp.compose import Score
from amp.compose.midi import has_midi, part_to_midi
from amp.compose.rendition import performed_score
from amp.domain.spec import MusicSpec, Role
from amp.providers.base import RenderedStem, check_role, stem_frames
from amp.providers.sections import loop_tail_frames, shape_audio
from amp.synth.render import render_part


class ProceduralProvider:
    name = "procedural"
    uses_reference = False

    def compose(self, spec: MusicSpec) -> Score:
        """The song's score (re-performed for an edited song); warm Lambdas rendering several roles
        of one job compose once."""
        return performed_score(spec)

    def render_stem(self, spec: MusicSpec, role: Role, *, reference: bytes | None = None) -> RenderedStem:
        check_role(spec, role)
        score = self.compose(spec)
        part = score.parts[role]
        seed = spec.part_seed(role)
        frames = stem_frames(spec)
        rendered = render_part(score, part, frames + loop_tail_frames(score, frames), seed)
        audio = shape_audio(score, rendered, frames)
        midi = part_to_midi(score, part, seed) if has_midi(role) else None
        return RenderedStem(audio=audio, midi=midi)
