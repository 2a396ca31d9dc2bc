"""Where each section of the song starts and ends: the `sections.json` artifact and the MIDI files'
marker meta-events come from this one list, so a DAW, the web app's timeline and QA agree.

Times go through the score's tempo map (`Score.time_s`), so they are the sample positions the stems
were rendered at (a bar line at exactly `round(start_s * SAMPLE_RATE)`)."""

import json
from dataclasses import dataclass
from typing import Any

from amp.compose.rendition import performed_form
from amp.compose.score import Score
from amp.domain.spec import MusicSpec


@dataclass(frozen=True, slots=True)
class SectionMarker:
    name: str
    bars: int
    energy: float
    start_bar: int
    start_qn: float
    start_s: float
    end_s: float


def section_markers(score: Score) -> list[SectionMarker]:
    return [
        SectionMarker(
            name=section.title,
            bars=section.bars,
            energy=round(section.energy, 3),
            start_bar=section.start_bar,
            start_qn=section.start_bar * score.bar_qn,
            start_s=score.time_s(section.start_bar * score.bar_qn),
            end_s=score.time_s(section.end_bar * score.bar_qn),
        )
        for section in score.sections
    ]


def sections_document(spec: MusicSpec) -> dict[str, Any]:
    """The `sections.json` artifact: {"bpm", "time_signature", "sections": [{"name", "bars", "energy",
    "start_bar", "start_s", "end_s"}]} for the spec's form as performed (the composer's own, without
    its parts; an edited song's after its score operations: an extension's added section)."""
    score = performed_form(spec)
    return {
        "bpm": spec.bpm,
        "time_signature": spec.time_signature,
        "sections": [
            {
                "name": marker.name,
                "bars": marker.bars,
                "energy": marker.energy,
                "start_bar": marker.start_bar,
                "start_s": round(marker.start_s, 6),
                "end_s": round(marker.end_s, 6),
            }
            for marker in section_markers(score)
        ],
    }


def sections_json(spec: MusicSpec) -> bytes:
    return json.dumps(sections_document(spec), indent=2).encode()
