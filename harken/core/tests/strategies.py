"""Hostile text for property tests: the classes of input that have caused server errors or
broken records (issue 10, item 8), shared by the public forms', the API's and the import's
tests."""

from __future__ import annotations

from hypothesis import strategies as st

# Arabic with its vowel marks, and "Zalgo": several combining marks on each letter.
MARKED = st.text(
    alphabet=st.sampled_from("\u0632\u0633\u0645\u064e\u064f\u0650\u0651\u0652"),
    min_size=1,
    max_size=300,
)
ZALGO = st.lists(
    st.tuples(
        st.sampled_from("abcdefghij"),
        st.text(alphabet=st.characters(categories=["Mn"]), min_size=1, max_size=12),
    ).map("".join),
    min_size=1,
    max_size=60,
).map("".join)
CONTROL = st.sampled_from(
    ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1b[2J", "\x7f", "\x85", "\x9b"]
)
ZERO_WIDTH = st.text(alphabet=st.sampled_from("\u200b\u200c\u200d\u2060\ufeff\u180e"), min_size=1)
DIRECTION = st.sampled_from(["\u202e", "\u202d", "\u202a", "\u202b", "\u2066", "\u2067", "\u2069"])
PLAIN = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60)

# Strings with control characters, direction controls and zero-width characters mixed into
# ordinary words at random places.
MIXED = st.lists(
    st.one_of(PLAIN, CONTROL, DIRECTION, ZERO_WIDTH, MARKED), min_size=1, max_size=6
).map("".join)

FIXED = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202eevil",
    "\u200b",
    "\u200b\u200d\u2060",
    "\u0301\u0302",
    "\u3164",
    "'; DROP TABLE cases_case; --",
    "<script>alert(1)</script>",
    "{{ 7|add:7 }}{% debug %}",
    '=HYPERLINK("http://evil.example")',
    "+44 1234",
    "@SUM(A1)",
    "%s%n%x",
    "../../../etc/passwd",
    "x" * 6000,
]

HOSTILE_TEXT = st.one_of(
    st.sampled_from(FIXED), MIXED, MARKED, ZALGO, CONTROL, ZERO_WIDTH, DIRECTION, PLAIN
)
