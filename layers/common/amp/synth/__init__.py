"""The numpy synthesizer: band-limited oscillators, envelopes, filters, drum voices, instrument
patches and per-stem effects (pedalboard). Everything renders (channels, frames) float32."""
