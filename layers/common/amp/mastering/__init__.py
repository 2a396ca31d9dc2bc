"""Master bus: presets, the loudness/true-peak chain and reference matching. No librosa here."""
