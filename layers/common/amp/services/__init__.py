"""Job use-cases shared by the API, the CLI and batch: the rules live here once, not per entrypoint."""

from amp.services.jobs import JobService, UploadTicket

__all__ = ["JobService", "UploadTicket"]
