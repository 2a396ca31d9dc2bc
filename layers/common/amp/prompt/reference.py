"""Merging a reference track's analysis into a parsed spec: the reference fills the gaps the text
left, never what the listener stated or an option overrode."""

import math

from amp.domain.errors import InvalidInput
from amp.domain.spec import MAX_BPM, MIN_BPM, Mode, MusicSpec, Provenance
from amp.prompt.extract import VALID_METERS, parse_key_name
from amp.prompt.plan import refit_length

_KEPT = (Provenance.STATED, Provenance.OVERRIDDEN)


def apply_reference(
    spec: MusicSpec,
    *,
    bpm: float | None = None,
    key: str | None = None,
    mode: Mode | str | None = None,
    time_signature: str | None = None,
) -> MusicSpec:
    """A copy of `spec` with the analysed values in every field that was not STATED or OVERRIDDEN,
    marked Provenance.REFERENCE. None means the analysis found nothing for that field. A key may carry
    its mode ("F#m"); an explicit `mode` wins over it. Raises InvalidInput for values that are not a
    tempo, key, mode or meter."""
    updates: dict[str, object] = {}
    provenance = dict(spec.provenance)
    notes = list(spec.notes)

    def fillable(name: str) -> bool:
        return provenance.get(name) not in _KEPT

    if bpm is not None:
        if not math.isfinite(bpm) or bpm <= 0:
            raise InvalidInput(f"reference tempo {bpm!r} is not a tempo")
        if fillable("bpm"):
            clamped = min(MAX_BPM, max(MIN_BPM, bpm))
            if clamped != bpm:
                notes.append(f"reference tempo {bpm:g} bpm clamped to {clamped:g}")
            updates["bpm"], provenance["bpm"] = round(clamped, 2), Provenance.REFERENCE
    key_mode: Mode | None = None
    if key is not None:
        name, key_mode = parse_key_name(key)
        if fillable("key"):
            updates["key"], provenance["key"] = name, Provenance.REFERENCE
    if mode is not None:
        try:
            key_mode = Mode(str(mode).lower())
        except ValueError as error:
            raise InvalidInput(f"reference mode {mode!r} is not a mode") from error
    if key_mode is not None and fillable("mode"):
        updates["mode"], provenance["mode"] = key_mode, Provenance.REFERENCE
    if time_signature is not None:
        if not VALID_METERS.match(time_signature):
            raise InvalidInput(f"reference time signature {time_signature!r} is not supported")
        if fillable("time_signature"):
            updates["time_signature"], provenance["time_signature"] = time_signature, Provenance.REFERENCE
    if not updates:
        return spec
    data = spec.model_dump()
    data.update(updates, provenance=provenance, notes=notes)
    merged = MusicSpec.model_validate(data)
    if "bpm" in updates or "time_signature" in updates:
        merged = refit_length(merged)  # the bars last another length at the reference's tempo
    return merged
