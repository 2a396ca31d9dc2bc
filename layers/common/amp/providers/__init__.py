"""Stem providers: the procedural composer/synth (default, offline) and Stability AI (production).
`registry.provider_for` picks one by job option; `base` holds the protocol they share. Nothing is
imported here, so naming the registry (every stage context does) loads no provider and no numpy."""
