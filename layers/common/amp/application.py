"""The composition root: the one place that turns Settings into the objects a process works with.

`Application` holds the job store, the audio store, the launcher, the idempotency store, the
settings and the cloud clients (Bedrock Runtime for the parser, Step Functions for the launcher,
Lambda for batch hand-overs, the Stability key source for the provider). It is built once per
process and settings (`get_application()`, cached, thread-safe; `reset_application()` for tests)
and everything else is handed its collaborators from it:

- stage handlers: `get_application("stage").stage_context` (amp.entrypoints.stages);
- the API: `get_application("api").job_service` (amp.api.dependencies);
- batch: `get_application("batch")` (amp.entrypoints.batch): service, store and Lambda client;
- the CLI and `amp serve`: `get_application()`, with a launcher of their own where they need one
  (`job_service_with`, `install_launcher`).

Asking for a handler kind first checks that the environment holds what that handler needs
(`amp.config.check_handler_environment`), so a bad deployment fails on its first event with a
message naming the variable. Parts are built on first use: a stage Lambda never builds a launcher,
and a local run never builds a boto3 client.
"""

import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from amp.adapters.aws.clients import CloudClients
from amp.adapters.factory import audio_store_for, idempotency_store_for, job_store_for
from amp.config import HandlerKind, MisconfiguredHandler, Settings, check_handler_environment, get_settings
from amp.domain.errors import InvalidInput
from amp.domain.job import JobOptions
from amp.domain.ports import AudioStore, JobLauncher, JobStore
from amp.domain.spec import MusicSpec
from amp.stages.context import PromptParser, StageContext, rule_parser

if TYPE_CHECKING:  # imported where used: a stage Lambda never loads the job service or idempotency
    from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer

    from amp.services.jobs import JobService

_T = TypeVar("_T")


class Application:
    """Everything a process wires together, each part built once on first use."""

    def __init__(
        self,
        settings: Settings,
        *,
        jobs: JobStore | None = None,
        audio: AudioStore | None = None,
        clients: CloudClients | None = None,
        launcher: JobLauncher | None = None,
    ) -> None:
        self.settings = settings
        self.clients = clients if clients is not None else CloudClients()
        self._lock = threading.RLock()
        given = {"jobs": jobs, "audio": audio, "launcher": launcher}
        self._parts: dict[str, object] = {name: part for name, part in given.items() if part is not None}

    def _once(self, name: str, build: Callable[[], _T]) -> _T:
        """Build a part at most once, even when Map iterations ask from several threads at once."""
        with self._lock:
            if name not in self._parts:
                self._parts[name] = build()
            part: _T = self._parts[name]  # type: ignore[assignment]  # stored by this method
            return part

    # -- parts ------------------------------------------------------------------------------------

    @property
    def jobs(self) -> JobStore:
        """DynamoDB in the cloud, SQLite locally (amp.adapters.factory decides)."""
        return self._once("jobs", lambda: job_store_for(self.settings))

    @property
    def audio(self) -> AudioStore:
        """S3 in the cloud, the filesystem store locally."""
        return self._once("audio", lambda: audio_store_for(self.settings))

    @property
    def launcher(self) -> JobLauncher:
        """Step Functions in the cloud; locally the worker pool `amp serve` installed, else a default
        pool over this application's job store."""
        return self._once("launcher", self._build_launcher)

    def _build_launcher(self) -> JobLauncher:
        if self.settings.backend == "aws":
            from amp.adapters.aws.sfn_launcher import StepFunctionsLauncher

            if not self.settings.state_machine_arn:
                raise MisconfiguredHandler("starting jobs needs AMP_STATE_MACHINE_ARN")
            return StepFunctionsLauncher(self.settings.state_machine_arn, client=self.clients.stepfunctions)
        from amp.orchestration.local_launcher import LocalJobLauncher

        return LocalJobLauncher(self.jobs)

    @property
    def idempotency_store(self) -> "BasePersistenceLayer | None":
        return self._once("idempotency", lambda: idempotency_store_for(self.settings))

    @property
    def job_service(self) -> "JobService":
        """The job use-cases with this process's launcher and Idempotency-Key support."""
        from amp.services.jobs import JobService

        return self._once(
            "job_service",
            lambda: JobService(
                jobs=self.jobs,
                audio=self.audio,
                launcher=self.launcher,
                settings=self.settings,
                idempotency_store=self.idempotency_store,
            ),
        )

    def use_launcher(self, launcher: JobLauncher | None) -> None:
        """Start jobs with `launcher` from now on (None: the default one), keeping every other part:
        the service is rebuilt over it, the stores and the stage context stay the same objects."""
        with self._lock:
            self._parts.pop("job_service", None)
            if launcher is None:
                self._parts.pop("launcher", None)
            else:
                self._parts["launcher"] = launcher

    def job_service_with(self, launcher: JobLauncher) -> "JobService":
        """The same use-cases over another launcher (the CLI's in-process or sized pools); no
        idempotency records: a command line has no retrying client."""
        from amp.services.jobs import JobService

        return JobService(jobs=self.jobs, audio=self.audio, launcher=launcher, settings=self.settings)

    @property
    def stage_context(self) -> StageContext:
        """What the stages run with: the stores, the settings, the parser and the providers."""
        from amp.providers.registry import ProviderRegistry  # imports no provider until one is asked for

        return self._once(
            "stage_context",
            lambda: StageContext(
                jobs=self.jobs,
                audio=self.audio,
                settings=self.settings,
                parser=self.parse_prompt,
                providers=ProviderRegistry(
                    stability_key=self.stability_key,
                    stability_base_url=self.settings.stability_base_url,
                    stability_max_credits=self.settings.stability_max_credits,
                ),
            ),
        )

    @property
    def parser(self) -> PromptParser:
        """The rule parser, or the Bedrock parser (which falls back to the rules) when
        AMP_PARSER=bedrock; its client is built the first time a prompt is parsed."""
        return self._once("parser", self._build_parser)

    def _build_parser(self) -> PromptParser:
        if self.settings.parser == "bedrock":
            from amp.prompt.bedrock import BedrockPromptParser

            return BedrockPromptParser(
                self.clients.bedrock_runtime, model_id=self.settings.bedrock_model_id
            ).parse
        return rule_parser

    def parse_prompt(
        self, text: str, *, options: JobOptions | None = None, seed_source: str = ""
    ) -> MusicSpec:
        """`parser` as a stable callable, so the StageContext does not build it before a parse."""
        return self.parser(text, options=options, seed_source=seed_source)

    def stability_key(self) -> str:
        """The Stability AI key: Secrets Manager / SSM when configured, else STABILITY_API_KEY."""
        from amp.adapters.aws.secrets import stability_api_key

        return stability_api_key(self.settings)


# -- the process's application ---------------------------------------------------------------------

_lock = threading.Lock()
_applications: dict[Settings, Application] = {}
_checked: set[tuple[HandlerKind, Settings]] = set()
_installed_launcher: list[JobLauncher] = []


def get_application(kind: HandlerKind | None = None) -> Application:
    """The process's application for the current settings (cached: Lambda reuses it across warm
    invocations). With a handler `kind`, its environment is checked first (once per settings)."""
    if kind is None:
        settings = get_settings()
    else:
        try:
            settings = get_settings()
        except InvalidInput:  # the same problem, worded for a handler that cannot start
            check_handler_environment(kind, os.environ)
            raise
        if (kind, settings) not in _checked:
            check_handler_environment(kind, os.environ)
            _checked.add((kind, settings))
    with _lock:
        application = _applications.get(settings)
        if application is None:
            launcher = _installed_launcher[0] if _installed_launcher else None
            application = Application(settings, launcher=launcher)
            _applications[settings] = application
        return application


def stage_context() -> StageContext:
    """The stage context of the process's application (what every stage handler runs with)."""
    return get_application("stage").stage_context


def install_launcher(launcher: JobLauncher | None) -> None:
    """Make `launcher` the one the process's applications start jobs with, those built already and
    those built later (`amp serve` installs its worker pool; tests install recorders); None goes back
    to the default. Stores and stage contexts are kept, so what a caller holds stays current."""
    with _lock:
        _installed_launcher.clear()
        if launcher is not None:
            _installed_launcher.append(launcher)
        for application in _applications.values():
            application.use_launcher(launcher)


def reset_application() -> None:
    """Forget the built applications and environment checks (tests change settings between cases).
    An installed launcher stays installed until `install_launcher(None)`."""
    with _lock:
        _applications.clear()
        _checked.clear()
