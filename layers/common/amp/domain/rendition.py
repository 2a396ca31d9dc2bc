"""How an edited song's score is played again instead of composed afresh.

An edit that keeps the song (retempo, transpose, extend, replace bars) must not change the notes it
does not mean to change. Composing from the edited spec would: the tempo picks the style, the key
moves every range fit, a longer duration re-plans the form. So the edited spec carries a
`Rendition`: the values the score was *composed* at plus the ordered score operations that turn that
score into the edited one (`amp.compose.rendition` applies them). An edit of an edit appends an
operation, so a lineage replays exactly.

Bars are counted the composer's way (`song_bars`): whole bars of the nominal tempo that fit the
duration; edit bodies number them from 1, inclusive."""

import math
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:  # spec.py imports this module; it rebuilds Rendition once Plan exists
    from amp.domain.spec import Plan

MAX_SHIFT_SEMITONES = 12
MAX_EXTEND_BARS = 64


class _Op(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RetempoOp(_Op):
    """Play the score at another opening tempo; notes stay in quarter notes, so the song lasts longer
    or shorter and the tempo map (rubato, ritardando) scales with it."""

    op: Literal["retempo"] = "retempo"
    bpm: float = Field(gt=0)


class TransposeOp(_Op):
    """Every pitched note (not drums) moves by this many semitones; key and chords with it."""

    op: Literal["transpose"] = "transpose"
    semitones: int = Field(ge=-MAX_SHIFT_SEMITONES, le=MAX_SHIFT_SEMITONES)


class ExtendOp(_Op):
    """`bars` more bars of the song's own material: after (before the last section, so the song still
    ends on its outro) or before the start (the opening bars again, rising into the song)."""

    op: Literal["extend"] = "extend"
    bars: int = Field(ge=1, le=MAX_EXTEND_BARS)
    before: bool = False


class ReplaceOp(_Op):
    """Bars start_bar..end_bar (1-based, inclusive) come from the same song composed with `seed`, at
    `energy` when the edit's section text implies one ("a quiet breakdown": sparser parts)."""

    op: Literal["replace"] = "replace"
    start_bar: int = Field(ge=1)
    end_bar: int = Field(ge=1)
    seed: int = Field(ge=0)
    energy: float | None = Field(default=None, ge=0.0, le=1.0)


ScoreOp = Annotated[RetempoOp | TransposeOp | ExtendOp | ReplaceOp, Field(discriminator="op")]


class Rendition(BaseModel):
    """The composition a spec's score is taken from (the tempo, key and length it was composed at)
    and the operations applied to it in order."""

    model_config = ConfigDict(extra="forbid")

    composed_bpm: float = Field(gt=0)
    composed_key: str = Field(pattern=r"^(C|C#|D|Eb|E|F|F#|G|Ab|A|Bb|B)$")
    composed_duration_s: float = Field(gt=0)
    composed_plan: "Plan | None" = Field(
        default=None,
        description="The sections the score was composed with (the edited song's own plan is its new "
        "section list); None in records from before it was kept: the spec's plan then.",
    )
    ops: list[ScoreOp] = Field(default_factory=list, max_length=64)


def bar_seconds(bpm: float, time_signature: str) -> float:
    """One bar at a steady tempo: beats per bar x the beat's length in quarter notes x 60 / bpm."""
    beats, unit = (int(part) for part in time_signature.split("/"))
    return beats * 4.0 / unit * 60.0 / bpm


def whole_bars(duration_s: float, bpm: float, time_signature: str) -> int:
    """How many whole bars the composer writes into a duration (at least one)."""
    # 1e-6 of a bar: a whole-bar duration is stored to the microsecond (round(..., 6)), which may
    # land a hair under the bar line it means
    return max(1, math.floor(duration_s / bar_seconds(bpm, time_signature) + 1e-6))
