"""The rule-based prompt parser: text in, a complete `MusicSpec` out, with the provenance of every
field. Pure: no I/O, no clock, no random state; the same text, options and seed source always give
the same spec. It never raises on odd text; only explicit options that cannot be honoured raise
`InvalidInput`.
"""

import hashlib
import re
from dataclasses import dataclass, field

from amp.domain.errors import InvalidInput
from amp.domain.job import JobOptions
from amp.domain.spec import (
    DEFAULT_DURATION_S,
    MAX_BPM,
    MAX_DURATION_S,
    MIN_BPM,
    MIN_DURATION_S,
    Instrument,
    Mode,
    MusicSpec,
    Provenance,
    Role,
)
from amp.genres.families import Family
from amp.prompt.ensembles import (
    CONCERT_SOLO_INSTRUMENTS,
    EnsembleFound,
    count_before,
    default_ensemble,
    find_ensemble,
    solo_after,
    spread_roles,
)
from amp.prompt.extract import (
    VALID_METERS,
    find_bpm,
    find_duration,
    find_energy,
    find_exclusions,
    find_feels,
    find_key,
    find_moods,
    find_seed,
    find_structure,
    find_tempo_word,
    find_time_signature,
    parse_key_name,
    says_a_cappella,
    says_instrumental,
)
from amp.prompt.genres import (
    DEFAULT_GENRE,
    GENRE_PATTERN,
    GENRES_BY_NAME,
    GenreProfile,
    genre_for_alias,
    profile_for,
)
from amp.prompt.instruments import INSTRUMENT_PATTERN, InstrumentEntry, entry_for_alias, instrument_named
from amp.prompt.plan import settle_plan
from amp.prompt.styles import Form, find_form, find_style
from amp.prompt.text import NegationScopes, clean_text
from amp.prompt.words import GENERIC_TEMPO_RANGE, MOOD_GENRES, MoodWord

MAX_INSTRUMENTS = 12
MAX_MOODS = 6
_ONLY_BEFORE = re.compile(
    r"(?:^|[\s(])(?:solo|just|only|nothing but|unaccompanied|purely"
    r"|(?:piece|sonata|sonatina|etude|study|nocturne|prelude|suite|invention|jig|reel|minuet|mazurka|written|work)"
    r"\s+for(?:\s+solo)?)\s+(?:an?\s+|the\s+|two\s+|three\s+|four\s+)?$"
)
"""Words before an instrument that make it the whole band ("solo piano", "just strings", "a piece for
cello")."""
_ONLY_AFTER = re.compile(r"\s*(?:only|alone|by itself|on its own)(?![\w-])")
_FALLBACK_PARTS = (("synth pad", Role.PAD), ("piano", Role.CHORDS), ("synth lead", Role.LEAD))
_DECIDED = (Provenance.STATED, Provenance.OVERRIDDEN)


def derive_seed(source: str) -> int:
    """A 32-bit seed from a string (the job id): the first 4 bytes of its SHA-256."""
    digest = hashlib.sha256(source.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:4], "big")


@dataclass
class _Parse:
    """One parse in progress: the text in its two cases, what was found so far, and the notes."""

    cleaned: str
    lowered: str
    negations: NegationScopes
    options: JobOptions
    provenance: dict[str, Provenance] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    moods: list[MoodWord] = field(default_factory=list)
    tempo_word: tuple[float, str] | None = None
    profile: GenreProfile = field(default_factory=lambda: GENRES_BY_NAME[DEFAULT_GENRE])
    form: Form | None = None
    ensemble: EnsembleFound | None = None

    @property
    def derived(self) -> Provenance:
        """Provenance of a value taken from the genre: inferred, unless the genre itself is a default."""
        genre = self.provenance.get("genre")
        return Provenance.DEFAULTED if genre == Provenance.DEFAULTED else Provenance.INFERRED


def parse_prompt(text: str, *, options: JobOptions | None = None, seed_source: str = "") -> MusicSpec:
    """Parse a listener's prompt into a MusicSpec. Explicit options win over the text (OVERRIDDEN);
    the text wins over what the genre implies. The seed, when not given, comes from `seed_source`
    (the job id) or, when that is empty, from the text itself."""
    cleaned, notes = clean_text(text)
    lowered = cleaned.lower()
    state = _Parse(cleaned, lowered, NegationScopes.find(lowered), options or JobOptions(), notes=notes)
    prov = state.provenance

    seed = _choose_seed(state, seed_source or text)
    genre_spans = [
        (match.start(), match.end(), profile)
        for match in GENRE_PATTERN.finditer(lowered)
        if (profile := genre_for_alias(match.group(0))) is not None
    ]
    state.ensemble = find_ensemble(lowered, state.negations)
    state.form = find_form(lowered, state.negations)
    stated, only_stated = _stated_instruments(state, genre_spans)
    state.moods = [word for _, word in find_moods(lowered, state.negations)]
    state.profile = _choose_genre(state, genre_spans, stated, only_stated)
    only_stated = only_stated or _choir_alone(state, stated)
    state.tempo_word = find_tempo_word(lowered, state.negations)

    bpm = _choose_bpm(state)
    key, mode = _choose_key_and_mode(state, seed)
    time_signature = _choose_time_signature(state)
    duration_s = _choose_duration(state)
    mood = list(dict.fromkeys(word.mood for word in state.moods))[:MAX_MOODS]
    if mood:
        prov["mood"] = Provenance.STATED
    else:
        mood, prov["mood"] = list(state.profile.moods), state.derived
    energy = _choose_energy(state)
    hints = list(dict.fromkeys(find_structure(lowered, state.negations) + find_feels(lowered)))
    prov["structure_hints"] = Provenance.STATED if hints else Provenance.DEFAULTED
    excluded = _choose_exclusions(state, stated)
    instruments = _choose_instruments(state, stated, only_stated, excluded)

    recognised = any(p in _DECIDED for p in prov.values()) or prov["genre"] != Provenance.DEFAULTED
    if cleaned.strip() and not recognised:
        state.notes.append("no musical terms recognised; every value is inferred or a default")
    spec = MusicSpec(
        genre=state.profile.name,
        bpm=bpm,
        key=key,
        mode=mode,
        time_signature=time_signature,
        duration_s=duration_s,
        instruments=instruments,
        mood=mood,
        energy=energy,
        excluded_roles=excluded,
        structure_hints=hints,
        seed=seed,
        provenance=dict(sorted(prov.items())),
        notes=state.notes,
    )
    return settle_plan(spec, state.options, lowered)


def _choose_seed(state: _Parse, source: str) -> int:
    stated = find_seed(state.lowered)
    if state.options.seed is not None:
        state.provenance["seed"] = Provenance.OVERRIDDEN
        return state.options.seed
    if stated is not None:
        state.provenance["seed"] = Provenance.STATED
        return stated
    state.provenance["seed"] = Provenance.DEFAULTED
    return derive_seed(source)


def _stated_instruments(
    state: _Parse, genre_spans: list[tuple[int, int, GenreProfile]]
) -> tuple[list[InstrumentEntry], bool]:
    """Named, non-negated instruments in order of mention, repeated as often as the text asks ("two
    violins"; "a violin duet"), then those an ensemble noun implies ("string quartet"); and whether the
    text asks for those alone ("solo piano", "just strings", "guitar only", "a trio", "no band").
    Words inside a genre name ("drum" and "bass" in "drum and bass") or an ensemble noun ("piano" in
    "piano trio") are not instruments of their own."""
    entries: list[InstrumentEntry] = []
    counts: dict[str, int] = {}
    ensemble = state.ensemble or find_ensemble(state.lowered, state.negations)
    only = ensemble.limited
    solo_cue = False
    lowered = state.lowered
    skip_spans = [(s, e) for s, e, _ in genre_spans] + ensemble.spans
    instrument_spans: list[tuple[int, int]] = []
    for match in INSTRUMENT_PATTERN.finditer(lowered):
        start, end = match.span()
        if state.negations.covers(start) or any(s <= start and end <= e for s, e in skip_spans):
            continue
        instrument_spans.append((start, end))
        entry = entry_for_alias(match.group(0))
        if entry not in entries:
            entries.append(entry)
        counts[entry.name] = max(counts.get(entry.name, 1), count_before(lowered, start))
        if _ONLY_BEFORE.search(lowered[max(0, start - 32) : start]) or _ONLY_AFTER.match(lowered, end):
            only = True
        solo_cue = solo_cue or solo_after(lowered, end) or match.group(0).endswith(" solo")
        only = only or match.group(0).startswith("solo ")  # "solo cello" is an alias of the cello
    everything = entries + ensemble.entries
    named = [entry for entry in entries if not _covered_by_specific(entry, everything)]
    # a genre word inside an instrument's name ("classical guitar") does not make it a genre piece
    genre_words = [g for g in genre_spans if not any(s <= g[0] and g[1] <= e for s, e in instrument_spans)]
    if solo_cue and len(named) == 1 and not genre_words and not ensemble.names:
        only = True  # "banjo solo": the piece is for that instrument alone
    if ensemble.count and not named and not ensemble.names and not genre_words:
        implied = default_ensemble(ensemble.count)  # "a quartet in G": a string quartet
        if implied is not None:
            ensemble.entries.extend(entry_for_alias(name) for name in implied)
            ensemble.genre = "chamber music"
            ensemble.names.append(f"{len(implied)}-player chamber ensemble")
            state.notes.append(f"the ensemble word was read as {', '.join(implied)}")
    if ensemble.count and len(named) == 1 and not ensemble.names:
        counts[named[0].name] = max(counts[named[0].name], ensemble.count)  # "a violin duet"
    repeated = [entry for entry in named for _ in range(counts.get(entry.name, 1))]
    players = repeated + _unfilled_seats(ensemble.entries, repeated)
    if ensemble.count and players and len(players) <= ensemble.count:
        only = True  # "a duet for violin and piano": the named players are the whole band
    return players, only


def _unfilled_seats(seats: list[InstrumentEntry], named: list[InstrumentEntry]) -> list[InstrumentEntry]:
    """The ensemble's seats that no named player takes: "a jazz trio with piano, upright bass and
    brushed drums" is three players, not six. A named instrument takes a seat of the same name, or of
    the same role for the rhythm section (brushed drums sit at the trio's drum kit)."""
    free = list(named)
    unfilled = []
    for seat in seats:
        taker = next(
            (
                player
                for player in free
                if player.name == seat.name
                or (player.role == seat.role and seat.role in (Role.DRUMS, Role.PERCUSSION, Role.BASS))
            ),
            None,
        )
        if taker is None:
            unfilled.append(seat)
        else:
            free.remove(taker)
    return unfilled


def _choir_alone(state: _Parse, stated: list[InstrumentEntry]) -> bool:
    """A choir is voices only when it is all that is named and no genre of another family is stated
    ("a choir hymn" is voices only; "epic orchestral with choir" keeps its orchestra)."""
    if state.ensemble is None or not state.ensemble.open_ensemble:
        return False
    if any(entry.role != Role.VOCAL for entry in stated):
        return False
    stated_genre = state.provenance.get("genre") in (Provenance.STATED, Provenance.OVERRIDDEN)
    return not stated_genre or state.profile.family == Family.CHORAL


_WEAK_SUGGESTIONS = frozenset({"classical"})
"""Suggestions that a singer or an instrument of a particular tradition overrides."""

_GENERIC_ENTRIES = frozenset({"lead", "bass", "chords", "vocals", "percussion", "guitar"})


def _covered_by_specific(entry: InstrumentEntry, entries: list[InstrumentEntry]) -> bool:
    """A generic word ("the bass", "leads", "guitar") adds nothing when a specific instrument of the
    same kind is named too ("reese bass", "supersaw", "acoustic guitar")."""
    if entry.name not in _GENERIC_ENTRIES:
        return False
    return any(
        other is not entry and other.role == entry.role and (entry.name != "guitar" or "guitar" in other.name)
        for other in entries
    )


def _choose_genre(
    state: _Parse,
    genre_spans: list[tuple[int, int, GenreProfile]],
    stated: list[InstrumentEntry],
    only_stated: bool,
) -> GenreProfile:
    """Override, else the first specific genre named, else one implied (in this order) by a composer
    or band, an ensemble noun, a form, the named instruments (the genre most of them suggest; a
    singer only when nothing else does), a solo concert instrument, a mood; else the default."""
    prov = state.provenance
    override = state.options.overrides.genre
    if override is not None:
        prov["genre"] = Provenance.OVERRIDDEN
        return profile_for(override)
    found = [profile for start, _, profile in genre_spans if not state.negations.covers(start)]
    specific = [profile for profile in found if not profile.generic]
    if found:
        prov["genre"] = Provenance.STATED
        return (specific or found)[0]
    implied = _implied_genre(state, stated, only_stated)
    if implied is not None:
        genre, reason = implied
        prov["genre"] = Provenance.INFERRED
        state.notes.append(f"genre {genre} inferred from {reason}")
        return GENRES_BY_NAME[genre]
    prov["genre"] = Provenance.DEFAULTED
    return GENRES_BY_NAME[DEFAULT_GENRE]


def _implied_genre(state: _Parse, stated: list[InstrumentEntry], only_stated: bool) -> tuple[str, str] | None:
    """The genre the text implies without naming one, with the reason in words."""
    style = find_style(state.lowered, state.negations)
    if style is not None:
        return style[0], f"'{style[1]}'"
    ensemble = state.ensemble
    # an open ensemble ("choir") implies its genre only when nothing but voices is named
    if (
        ensemble is not None
        and ensemble.genre is not None
        and (ensemble.limited or all(entry.role == Role.VOCAL for entry in stated))
    ):
        return ensemble.genre, f"the {ensemble.names[0]}"
    if state.form is not None:
        return state.form.genre, f"the form '{state.form.name}'"
    if says_a_cappella(state.lowered):
        return "choral music", "'a cappella'"
    singer = any(entry.role == Role.VOCAL and entry.name != "choir" for entry in stated)
    suggesting = [entry for entry in stated if entry.suggests_genre and entry.role != Role.VOCAL]
    # An orchestral instrument suggests classical music only without a singer ("violin and female
    # vocals" is a song), and only when no instrument of a tradition is named ("banjo and violin").
    strong = [entry for entry in suggesting if entry.suggests_genre not in _WEAK_SUGGESTIONS]
    weak = [entry for entry in suggesting if entry.suggests_genre in _WEAK_SUGGESTIONS and not singer]
    for entry in strong or weak:
        if entry.suggests_genre is not None:
            return entry.suggests_genre, f"the {entry.name}"
    if only_stated and stated and all(entry.name in CONCERT_SOLO_INSTRUMENTS for entry in stated):
        return "classical", f"a solo {stated[0].name}"
    for entry in stated:  # a singer suggests pop only when no instrument suggests anything
        if entry.role == Role.VOCAL and entry.suggests_genre is not None:
            return entry.suggests_genre, f"the {entry.name}"
    for word in state.moods:
        if word.mood in MOOD_GENRES:
            return MOOD_GENRES[word.mood], f"the mood '{word.mood}'"
    return None


def _clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


def _choose_bpm(state: _Parse) -> float:
    """Override, else a stated number (clamped), else a tempo word placed in the genre's range."""
    prov = state.provenance
    override = state.options.overrides.bpm
    if override is not None:
        prov["bpm"] = Provenance.OVERRIDDEN
        return override
    found = find_bpm(state.lowered)
    if found is not None:
        prov["bpm"] = Provenance.STATED
        bpm = _clamp(found.bpm, MIN_BPM, MAX_BPM)
        if bpm != found.bpm:
            state.notes.append(
                f"tempo {found.bpm:g} bpm is outside {MIN_BPM:g}-{MAX_BPM:g}; clamped to {bpm:g}"
            )
        return bpm
    profile, form = state.profile, state.form
    if state.tempo_word is not None:
        position, word = state.tempo_word
        generic = state.derived == Provenance.DEFAULTED
        low, high = GENERIC_TEMPO_RANGE if generic else (profile.bpm_min, profile.bpm_max)
        if form is not None:
            low, high = form.bpm_min, form.bpm_max
        bpm = float(round(low + (high - low) * position))
        prov["bpm"] = Provenance.INFERRED
        state.notes.append(f"tempo word '{word}' read as {bpm:g} bpm (range {low:g}-{high:g})")
        return bpm
    if form is not None:
        prov["bpm"] = Provenance.INFERRED
        state.notes.append(f"tempo {form.default_bpm:g} bpm from the form '{form.name}'")
        return form.default_bpm
    prov["bpm"] = state.derived
    return profile.default_bpm


def _choose_key_and_mode(state: _Parse, seed: int) -> tuple[str, Mode]:
    """Overrides, else the stated key/mode, else mode from mood valence and key from the genre."""
    prov = state.provenance
    overrides = state.options.overrides
    key: str | None = None
    mode: Mode | None = overrides.mode
    if mode is not None:
        prov["mode"] = Provenance.OVERRIDDEN
    if overrides.key is not None:
        key, key_mode = parse_key_name(overrides.key)
        prov["key"] = Provenance.OVERRIDDEN
        if mode is None and key_mode is not None:
            mode, prov["mode"] = key_mode, Provenance.OVERRIDDEN
    found = find_key(state.cleaned)
    if found is not None:
        if key is None and found.key is not None:
            key, prov["key"] = found.key, Provenance.STATED
        if mode is None and found.mode is not None:
            mode, prov["mode"] = found.mode, Provenance.STATED
    if mode is None:
        valence = sum(word.valence for word in state.moods)
        if valence:
            mode, prov["mode"] = (Mode.MINOR if valence < 0 else Mode.MAJOR), Provenance.INFERRED
        else:
            mode, prov["mode"] = state.profile.modes[0], state.derived
    if key is None:
        key, prov["key"] = state.profile.keys[seed % len(state.profile.keys)], state.derived
    return key, mode


def _choose_time_signature(state: _Parse) -> str:
    prov = state.provenance
    override = state.options.overrides.time_signature
    if override is not None:
        meter = override.replace(" ", "")
        if not VALID_METERS.match(meter):
            raise InvalidInput(f"time signature {override!r} is not supported (e.g. 4/4, 3/4, 6/8, 7/8)")
        prov["time_signature"] = Provenance.OVERRIDDEN
        return meter
    found, _, notes = find_time_signature(state.lowered)
    state.notes.extend(notes)
    if found is not None:
        prov["time_signature"] = Provenance.STATED
        return found
    if state.form is not None:
        prov["time_signature"] = Provenance.INFERRED
        state.notes.append(f"time signature {state.form.time_signature} from the form '{state.form.name}'")
        return state.form.time_signature
    prov["time_signature"] = state.derived
    return state.profile.time_signature


def _choose_duration(state: _Parse) -> float:
    """The option (already validated), else a stated length clamped to 5..300 s, else 60 s."""
    prov = state.provenance
    if state.options.duration_s is not None:
        prov["duration_s"] = Provenance.OVERRIDDEN
        return state.options.duration_s
    found = find_duration(state.lowered, state.negations)
    if found is None:
        prov["duration_s"] = Provenance.DEFAULTED
        return DEFAULT_DURATION_S
    prov["duration_s"] = Provenance.STATED if found.stated else Provenance.INFERRED
    seconds = _clamp(found.seconds, MIN_DURATION_S, MAX_DURATION_S)
    if seconds != found.seconds:
        state.notes.append(
            f"duration {found.seconds:g} s is outside {MIN_DURATION_S:g}-{MAX_DURATION_S:g} s; "
            f"clamped to {seconds:g} s"
        )
    return round(seconds, 1)


def _choose_energy(state: _Parse) -> float:
    """Override, else an explicit energy phrase, else the mean of the mood words' energies nudged by a
    tempo word, else the genre's energy."""
    prov = state.provenance
    if state.options.overrides.energy is not None:
        prov["energy"] = Provenance.OVERRIDDEN
        return state.options.overrides.energy
    found = find_energy(state.lowered)
    if found is not None:
        prov["energy"] = Provenance.STATED
        return round(found[0], 2)
    hints = [word.energy for word in state.moods if word.energy is not None]
    tempo_word = state.tempo_word
    if hints or tempo_word:
        base = sum(hints) / len(hints) if hints else state.profile.energy
        shift = (tempo_word[0] - 0.5) * 0.2 if tempo_word else 0.0
        prov["energy"] = Provenance.INFERRED
        return round(_clamp(base + shift, 0.0, 1.0), 2)
    prov["energy"] = state.derived
    return state.profile.energy


def _choose_exclusions(state: _Parse, stated: list[InstrumentEntry]) -> list[Role]:
    prov = state.provenance
    override = state.options.overrides.excluded_roles
    if override is not None:
        prov["excluded_roles"] = Provenance.OVERRIDDEN
        return list(dict.fromkeys(override))
    roles = find_exclusions(state.lowered, state.negations)
    names_a_voice = any(entry.role == Role.VOCAL for entry in stated)
    if Role.VOCAL not in roles and not names_a_voice and says_instrumental(state.lowered):
        roles.append(Role.VOCAL)
    prov["excluded_roles"] = Provenance.STATED if roles else Provenance.DEFAULTED
    return roles


def _choose_instruments(
    state: _Parse, stated: list[InstrumentEntry], only_stated: bool, excluded: list[Role]
) -> list[Instrument]:
    """The named instruments, each on its own stem where the roles allow (`spread_roles`), then the
    genre's band for every role they leave open, minus excluded roles; never empty. Nothing is added
    when the text names the band ("solo", "trio", "string quartet", "no band") or when the genre is
    only the default and an acoustic instrument is named (a synth band would contradict it)."""
    prov = state.provenance
    if says_a_cappella(state.lowered):
        only_stated = True
        if not any(entry.role == Role.VOCAL for entry in stated):
            stated = [*stated, entry_for_alias("vocals")]
    if len(stated) > MAX_INSTRUMENTS:
        state.notes.append(f"{len(stated)} instruments named; kept the first {MAX_INSTRUMENTS}")
        stated = stated[:MAX_INSTRUMENTS]
    # In a named ensemble every player gets a stem of its own. Beside a genre's band only melody
    # instruments move, and only into roles the band leaves free ("violin and flute in a house track"
    # are two stems; "house with piano and keys" keeps one chords stem and the house pad).
    if only_stated:
        spread, moves = spread_roles(stated, frozenset(excluded))
    else:
        band_roles = {entry_for_alias(name).role for name in state.profile.band}
        spread, moves = spread_roles(stated, frozenset(excluded) | band_roles, frozenset({Role.LEAD}))
    state.notes.extend(moves)
    kept: list[Instrument] = []
    for instrument in dict.fromkeys(spread):  # the same instrument twice on one stem adds nothing
        if instrument.role in excluded:
            state.notes.append(f"{instrument.name} left out: its role '{instrument.role.value}' is excluded")
        else:
            kept.append(instrument)
    stated_roles = {instrument.role for instrument in kept}
    for role in stated_roles:
        prov[f"instruments.{role.value}"] = Provenance.STATED
    acoustic_on_default = prov.get("genre") == Provenance.DEFAULTED and any(
        entry.register is not None for entry in stated
    )
    if kept and (only_stated or acoustic_on_default):
        state.notes.append(
            "only the named instruments are used"
            if only_stated
            else "only the named instruments are used: no genre was given and they are acoustic"
        )
    else:
        band_names = list(state.profile.band)
        for instrument in kept:  # a named instrument is not added again from the band
            if instrument.name in band_names:
                band_names.remove(instrument.name)
        band_entries = [entry_for_alias(name) for name in band_names]
        count = state.ensemble.count if state.ensemble is not None else None
        if count and not kept and len(band_entries) > count:
            # "a blues trio": the genre's band, cut to the number of players asked for
            band_entries = _cut_band(band_entries, count)
            state.notes.append(
                f"the first {count} parts of the {state.profile.name} band, for the number asked"
            )
        # The band is spread over its own roles only when it is the whole band; next to named
        # instruments it fills the roles they leave open with its parts in their own roles.
        band = (
            [entry.instrument() for entry in band_entries]
            if kept
            else spread_roles(band_entries, frozenset(excluded), frozenset({Role.LEAD}))[0]
        )
        for instrument in band:
            if instrument.role not in stated_roles and instrument.role not in excluded:
                kept.append(instrument)
                prov.setdefault(f"instruments.{instrument.role.value}", state.derived)
    if not kept:
        kept.append(_fallback_part(excluded, state.notes))
        prov[f"instruments.{kept[0].role.value}"] = Provenance.DEFAULTED
    prov["instruments"] = Provenance.STATED if stated_roles else state.derived
    return kept


def _cut_band(entries: list[InstrumentEntry], count: int) -> list[InstrumentEntry]:
    """`count` parts of a band, in band order: its first harmony or melody part, then the others in
    order (a rock duo is guitar and drums, a trio guitar, drums and bass)."""
    tune = next((e for e in entries if e.role in (Role.CHORDS, Role.LEAD)), entries[0])
    chosen = [tune, *[e for e in entries if e is not tune][: count - 1]]
    return [e for e in entries if any(e is c for c in chosen)]


def _fallback_part(excluded: list[Role], notes: list[str]) -> Instrument:
    """Something must play: the first of pad, chords, lead that is not excluded; if all are, a pad
    anyway (and PAD is taken off the excluded list)."""
    for name, role in _FALLBACK_PARTS:
        if role not in excluded:
            notes.append(f"nothing left to play after the exclusions; added a {name}")
            return instrument_named(name)
    excluded.remove(Role.PAD)
    notes.append("every role was excluded; kept a synth pad so the track is not silent")
    return instrument_named("synth pad")
