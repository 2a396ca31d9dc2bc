"""Stem providers: the procedural composer/synth (default, offline) and Stability AI (production)."""

from amp.providers.base import RenderedStem, StemProvider, provider_for

__all__ = ["RenderedStem", "StemProvider", "provider_for"]
