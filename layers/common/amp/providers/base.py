"""The provider interface the generate stage renders through, and the helpers every provider shares.
The choice of provider by job option lives in `amp.providers.registry` (which imports the providers;
this module imports none of them)."""

from dataclasses import dataclass
from typing import Any, Protocol

from amp.audio_io import AudioBuffer
from amp.domain.errors import InvalidInput
from amp.domain.spec import MusicSpec, Role
from amp.providers.budget import stem_frames as stem_frames  # noqa: PLC0414 - the one definition


@dataclass(frozen=True)
class RenderedStem:
    audio: AudioBuffer
    """(2, frames) float32 at SAMPLE_RATE, frames == stem_frames(spec)."""
    midi: bytes | None
    """A Standard MIDI File of the part, when the provider knows the notes."""
    report: dict[str, Any] | None = None
    """What a generative provider did (requests, credits, corrections, MIDI source): JSON-ready,
    carried in GenerateOutput and stored on the job record by Publish."""


class StemProvider(Protocol):
    name: str

    @property
    def uses_reference(self) -> bool:
        """Whether `render_stem` wants the reference track's bytes; the generate stage reads them
        from the store only for a provider that says so (the procedural one follows the analysed
        features in the spec instead)."""
        ...

    def render_stem(self, spec: MusicSpec, role: Role, *, reference: bytes | None = None) -> RenderedStem:
        """Render one role of the song; every role of one spec yields the same length."""
        ...


def check_role(spec: MusicSpec, role: Role) -> None:
    if role in spec.excluded_roles:
        raise InvalidInput(f"role {role.value!r} is excluded by the spec; it has no stem")


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError as error:
        raise InvalidInput(
            f"unknown role {value!r}; expected one of {', '.join(r.value for r in Role)}"
        ) from error
