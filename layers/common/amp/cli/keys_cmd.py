"""`amp keys create OWNER` / `list` / `revoke ID`: API keys for `amp serve` (stored hashed)."""

import argparse
import sys

from amp.adapters.local.api_keys import SqliteApiKeyStore
from amp.config import get_settings

API_KEYS_FILE = "api_keys.sqlite3"


def key_store() -> SqliteApiKeyStore:
    return SqliteApiKeyStore(get_settings().data_dir / API_KEYS_FILE)


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser("keys", help="manage API keys for amp serve")
    actions = parser.add_subparsers(dest="keys_action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="make a key for OWNER and print it once")
    create.add_argument("owner")
    create.set_defaults(func=create_key)
    listing = actions.add_parser("list", help="key ids and owners (never the keys)")
    listing.add_argument("--owner", default=None)
    listing.set_defaults(func=list_keys)
    revoke = actions.add_parser("revoke", help="delete a key by its id")
    revoke.add_argument("key_id")
    revoke.set_defaults(func=revoke_key)


def create_key(args: argparse.Namespace) -> int:
    api_key, record = key_store().create(args.owner)
    print(api_key)
    print(
        f"key id {record.key_id} for owner {record.owner!r}: store it now, it is not shown again.\n"
        f"use it as: Authorization: Bearer {api_key[:8]}...",
        flush=True,
        file=sys.stderr,
    )
    return 0


def list_keys(args: argparse.Namespace) -> int:
    records = key_store().list(args.owner)
    for record in records:
        print(f"{record.key_id}  {record.created_at}  {record.owner}")
    if not records:
        print("no API keys yet: amp keys create OWNER")
    return 0


def revoke_key(args: argparse.Namespace) -> int:
    key_store().revoke(args.key_id)
    print(f"revoked {args.key_id}")
    return 0
