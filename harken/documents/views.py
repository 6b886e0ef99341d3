"""Staff pages: a case's documents, upload, download, letters and letter templates."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views import View

from harken import access
from harken.access.web import StaffRequiredMixin
from harken.accounts.models import User
from harken.cases.models import Case
from harken.cases.selectors import case_get
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.forms import add_service_error

from . import downloads, filetypes, letters, selectors, services, steps, word
from .forms import LetterForm, LetterTemplateForm, UploadForm, WordTemplateForm
from .models import LetterKind, LetterTemplate, TemplateFormat

logger = logging.getLogger(__name__)


def case_url(case: Case) -> str:
    """The case page's documents if the case pages are installed, else this app's list."""
    try:
        return reverse(
            "casework:case_tab", kwargs={"reference": case.reference, "tab": "documents"}
        )
    except NoReverseMatch:
        return reverse("documents:case", kwargs={"reference": case.reference})


def _case(request: HttpRequest, reference: str) -> Case:
    """The case, if the user may see it (its read logged); 404 otherwise, as everywhere."""
    try:
        return case_get(user=request.user, reference=reference)  # type: ignore[arg-type]
    except AccessDenied as exc:
        raise Http404 from exc


class DownloadView(StaffRequiredMixin, View):
    """The file as an attachment, only to someone who can see its case (else 404)."""

    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, document_id: uuid.UUID) -> HttpResponseBase:
        try:
            document = selectors.document_get_for_download(
                user=request.user,  # type: ignore[arg-type]
                document_id=document_id,
            )
        except AccessDenied as exc:
            raise Http404 from exc
        return downloads.download(
            request,
            document.storage_name,
            content_type=document.content_type,
            size=document.size,
            filename=document.filename,
            what=f"document {document.pk}",
        )


class YourDocumentsView(StaffRequiredMixin, View):
    """An appointee's own documents on cases they are no longer appointed to, for the days
    they keep them (HARKEN_APPOINTEE_DOCUMENT_DAYS): their reports, and nothing else."""

    def get(self, request: HttpRequest) -> HttpResponse:
        documents = (
            selectors.own_report_documents(user=request.user)
            .select_related("case")
            .order_by("-uploaded_at")
        )
        return render(
            request,
            "documents/your_documents.html",
            {"documents": documents, "days": selectors.appointee_document_days()},
        )


class CaseDocumentsView(StaffRequiredMixin, View):
    """A case's documents and letters on a page of their own."""

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        case = _case(request, reference)
        return render(
            request,
            "documents/case_documents.html",
            {"case": case, "case_url": case_url(case)},
        )


class UploadView(StaffRequiredMixin, View):
    def _context(self, case: Case, form: UploadForm) -> dict[str, Any]:
        return {"case": case, "form": form, "case_url": case_url(case)}

    def _case(self, request: HttpRequest, reference: str) -> Case:
        case = _case(request, reference)
        if not access.can_act(request.user, case, "note"):
            raise PermissionDenied
        return case

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        case = self._case(request, reference)
        return render(request, "documents/upload.html", self._context(case, UploadForm()))

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        case = self._case(request, reference)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document = services.document_upload(
                    case=case,
                    file=form.cleaned_data["file"],
                    actor=request.user,  # type: ignore[arg-type]
                    description=form.cleaned_data["description"],
                )
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, f"{document.filename} has been added to the case")
                return redirect(case_url(case))
        return render(request, "documents/upload.html", self._context(case, form), status=200)


class LetterNewView(StaffRequiredMixin, View):
    """Choose a template, preview the letter, then create it as Word and PDF."""

    def _case(self, request: HttpRequest, reference: str) -> Case:
        case = _case(request, reference)
        if not access.can_act(request.user, case, "respond"):
            raise PermissionDenied
        return case

    def _render(
        self,
        request: HttpRequest,
        case: Case,
        form: LetterForm,
        *,
        suggested: str,
        preview: str = "",
        warning: str = "",
        step: str = "",
    ) -> HttpResponse:
        return render(
            request,
            "documents/letter_new.html",
            {
                "case": case,
                "form": form,
                "case_url": case_url(case),
                "suggested_label": LetterKind(suggested).label,
                "preview": preview,
                "warning": warning,
                "step": step,
                "step_done": steps.STEPS.get(step, ""),
                "may_send": steps.may_send_letter(request.user, case),  # type: ignore[arg-type]
                "can_edit_templates": access.may(request.user, access.Perm.LETTER_TEMPLATES_EDIT),
            },
        )

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        case = self._case(request, reference)
        templates = selectors.letter_templates(active_only=True)
        step = request.GET.get("step", "")
        step_template = steps.step_template(step, case) if step in steps.STEPS else None
        if step_template is not None:
            # Straight after the step: the letter for it, already drafted for checking.
            return self._draft(request, case, templates, step_template, step=step)
        suggested = letters.suggest_kind(case, last_letter_at=selectors.last_letter_at(case=case))
        initial = letters.suggest_template(case, templates, suggested)
        form = LetterForm(templates=templates, initial={"template": initial})
        return self._render(request, case, form, suggested=suggested)

    def _draft(
        self,
        request: HttpRequest,
        case: Case,
        templates: Any,
        template: LetterTemplate,
        *,
        step: str,
    ) -> HttpResponse:
        form = LetterForm(templates=templates, initial={"template": template})
        actor: User = request.user  # type: ignore[assignment]
        try:
            letter = services.letter_build(case=case, template=template, actor=actor)
        except ApplicationError as exc:
            add_service_error(form, exc)
            return self._render(request, case, form, suggested=template.kind, step=step)
        return self._render(
            request,
            case,
            form,
            suggested=template.kind,
            preview=letters.to_html_fragment(letter, heading_offset=2),
            warning=letter.warning,
            step=step,
        )

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        case = self._case(request, reference)
        templates = selectors.letter_templates(active_only=True)
        suggested = letters.suggest_kind(case, last_letter_at=selectors.last_letter_at(case=case))
        form = LetterForm(request.POST, templates=templates)
        preview = warning = ""
        step = request.POST.get("step", "")
        step = step if step in steps.STEPS else ""
        if form.is_valid():
            template = form.cleaned_data["template"]
            text = form.cleaned_data["text"]
            actor: User = request.user  # type: ignore[assignment]
            try:
                action = request.POST.get("action")
                if action in ("create", "create_send"):
                    documents = services.letter_create(
                        case=case, template=template, actor=actor, text=text
                    )
                    messages.success(
                        request,
                        "Letter created: " + " and ".join(d.filename for d in documents),
                    )
                    if action == "create_send" and steps.may_send_letter(actor, case):
                        # Issue 13: the letter goes on to the sending page, its PDF chosen.
                        return redirect(steps.send_url(case, documents, step=step))
                    return redirect(case_url(case))
                letter = services.letter_build(case=case, template=template, actor=actor, text=text)
                preview = letters.to_html_fragment(letter, heading_offset=2)
                warning = letter.warning
            except ApplicationError as exc:
                add_service_error(form, exc)
        return self._render(
            request, case, form, suggested=suggested, preview=preview, warning=warning, step=step
        )


# --- Letter templates -------------------------------------------------------------------------


class LetterTemplateListView(StaffRequiredMixin, View):
    permission = access.Perm.LETTER_TEMPLATES_EDIT

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "documents/letter_template_list.html",
            {"templates": list(selectors.letter_templates())},
        )


class _TemplateEditView(StaffRequiredMixin, View):
    """Add a letter template (pk not given) or change one: the form's fields and the service
    that saves them are the subclass's; refusals are shown beside the field (ADR 0160)."""

    permission = access.Perm.LETTER_TEMPLATES_EDIT
    template_name = ""
    described = "Letter template"  # the success message's first words

    def _template(self, pk: int | None) -> LetterTemplate | None:
        raise NotImplementedError

    def _form(self, request: HttpRequest, template: LetterTemplate | None) -> Any:
        raise NotImplementedError

    def _save(
        self, data: dict[str, Any], template: LetterTemplate | None, actor: User
    ) -> LetterTemplate:
        raise NotImplementedError

    def _context(self, template: LetterTemplate | None) -> dict[str, Any]:
        return {"placeholders": letters.placeholder_examples()}

    def _render(
        self, request: HttpRequest, form: Any, template: LetterTemplate | None
    ) -> HttpResponse:
        context = {"form": form, "template": template, **self._context(template)}
        return render(request, self.template_name, context)

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        template = self._template(pk)
        if isinstance(template, HttpResponse):
            return template
        return self._render(request, self._form(request, template), template)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        template = self._template(pk)
        if isinstance(template, HttpResponse):
            return template
        form = self._form(request, template)
        if form.is_valid():
            actor: User = request.user  # type: ignore[assignment]
            try:
                saved = self._save(form.cleaned_data, template, actor)
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                done = "added" if template is None else f"saved (version {saved.version})"
                messages.success(request, f'{self.described} "{saved.name}" {done}')
                return redirect("documents:letter_templates")
        return self._render(request, form, template)


class LetterTemplateEditView(_TemplateEditView):
    """Change a template written in Harken (pk given) or add one; wording that cannot be
    used is refused. A Word template's address sends on to its own page."""

    template_name = "documents/letter_template_edit.html"

    def _template(self, pk: int | None) -> Any:
        template = get_object_or_404(LetterTemplate, pk=pk) if pk else None
        if template is not None and template.format == TemplateFormat.WORD:
            return redirect("documents:word_template_edit", pk=template.pk)
        return template

    def _form(self, request: HttpRequest, template: LetterTemplate | None) -> LetterTemplateForm:
        if request.method == "POST":
            return LetterTemplateForm(request.POST)
        initial = (
            {
                "name": template.name,
                "kind": template.kind,
                "body": template.body,
                "active": template.active,
            }
            if template
            else {"kind": LetterKind.OTHER, "active": True}
        )
        return LetterTemplateForm(initial=initial)

    def _save(
        self, data: dict[str, Any], template: LetterTemplate | None, actor: User
    ) -> LetterTemplate:
        fields = {k: data[k] for k in ("kind", "name", "body", "active")}
        if template is None:
            return services.letter_template_create(**fields, actor=actor)
        return services.letter_template_update(template=template, **fields, actor=actor)


class WordTemplateEditView(_TemplateEditView):
    """Upload a Word template (pk not given) or a new version of one; each upload is checked
    before it is saved and refused with the reason beside the file (ADR 0160)."""

    template_name = "documents/word_template_edit.html"
    described = "Word letter template"

    def _template(self, pk: int | None) -> LetterTemplate | None:
        if pk is None:
            return None
        return get_object_or_404(LetterTemplate, pk=pk, format=TemplateFormat.WORD)

    def _form(self, request: HttpRequest, template: LetterTemplate | None) -> WordTemplateForm:
        if request.method == "POST":
            return WordTemplateForm(request.POST, request.FILES, new=template is None)
        initial = (
            {"name": template.name, "kind": template.kind, "active": template.active}
            if template
            else {"kind": LetterKind.OTHER, "active": True}
        )
        return WordTemplateForm(initial=initial, new=template is None)

    def _context(self, template: LetterTemplate | None) -> dict[str, Any]:
        return {
            **super()._context(template),
            "revisions": list(template.revisions.select_related("saved_by")) if template else [],
            "filters": sorted(word.ALLOWED_FILTERS),
            "tags": word.ALLOWED_TAGS_TEXT,
        }

    def _save(
        self, data: dict[str, Any], template: LetterTemplate | None, actor: User
    ) -> LetterTemplate:
        fields = {k: data[k] for k in ("kind", "name", "file", "active")}
        if template is None:
            return services.letter_template_upload(**fields, actor=actor)
        return services.letter_template_update_word(template=template, **fields, actor=actor)


class WordTemplateFileView(StaffRequiredMixin, View):
    """A version of a Word template, as uploaded: for those who edit templates only."""

    permission = access.Perm.LETTER_TEMPLATES_EDIT
    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, pk: int, version: int) -> HttpResponseBase:
        template = get_object_or_404(LetterTemplate, pk=pk, format=TemplateFormat.WORD)
        revision = get_object_or_404(template.revisions, version=version)
        if not revision.storage_name:
            raise Http404
        return downloads.download(
            request,
            revision.storage_name,
            content_type=filetypes.DOCX.mime,
            size=revision.size or 0,
            filename=revision.filename or f"letter template {template.pk}.docx",
            what=f"letter template {template.pk} version {revision.version}",
        )


class WordStarterView(StaffRequiredMixin, View):
    """A Word template to start from, with the usual merge fields in place."""

    permission = access.Perm.LETTER_TEMPLATES_EDIT
    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(word.starter(), content_type=filetypes.DOCX.mime)
        response["Content-Disposition"] = 'attachment; filename="Harken letter template.docx"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
