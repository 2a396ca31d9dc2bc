"""The mix bus: gain staging, panning, EQ carving, sidechain ducking, linked bus compression.
numpy/scipy only (the mix Lambda is a zip package)."""
