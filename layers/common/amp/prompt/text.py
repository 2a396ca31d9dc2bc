"""Text clean-up and negation scopes shared by every extractor."""

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

MAX_PARSE_CHARS = 2000
"""Longer prompts are cut here (the API caps prompts at the same length); the spec's notes say so."""

_REPLACEMENTS = str.maketrans(
    {
        "♯": "#",
        "♭": "b",
        "♮": "",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "−": "-",
        "\u00a0": " ",
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(text: str) -> tuple[str, list[str]]:
    """Cap the length, fold unicode look-alikes (♯ ♭, curly quotes, dashes) to ASCII and drop control
    characters. Returns the cleaned text (case kept: key names need it) and notes."""
    notes: list[str] = []
    if len(text) > MAX_PARSE_CHARS:
        notes.append(f"prompt was {len(text)} characters; only the first {MAX_PARSE_CHARS} were read")
        text = text[:MAX_PARSE_CHARS]
    text = unicodedata.normalize("NFKC", text).translate(_REPLACEMENTS)
    text = _CONTROL.sub(" ", text)
    return text, notes


_NEGATOR = re.compile(
    r"(?<![\w-])(?:no|neither|without|w/o|minus|excluding|exclude|except(?: for)?|lacking|sans|zero"
    r"|not(?: any)?|don'?t (?:want|use|include|add|need|put)(?: any)?"
    r"|do not (?:want|use|include|add|need|put)(?: any)?|avoid(?:ing)?|skip(?:ping)?|leave out|free of"
    r"|devoid of|absence of|lack of|lacks|instead of|rather than|never|nor|remove)"
    r"(?![\w-])"
)
_SCOPE_END = re.compile(
    r"[,.;:!?()\n\"]|(?<![\w-])(?:but|with|just|only|yet|while|though|although|instead|plus|featuring|feat"
    r"|over|under|then|so|because|which|that|where|who|and (?:a|an|the|some|lots|plenty|heavy|big|lush|warm"
    r"|deep|fat|punchy|driving|rolling|soft|bright|dark|strong|plenty|more|add|use|keep|make))(?![\w-])"
)
_MAX_SCOPE_CHARS = 48
_DEGREE = re.compile(r"\s+(?:too|so|very|overly|that|really|particularly|super|quite|as)\s+[\w-]+")


@dataclass(frozen=True)
class NegationScopes:
    """Character spans of lower-cased text that a negator governs ("no drums or bass, heavy pads" ->
    "drums or bass"). A scope ends at punctuation, a clause word (but, with, ...) or 48 characters."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def find(cls, lowered: str) -> "NegationScopes":
        starts: list[int] = []
        ends: list[int] = []
        for negator in _NEGATOR.finditer(lowered):
            start = negator.end()
            degree = _DEGREE.match(lowered, start) if negator.group(0).startswith("not") else None
            if degree:
                # "not too fast lo-fi": only "too fast" is negated, not the genre after it
                end = degree.end()
            else:
                window_end = min(len(lowered), start + _MAX_SCOPE_CHARS)
                stop = _SCOPE_END.search(lowered, start, window_end)
                end = stop.start() if stop else window_end
            if starts and start <= ends[-1]:
                ends[-1] = max(ends[-1], end)
            else:
                starts.append(start)
                ends.append(end)
        return cls(tuple(starts), tuple(ends))

    def covers(self, position: int) -> bool:
        index = bisect_right(self.starts, position) - 1
        return index >= 0 and position < self.ends[index]
