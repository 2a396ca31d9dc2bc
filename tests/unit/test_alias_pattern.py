"""The style names' pattern is built from names x suffixes ("Chopin-style", "Debussyesque") without
compiling a trie of every combination: it must find exactly what that trie finds."""

from amp.prompt import styles
from amp.prompt.instruments import alias_pattern


def _texts() -> list[str]:
    texts: list[str] = []
    for alias in list(styles.STYLE_WORDS)[::7]:
        texts += [
            alias,
            f"a piece in the manner of {alias}, slow",
            f"{alias}-ish",
            f"{alias.replace(' ', '-')} tune",
            f"not {alias}esque at all",
            f"x{alias}",
            f"{alias}s and more",
        ]
    return texts


def test_names_with_suffixes_match_what_every_combination_matches() -> None:
    combined = alias_pattern(list(styles.STYLE_WORDS))
    for text in _texts():
        expected = [(m.start(), m.end()) for m in combined.finditer(text)]
        assert [(m.start(), m.end()) for m in styles.STYLE_PATTERN.finditer(text)] == expected, text
    assert len(styles.STYLE_PATTERN.pattern) * 3 < len(combined.pattern)


def test_suffixes_are_optional_only_when_the_empty_suffix_is_given() -> None:
    optional = alias_pattern(["bach"], ("", " style"))
    required = alias_pattern(["bach"], (" style",))
    assert [m.group(0) for m in optional.finditer("bach, bach-style, bach style")] == [
        "bach",
        "bach-style",
        "bach style",
    ]
    assert [m.group(0) for m in required.finditer("bach, bach-style")] == ["bach-style"]
