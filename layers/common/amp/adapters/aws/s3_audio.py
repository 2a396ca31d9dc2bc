"""AudioStore on S3. A PUT is atomic already (readers see the old object or the whole new one)."""

import contextlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from amp.adapters.aws.errors import aws_errors, error_code, translate_client_error
from amp.adapters.local.fs_audio import (
    MAX_URL_EXPIRY_S,
    check_url_expiry,
    safe_filename,
    validate_key,
    validate_prefix,
)
from amp.domain.errors import InvalidInput, NotFound, ProviderUnavailable

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef, ObjectIdentifierTypeDef

DELETE_BATCH = 1000  # the most DeleteObjects accepts in one call
PART_BYTES = 8 * 1024 * 1024
"""Multipart part size for put_stream (S3 needs >= 5 MiB for every part but the last)."""
_MISSING_CODES = frozenset({"NoSuchKey", "404", "NotFound"})


def default_s3_client() -> "S3Client":
    """SigV4 (presigned URLs carry X-Amz-Expires) and standard retries with backoff."""
    return boto3.client("s3", config=Config(signature_version="s3v4", retries={"mode": "standard"}))


class S3AudioStore:
    """Keys follow the same rules as the filesystem store, so a key valid locally is valid here."""

    def __init__(self, bucket: str, client: "S3Client | None" = None) -> None:
        self.bucket = bucket
        self._client = client if client is not None else default_s3_client()

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        validate_key(key)
        with aws_errors(f"put s3://{self.bucket}/{key}"):
            self._client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def put_stream(self, key: str, chunks: Iterable[bytes], content_type: str) -> int:
        """Parts of at least PART_BYTES (S3's minimum is 5 MiB), so memory holds about one part; an
        object that fits one part is a plain PUT. A failure aborts the upload: no object appears
        (the bucket's lifecycle also drops incomplete uploads after a day)."""
        validate_key(key)
        pending = bytearray()
        upload_id: str | None = None
        parts: list[CompletedPartTypeDef] = []
        written = 0
        try:
            for chunk in chunks:
                pending += chunk
                written += len(chunk)
                while len(pending) >= PART_BYTES:
                    if upload_id is None:
                        with aws_errors(f"start upload to s3://{self.bucket}/{key}"):
                            upload_id = self._client.create_multipart_upload(
                                Bucket=self.bucket, Key=key, ContentType=content_type
                            )["UploadId"]
                    parts.append(
                        self._upload_part(key, upload_id, len(parts) + 1, bytes(pending[:PART_BYTES]))
                    )
                    del pending[:PART_BYTES]
            if upload_id is None:
                self.put_bytes(key, bytes(pending), content_type)
                return written
            if pending:
                parts.append(self._upload_part(key, upload_id, len(parts) + 1, bytes(pending)))
            with aws_errors(f"complete upload to s3://{self.bucket}/{key}"):
                self._client.complete_multipart_upload(
                    Bucket=self.bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
                )
        except BaseException:
            if upload_id is not None:
                with contextlib.suppress(Exception):
                    self._client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            raise
        return written

    def _upload_part(self, key: str, upload_id: str, number: int, body: bytes) -> "CompletedPartTypeDef":
        with aws_errors(f"upload part {number} to s3://{self.bucket}/{key}"):
            response = self._client.upload_part(
                Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=body
            )
        return {"ETag": response["ETag"], "PartNumber": number}

    def get_bytes(self, key: str) -> bytes:
        validate_key(key)
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=key)
            with aws_errors(f"read s3://{self.bucket}/{key}"):
                return response["Body"].read()
        except ClientError as error:
            if error_code(error) in _MISSING_CODES:
                raise NotFound(f"no object at key {key}") from error
            raise translate_client_error(error, f"get s3://{self.bucket}/{key}") from error

    def exists(self, key: str) -> bool:
        validate_key(key)
        try:
            self._client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error_code(error) in _MISSING_CODES:
                return False
            raise translate_client_error(error, f"head s3://{self.bucket}/{key}") from error
        return True

    def size_bytes(self, key: str) -> int:
        """HEAD, so publish can list a copied file's size without downloading it."""
        validate_key(key)
        try:
            response = self._client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error_code(error) in _MISSING_CODES:
                raise NotFound(f"no object at key {key}") from error
            raise translate_client_error(error, f"head s3://{self.bucket}/{key}") from error
        return int(response["ContentLength"])

    def copy(self, source_key: str, destination_key: str) -> None:
        """Server-side CopyObject: the bytes never pass through the Lambda (up to 5 GB)."""
        validate_key(source_key)
        validate_key(destination_key)
        try:
            self._client.copy_object(
                Bucket=self.bucket, Key=destination_key, CopySource={"Bucket": self.bucket, "Key": source_key}
            )
        except ClientError as error:
            if error_code(error) in _MISSING_CODES:
                raise NotFound(f"no object at key {source_key}") from error
            raise translate_client_error(error, f"copy {source_key} to {destination_key}") from error

    def list_keys(self, prefix: str) -> list[str]:
        validate_prefix(prefix)
        keys: list[str] = []
        with aws_errors(f"list s3://{self.bucket}/{prefix}"):
            for page in self._client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=prefix
            ):
                keys.extend(item["Key"] for item in page.get("Contents", []))
        return sorted(keys)

    def delete_prefix(self, prefix: str) -> int:
        if not validate_prefix(prefix):
            raise InvalidInput("refusing to delete the whole store: give a non-empty prefix")
        keys = self.list_keys(prefix)
        for start in range(0, len(keys), DELETE_BATCH):
            batch: list[ObjectIdentifierTypeDef] = [
                {"Key": key} for key in keys[start : start + DELETE_BATCH]
            ]
            with aws_errors(f"delete under s3://{self.bucket}/{prefix}"):
                response = self._client.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}
                )
            failures = response.get("Errors", [])
            if failures:
                first = failures[0]
                raise ProviderUnavailable(
                    f"could not delete {len(failures)} object(s) under {prefix}, e.g. "
                    f"{first.get('Key')}: {first.get('Code')} {first.get('Message')}"
                )
        return len(keys)

    def download_url(
        self, key: str, *, expires_s: int = MAX_URL_EXPIRY_S, filename: str | None = None
    ) -> str:
        """Presigned GET, at most 15 minutes; with a filename the browser saves it under that name."""
        validate_key(key)
        check_url_expiry(expires_s)
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if filename:
            params["ResponseContentDisposition"] = f'attachment; filename="{safe_filename(filename)}"'
        with aws_errors(f"presign s3://{self.bucket}/{key}"):
            return self._client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_s)

    def upload_form(self, key: str, *, max_bytes: int, content_type: str, expires_s: int) -> dict[str, Any]:
        """A presigned POST form (`{"url": ..., "fields": {...}}`) that S3 itself holds to this key, this
        content type and 1..max_bytes bytes, so an oversized upload is refused before we pay for it."""
        validate_key(key)
        check_url_expiry(expires_s)
        if max_bytes < 1:
            raise InvalidInput(f"max_bytes must be positive, got {max_bytes}")
        with aws_errors(f"presign upload to s3://{self.bucket}/{key}"):
            form = self._client.generate_presigned_post(
                Bucket=self.bucket,
                Key=key,
                Fields={"Content-Type": content_type},
                Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
                ExpiresIn=expires_s,
            )
        return {"url": form["url"], "fields": dict(form["fields"])}
