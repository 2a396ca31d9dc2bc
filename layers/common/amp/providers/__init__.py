"""Stem providers: the procedural composer/synth (default, offline) and Stability AI (production).
`amp.providers.registry.provider_for` picks one by job option; `base` holds the protocol they share."""

from amp.providers.base import RenderedStem, StemProvider

__all__ = ["RenderedStem", "StemProvider"]
