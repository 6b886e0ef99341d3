"""What Harken accepts as text, in one place: the public forms, the API, the import and the
services all ask these functions, so each refuses the same things with the same words.

- **Control characters** (NUL, the other C0 and C1 codes; tab and line endings are fine) are
  refused everywhere: PostgreSQL cannot store a NUL, a spreadsheet cannot hold most of the
  others, and none of them is something a person meant to write.
- **Text-direction controls** (the embeddings, overrides and isolates U+202A-U+202E and
  U+2066-U+2069) are refused in names and other one-line identifiers, where they can make a
  name read backwards ("Trojan Source"). Free text keeps them, and the marks (LRM, RLM, ALM)
  that right-to-left writing needs are allowed everywhere.
- **Text with nothing visible** (only spaces, zero-width characters, combining marks with
  nothing to sit on, or fillers) counts as empty: a name or a required answer must have at
  least one letter, number, punctuation mark or symbol.
- **Shortening** counts code points, as the database does, so a summary cut from writing
  rich in combining marks (Arabic with its vowel marks, "Zalgo") still fits its column.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

# Tab, line feed and carriage return are how people lay out what they write.
LAYOUT = frozenset("\t\n\r")
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Letters and symbols that draw nothing (Hangul fillers, the blank Braille pattern).
BLANK_GRAPHICS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
ELLIPSIS = "\u2026"


class Problem:
    """What is wrong with a piece of text, as a code (also the end of its message)."""

    CONTROL = "control"
    DIRECTION = "direction"
    # Half of a UTF-16 pair with no other half ("\ud800"): JSON can carry it, nothing can
    # store or show it.
    BROKEN = "broken"


MESSAGES = {
    Problem.CONTROL: "must not contain control characters (invisible characters that some "
    "programs add when text is copied): type it again, or paste it as plain text",
    Problem.DIRECTION: "must not contain characters that change the direction of the text",
    Problem.BROKEN: "must be text: it holds a broken character (half of a UTF-16 pair)",
}


def is_control(char: str) -> bool:
    """A control character that is not layout (tab, line feed, carriage return)."""
    return unicodedata.category(char) == "Cc" and char not in LAYOUT


def has_visible(text: str) -> bool:
    """Whether the text shows anything: a letter, number, punctuation mark or symbol, or a
    mark that takes space of its own (the vowel signs of Indian scripts)."""
    return any(
        (unicodedata.category(char)[0] in "LNPS" or unicodedata.category(char) in ("Mc", "Me"))
        and char not in BLANK_GRAPHICS
        for char in text
    )


def problem(text: str, *, one_line: bool = False) -> str | None:
    """The first thing wrong with `text`, or None. `one_line`: a name or an identifier, which
    may not change the direction of the text either."""
    for char in text:
        if is_control(char):
            return Problem.CONTROL
        if "\ud800" <= char <= "\udfff":
            return Problem.BROKEN
        if one_line and char in DIRECTION_CONTROLS:
            return Problem.DIRECTION
    return None


def message(what: str, code: str) -> str:
    """The message for a problem, starting with what the text is ("Last name must not...")."""
    return f"{what[:1].upper()}{what[1:]} {MESSAGES[code]}"


def problems_in(
    data: Any, path: tuple[str, ...] = (), *, keys: str | None = None
) -> Iterator[tuple[tuple[str, ...], str]]:
    """Each string in parsed JSON or form data with a control character, by its path
    (("people", "0", "first_name"), ...). Keys are checked for the problem `keys` only (a
    key no field has is ignored; one with a broken character could not be named in an
    error); every problem, if None."""
    if isinstance(data, str):
        found = problem(data)
        if found:
            yield path, found
    elif isinstance(data, dict):
        for key, value in data.items():
            name = str(key)
            found = problem(name)
            if found and keys in (None, found):
                # Named without the bad character, which the error's JSON could not carry.
                yield (*path, name.encode("utf-8", "replace").decode()), found
            yield from problems_in(value, (*path, name), keys=keys)
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            yield from problems_in(value, (*path, str(index)), keys=keys)


def shorten(text: str, length: int) -> str:
    """`text` in at most `length` code points, cut at a word where one is near, with an
    ellipsis if anything was cut; never leaves a combining mark without its letter."""
    if len(text) <= length:
        return text
    cut = text[: max(0, length - 1)]
    # Not in the middle of a letter and its marks: drop the letter with them.
    while cut and unicodedata.combining(text[len(cut)]):
        cut = cut[:-1]
    space = cut.rfind(" ")
    if space > length * 2 // 3:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS
