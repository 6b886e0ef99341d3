"""Every change to documents and letter templates: checked, stored and audited.

A file is written to storage before its row; if the row or its timeline event cannot be
saved, the file is deleted again (and `harken prune-document-files` removes any a rolled-back
outer transaction left behind).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from harken import access
from harken.accounts.models import User
from harken.cases import services as case_services
from harken.cases.models import Case, Stage, TimelineEvent
from harken.core import checks
from harken.core.audit import record_event, set_fields
from harken.core.dates import today
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.storage import save_file
from harken.ops import crypto

from . import conf, filetypes, letters, scanning, word
from .models import (
    Document,
    DocumentKind,
    LetterKind,
    LetterTemplate,
    LetterTemplateRevision,
    ScanStatus,
    TemplateFormat,
)
from .selectors import appointee_stage

Verb = TimelineEvent.Verb

logger = logging.getLogger(__name__)

STORAGE_PREFIX = "documents/"
TEMPLATE_PREFIX = "letter-templates/"


@dataclass(frozen=True)
class CheckedFile:
    """A file's facts, ready to be saved as a document."""

    content: IO[bytes]
    filename: str
    content_type: str
    extension: str
    size: int
    sha256: str
    scan_status: str = ScanStatus.NOT_SCANNED


def _chunks(file: IO[bytes], size: int = 256 * 1024) -> Iterator[bytes]:
    file.seek(0)
    while chunk := file.read(size):
        yield chunk


def _sha256(file: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in _chunks(file):
        digest.update(chunk)
    return digest.hexdigest()


def _save_documents(
    *,
    case: Case,
    actor: User | None,
    files: list[CheckedFile],
    kind: str,
    description: str,
    verb: TimelineEvent.Verb,
    event: str,
    template: LetterTemplate | None = None,
    stage: Stage | None = None,
) -> list[Document]:
    """Write the files, then their rows and one timeline event in one transaction; if that
    fails, delete the files again."""
    names: list[str] = []
    try:
        for item in files:
            item.content.seek(0)
            names.append(
                save_file(
                    default_storage,
                    f"{STORAGE_PREFIX}{uuid.uuid4().hex}{item.extension}",
                    item.content,
                    message="The file could not be saved just now (the storage is full or "
                    "unavailable), so nothing has been added to the case. Try again later, "
                    "and tell your IT service desk if it happens again.",
                )
            )
        with transaction.atomic():
            documents = [
                Document.objects.create(
                    case=case,
                    kind=kind,
                    filename=item.filename,
                    storage_name=name,
                    content_type=item.content_type,
                    size=item.size,
                    sha256=item.sha256,
                    description=description,
                    scan_status=item.scan_status,
                    letter_template=template,
                    letter_template_version=template.version if template else None,
                    stage=stage,
                    uploaded_by=actor,
                )
                for item, name in zip(files, names, strict=True)
            ]
            record_event(
                case=case,
                actor=actor,
                verb=verb,
                description=event,
                changes={"documents": [None, ", ".join(d.filename for d in documents)]},
            )
    except BaseException:
        for name in names:
            default_storage.delete(name)
        raise
    return documents


def _check_size(file: Any) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    if size == 0:
        raise ApplicationError.for_field("file", "The selected file is empty")
    if size > conf.max_upload_bytes():
        raise ApplicationError.for_field(
            "file", f"The selected file must be smaller than {conf.max_upload_mb()}"
        )
    return int(size)


def scan_upload(
    file: IO[bytes], *, log_context: str, infected_message: str, unavailable_message: str
) -> str:
    """Stream an upload to ClamAV (when configured); refuse it, beside the "file" field, if
    it carries a virus, or if it could not be checked and scanning is required. Returns the
    scan status. `log_context` names the place in logs: never a file or person's name."""
    result = scanning.scan(_chunks(file))
    if result.status == ScanStatus.INFECTED:
        logger.warning("Upload refused: virus %s found (%s)", result.signature, log_context)
        raise ApplicationError.for_field(
            "file", infected_message.format(signature=result.signature)
        )
    if result.status == ScanStatus.ERROR:
        logger.error("Virus scan failed (%s): %s", log_context, result.error)
        if conf.clamd_required():
            raise ApplicationError.for_field("file", unavailable_message)
    return result.status


def upload_check(file: Any, *, log_context: str) -> CheckedFile:
    """An upload's checks, for every way a file reaches a case: not empty, not too big, its
    type from its content, a safe name, and a virus scan when clamd is configured. Refused:
    an ApplicationError beside "file" saying why."""
    if file is None:
        raise ApplicationError.for_field("file", "Select a file")
    size = _check_size(file)
    name = str(getattr(file, "name", "") or "")
    file_type = filetypes.detect(file, name)
    filename = filetypes.sanitise_filename(name, file_type)
    digest = _sha256(file)
    scan_status = scan_upload(
        file,
        log_context=log_context,
        infected_message="The selected file contains a virus ({signature}), so it has not been "
        "saved. Tell your IT service desk where the file came from.",
        unavailable_message="The selected file could not be checked for viruses, so it has not "
        "been saved. Try again later.",
    )
    return CheckedFile(
        content=file,
        filename=filename,
        content_type=file_type.mime,
        extension=file_type.extension,
        size=size,
        sha256=digest,
        scan_status=scan_status,
    )


_SCAN_NOTES: dict[str, str] = {
    ScanStatus.CLEAN: " (no virus found)",
    ScanStatus.ERROR: " (it could not be checked for viruses)",
}


def document_upload(*, case: Case, file: Any, actor: User, description: str = "") -> Document:
    """Keep an uploaded file on the case: its type checked from its content, scanned for
    viruses when clamd is configured, and the upload put on the case's timeline."""
    access.ensure_can_act(actor, case, "note")
    description = (description or "").strip()
    checks.length("description", description, what="the description", most=500, end="")
    stored = upload_check(file, log_context=f"case {case.reference}, user {actor.pk}")
    [document] = _save_documents(
        case=case,
        actor=actor,
        files=[stored],
        kind=DocumentKind.UPLOADED,
        description=description,
        # An appointee's upload (an IP's report) belongs to the stage they are appointed to:
        # that stage's appointees see it, another stage's do not (issue 14).
        stage=appointee_stage(user=actor, case=case),
        verb=Verb.DOCUMENT_UPLOADED,
        event=f"Document uploaded: {stored.filename}{_SCAN_NOTES.get(stored.scan_status, '')}",
    )
    return document


def documents_receive(
    *,
    case: Case,
    files: list[CheckedFile],
    actor: User | None,
    description: str,
    event: str,
    verb: TimelineEvent.Verb,
) -> list[Document]:
    """Keep files that came with an e-mail on the case (each passed `upload_check` first):
    one timeline event for them all. `actor` None: the mailbox's poller, for a reply that
    joined its case by itself. Who may add them is the caller's rule (the inbox's)."""
    if not files:
        return []
    return _save_documents(
        case=case,
        actor=actor,
        files=files,
        kind=DocumentKind.UPLOADED,
        description=description[:500],
        verb=verb,
        event=event,
    )


# --- Letters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterFiles:
    letter: letters.Letter
    docx: bytes
    pdf: bytes


def letter_build(
    *, case: Case, template: LetterTemplate, actor: User, text: str = "", on: dt.date | None = None
) -> letters.Letter:
    """The letter as it would be sent (for the preview); nothing is saved. A stage's response
    or extension letter is written by those who record them (the procedure's rule)."""
    return _letter(case=case, template=template, actor=actor, text=text, on=on)[0]


def _letter(
    *,
    case: Case,
    template: LetterTemplate,
    actor: User,
    text: str,
    on: dt.date | None,
    survey_link: str = "",
) -> tuple[letters.Letter, bytes | None]:
    """The letter, and for a Word template the filled-in .docx it was read from. Without
    `survey_link` a `{{ survey.link }}` shows the preview's words, not a link."""
    from harken.subjectaccess import rules

    access.ensure_can_act(actor, case, "respond")
    _ensure_may_write(actor, case, template.kind)
    rules.ensure_case_not_restricted(case, "no letter was made", field="template")
    checks.length("text", text or "", what="the text", most=10000, end="")
    context = letters.letter_context(case=case, actor=actor, on=on or today(), text=text or "")
    if survey_link:
        context["survey"] = {"link": survey_link}
    merged: bytes | None = None
    if template.format == TemplateFormat.WORD:
        merged = word.render(word_template_file(template=template), word.word_context(context))
        letter = letters.compose_word(
            blocks=word.blocks_of(merged),
            context=context,
            template_name=template.name,
            kind_label=template.get_kind_display(),
        )
    else:
        letter = letters.compose(
            body=template.body,
            context=context,
            template_name=template.name,
            kind_label=template.get_kind_display(),
        )
    warning = letters.findings_warning(body=template.body, kind=template.kind, context=context)
    if survey_link:
        letter = dataclasses.replace(
            letter, survey_link=survey_link, survey_qr_svg=letters.survey_qr_svg(survey_link)
        )
    elif letters.uses_survey_link(template.body):
        note = (
            "The survey link and its QR code are made when the letter is saved (once the case "
            "is closed); this preview shows where the link goes."
        )
        warning = f"{warning} {note}".strip()
    return (dataclasses.replace(letter, warning=warning) if warning else letter), merged


def word_template_file(*, template: LetterTemplate, version: int | None = None) -> bytes:
    """The Word file of a template's version (its current one by default)."""
    revision = template.revisions.get(version=version or template.version)
    if not revision.storage_name:
        raise ApplicationError(f"Version {revision.version} of this template has no Word file.")
    try:
        with default_storage.open(revision.storage_name, "rb") as file:
            return bytes(file.read())
    except (OSError, crypto.DecryptionError) as exc:
        # A missing file, storage that cannot be reached or a key not configured: said to
        # the person writing the letter, logged (without the file's name) for the site's staff.
        logger.error(
            "Letter template %s version %s: its file cannot be read (%s)",
            template.pk,
            revision.version,
            type(exc).__name__,
        )
        raise ApplicationError.for_field(
            "template",
            "The Word file of this letter template cannot be read just now, so the letter "
            "cannot be made from it. Try again later, and tell your IT service desk if it "
            "happens again",
        ) from exc


# Letters that say what only the stage's responders may record.
ANSWERING_KINDS = frozenset(
    {
        LetterKind.STAGE_RESPONSE,
        LetterKind.ADJUDICATION,
        LetterKind.PANEL_RESPONSE,
        LetterKind.EXTENSION,
    }
)


def _ensure_may_write(actor: User, case: Case, kind: str) -> None:
    if kind not in ANSWERING_KINDS or case.procedure_version is None:
        return
    stage = case.stages.order_by("-number").first()
    if stage is not None:
        case_services.ensure_may_answer(actor, stage)


@transaction.atomic
def letter_create(
    *, case: Case, template: LetterTemplate, actor: User, text: str = "", on: dt.date | None = None
) -> list[Document]:
    """Make the letter as Word and PDF and keep both on the case, with a timeline event. A
    letter printing `{{ survey.link }}` sends the case's survey by letter through the surveys'
    service, in the same transaction (docs/adr/0251)."""
    if not template.active:
        raise ApplicationError.for_field("template", "That letter template is no longer in use")
    survey_link = ""
    if letters.uses_survey_link(template.body):
        from harken.notifications import conf as notifications_conf
        from harken.surveys import services as surveys

        access.ensure_can_act(actor, case, "respond")
        child = bool(
            letters.letter_context(case=case, actor=actor, on=on or today())["complainant"][
                "is_child"
            ]
        )
        survey_link = surveys.invitation_for_letter(
            case=case, actor=actor, child=child, base_url=notifications_conf.site_url()
        )
    letter, merged = _letter(
        case=case, template=template, actor=actor, text=text, on=on, survey_link=survey_link
    )
    files = []
    for data, file_type in (
        (merged if merged is not None else letters.to_docx(letter), filetypes.DOCX),
        (letters.to_pdf(letter), filetypes.PDF),
    ):
        files.append(
            CheckedFile(
                content=ContentFile(data),
                filename=filetypes.sanitise_filename(
                    letter.filename_stem + file_type.extension, file_type
                ),
                content_type=file_type.mime,
                extension=file_type.extension,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
            )
        )
    return _save_documents(
        case=case,
        actor=actor,
        files=files,
        kind=DocumentKind.LETTER,
        description=f"{template.name} (version {template.version})",
        verb=Verb.LETTER_CREATED,
        event=f"Letter created from the template “{template.name}” (version "
        f"{template.version}): {files[0].filename} and {files[1].filename}",
        template=template,
        stage=letters.stage_answered(case, template.kind),
    )


# --- Letter templates -----------------------------------------------------------------------


def _ensure_editor(actor: User) -> None:
    if not access.may(actor, access.Perm.LETTER_TEMPLATES_EDIT):
        raise AccessDenied("Only feedback officers and administrators can change letter templates.")


def _clean_template(*, kind: str, name: str, body: str, exclude_pk: int | None) -> tuple[str, str]:
    name, errors = _name_and_kind(kind=kind, name=name, exclude_pk=exclude_pk)
    body = (body or "").replace("\r\n", "\n")
    if len(body) > 20000:
        errors["body"] = ["The wording must be 20,000 characters or fewer"]
    else:
        try:
            letters.check_body(body)
        except ApplicationError as exc:
            errors.update(exc.field_errors)
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, field_errors=errors)
    return name, body


def _name_and_kind(
    *, kind: str, name: str, exclude_pk: int | None
) -> tuple[str, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if kind not in LetterKind.values:
        errors["kind"] = ["Choose what the letter is for"]
    if not name:
        errors["name"] = ["Enter a name for the template"]
    elif len(name) > 120:
        errors["name"] = ["The name must be 120 characters or fewer"]
    elif (
        LetterTemplate.objects.filter(name__iexact=name)
        .exclude(pk__in=[exclude_pk] if exclude_pk else [])
        .exists()
    ):
        errors["name"] = ["There is already a template with that name"]
    return name, errors


@transaction.atomic
def letter_template_create(
    *, kind: str, name: str, body: str, actor: User, active: bool = True
) -> LetterTemplate:
    _ensure_editor(actor)
    name, body = _clean_template(kind=kind, name=name, body=body, exclude_pk=None)
    template = LetterTemplate.objects.create(
        kind=kind, name=name, body=body, active=active, version=1, updated_by=actor
    )
    LetterTemplateRevision.objects.create(
        template=template, version=1, name=name, body=body, saved_by=actor
    )
    return template


@transaction.atomic
def letter_template_update(
    *, template: LetterTemplate, kind: str, name: str, body: str, active: bool, actor: User
) -> LetterTemplate:
    """Save new wording as the next version, keeping the old one; unchanged saves nothing."""
    _ensure_editor(actor)
    if template.format == TemplateFormat.WORD:
        raise ApplicationError("This template is a Word file: upload a new version of it.")
    name, body = _clean_template(kind=kind, name=name, body=body, exclude_pk=template.pk)
    template = LetterTemplate.objects.select_for_update().get(pk=template.pk)
    changes = set_fields(template, {"kind": kind, "name": name, "body": body, "active": active})
    if not changes:
        return template
    template.version += 1
    template.updated_by = actor
    template.save()
    LetterTemplateRevision.objects.create(
        template=template, version=template.version, name=name, body=body, saved_by=actor
    )
    return template


# --- Word letter templates (ADR 0160) ---------------------------------------------------------


DOCX_ONLY = (
    "The selected file must be a Word document (.docx). Save it in Word as a Word Document "
    "(.docx) and upload that"
)


@dataclass(frozen=True)
class _WordFile:
    data: bytes
    filename: str
    text: str
    sha256: str


def _word_file(file: Any, actor: User) -> _WordFile:
    """An uploaded Word template, checked before anything is saved: a .docx without macros,
    free of viruses (when clamd is configured), whose merge fields can be filled in."""
    if file is None:
        raise ApplicationError.for_field("file", "Select a Word template (.docx)")
    _check_size(file)
    name = str(getattr(file, "name", "") or "")
    if name.lower().endswith((".docm", ".dotm")):
        raise ApplicationError.for_field(
            "file",
            "The selected file is a Word document with macros (.docm), so it is not accepted. "
            "Save it in Word as a Word Document (.docx) and upload that",
        )
    try:
        file_type = filetypes.detect(file, name)
    except ApplicationError as exc:
        if "macros" in exc.message:
            raise
        raise ApplicationError.for_field("file", DOCX_ONLY) from exc
    if file_type != filetypes.DOCX:
        raise ApplicationError.for_field("file", DOCX_ONLY)
    scan_upload(
        file,
        log_context=f"letter template upload, user {actor.pk}",
        infected_message="The selected file contains a virus ({signature}), so it has not been "
        "saved. Tell your IT service desk where the file came from.",
        unavailable_message="The selected file could not be checked for viruses, so it has not "
        "been saved. Try again later.",
    )
    file.seek(0)
    data = bytes(file.read())
    text = word.check(data)
    return _WordFile(
        data=data,
        filename=filetypes.sanitise_filename(name, filetypes.DOCX),
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _store_template_file(item: _WordFile) -> str:
    return save_file(
        default_storage,
        f"{TEMPLATE_PREFIX}{uuid.uuid4().hex}.docx",
        ContentFile(item.data),
        message="The file could not be saved just now (the storage is full or unavailable), so "
        "the template has not been changed. Try again later, and tell your IT service desk if "
        "it happens again.",
    )


def _clean_word_template(
    *, kind: str, name: str, file: Any, actor: User, exclude_pk: int | None, required: bool
) -> tuple[str, _WordFile | None]:
    """The name and the file checked together, so every refusal is shown at once."""
    name, errors = _name_and_kind(kind=kind, name=name, exclude_pk=exclude_pk)
    item = None
    if file is not None or required:
        try:
            item = _word_file(file, actor)
        except ApplicationError as exc:
            errors.update(exc.field_errors or {"file": [exc.message]})
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, field_errors=errors)
    return name, item


def letter_template_upload(
    *, kind: str, name: str, file: Any, actor: User, active: bool = True
) -> LetterTemplate:
    """A new letter template from an uploaded Word file with merge fields: version 1."""
    _ensure_editor(actor)
    name, item = _clean_word_template(
        kind=kind, name=name, file=file, actor=actor, exclude_pk=None, required=True
    )
    if item is None:  # required=True: a missing file is refused above
        raise ApplicationError.for_field("file", "Select a Word template (.docx)")
    stored = _store_template_file(item)
    try:
        with transaction.atomic():
            template = LetterTemplate.objects.create(
                kind=kind,
                name=name,
                format=TemplateFormat.WORD,
                body=item.text,
                active=active,
                version=1,
                updated_by=actor,
            )
            _word_revision(template, item, stored, actor)
    except BaseException:
        default_storage.delete(stored)
        raise
    return template


def _word_revision(
    template: LetterTemplate, item: _WordFile | None, stored: str, actor: User
) -> LetterTemplateRevision:
    previous = (
        template.revisions.filter(version__lt=template.version).order_by("-version").first()
        if item is None
        else None
    )
    return LetterTemplateRevision.objects.create(
        template=template,
        version=template.version,
        name=template.name,
        body=template.body,
        storage_name=stored,
        filename=item.filename if item else (previous.filename if previous else ""),
        size=len(item.data) if item else (previous.size if previous else None),
        sha256=item.sha256 if item else (previous.sha256 if previous else ""),
        saved_by=actor,
    )


def letter_template_update_word(
    *,
    template: LetterTemplate,
    kind: str,
    name: str,
    active: bool,
    actor: User,
    file: Any = None,
) -> LetterTemplate:
    """A Word template's new version: a new file uploaded, or its name, kind or use changed
    (the file kept). Each version keeps its own file; letters already made do not change."""
    _ensure_editor(actor)
    if template.format != TemplateFormat.WORD:
        raise ApplicationError("This template's wording is edited as text, not uploaded.")
    name, item = _clean_word_template(
        kind=kind, name=name, file=file, actor=actor, exclude_pk=template.pk, required=False
    )
    stored = _store_template_file(item) if item is not None else ""
    try:
        with transaction.atomic():
            template = LetterTemplate.objects.select_for_update().get(pk=template.pk)
            current = template.revisions.get(version=template.version)
            changes = set_fields(template, {"kind": kind, "name": name, "active": active})
            if item is None and not changes:
                return template
            if item is not None:
                template.body = item.text
            template.version += 1
            template.updated_by = actor
            template.save()
            _word_revision(template, item, stored or current.storage_name, actor)
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return template


def prune_orphan_files(*, older_than: dt.timedelta, dry_run: bool = False) -> list[str]:
    """Delete stored files no document or letter template version refers to (left by a
    rolled-back transaction)."""
    removed: list[str] = []
    for prefix, model in ((STORAGE_PREFIX, Document), (TEMPLATE_PREFIX, LetterTemplateRevision)):
        removed += _prune(prefix, model, older_than=older_than, dry_run=dry_run)
    return removed


def _prune(
    prefix: str,
    model: type[Document] | type[LetterTemplateRevision],
    *,
    older_than: dt.timedelta,
    dry_run: bool,
) -> list[str]:
    import datetime

    from django.utils import timezone

    cutoff = timezone.now() - older_than
    try:
        _, names = default_storage.listdir(prefix.rstrip("/"))
    except FileNotFoundError:
        return []
    known = set(
        model.objects.filter(storage_name__in=[prefix + n for n in names]).values_list(
            "storage_name", flat=True
        )
    )
    removed = []
    for name in names:
        path = prefix + name
        if path in known:
            continue
        modified = default_storage.get_modified_time(path)
        if timezone.is_naive(modified):
            modified = timezone.make_aware(modified, datetime.UTC)
        if modified < cutoff:
            removed.append(path)
            if not dry_run:
                default_storage.delete(path)
    return removed
