"""Scales, modes and diatonic chords: pitch-class arithmetic the composer builds on."""

from amp.domain.errors import InvalidInput
from amp.domain.spec import MODE_INTERVALS, PITCH_CLASSES, Mode


def key_to_pitch_class(key: str) -> int:
    try:
        return PITCH_CLASSES.index(key)
    except ValueError as error:
        raise InvalidInput(f"unknown key {key!r}; expected one of {', '.join(PITCH_CLASSES)}") from error


def scale_pitch_classes(key_pc: int, mode: Mode) -> tuple[int, ...]:
    return tuple((key_pc + step) % 12 for step in MODE_INTERVALS[mode])


def diatonic_chord(scale_pcs: tuple[int, ...], degree: int, size: int = 3) -> tuple[int, ...]:
    """Stack thirds on a scale degree: size 3 gives a triad, 4 a seventh chord."""
    return tuple(scale_pcs[(degree + 2 * i) % 7] for i in range(size))


def nearest_pitch(pitch_class: int, target_pitch: int) -> int:
    """The MIDI pitch of this pitch class closest to target_pitch."""
    base = target_pitch - ((target_pitch - pitch_class) % 12)
    return base + 12 if target_pitch - base > 6 else base


def midi_to_hz(pitch: float) -> float:
    return float(440.0 * 2.0 ** ((pitch - 69.0) / 12.0))
