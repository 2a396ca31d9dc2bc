"""Batch manifests (JSONL, one job request per line): parsing, deterministic job ids, the per-line
report, and starting the jobs through the shared JobService. Used by functions/batch and `amp batch`."""
