"""IIR filtering without denormals: scipy's `sosfilt` on audio plus a tiny DC offset.

Why: stems have silent stretches (rests, a role that waits for the drop, a track's tail) that are
exact zeros once quantised to 24 bits. A recursive filter fed zeros rings down into subnormal
floats and, rounding, settles into a subnormal limit cycle that never reaches zero; x86 computes
every subnormal operation in microcode, so `sosfilt` over silence runs 10-40x slower than over
music (measured: a 180 s stereo stem silent after its first second took 5.0 CPU-s through the
K-weighting instead of 0.13). Audio engines set the CPU's flush-to-zero flag for this; numpy and
scipy cannot, so the filters here see `x + DC_OFFSET` instead (the usual anti-denormal offset).

Why it changes nothing measurable: a high-pass (the strips', the master's, the K-weighting's)
removes the offset after its start-up transient, so its output is the filter of `x` to rounding,
and in silence a residue of about 1e-26 (float64) or 1e-17 (float32) instead of subnormals; a
low-pass passes it as 1e-10 (-200 dBFS), under every level floor this project gates on (-180 dB
block RMS, -70 LUFS). The filter state holds the offset, so it never decays into subnormals."""

import numpy as np
import numpy.typing as npt
from scipy import signal

from amp.analysis.channels import each_channel, in_threads

DC_OFFSET = 1e-10
"""Far above the subnormal range (< 1.2e-38 in float32) and far below audio (a 24-bit step is 6e-8)."""


def _shifted(sos: npt.NDArray[np.floating], audio: npt.NDArray[np.floating]) -> npt.NDArray[np.floating]:
    """`audio + DC_OFFSET` in the type scipy would filter in (float32 for float32 sections and
    audio, float64 otherwise)."""
    dtype = np.result_type(sos, audio, np.float32)
    shifted: npt.NDArray[np.floating] = np.add(audio, dtype.type(DC_OFFSET), dtype=dtype)
    return shifted


def sosfilt(sos: npt.NDArray[np.floating], audio: npt.NDArray[np.floating]) -> npt.NDArray[np.floating]:
    """`scipy.signal.sosfilt(sos, audio, axis=-1)` on `audio + DC_OFFSET`.

    A long multichannel signal is filtered one channel per thread (`channels.each_channel`):
    sosfilt filters each row on its own, so the samples are those of one call. Anything else is
    one call, as before: the master's patched loudness filters many short runs, each paying the
    call's overhead once, not once per channel."""
    shifted = _shifted(sos, audio)
    if shifted.ndim != 2 or not in_threads(*shifted.shape):
        return np.asarray(signal.sosfilt(sos, shifted, axis=-1))
    out = np.empty_like(shifted)

    def row(channel: int) -> None:
        out[channel] = signal.sosfilt(sos, shifted[channel])

    each_channel(row, shifted.shape[0], shifted.shape[1])
    return out


def sosfilt_block(
    sos: npt.NDArray[np.floating], audio: npt.NDArray[np.floating], zi: npt.NDArray[np.floating]
) -> tuple[npt.NDArray[np.floating], npt.NDArray[np.floating]]:
    """(filtered, final state): `sosfilt` of one part of a long signal, from the state the part
    before it left. The offset is added to every part alike, so the parts join as one filter."""
    filtered, state = signal.sosfilt(sos, _shifted(sos, audio), axis=-1, zi=zi)
    return np.asarray(filtered), np.asarray(state)
