"""`amp analyze FILE`: print a reference track's features (tempo, key, loudness, balance...) as JSON,
so a user can see what a reference will steer before generating with it."""

import argparse
import json
import sys
from pathlib import Path

from amp.domain.errors import InvalidAudio

EXIT_OK = 0
EXIT_BAD_FILE = 1


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="print a reference track's features as JSON",
        description="Decode FILE (WAV, FLAC, OGG, MP3, AIFF; others through ffmpeg), at most 50 MB and "
        "10 minutes, and print its tempo, beat grid, key, time signature, loudness and spectral balance.",
    )
    parser.add_argument("file", type=Path, help="the audio file")
    parser.add_argument("--beats", action="store_true", help="include the beat grid (beat_times_s)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path: Path = args.file
    if not path.is_file():
        print(f"amp analyze: {path}: no such file", file=sys.stderr)
        return EXIT_BAD_FILE
    # Imported here: librosa is heavy and only this subcommand needs it.
    from amp.analysis.decode import MAX_FILE_BYTES, decode_any
    from amp.analysis.features import extract_features

    if path.stat().st_size > MAX_FILE_BYTES:
        print(f"amp analyze: {path}: larger than {MAX_FILE_BYTES // 1024 // 1024} MB", file=sys.stderr)
        return EXIT_BAD_FILE
    try:
        features = extract_features(decode_any(path.read_bytes(), what=str(path)))
    except InvalidAudio as error:
        print(f"amp analyze: {error}", file=sys.stderr)
        return EXIT_BAD_FILE
    data = features.model_dump(mode="json", exclude=None if args.beats else {"beat_times_s"})
    print(json.dumps(data, indent=2))
    return EXIT_OK
