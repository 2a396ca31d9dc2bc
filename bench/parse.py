"""Prompt parser benchmark on MusicCaps: robustness, speed and recall.

Runs the rule parser (`amp.prompt.parse_prompt`) on every caption of
`../shared/data/musiccaps/musiccaps-public.csv` (relative to the repo root's parent) and prints:

* failures: captions whose parse raised (must be 0);
* parse time per caption: p50 / p99 / max in milliseconds, as wall-clock time and as this thread's
  CPU time (one warm-up parse first, so the figures are steady-state, not the first call's regex
  compilation). On a shared, loaded machine the wall-clock tail measures the scheduler, not the
  parser; the CPU-time tail is the parser's own cost;
* recall against the captions' `aspect_list` tags.

How recall is measured (be careful reading it):
the tags are short phrases written for the same clip as the caption, so recall here says how much of
what the tagger noted the parser also pulled out of the prose; it is not ground truth about the
audio. Tags are matched to *concepts* with the regular expressions in INSTRUMENT_CONCEPTS and
GENRE_CONCEPTS below, written for this benchmark from the tag vocabulary (not generated from the
parser's alias tables). Tags containing a negation ("no voice", "no percussion") never count as an
instrument or genre mention.

* instrument recall = (caption, concept) pairs where the spec has a *stated* instrument (provenance
  of its role is "stated", i.e. it came from the text, not from genre defaults) whose name is in the
  concept's accepted set, divided by all (caption, concept) pairs found in the tags.
* genre recall per concept = the same for genres (tags naming a part or the recording, e.g.
  "electronic drums", "ambient room noise", are not genre tags): the spec's genre is in the
  concept's accepted set and its provenance is not "defaulted". A spec holds one genre, so a caption
  tagged "rock", "pop" and "dance" can hit at most one of them; hence also:
* genre hit rate = captions with at least one genre tag whose spec genre (not defaulted) matches any
  of those tags' concepts.
* exclusion recall = captions tagged "no voice"/"no vocals"/"no singer"/"instrumental" whose spec
  excludes the vocal-like role, and tagged "no percussion"/"no drums" whose spec excludes drums.

Run: .venv/bin/python bench/parse.py [--limit N]
"""

import argparse
import ast
import csv
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from amp.domain.spec import MusicSpec, Provenance, Role
from amp.prompt import parse_prompt

REPO_ROOT = Path(__file__).resolve().parents[1]
CAPTIONS = REPO_ROOT.parent / "shared" / "data" / "musiccaps" / "musiccaps-public.csv"
NEGATED_TAG = re.compile(r"\b(?:no|without|not|lack|lacking|absence)\b|less\b")
NOT_A_GENRE_TAG = re.compile(r"drum|noise|sound|room|instrument|beat|percussion|dancer|dancing")
"""'electronic drums' or 'ambient room noise' describe a part or the recording, not the genre."""

_BASSES = {
    "bass",
    "bass guitar",
    "upright bass",
    "slap bass",
    "synth bass",
    "808 bass",
    "sub bass",
    "reese bass",
    "acid bass",
    "wobble bass",
    "tuba",
    "double bass",
}
_DRUMS = {
    "drum kit",
    "drum machine",
    "808 drum machine",
    "909 drum machine",
    "breakbeat",
    "kick drum",
    "snare",
    "hi-hats",
    "cymbals",
    "brushed drums",
}
_PERCUSSION = {
    "percussion",
    "shaker",
    "tambourine",
    "congas",
    "bongos",
    "tabla",
    "djembe",
    "cajon",
    "hand claps",
    "cowbell",
    "timpani",
    "taiko",
    "triangle",
    "woodblock",
    "beatbox",
    # percussion of the traditions (names the parser gained in issue 14)
    "mridangam",
    "darbuka",
    "frame drum",
    "talking drum",
    "shekere",
    "bodhran",
    "castanets",
    "timbales",
    "guiro",
    "surdo",
    "gong",
    "singing bowl",
}
_VOICES = {
    "vocals",
    "female vocals",
    "male vocals",
    "choir",
    "vocal chops",
    "rap vocals",
    "backing vocals",
    "vocalise",
    "speech",
}
_SYNTHS = {
    "synth pad",
    "synth lead",
    "synth bass",
    "synth chords",
    "supersaw",
    "arpeggiator",
    "pluck",
    "chiptune lead",
    "hoover",
    "acid bass",
    "wobble bass",
    "reese bass",
}
_GUITARS = {"guitar", "acoustic guitar", "electric guitar", "distorted guitar", "lead guitar"}
_STRINGS = {"strings", "violin", "cello", "viola", "fiddle", "orchestra"}
_BRASS = {"brass section", "trumpet", "trombone", "french horn", "tuba", "saxophone"}

# (concept, tag pattern, accepted instrument names)
INSTRUMENT_CONCEPTS: list[tuple[str, str, set[str]]] = [
    ("piano", r"\bpiano", {"piano", "electric piano"}),
    (
        "keyboard",
        r"\bkeyboard|\bkeys\b",
        {"keyboard", "piano", "electric piano", "organ", "pipe organ", "synth chords"},
    ),
    ("electric piano", r"rhodes|electric piano|wurli|e-piano", {"electric piano"}),
    ("organ", r"\borgan", {"organ", "pipe organ"}),
    ("guitar", r"guitar(?<!bass guitar)", _GUITARS),
    ("bass", r"\bbass(?:es|line|lines)?\b(?!\s*drum)|e-bass|bass guitar", _BASSES),
    (
        "drums",
        r"\bdrum(?:s|ming|mer| kit| machine| beat)?\b(?!\s*(?:and|&|n)\s*bass)|\bkick|\bsnare|hi[\s-]?hats?"
        r"|cymbal|\bbeat\b",
        _DRUMS,
    ),
    (
        "percussion",
        r"percussion|shaker|tambourine|conga|bongo|tabla|clap|cowbell|djembe|cajon|timpani",
        _PERCUSSION | _DRUMS,
    ),
    ("strings", r"\bstrings?\b|string section|string ensemble|orchestra", _STRINGS),
    ("violin", r"violin|fiddle", {"violin", "fiddle", "strings"}),
    ("cello", r"\bcello", {"cello", "strings"}),
    ("synth", r"synth", _SYNTHS),
    ("pad", r"\bpads?\b", {"synth pad", "strings", "atmosphere"}),
    ("vocals", r"vocal|voice|singer|singing(?! bowl)|vocalist|choir|\brap|chant", _VOICES),
    ("choir", r"choir|choral", {"choir"}),
    ("brass", r"brass|trumpet|trombone|\bhorns?\b|tuba", _BRASS),
    ("saxophone", r"\bsax", {"saxophone"}),
    ("flute", r"flute|recorder", {"flute", "pan flute", "dizi", "bansuri", "quena", "shakuhachi"}),
    ("clarinet", r"clarinet", {"clarinet"}),
    ("harp", r"\bharp\b(?! ?sichord)", {"harp"}),
    ("harpsichord", r"harpsichord", {"harpsichord"}),
    ("accordion", r"accordion", {"accordion"}),
    ("harmonica", r"harmonica", {"harmonica"}),
    ("banjo", r"banjo", {"banjo"}),
    ("mandolin", r"mandolin", {"mandolin"}),
    ("ukulele", r"ukulele|ukelele", {"ukulele"}),
    ("sitar", r"sitar", {"sitar"}),
    ("tabla", r"tabla", {"tabla"}),
    (
        "mallets",
        r"marimba|xylophone|vibraphone|glockenspiel",
        {"marimba", "xylophone", "vibraphone", "glockenspiel"},
    ),
    ("bells", r"\bbells?\b|chimes", {"bells", "wind chimes", "glockenspiel"}),
    ("didgeridoo", r"didgeridoo", {"didgeridoo"}),
    ("theremin", r"theremin", {"theremin"}),
    ("808", r"\b808", {"808 bass", "808 drum machine"}),
    ("turntable", r"scratch|turntable", {"scratching"}),
    ("sound effects", r"sound effects|\bsfx\b", {"sound effects"}),
]

_ELECTRONIC = {
    "techno",
    "acid house",
    "house",
    "deep house",
    "tech house",
    "progressive house",
    "trance",
    "psytrance",
    "drum and bass",
    "jungle",
    "breakbeat",
    "uk garage",
    "dubstep",
    "future bass",
    "trap",
    "edm",
    "hardstyle",
    "hardcore",
    "electro",
    "idm",
    "electronic",
    "synthpop",
    "synthwave",
    "downtempo",
    "trip-hop",
    "chiptune",
    "ambient",
    "vaporwave",
    "phonk",
    "psybient",
}
_HIP_HOP = {"hip-hop", "boom bap", "lo-fi hip hop", "trap", "drill", "grime", "phonk"}

# (concept, tag pattern, accepted genre names). "lo-fi" is not a genre tag here: in MusicCaps it
# almost always describes recording quality.
GENRE_CONCEPTS: list[tuple[str, str, set[str]]] = [
    ("rock", r"\brock\b", {"rock", "hard rock", "indie rock", "punk", "metal"}),
    ("pop", r"\bpop\b", {"pop", "synthpop", "indie rock"}),
    ("hip hop", r"hip[\s-]?hop|\brap\b|\btrap\b", _HIP_HOP),
    (
        "electronic",
        r"electronic|\bedm\b|electro|techno|\bhouse\b|trance|dubstep|drum (?:and|&|n) bass|\bdnb\b"
        r"|dance music|club music|\bdj\b",
        _ELECTRONIC,
    ),
    ("techno", r"techno", {"techno", "acid house", "dub"}),
    ("house", r"\bhouse\b", {"house", "deep house", "tech house", "progressive house", "acid house"}),
    ("trance", r"trance", {"trance", "psytrance"}),
    ("dubstep", r"dubstep", {"dubstep"}),
    ("drum and bass", r"drum (?:and|&|n) bass|\bdnb\b|jungle", {"drum and bass", "jungle"}),
    ("jazz", r"jazz|bebop|swing", {"jazz", "swing", "bossa nova"}),
    ("blues", r"blues", {"blues", "delta blues", "chicago blues"}),
    ("country", r"country|bluegrass", {"country", "bluegrass"}),
    ("folk", r"\bfolk", {"folk", "celtic", "klezmer", "balkan", "flamenco", "polka"}),
    (
        "classical",
        r"classical|orchestral|symphon|baroque|opera|chamber music",
        {
            "classical",
            "cinematic",
            "baroque",
            "classical era",
            "romantic era",
            "impressionist",
            "chamber music",
        }
        | {"choral music", "hymn"},
    ),
    ("metal", r"metal", {"metal"}),
    ("punk", r"punk", {"punk"}),
    ("reggae", r"reggae|\bska\b|\bdub\b|dancehall", {"reggae", "dub", "dancehall"}),
    (
        "latin",
        r"latin|salsa|cumbia|bossa|samba|tango|flamenco|reggaeton",
        {"latin", "bossa nova", "reggaeton", "tango", "samba", "cumbia", "flamenco"},
    ),
    ("r&b / soul", r"r&b|\brnb\b|\bsoul\b|motown", {"r&b", "soul"}),
    ("funk", r"\bfunk\b", {"funk"}),
    ("disco", r"disco", {"disco"}),
    ("gospel", r"gospel|worship|hymn", {"gospel", "hymn"}),
    ("ambient", r"ambient|new age|meditation", {"ambient", "new age", "psybient"}),
    ("cinematic", r"soundtrack|film|movie|cinematic|trailer", {"cinematic"}),
    ("video game", r"video game|8[\s-]?bit|chiptune", {"chiptune", "cinematic"}),
    (
        "world",
        r"world music|indian|bollywood|devotional|middle eastern|arabic|african|regional|carnatic"
        r"|hindustani",
        {
            "world",
            "afrobeats",
            "indian classical",
            "middle eastern",
            "african traditional",
            "gamelan",
            "klezmer",
        }
        | {"japanese traditional", "chinese traditional", "andean", "calypso"},
    ),
    ("lullaby", r"lullaby", {"lullaby"}),
    ("waltz", r"waltz", {"waltz"}),
    ("march", r"\bmarch", {"march"}),
]
NO_VOCALS_TAG = re.compile(r"^(?:no (?:voice|voices|vocals?|singer|singers|singing)|instrumental)$")
NO_DRUMS_TAG = re.compile(r"^no (?:drums|percussion)$")


@dataclass
class Tally:
    found: Counter[str]
    recalled: Counter[str]

    @classmethod
    def empty(cls) -> "Tally":
        return cls(Counter(), Counter())

    def rate(self) -> float:
        total = sum(self.found.values())
        return sum(self.recalled.values()) / total if total else float("nan")


def _concepts(
    tags: list[str], table: list[tuple[str, str, set[str]]], skip: re.Pattern[str] | None = None
) -> dict[str, set[str]]:
    """Concepts named by non-negated tags (and not matching `skip`), with their accepted names."""
    found: dict[str, set[str]] = {}
    for tag in tags:
        if NEGATED_TAG.search(tag) or (skip is not None and skip.search(tag)):
            continue
        for concept, pattern, accepted in table:
            if re.search(pattern, tag):
                found[concept] = accepted
    return found


def _stated_instruments(spec: MusicSpec) -> set[str]:
    return {
        instrument.name
        for instrument in spec.instruments
        if spec.provenance.get(f"instruments.{instrument.role.value}") == Provenance.STATED
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N captions")
    parser.add_argument("--show-failures", type=int, default=5)
    args = parser.parse_args()
    if not CAPTIONS.is_file():
        print(
            f"bench/parse.py: {CAPTIONS} not found. It is the MusicCaps caption file that sits beside the "
            "repo in ../shared/data/musiccaps/ (see ../shared/README.md).",
            file=sys.stderr,
        )
        return 2
    with CAPTIONS.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[: args.limit]

    parse_prompt(rows[0]["caption"], seed_source="warm-up")
    times_ms: list[float] = []
    cpu_ms: list[float] = []
    failures: list[tuple[str, str]] = []
    instruments, genres = Tally.empty(), Tally.empty()
    genre_captions = genre_hits = 0
    no_vocal_tags = no_vocal_hits = no_drum_tags = no_drum_hits = 0
    for row in rows:
        started, cpu_started = time.perf_counter_ns(), time.thread_time_ns()
        try:
            spec = parse_prompt(row["caption"], seed_source=row["ytid"])
        except Exception as error:  # counting every failure is the point
            failures.append((row["ytid"], repr(error)))
            continue
        finally:
            times_ms.append((time.perf_counter_ns() - started) / 1e6)
            cpu_ms.append((time.thread_time_ns() - cpu_started) / 1e6)
        tags = [tag.strip().lower() for tag in ast.literal_eval(row["aspect_list"])]
        stated = _stated_instruments(spec)
        for concept, accepted in _concepts(tags, INSTRUMENT_CONCEPTS).items():
            instruments.found[concept] += 1
            instruments.recalled[concept] += bool(stated & accepted)
        genre_known = spec.provenance.get("genre") != Provenance.DEFAULTED
        genre_concepts = _concepts(tags, GENRE_CONCEPTS, NOT_A_GENRE_TAG)
        for concept, accepted in genre_concepts.items():
            genres.found[concept] += 1
            genres.recalled[concept] += genre_known and spec.genre in accepted
        if genre_concepts:
            genre_captions += 1
            genre_hits += genre_known and any(spec.genre in a for a in genre_concepts.values())
        if any(NO_VOCALS_TAG.match(tag) for tag in tags):
            no_vocal_tags += 1
            no_vocal_hits += Role.VOCAL in spec.excluded_roles
        if any(NO_DRUMS_TAG.match(tag) for tag in tags):
            no_drum_tags += 1
            no_drum_hits += Role.DRUMS in spec.excluded_roles

    print(f"captions parsed:      {len(rows)}")
    print(f"failures:             {len(failures)}")
    for ytid, message in failures[: args.show_failures]:
        print(f"  {ytid}: {message}")
    for label, values in (("wall", times_ms), ("cpu", cpu_ms)):
        print(
            f"parse time {label + ' (ms):':<10} p50 {statistics.median(values):.3f}   "
            f"p99 {percentile(values, 0.99):.3f}   max {max(values):.3f}   "
            f"mean {statistics.fmean(values):.3f}"
        )
    print(
        f"instrument recall:    {instruments.rate():.1%} of {sum(instruments.found.values())} "
        "(caption, instrument concept) pairs"
    )
    for concept, count in instruments.found.most_common(12):
        print(f"  {concept:<16} {instruments.recalled[concept] / count:6.1%}  of {count}")
    print(
        f"genre recall:         {genres.rate():.1%} of {sum(genres.found.values())} "
        "(caption, genre concept) pairs"
    )
    for concept, count in genres.found.most_common(12):
        print(f"  {concept:<16} {genres.recalled[concept] / count:6.1%}  of {count}")
    print(
        f"genre hit rate:       {genre_hits / max(1, genre_captions):.1%} of {genre_captions} "
        "captions with a genre tag"
    )
    print(
        f"exclusion recall:     no vocals {no_vocal_hits / max(1, no_vocal_tags):.1%} of {no_vocal_tags}; "
        f"no drums {no_drum_hits / max(1, no_drum_tags):.1%} of {no_drum_tags}"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
