"""Word letter templates: a .docx with Jinja merge fields, filled in by docxtpl (ADR 0160).

The template is Jinja inside Word (`{{ stage.due_on }}`, `{% if %}`, `{%tr for %}` rows),
rendered in a sandboxed environment that knows only the filters below, no globals, no
macros, calls, includes or imports, and the same plain-data context as the text templates
(`letters.letter_context`): a Word template cannot reach anything a letter does not show.
Values are escaped as XML, so nothing in a case can add Word markup.

A template is checked before it is saved: that it is a Word document without macros, that
its merge fields parse (the refusal quotes the paragraph of the mistake), that it uses only
allowed tags and filters, and that every merge field it names exists, by filling it in with
the made-up values of `letters.sample_context`.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateError, TemplateSyntaxError, Undefined, nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from harken.core.errors import ApplicationError

from . import letters

# Jinja's builtin filters that only reshape text, numbers and lists. Left out: anything that
# produces markup or marks text safe (`safe`, `forceescape`, `urlize`, `xmlattr`, `tojson`),
# prints Python internals (`pprint`), calls other filters or attributes by name (`map`,
# `select`, `reject`, `selectattr`, `rejectattr`, `attr`, `groupby`), or pads text to a width
# a template could make enormous (`center`, `indent`).
ALLOWED_FILTERS = frozenset(
    {
        "abs",
        "capitalize",
        "count",
        "d",
        "default",
        "first",
        "float",
        "int",
        "join",
        "last",
        "length",
        "list",
        "lower",
        "replace",
        "reverse",
        "round",
        "sort",
        "string",
        "striptags",
        "sum",
        "title",
        "trim",
        "truncate",
        "unique",
        "upper",
        "wordcount",
        "wordwrap",
    }
)
ALLOWED_TAGS_TEXT = "if, elif, else, for, set, with, filter and raw"

# Statements a letter has no use for, each with the words of its refusal.
_REFUSED: tuple[tuple[type[nodes.Node], str], ...] = (
    (nodes.Macro, "macros ({% macro %}) are not allowed"),
    (nodes.CallBlock, "{% call %} is not allowed"),
    (nodes.Include, "{% include %} is not allowed"),
    (nodes.Import, "{% import %} is not allowed"),
    (nodes.FromImport, "{% from … import %} is not allowed"),
    (nodes.Extends, "{% extends %} is not allowed"),
    (nodes.Block, "{% block %} is not allowed"),
    (nodes.Call, "calling a function, for example range() or .items(), is not allowed"),
    # "x" * 10 ** 9 would fill the server's memory: a letter has no use for arithmetic on text.
    (nodes.Mul, "multiplying (*) is not allowed"),
    (nodes.Pow, "powers (**) are not allowed"),
)

_PARTS = {"body": "the main text", "header": "a header", "footer": "a footer"}


class _Named(dict[str, Any]):
    """A sample context's dictionary that knows its placeholder name, to name a missing one."""

    _hk_path = ""


def _named(value: Any, path: str) -> Any:
    if isinstance(value, dict):
        named = _Named({k: _named(v, f"{path}.{k}" if path else k) for k, v in value.items()})
        named._hk_path = path
        return named
    if isinstance(value, list):
        item_path = "element" if path == "elements" else path
        return [_named(item, item_path) for item in value]
    return value


def _recording_undefined(found: list[str]) -> type[Undefined]:
    class Recording(Undefined):
        """Notes every merge field looked up that the context does not have."""

        __slots__ = ()

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            name = self._undefined_name
            if name is None:
                return
            owner = getattr(self._undefined_obj, "_hk_path", "")
            full = f"{owner}.{name}" if owner else str(name)
            if full not in found:
                found.append(full)

    return Recording


_LOOP_ATTRIBUTES = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0"}
)


class LetterSandbox(SandboxedEnvironment):
    """A value is only ever looked up by its key: `stage.due_on` is `stage["due_on"]`, and no
    attribute or method of a value (`stage.items`, a string's methods) can be reached, except
    the loop's counters (`loop.index`)."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        from jinja2.runtime import LoopContext

        return isinstance(obj, LoopContext) and attr in _LOOP_ATTRIBUTES


def environment(*, undefined: type[Undefined] = Undefined) -> LetterSandbox:
    """The sandbox: no globals, only the allowed filters, values escaped as XML."""
    env = LetterSandbox(autoescape=True, undefined=undefined)
    env.globals.clear()
    env.filters = {k: v for k, v in env.filters.items() if k in ALLOWED_FILTERS}
    return env


# --- Reading the template's source as docxtpl sees it ------------------------------------------


@dataclass(frozen=True)
class _Source:
    part: str  # "body", "header" or "footer"
    xml: str  # one paragraph a line, as docxtpl renders it


def _sources(data: bytes) -> Iterator[_Source]:
    from docxtpl import DocxTemplate

    template = DocxTemplate(io.BytesIO(data))
    template.render_init()
    yield _Source("body", template.patch_xml(template.get_xml()))
    for part_name, uri in (("header", template.HEADER_URI), ("footer", template.FOOTER_URI)):
        for _key, part in template.get_headers_footers(uri):
            yield _Source(part_name, template.patch_xml(template.get_part_xml(part)))
    for prop in ("author", "comments", "identifier", "language", "subject", "title"):
        value = getattr(template.docx.core_properties, prop) or ""
        if value:
            yield _Source("properties", value)


def _one_paragraph_a_line(xml: str) -> str:
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


def _paragraph_text(xml: str, lineno: int | None) -> str:
    if not lineno:
        return ""
    lines = xml.splitlines()
    if not 0 < lineno <= len(lines):
        return ""
    text = html.unescape(re.sub(r"<[^>]+>", "", lines[lineno - 1])).strip()
    return text if len(text) <= 80 else text[:79] + "…"


def _where(source: _Source, lineno: int | None) -> str:
    if source.part == "properties":
        return " (in the document's properties: File, Info in Word)"
    part = _PARTS[source.part]
    text = _paragraph_text(source.xml, lineno)
    return f" (in {part}, in the paragraph “{text}”)" if text else f" (in {part})"


def _sentence(message: str) -> str:
    message = message.strip()
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "?", "!")) else message + "."


def _refuse(message: str) -> ApplicationError:
    return ApplicationError.for_field("file", message)


def _walk(node: nodes.Node) -> Iterator[tuple[nodes.Node, int]]:
    for child in node.iter_child_nodes():
        yield child, child.lineno
        yield from _walk(child)


def _check_nodes(tree: nodes.Template, source: _Source) -> None:
    for node, lineno in _walk(tree):
        for node_type, words in _REFUSED:
            if isinstance(node, node_type):
                raise _refuse(
                    _sentence(f"The Word template cannot be used: {words}{_where(source, lineno)}")
                )
        if isinstance(node, nodes.Filter):  # also the filter of a {% filter %} block
            filter_name = node.name
            if filter_name not in ALLOWED_FILTERS:
                raise _refuse(
                    _sentence(
                        f'The Word template cannot be used: the filter "{filter_name}" is not '
                        f"allowed{_where(source, lineno)}. The filters you can use are listed "
                        "in the guide"
                    )
                )


def text_of(data: bytes) -> str:
    """The template's text, merge fields and all, paragraph by paragraph (kept as its body)."""
    from docx import Document as WordDocument

    document = WordDocument(io.BytesIO(data))
    lines: list[str] = []
    for section in document.sections[:1]:
        lines += [p.text for p in section.header.paragraphs if p.text.strip()]
    for block in _content(document):
        lines.append(block)
    for section in document.sections[:1]:
        lines += [p.text for p in section.footer.paragraphs if p.text.strip()]
    return "\n".join(lines)


def _content(document: Any) -> Iterator[str]:
    from docx.table import Table

    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                yield " | ".join(cell.text for cell in row.cells)
        elif item.text.strip():
            yield item.text


def check(data: bytes) -> str:
    """Refuse a Word template that cannot be filled in; returns its text (see `text_of`)."""
    try:
        sources = list(_sources(data))
    except Exception as exc:  # python-docx's and lxml's errors for a damaged file, and zipfile's
        raise _refuse(
            "The selected file cannot be opened as a Word document: it may be damaged. Save it "
            "again in Word as a Word Document (.docx) and upload that"
        ) from exc
    env = environment()
    for source in sources:
        xml = _one_paragraph_a_line(source.xml)
        located = _Source(source.part, xml)
        try:
            tree = env.parse(xml)
        except TemplateSyntaxError as exc:
            raise _refuse(
                _sentence(
                    "The Word template cannot be used: "
                    f"{_sentence(exc.message or str(exc)).rstrip('.')}"
                    f"{_where(located, exc.lineno)}"
                )
            ) from exc
        _check_nodes(tree, located)
    missing: list[str] = []
    for sample in (
        letters.sample_context(),
        letters.sample_context(last_stage=True, child_complainant=True),
    ):
        strict = environment(undefined=_recording_undefined(missing))
        try:
            render(data, {k: _named(v, k) for k, v in sample.items()}, env=strict)
        except SecurityError as exc:
            raise _refuse(_sentence(f"The Word template cannot be used: {exc}")) from exc
        except TemplateError as exc:
            raise _refuse(
                _sentence(f"The Word template cannot be filled in: {exc.message or exc}")
            ) from exc
        except Exception as exc:  # an error inside a filter: refuse rather than fail later
            raise _refuse(_sentence(f"The Word template cannot be filled in: {exc}")) from exc
    if missing:
        names = ", ".join("{{ " + m + " }}" for m in missing)
        raise _refuse(
            f"The Word template uses merge fields that do not exist: {names}. Check their "
            "spelling against the list of merge fields"
        )
    return text_of(data)


# --- Filling it in --------------------------------------------------------------------------

# Characters docxtpl turns into Word markup (tab, new paragraph, page break) or that Word
# cannot hold: none may come from a case. A blank line in the typed text is a new paragraph.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return _CONTROL.sub("", value.replace("\r\n", "\n"))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def word_context(context: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = _plain(context)
    letter = dict(cleaned.get("letter") or {})
    if letter.get("text"):
        letter["text"] = re.sub(r"\n[ \t]*\n\s*", "\a", letter["text"])
    return {**cleaned, "letter": letter}


def render(data: bytes, context: dict[str, Any], *, env: LetterSandbox | None = None) -> bytes:
    """The template filled in from `context`, as a .docx."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(io.BytesIO(data))
    template.render(context, jinja_env=env or environment(), autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


# --- The filled-in document as text, for the preview and the PDF --------------------------------


def _is_heading(paragraph: Any) -> bool:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    return name.startswith("Heading") or name == "Title"


def _is_list(paragraph: Any) -> bool:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    numbered = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
    return name.startswith("List") or numbered


def blocks_of(data: bytes) -> list[letters.Block]:
    """The merged document's text as the letter's blocks: its header's paragraphs, then its
    paragraphs, headings, lists and tables in order, then its footer's."""
    from docx import Document as WordDocument
    from docx.table import Table

    document = WordDocument(io.BytesIO(data))
    blocks: list[letters.Block] = []
    items: list[str] = []

    def flush() -> None:
        if items:
            blocks.append(letters.Block("ul", items=tuple(items)))
            items.clear()

    def paragraphs(source: Callable[[], Iterator[Any]]) -> None:
        for item in source():
            if isinstance(item, Table):
                flush()
                rows = tuple(tuple(cell.text.strip() for cell in row.cells) for row in item.rows)
                if any(any(cell for cell in row) for row in rows):
                    blocks.append(letters.Block("table", rows=rows))
                continue
            text = item.text.strip()
            if not text:
                continue
            if _is_list(item) and not _is_heading(item):
                items.append(text)
                continue
            flush()
            if _is_heading(item):
                level = 2 if any(b.kind == "h" for b in blocks) else 1
                blocks.append(letters.Block("h", text, level=level))
            else:
                blocks.append(letters.Block("p", text))
        flush()

    section = document.sections[0] if document.sections else None
    if section is not None:
        paragraphs(lambda: iter(section.header.paragraphs))
    paragraphs(document.iter_inner_content)
    if section is not None:
        paragraphs(lambda: iter(section.footer.paragraphs))
    return blocks


# --- A starter template -----------------------------------------------------------------------


def starter() -> bytes:
    """A Word template to start from: a letter using the usual merge fields, a table of the
    points of complaint filled by a `{%tr for %}` loop, and a guide left out of every letter."""
    from docx import Document as WordDocument
    from docx.shared import Pt

    document = WordDocument()
    style = document.styles["Normal"]
    style.font.name = letters.WORD_FONT
    style.font.size = Pt(12)
    document.core_properties.title = "Letter template"
    document.core_properties.language = "en-GB"

    def para(text: str, *, style_name: str | None = None) -> None:
        document.add_paragraph(text, style=style_name)

    para("{%p if false %}")
    para("How to use this template", style_name="Heading 2")
    para(
        'This section, down to the line "endif", is left out of every letter. Change the '
        "wording below as you like, keeping the merge fields in double curly brackets, for "
        "example {{ stage.due_on }}: Harken fills them in from the case. Dates are already "
        'written out, for example "4 January 2024".'
    )
    para(
        "Wording that depends on the case, and the table row repeated for each point of "
        "complaint, are shown below: a paragraph holding only an if, else or endif tag written "
        "with %p, and a table row holding only a for or endfor tag written with %tr. The "
        "template's page in Harken lists every merge field, with an example of each."
    )
    para("Save it as a Word Document (.docx) and upload it on the letter template's page.")
    para("{%p endif %}")
    header = document.sections[0].header.paragraphs[0]
    header.text = "{{ council_name }}, {{ service_name }}"
    para("{{ letter.date }}")
    para("{%p for line in complainant.address_lines %}")
    para("{{ line }}")
    para("{%p endfor %}")
    para("Our reference: {{ case.reference }}")
    para("Dear {{ complainant.name }}")
    para("Your complaint: {{ case.summary }}", style_name="Heading 1")
    para(
        "Thank you for your complaint, which we received on {{ case.received_on }}. These are "
        "the points of complaint as we understand them:"
    )
    table = document.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Point", "Summary", "Outcome"), strict=True):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for element in elements %}"
    for cell, text in zip(
        table.rows[2].cells,
        ("{{ element.number }}", "{{ element.summary }}", "{{ element.outcome }}"),
        strict=True,
    ):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    para("{%p if stage %}")
    para(
        "We will respond by {{ stage.due_on }}{% if stage.due_reason %} "
        "({{ stage.due_reason }}){% endif %}."
    )
    para("{%p endif %}")
    para("{{ letter.text }}")
    para("{%p if child_involved %}")
    para(
        "An advocate can help a child or young person say what they think. Tell us if you "
        "would like us to arrange one."
    )
    para("{%p endif %}")
    para(
        "If you are not satisfied at the end of our procedure you can contact the "
        "{{ ombudsman.name }} ({{ ombudsman.website }}, {{ ombudsman.phone }})."
    )
    para("Yours sincerely")
    para("{{ officer.name }}")
    para("{{ officer.job_title }}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
