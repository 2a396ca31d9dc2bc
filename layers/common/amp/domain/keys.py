"""Where each file of a job lives in the AudioStore: the one place that knows the key layout.

Stages write under the job's work prefix; `publish` copies the final set under the job prefix, so a
SUCCEEDED job never lists partial files. Reference uploads live under the owner's upload prefix.
Every prefix starts with the owner's slug, so access can be scoped by prefix."""

import re


def owner_slug(owner: str) -> str:
    """The owner as a key segment: characters outside [A-Za-z0-9_.-] become `_`, at most 128."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", owner)[:128]


def job_prefix(owner: str, job_id: str) -> str:
    """Published files of a job; what clients may see and download."""
    return f"jobs/{owner_slug(owner)}/{job_id}/"


def work_prefix(owner: str, job_id: str) -> str:
    """Unpublished stage output; only `publish` moves files from here to the job prefix."""
    return f"work/{owner_slug(owner)}/{job_id}/"


def upload_prefix(owner: str, upload_id: str) -> str:
    """Every key an upload may have been stored under starts with this (the extension follows)."""
    return f"uploads/{owner_slug(owner)}/{upload_id}"


def reference_upload_key(owner: str, upload_id: str, extension: str) -> str:
    return f"{upload_prefix(owner, upload_id)}{extension}"


def reference_features_key(owner: str, job_id: str) -> str:
    return f"{work_prefix(owner, job_id)}reference/features.json"


def raw_stem_key(owner: str, job_id: str, role: str) -> str:
    """A generated stem: 24-bit FLAC (about half a 24-bit WAV's bytes, the same samples; only the mix
    stage reads it and it decodes every stem anyway). README "Work files" has the measurements."""
    return f"{work_prefix(owner, job_id)}generated/{role}.flac"


def raw_midi_key(owner: str, job_id: str, role: str) -> str:
    return f"{work_prefix(owner, job_id)}generated/{role}.mid"


def pass_prefix(owner: str, job_id: str, mastering_pass: int) -> str:
    return f"{work_prefix(owner, job_id)}pass-{mastering_pass}/"


def mix_key(owner: str, job_id: str, mastering_pass: int) -> str:
    return f"{pass_prefix(owner, job_id, mastering_pass)}mix.wav"


def premaster_key(owner: str, job_id: str) -> str:
    """The pre-master mix (the sum of the post-fader stems), stored by the pass that mixed: later
    mastering passes re-master it instead of re-mixing the stems."""
    return f"{work_prefix(owner, job_id)}premaster/mix.wav"


def mixed_stem_key(owner: str, job_id: str, mastering_pass: int, role: str) -> str:
    """Post-fader stems: what the mix is the sum of (before the master bus)."""
    return f"{pass_prefix(owner, job_id, mastering_pass)}stems/{role}.wav"


def prebus_stem_key(owner: str, job_id: str, role: str) -> str:
    """A role's pre-bus stem (after its channel strip, before the bus): float32 WAV, because it is
    unbounded and unquantised (a 24-bit file would clip and round it). The mix stage stores it to
    hold one stem at a time and Publish keeps it (`prebus_stem` artifact), so an edit reuses it
    instead of stripping the stem again."""
    return f"{work_prefix(owner, job_id)}prebus/{role}.wav"


def prebus_manifest_key(owner: str, job_id: str) -> str:
    """The strip signature of every pre-bus stem (JSON, published as the `strips` artifact): what an
    edit compares to reuse one."""
    return f"{work_prefix(owner, job_id)}prebus/strips.json"


def waveform_key(owner: str, job_id: str, mastering_pass: int) -> str:
    return f"{pass_prefix(owner, job_id, mastering_pass)}waveform.png"


def spectrogram_key(owner: str, job_id: str, mastering_pass: int) -> str:
    return f"{pass_prefix(owner, job_id, mastering_pass)}spectrogram.png"


def preview_key(owner: str, job_id: str, mastering_pass: int) -> str:
    """The pass's MP3 preview, encoded by QA beside its analyses; Publish copies the final pass's."""
    return f"{pass_prefix(owner, job_id, mastering_pass)}preview.mp3"


def stems_zip_cache_key(owner: str, job_id: str) -> str:
    """stems.zip as built on its first download: under the work prefix, so the bucket's work-file
    lifecycle expires it (the next download builds it again) and deleting the job removes it.
    Publish stores no zip: it would be a second full copy of every stem for as long as the job."""
    return f"{work_prefix(owner, job_id)}downloads/stems.zip"


def published_key(owner: str, job_id: str, name: str) -> str:
    """Final files: mix.wav, preview.mp3, stems/<role>.wav, midi/<role>.mid, waveform.png, ..."""
    return f"{job_prefix(owner, job_id)}{name}"


def upload_reservation_key(owner: str, upload_id: str) -> str:
    """What POST /uploads promised (type, size, expiry) for a local direct upload; outside uploads/ so
    it is never taken for the uploaded file itself."""
    return f"reservations/{owner_slug(owner)}/{upload_id}.json"
