"""The choice of stem provider by job option. The providers are imported here, on first use (so the
generate Lambda pays for the one it renders with), and none of them imports this module: no cycle.

The Stability key is not looked up here: whoever builds the registry (`amp.application`) hands over
a key source, which reads Secrets Manager / SSM in the cloud or STABILITY_API_KEY locally."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from amp.domain.errors import InvalidInput, ProviderRejected
from amp.domain.job import PROVIDER_NAMES, JobOptions

if TYPE_CHECKING:
    from amp.providers.base import StemProvider

KeySource = Callable[[], str]
"""Returns the provider's API key, or raises a domain error saying why there is none."""


def no_stability_key() -> str:
    """The key source of a registry built without one (a hand-made StageContext)."""
    raise ProviderRejected("the Stability AI provider has no API key source in this process")


@dataclass(frozen=True)
class ProviderRegistry:
    """Builds the provider a job asked for; callable, so a StageContext holds it as `providers`."""

    stability_key: KeySource = no_stability_key
    stability_base_url: str = "https://api.stability.ai"
    stability_max_credits: float | None = None

    def __call__(self, name: str, options: JobOptions | None = None) -> "StemProvider":
        return provider_for(
            name,
            stability_key=self.stability_key,
            options=options,
            stability_base_url=self.stability_base_url,
            stability_max_credits=self.stability_max_credits,
        )


def provider_for(
    name: str,
    *,
    stability_key: KeySource = no_stability_key,
    options: JobOptions | None = None,
    stability_base_url: str = "https://api.stability.ai",
    stability_max_credits: float | None = None,
) -> "StemProvider":
    """The named provider, ready to render, set up with the job's options (the Stability mode and
    strength) and the process's settings; an unknown name is refused naming the known ones."""
    if name == "procedural":
        from amp.providers.procedural import ProceduralProvider

        return ProceduralProvider()
    if name == "stability":
        from amp.providers import stability

        return stability.StabilityProvider(
            api_key=stability_key(),
            base_url=stability_base_url,
            mode=(options.stability_mode if options else None) or "guided",
            strength=options.stability_strength if options else None,
            max_credits=stability_max_credits,
        )
    raise InvalidInput(
        f"unknown provider {name!r}; expected one of {', '.join(repr(n) for n in PROVIDER_NAMES)}"
    )
