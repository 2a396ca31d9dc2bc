"""Implementations of the domain ports: `local/` (SQLite, filesystem) and `aws/` (DynamoDB, S3, ...).
Only `adapters/aws/` imports boto3."""
