"""The only tags and filters a letter template may use: a safe subset of Django's builtins.

Left out: anything that reaches outside the letter (`load`, `include`, `extends`, `url`,
`csrf_token`, `debug`), that marks text as safe HTML or produces markup (`safe`, `autoescape`,
`urlize`, `linebreaks`, `unordered_list`, `json_script`), or that prints Python internals
(`pprint`). A letter is rendered as text and escaped where it becomes HTML.
"""

from __future__ import annotations

from django.template import Library, defaultfilters, defaulttags

ALLOWED_TAGS = frozenset(
    {
        "comment",
        "cycle",
        "filter",
        "firstof",
        "for",
        "if",
        "ifchanged",
        "now",
        "regroup",
        "resetcycle",
        "templatetag",
        "verbatim",
        "widthratio",
        "with",
    }
)
ALLOWED_FILTERS = frozenset(
    {
        "add",
        "capfirst",
        "center",
        "cut",
        "date",
        "default",
        "default_if_none",
        "dictsort",
        "dictsortreversed",
        "divisibleby",
        "first",
        "floatformat",
        "join",
        "last",
        "length",
        "ljust",
        "lower",
        "pluralize",
        "rjust",
        "slice",
        "stringformat",
        "striptags",
        "title",
        "truncatechars",
        "truncatewords",
        "upper",
        "wordcount",
        "wordwrap",
        "yesno",
    }
)

register = Library()
register.tags = {k: v for k, v in defaulttags.register.tags.items() if k in ALLOWED_TAGS}
register.filters = {
    k: v for k, v in defaultfilters.register.filters.items() if k in ALLOWED_FILTERS
}
