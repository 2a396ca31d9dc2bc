"""The HTTP API: one powertools resolver, the same in Lambda and under `amp serve`."""
