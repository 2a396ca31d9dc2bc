"""Pure models and rules: no boto3, no I/O. Everything else depends on this, never the reverse."""
