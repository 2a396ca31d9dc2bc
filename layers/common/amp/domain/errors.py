"""The error tree. Class names are part of the state machine's contract: Lambda reports them as the
error type, and `statemachine/pipeline.asl.json` retries or catches them by name."""


class AmpError(Exception):
    """Root of every error AMP raises on purpose."""


class InvalidInput(AmpError):
    """The caller asked for something that cannot be done (bad prompt, duration out of range, ...)."""


class InvalidAudio(InvalidInput):
    """An audio file that cannot be read, is empty, silent, too long, too big or not audio at all."""


class NotFound(AmpError):
    """A job, file or key that does not exist (or that the caller may not see)."""


class Conflict(AmpError):
    """The operation clashes with the current state (job already exists, already finished, ...)."""


class JobCancelled(AmpError):
    """The job was cancelled while a stage ran; the stage stops without writing more."""


class ProviderThrottled(AmpError):
    """A generation provider asked us to slow down (HTTP 429). Retried with backoff."""


class ProviderUnavailable(AmpError):
    """A provider or backing service failed transiently (5xx, timeout). Retried with backoff."""


class ProviderRejected(AmpError):
    """A provider refused the request for good (bad request, auth, credits, moderation). Not retried."""


class QualityCheckFailed(AmpError):
    """The mix still fails QA after every allowed remaster pass."""


RETRYABLE_ERRORS: tuple[type[AmpError], ...] = (ProviderThrottled, ProviderUnavailable)


class SoundFontMissing(AmpError):
    """The General MIDI SoundFont the sampled instruments need is not installed (or unreadable). Not
    retried: the message names what to install (`apt-get install fluid-soundfont-gm`) or AMP_SOUNDFONT."""
