"""The API's view of the composition root: its JobService is the process Application's
(`amp.application`), checked for the API's environment (state machine ARN, idempotency table) on the
first request. Nothing is chosen here; this module only names what the routes call."""

from amp.application import get_application, install_launcher, reset_application
from amp.domain.ports import JobLauncher
from amp.services.jobs import JobService


def job_service() -> JobService:
    """The process-wide service (cached: Lambda reuses it across warm invocations)."""
    return get_application("api").job_service


def use_local_launcher(launcher: JobLauncher | None) -> None:
    """Install the local launcher (`amp serve`'s pool, a test's recorder); the next service uses it."""
    install_launcher(launcher)


def reset() -> None:
    """Forget the cached application (tests change settings between cases)."""
    reset_application()
