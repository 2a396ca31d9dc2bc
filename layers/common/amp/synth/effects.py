"""Per-stem effect chains built from pedalboard (EQ, compression, saturation, chorus, delay, reverb).

Chains are tempo-aware (delays land on the beat grid) and depend only on the role and patch, so a
stem renders identically every time.
"""

from pedalboard import (
    Chain,
    Chorus,
    Compressor,
    Delay,
    Distortion,
    HighpassFilter,
    HighShelfFilter,
    LowpassFilter,
    LowShelfFilter,
    PeakFilter,
    Reverb,
)

from amp.domain.spec import Role


def effect_chain(role: Role, patch: str, bpm: float) -> Chain:
    qn_s = 60.0 / bpm
    match role:
        case Role.DRUMS:
            return Chain(
                [
                    HighpassFilter(cutoff_frequency_hz=28.0),
                    LowShelfFilter(cutoff_frequency_hz=90.0, gain_db=2.0),
                    Compressor(threshold_db=-14.0, ratio=3.0, attack_ms=8.0, release_ms=120.0),
                    Distortion(drive_db=4.0 if patch in ("breaks", "kit909") else 1.0),
                ]
            )
        case Role.PERCUSSION:
            return Chain(
                [
                    HighpassFilter(cutoff_frequency_hz=180.0),
                    Reverb(room_size=0.3, damping=0.6, wet_level=0.12, dry_level=0.9, width=1.0),
                ]
            )
        case Role.BASS:
            return Chain(
                [
                    HighpassFilter(cutoff_frequency_hz=30.0),
                    LowpassFilter(cutoff_frequency_hz=5000.0),
                    Compressor(threshold_db=-12.0, ratio=4.0, attack_ms=5.0, release_ms=80.0),
                    Distortion(drive_db=6.0 if patch in ("reese", "acid", "wobble", "808") else 2.0),
                ]
            )
        case Role.CHORDS:
            return Chain(
                [
                    HighpassFilter(cutoff_frequency_hz=140.0),
                    PeakFilter(cutoff_frequency_hz=350.0, gain_db=-2.5, q=1.0),
                    Chorus(rate_hz=0.8, depth=0.2, centre_delay_ms=7.0, mix=0.35),
                    Compressor(threshold_db=-16.0, ratio=2.5, attack_ms=15.0, release_ms=150.0),
                    Reverb(room_size=0.55, damping=0.5, wet_level=0.2, dry_level=0.85, width=1.0),
                ]
            )
        case Role.PAD:
            return Chain(
                [
                    HighpassFilter(cutoff_frequency_hz=160.0),
                    Chorus(rate_hz=0.4, depth=0.3, centre_delay_ms=9.0, mix=0.5),
                    Reverb(room_size=0.88, damping=0.4, wet_level=0.4, dry_level=0.7, width=1.0),
                ]
            )
        case Role.LEAD:
            return Chain(
                [
                    HighpassFilter(cutoff_frequency_hz=220.0),
                    HighShelfFilter(cutoff_frequency_hz=6000.0, gain_db=1.5),
                    Compressor(threshold_db=-14.0, ratio=3.0, attack_ms=5.0, release_ms=100.0),
                    Delay(delay_seconds=0.75 * qn_s, feedback=0.3, mix=0.2),
                    Reverb(room_size=0.5, damping=0.5, wet_level=0.16, dry_level=0.9, width=1.0),
                ]
            )
        case Role.ARP:
            return Chain(
                [
                    HighpassFilter(cutoff_frequency_hz=260.0),
                    Delay(delay_seconds=0.5 * qn_s, feedback=0.35, mix=0.25),
                    Reverb(room_size=0.6, damping=0.5, wet_level=0.2, dry_level=0.85, width=1.0),
                ]
            )
        case Role.FX:
            return Chain(
                [
                    HighpassFilter(cutoff_frequency_hz=60.0),
                    Reverb(room_size=0.9, damping=0.3, wet_level=0.35, dry_level=0.8, width=1.0),
                ]
            )
        case Role.VOCAL:
            return Chain(
                [
                    HighpassFilter(cutoff_frequency_hz=180.0),
                    Chorus(rate_hz=0.6, depth=0.15, centre_delay_ms=8.0, mix=0.3),
                    Delay(delay_seconds=qn_s, feedback=0.25, mix=0.15),
                    Reverb(room_size=0.75, damping=0.45, wet_level=0.3, dry_level=0.8, width=1.0),
                ]
            )
