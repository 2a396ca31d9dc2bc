"""Where each file of a job lives in the AudioStore. Stages write under the job's work prefix;
`publish` copies the final set under the job prefix, so a SUCCEEDED job never lists partial files."""

from amp.domain.job import job_prefix, owner_slug, work_prefix


def reference_upload_key(owner: str, upload_id: str, extension: str) -> str:
    return f"uploads/{owner_slug(owner)}/{upload_id}{extension}"


def reference_features_key(owner: str, job_id: str) -> str:
    return f"{work_prefix(owner, job_id)}reference/features.json"


def raw_stem_key(owner: str, job_id: str, role: str) -> str:
    return f"{work_prefix(owner, job_id)}generated/{role}.wav"


def raw_midi_key(owner: str, job_id: str, role: str) -> str:
    return f"{work_prefix(owner, job_id)}generated/{role}.mid"


def pass_prefix(owner: str, job_id: str, mastering_pass: int) -> str:
    return f"{work_prefix(owner, job_id)}pass-{mastering_pass}/"


def mix_key(owner: str, job_id: str, mastering_pass: int) -> str:
    return f"{pass_prefix(owner, job_id, mastering_pass)}mix.wav"


def preview_key(owner: str, job_id: str, mastering_pass: int) -> str:
    return f"{pass_prefix(owner, job_id, mastering_pass)}preview.mp3"


def mixed_stem_key(owner: str, job_id: str, mastering_pass: int, role: str) -> str:
    """Post-fader stems: what the mix is the sum of (before the master bus)."""
    return f"{pass_prefix(owner, job_id, mastering_pass)}stems/{role}.wav"


def waveform_key(owner: str, job_id: str, mastering_pass: int) -> str:
    return f"{pass_prefix(owner, job_id, mastering_pass)}waveform.png"


def spectrogram_key(owner: str, job_id: str, mastering_pass: int) -> str:
    return f"{pass_prefix(owner, job_id, mastering_pass)}spectrogram.png"


def published_key(owner: str, job_id: str, name: str) -> str:
    """Final files: mix.wav, preview.mp3, stems/<role>.wav, midi/<role>.mid, waveform.png, ..."""
    return f"{job_prefix(owner, job_id)}{name}"


def upload_reservation_key(owner: str, upload_id: str) -> str:
    """What POST /uploads promised (type, size, expiry) for a local direct upload; outside uploads/ so
    it is never taken for the uploaded file itself."""
    return f"reservations/{owner_slug(owner)}/{upload_id}.json"
