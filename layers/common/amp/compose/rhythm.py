"""Drum and percussion parts: genre patterns on a 16th grid, fills at section boundaries, swing and
velocity/micro-timing humanisation. Pitches are General MIDI drum notes."""

from collections.abc import Iterable

import numpy as np

from amp.compose.score import NoteEvent, Score, Section, SectionName
from amp.compose.style import DrumFeel, Style

KICK, RIM, SNARE, CLAP, CLOSED_HAT, PEDAL_HAT, OPEN_HAT = 36, 37, 38, 39, 42, 44, 46
TOM_LOW, TOM_MID, TOM_HIGH, CRASH, RIDE, TAMBOURINE, COWBELL = 45, 47, 50, 49, 51, 54, 56
BONGO_HIGH, BONGO_LOW, CONGA_MUTE, CONGA_OPEN, CONGA_LOW, SHAKER, CLAVES = 60, 61, 62, 63, 64, 70, 75

Hit = tuple[float, int, int]
"""(step in 16ths from the bar start, GM note, velocity)."""

STEP_QN = 0.25


def _four_four_bar(
    feel: DrumFeel, energy: float, variant: int, rng: np.random.Generator, tempo_bpm: float = 120.0
) -> list[Hit]:
    hits: list[Hit] = []
    eighths = range(0, 16, 2)
    busy = energy > 0.7
    kicks: tuple[int, ...]
    if feel is DrumFeel.FOUR_ON_THE_FLOOR:
        hits += [(s, KICK, 122) for s in (0, 4, 8, 12)]
        if energy > 0.3:
            hits += [(s, CLAP, 108) for s in (4, 12)]
        hat = OPEN_HAT if busy else CLOSED_HAT
        hits += [(s, hat, 92) for s in (2, 6, 10, 14)]
        if energy > 0.55:
            hits += [(s, CLOSED_HAT, 52) for s in (1, 3, 5, 7, 9, 11, 13, 15)]
    elif feel is DrumFeel.BREAKBEAT:
        kicks = (0, 10) if variant % 2 == 0 else (0, 2, 10)
        hits += [(s, KICK, 120) for s in kicks]
        hits += [(s, SNARE, 118) for s in (4, 12)]
        if energy > 0.4:
            hits += [(s, SNARE, 48) for s in ((7, 15) if variant % 2 == 0 else (7, 9, 15))]
        hits += [(s, CLOSED_HAT, 88 if s % 4 == 0 else 62) for s in eighths]
        if busy:
            hits += [(s, CLOSED_HAT, 42) for s in range(1, 16, 2)]
        if variant % 4 == 3:
            hits.append((14, OPEN_HAT, 80))
    elif feel is DrumFeel.BOOM_BAP:
        if tempo_bpm >= 95:
            kicks = (0, 7, 10) if variant % 2 == 0 else (0, 2, 10, 13)
        else:  # slow: kicks on the strong beats with one sixteenth pickup, so the beat stays the beat
            kicks = (0, 8) if variant % 2 == 0 else (0, 7, 8)
        hits += [(s, KICK, 116) for s in kicks]
        hits += [(s, SNARE, 112) for s in (4, 12)]
        if tempo_bpm >= 95:
            hits += [(s, CLOSED_HAT, 84 if s % 4 == 0 else 58) for s in eighths]
        else:  # laid-back lo-fi: hats on the beat and an open hat into the next bar
            hits += [(s, CLOSED_HAT, 84) for s in (0, 4, 8, 12)] + [(14, OPEN_HAT, 60)]
        if energy > 0.5:
            hits.append((15, SNARE, 40))
    elif feel is DrumFeel.TRAP:
        kicks = (0, 10) if variant % 2 == 0 else (0, 3, 10, 14)
        hits += [(s, KICK, 118) for s in kicks]
        hits += [(8, CLAP, 115), (8, SNARE, 90)]
        for beat in range(4):
            roll = energy > 0.45 and rng.random() < 0.35
            if roll:
                division = 3 if rng.random() < 0.5 else 4
                hits += [(beat * 4 + i * 4 / division, CLOSED_HAT, 70 + 8 * i) for i in range(division)]
            else:
                hits += [(beat * 4 + s, CLOSED_HAT, 86 if s == 0 else 60) for s in (0, 2)]
        if variant % 2 == 1:
            hits.append((14, OPEN_HAT, 76))
    elif feel is DrumFeel.HALF_TIME:
        kicks = ((0, 11) if variant % 2 == 0 else (0, 3, 11)) if tempo_bpm >= 110 else (0, 8, 11)
        hits += [(s, KICK, 120) for s in kicks]
        hits += [(8, SNARE, 120)]
        hits += [
            (s, CLOSED_HAT, 82 if s % 4 == 0 else 56)
            for s in (eighths if tempo_bpm >= 110 else (0, 4, 8, 12))
        ]
    elif feel is DrumFeel.SWING:
        hits += [(s, RIDE, 96 if s in (0, 8) else 80) for s in (0, 4, 6, 8, 12, 14)]
        hits += [(s, PEDAL_HAT, 70) for s in (4, 12)]
        hits += [(s, KICK, 46) for s in (0, 4, 8, 12)]
        for step in (6, 10, 14):
            if rng.random() < 0.3 + 0.3 * energy:
                hits.append((step, SNARE, int(40 + 40 * rng.random())))
    elif feel is DrumFeel.DEMBOW:
        hits += [(s, KICK, 120) for s in (0, 4, 8, 12)]
        hits += [(s, SNARE, 104) for s in (3, 6, 11, 14)]
        hits += [(s, CLOSED_HAT, 72) for s in eighths]
    elif feel is DrumFeel.SHUFFLE:  # swung by the style's eighth swing into the triplet shuffle
        hits += [(s, KICK, 112) for s in ((0, 8, 10) if energy > 0.6 else (0, 8))]
        hits += [(s, SNARE, 110) for s in (4, 12)]
        shuffle = RIDE if busy else CLOSED_HAT
        hits += [(s, shuffle, 88 if s % 4 == 0 else 66) for s in eighths]
    elif feel is DrumFeel.ROCK:
        if energy > 0.85:  # metal: double kick sixteenths under the backbeat, crash-ride on the beat
            hits += [(s, KICK, 112 if s % 4 == 0 else 96) for s in range(16)]
            hits += [(s, RIDE, 100) for s in (0, 4, 8, 12)]
        else:
            hits += [(s, KICK, 120) for s in ((0, 6, 8, 10) if busy else (0, 8, 10))]
            hits += [(s, CLOSED_HAT if not busy else RIDE, 92 if s % 4 == 0 else 70) for s in eighths]
        hits += [(s, SNARE, 122) for s in (4, 12)]
    elif feel is DrumFeel.BOSSA:  # cross-stick on the two-bar bossa clave, brushed eighths, kick 1 + 'a' of 2
        hits += [(s, RIM, 88) for s in ((0, 6, 12) if variant % 2 == 0 else (4, 10))]
        hits += [(s, KICK, 96 if s in (0, 8) else 52) for s in (0, 6, 8, 14)]
        hits += [(s, CLOSED_HAT, 84 if s % 4 == 0 else 42) for s in eighths]  # brushes mark the beat
    elif feel is DrumFeel.TANGO:  # marcato four, the 3-3-2 habanera accent on top
        hits += [(s, KICK, 118 if s == 0 else 100) for s in (0, 4, 8, 12)]
        hits += [(s, SNARE, 104) for s in (0, 6, 12)]
        hits += [(s, RIM, 70) for s in (3, 11)]
    elif feel is DrumFeel.CLAVE:  # 3-2 son clave, cowbell on the beat, kick on the tumbao's 'and' of 2 and 4
        hits += [(s, CLAVES, 100) for s in ((0, 6, 12) if variant % 2 == 0 else (4, 8))]
        hits += [(s, COWBELL, 92 if s in (0, 8) else 72) for s in (0, 4, 8, 12)]
        hits += [(s, KICK, 96) for s in (6, 12)]
        if energy > 0.5:
            hits += [(s, CONGA_MUTE, 70) for s in (4, 5)] + [(s, CONGA_OPEN, 92) for s in (12, 14)]
    elif feel is DrumFeel.MARCH:  # snare rudiments on the eighths, accented beats, bass drum on 1 and 3
        hits += [(s, KICK, 116) for s in (0, 8)]
        hits += [(s, SNARE, 112 if s % 4 == 0 else 78) for s in eighths]
        hits += [(s, SNARE, 58) for s in (3, 11, 15)]  # the drag into the next beat
        if variant % 2 == 0:
            hits.append((0, CRASH, 96))
    elif feel is DrumFeel.FOLK:  # bodhran reel: low strokes on the beats, light eighths, tambourine
        hits += [(s, TOM_LOW, 100 if s in (0, 8) else 78) for s in (0, 4, 8, 12)]
        hits += [(s, RIM, 56) for s in range(2, 16, 4)]
        if energy > 0.5:
            hits += [(s, TAMBOURINE, 66) for s in (4, 12)]
    elif feel is DrumFeel.ORCHESTRAL:  # big drums on the strong beats, more of them as it builds
        hits += [(0, TOM_LOW, 118)]
        hits += [(s, TOM_MID, 96) for s in ((8,) if energy < 0.7 else (4, 8, 12))]
        if energy > 0.85:
            hits += [(s, TOM_HIGH, 72) for s in (10, 14)]
    elif feel in (DrumFeel.AMBIENT, DrumFeel.NONE):  # asked-for drums in a drumless idiom: sparse
        hits += [(s, KICK, 96) for s in (0, 8)]
        hits += [(12, RIM, 70)]
        hits += [(s, CLOSED_HAT, 66) for s in (0, 4, 8, 12)]
    else:  # BACKBEAT (rock, pop, soul) and anything else
        kicks = (0, 8, 10) if energy > 0.5 else (0, 8)
        hits += [(s, KICK, 118) for s in kicks]
        hits += [(s, SNARE, 114) for s in (4, 12)]
        hits += [(s, CLOSED_HAT, 86 if s % 4 == 0 else 64) for s in eighths]
        if busy:
            hits.append((14, OPEN_HAT, 78))
    return hits


_CYMBALS = frozenset({CLOSED_HAT, OPEN_HAT, RIDE, PEDAL_HAT})


def _accent_the_beat(hits: list[Hit], bpm: float) -> list[Hit]:
    """Make the quarter note the loudest pulse of the cymbals, so the felt beat is the spec's
    tempo: at slow tempos off-beat hats are softened (else eighths read as the beat), at fast
    tempos the on-beat hats are accented (else the half-time snare reads as the beat)."""
    if 100.0 <= bpm < 150.0:
        return hits
    shaped: list[Hit] = []
    for step, note, velocity in hits:
        level = velocity
        if note in _CYMBALS:
            on_beat = float(step).is_integer() and int(step) % 4 == 0
            if bpm < 100.0 and not on_beat:
                level = int(velocity * 0.5)
            elif bpm >= 150.0:
                level = max(velocity, 104) if on_beat else int(velocity * 0.6)
        shaped.append((step, note, level))
    if bpm >= 150.0:
        shaped += [(float(s), RIDE, 92) for s in (0, 4, 8, 12)]  # a ride on the beat, as in liquid dnb
    return shaped


def beat_groups(beats_per_bar: int, beat_unit: int) -> list[int]:
    """Pulse groups in 16th steps: 6/8 -> [6, 6], 7/8 -> [4, 4, 6], 3/4 -> [4, 4, 4], 5/4 -> 3+2 beats."""
    if beat_unit == 8:
        if beats_per_bar % 3 == 0:
            return [6] * (beats_per_bar // 3)
        twos, threes = {5: (1, 1), 7: (2, 1)}.get(beats_per_bar, (beats_per_bar // 2, 0))
        return [4] * twos + [6] * threes
    step = 16 // beat_unit
    return [step] * beats_per_bar


_TALA_BOLS: dict[int, str] = {
    16: "DddD DddD dttt tddD",  # teental: 4+4+4+4, the third vibhag is khali (open, no bass)
    7: "ttt DD DD",  # rupak: starts on khali
    10: "Dd dDd Dt dDd",  # jhaptal: 2+3+2+3
    12: "DD dd tt dd tt DD",  # ektal
}
"""A tala's beats: D = bass + open tone (dha), d = bass + high (dhin), t = high only (ta/tin); spaces
mark the vibhags (sections of the cycle)."""


def tala_beats(beats_per_bar: int) -> str:
    """The cycle for the meter: 7 beats rupak, 5 or 10 jhaptal, 3/6/12 ektal, else 16-beat teental."""
    cycle = {7: 7, 5: 10, 10: 10, 3: 12, 6: 12, 12: 12}.get(beats_per_bar, 16)
    return _TALA_BOLS[cycle].replace(" ", "")


def _tala_bar(bar: int, groups: list[int], energy: float) -> list[Hit]:
    """Hand drums in a tala-like cycle across bars: sam (the cycle's first beat) loudest, khali open."""
    bols = tala_beats(len(groups))
    hits: list[Hit] = []
    starts = [sum(groups[:i]) for i in range(len(groups))]
    for index, step in enumerate(starts):
        position = (bar * len(groups) + index) % len(bols)
        bol = bols[position]
        sam = position == 0
        if bol in "Dd":
            hits.append((step, CONGA_LOW, 118 if sam else 96))
        hits.append((step, CONGA_OPEN if bol == "D" else BONGO_HIGH, 110 if sam else 84))
        if energy > 0.55:  # the 'te-te' fillers between the beats
            hits.append((step + groups[index] / 2, CONGA_MUTE, 58))
    return hits


def _generic_bar(groups: list[int], feel: DrumFeel, energy: float) -> list[Hit]:
    """Any meter: kick on the bar's downbeat (and the middle group in long bars), snare/backbeat on
    the other pulses (oom-pah-pah in 3/4), hats on every eighth."""
    hits: list[Hit] = []
    starts = [sum(groups[:i]) for i in range(len(groups))]
    total = sum(groups)
    compound = all(g == 6 for g in groups)
    if feel is DrumFeel.FOLK:  # jig / slip jig: low stroke on each dotted beat, light eighths between
        hits += [(s, TOM_LOW, 104 if s == 0 else 86) for s in starts]
        hits += [(s, RIM, 54) for s in range(0, total, 2) if s not in starts]
        return hits
    if feel is DrumFeel.ORCHESTRAL:
        hits.append((0.0, TOM_LOW, 118))
        if energy > 0.7:
            hits += [(s, TOM_MID, 90) for s in starts[1:]]
        return hits
    for index, start in enumerate(starts):
        if index == 0:
            hits.append((start, KICK, 120))
        elif compound or len(groups) == 2:
            hits.append((start, SNARE, 110))
        elif feel is DrumFeel.WALTZ or len(groups) == 3:
            hits.append((start, SNARE if energy > 0.35 else RIM, 86 if index == 1 else 78))
        elif index == len(groups) // 2:
            hits += [(start, KICK, 104), (start, SNARE, 100)] if len(groups) > 4 else [(start, SNARE, 108)]
        else:
            hits.append((start, SNARE, 96))
    hat = RIDE if feel is DrumFeel.SWING else CLOSED_HAT
    hits += [(s, hat, 84 if s in starts else 58) for s in range(0, total, 2)]
    if energy > 0.7:
        hits += [(s, CLOSED_HAT, 40) for s in range(1, total, 2)]
    return hits


def _fill(steps_per_bar: int, energy: float, rng: np.random.Generator) -> list[Hit]:
    """A fill over the bar's last beat (two beats at high energy): snare 16ths rising, or toms."""
    length = 8 if energy > 0.65 and steps_per_bar >= 12 else 4
    start = steps_per_bar - length
    toms = rng.random() < 0.5
    hits: list[Hit] = []
    for i in range(length):
        note = (TOM_HIGH, TOM_MID, TOM_LOW)[min(2, 3 * i // length)] if toms else SNARE
        hits.append((start + i, note, int(70 + 50 * (i + 1) / length)))
    return hits


def _section_bar_hits(
    score: Score, style: Style, section: Section, bar: int, rng: np.random.Generator
) -> list[Hit]:
    steps_per_bar = round(score.bar_qn * 4)
    groups = beat_groups(score.beats_per_bar, score.beat_unit)
    index_in_section = bar - section.start_bar
    last_bar = index_in_section == section.bars - 1
    energy = section.energy
    if style.drum_feel is DrumFeel.WORLD:
        base = _tala_bar(bar, groups, energy)
    elif steps_per_bar == 16:
        base = _accent_the_beat(
            _four_four_bar(style.drum_feel, energy, index_in_section, rng, score.bpm), score.bpm
        )
    else:
        base = _generic_bar(groups, style.drum_feel, energy)

    name = section.name
    if name is SectionName.BREAKDOWN:
        hits = (
            [h for h in base if h[1] in (CLOSED_HAT, RIDE)] if index_in_section >= section.bars // 2 else []
        )
        hits = [(s, n, v // 2) for s, n, v in hits]
    elif name is SectionName.INTRO:
        keep = (
            {CLOSED_HAT, OPEN_HAT, RIDE, PEDAL_HAT, KICK}
            if index_in_section >= section.bars // 2
            else {CLOSED_HAT, RIDE, PEDAL_HAT, KICK}
        )
        hits = [h for h in base if h[1] in keep]
    elif name is SectionName.BUILD:
        hits = [h for h in base if h[1] in (KICK, CLOSED_HAT, RIDE)]
        progress = (index_in_section + 1) / section.bars
        division = 4 if progress <= 0.5 else 2 if progress < 1.0 else 1
        hits += [
            (float(s), SNARE, int(60 + 60 * progress * (s + 1) / steps_per_bar))
            for s in range(0, steps_per_bar, division)
        ]
    elif name is SectionName.OUTRO and index_in_section >= section.bars - 2:
        hits = [h for h in base if h[1] in (KICK, CLOSED_HAT, RIDE)]
    else:
        hits = base

    next_bar_starts_section = any(s.start_bar == bar + 1 for s in score.sections)
    if last_bar and next_bar_starts_section and name not in (SectionName.BUILD, SectionName.BREAKDOWN):
        fill = _fill(steps_per_bar, energy, rng)
        fill_start = fill[0][0]
        hits = [h for h in hits if h[0] < fill_start or h[1] in (KICK, CLOSED_HAT)] + fill
    if index_in_section == 0 and name in (SectionName.DROP, SectionName.GROOVE) and bar > 0:
        hits.append((0.0, CRASH, 110))
    return hits


def _humanise(
    events: Iterable[tuple[float, int, int]],
    score: Score,
    style: Style,
    rng: np.random.Generator,
    length_qn: float,
) -> list[NoteEvent]:
    """Swing the off-positions, then jitter timing (kick tightest) and velocity, deterministically."""
    jitter_qn = style.humanise_ms / 1000.0 / score.seconds_per_qn
    unit = style.swing_unit_qn
    # Each section's first downbeat is played on the grid: a section starts at exactly the sample its
    # bar implies (the jitter is still drawn, so the rest of the part is the same as without this).
    section_starts = {section.start_bar * score.bar_qn for section in score.sections}
    events = list(events)
    # Both draws of every hit at once, in the order the per-hit rng.normal(0, s) calls took them
    # (timing, then velocity): the same numbers (normal(0, s) is 0 + s x a standard normal), without
    # two scalar numpy calls and an np.clip per hit (0.28 s of a 180 s song's compose, all serial).
    draws = rng.standard_normal((len(events), 2)).tolist()
    notes: list[NoteEvent] = []
    for (grid_qn, pitch, velocity), (timing, loudness) in zip(events, draws, strict=True):
        start_qn = grid_qn
        position = grid_qn % unit
        if abs(position - unit / 2) < 1e-6 and style.swing_pct != 50.0:
            start_qn = grid_qn + unit * style.swing_pct / 100.0 - position
        tightness = 0.25 if pitch == KICK else 1.0
        offset = 0.0 + jitter_qn * tightness * timing
        offset = max(-jitter_qn * 2, min(jitter_qn * 2, offset))
        if grid_qn in section_starts:
            offset = 0.0
        vel = int(max(1.0, min(127.0, velocity + (0.0 + 6.0 * loudness))))
        notes.append(NoteEvent(max(0.0, start_qn + offset), length_qn, pitch, vel))
    notes.sort(key=lambda n: (n.start_qn, n.pitch))
    return notes


def drum_part_notes(score: Score, style: Style, rng: np.random.Generator) -> tuple[NoteEvent, ...]:
    raw: list[tuple[float, int, int]] = []
    for section in score.sections:
        for bar in range(section.start_bar, section.end_bar):
            for step, pitch, velocity in _section_bar_hits(score, style, section, bar, rng):
                raw.append((bar * score.bar_qn + step * STEP_QN, pitch, velocity))
    return tuple(_humanise(raw, score, style, rng, STEP_QN))


_BIG_DRUM_WORDS = ("taiko", "timpani", "tom", "surdo", "djembe", "dhol", "war drum", "frame drum")


def names_big_drums(instrument_names: tuple[str, ...], words: tuple[str, ...] = _BIG_DRUM_WORDS) -> bool:
    return any(word in name.lower() for name in instrument_names for word in words)


def big_drum_hits(score: Score) -> list[tuple[float, int, int]]:
    """(qn, GM note, velocity) of big drums: tuned toms on every beat, accented on the downbeat,
    with a roll into each new section."""
    steps_per_bar = round(score.bar_qn * 4)
    groups = beat_groups(score.beats_per_bar, score.beat_unit)
    starts = [sum(groups[:i]) for i in range(len(groups))]
    raw: list[tuple[float, int, int]] = []
    for section in score.sections:
        for bar in range(section.start_bar, section.end_bar):
            bar_qn = bar * score.bar_qn
            for index, step in enumerate(starts):
                raw.append(
                    (bar_qn + step * STEP_QN, TOM_LOW if index == 0 else TOM_MID, 118 if index == 0 else 92)
                )
            if bar == section.end_bar - 1 and section.energy > 0.4:
                raw += [
                    (bar_qn + s * STEP_QN, TOM_HIGH, 70 + 4 * i)
                    for i, s in enumerate(range(steps_per_bar - 4, steps_per_bar))
                ]
    return raw


def percussion_part_notes(
    score: Score, style: Style, rng: np.random.Generator, instrument_names: tuple[str, ...] = ()
) -> tuple[NoteEvent, ...]:
    """Shakers, congas, tambourine and claves layered over the kit; denser with energy. Named big
    drums (taiko, timpani, ...) add tuned toms on every beat, accented on the downbeat, with a roll
    into each new section."""
    steps_per_bar = round(score.bar_qn * 4)
    raw: list[tuple[float, int, int]] = []
    if names_big_drums(instrument_names):
        raw += big_drum_hits(score)
    latin = style.drum_feel in (DrumFeel.DEMBOW,)
    for section in score.sections:
        if section.name is SectionName.INTRO and section.bars > 1:
            continue
        energy = section.energy
        conga_steps = sorted(
            rng.choice(steps_per_bar, size=max(2, steps_per_bar // 5), replace=False).tolist()
        )
        for bar in range(section.start_bar, section.end_bar):
            bar_qn = bar * score.bar_qn
            for step in range(steps_per_bar):
                accent = step % 4 == 2
                if score.bpm < 90.0:  # slow grooves: the shaker marks the beat, not the eighths
                    if step % 4 == 0:
                        raw.append((bar_qn + step * STEP_QN, SHAKER, 70))
                elif step % 2 == 0 or energy > 0.5:
                    raw.append((bar_qn + step * STEP_QN, SHAKER, 72 if accent else 44))
            if section.name is not SectionName.BREAKDOWN:
                for step in conga_steps:
                    raw.append((bar_qn + step * STEP_QN, CONGA_MUTE if step % 4 else CONGA_OPEN, 84))
                if energy > 0.6:
                    raw += [(bar_qn + s * STEP_QN, TAMBOURINE, 70) for s in range(4, steps_per_bar, 8)]
            if latin:
                raw += [(bar_qn + s * STEP_QN, CLAVES, 90) for s in (0, 6, 12) if s < steps_per_bar]
    return tuple(_humanise(raw, score, style, rng, STEP_QN))
