"""/health: liveness plus which backend answers; needs no identity."""

from aws_lambda_powertools.event_handler.api_gateway import Router

from amp import __version__
from amp.api.models import HealthResponse
from amp.api.routes import responses
from amp.config import get_settings

router = Router()  # type: ignore[no-untyped-call]  # powertools leaves __init__ unannotated


@router.get("/health", summary="Is the API up", responses=responses(200, "Up.", 422), tags=["health"])
def health() -> HealthResponse:
    return HealthResponse(backend=get_settings().backend, version=__version__)
