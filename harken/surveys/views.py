"""The staff pages of the surveys: sending a case's survey, the surveys sent and answered, the
comments to triage, and the import of other returns. Each page names its permission; the
services refuse the same things."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import segno
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View

from harken import access
from harken.access import Perm
from harken.access.web import StaffRequiredMixin
from harken.casework.selectors import COUNT_CAP, capped_count
from harken.core.audit import record_read, record_reads
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.forms import add_service_error

from . import returns, services
from .forms import (
    AnswerForm,
    CommentFilterForm,
    ImportForm,
    InvitationFilterForm,
    QuestionForm,
    SendForm,
    SurveyForm,
    TriageForm,
)
from .models import Audience, Comment, Decision, Invitation, Question, Survey, SurveyEvent

PAGE_SIZE = 50


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _qr(link: str) -> str:
    return segno.make(link, error="m").svg_inline(scale=4, dark="#0b0c0c", light="#ffffff")


class SendView(StaffRequiredMixin, View):
    permission = Perm.SURVEYS_SEND

    def _case(self, request: HttpRequest, reference: str) -> Any:
        case = access.visible_case(request.user, reference)
        if case is None:
            raise Http404
        return case

    def _form(self, request: HttpRequest, case: Any, data: Any = None) -> SendForm:
        from harken.notifications.sending import recipients

        emails = [(r.email, f"{r.name} ({r.role}), {r.email}") for r in recipients(case) if r.email]
        return SendForm(data, emails=emails)

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        case = self._case(request, reference)
        record_read(case=case, user=request.user, via="survey")
        return self._render(request, case, self._form(request, case))

    def _render(
        self, request: HttpRequest, case: Any, form: SendForm, **extra: Any
    ) -> HttpResponse:
        return render(
            request,
            "surveys/send.html",
            {"case": case, "form": form, "why_not": services.refusal(case), **extra},
        )

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        case = self._case(request, reference)
        form = self._form(request, case, request.POST)
        if form.is_valid():
            try:
                sent = services.invitation_send(
                    case=case,
                    audience=form.cleaned_data["audience"],
                    channel=form.cleaned_data["channel"],
                    email=form.cleaned_data.get("email") or "",
                    actor=request.user,  # type: ignore[arg-type]
                    base_url=_base_url(request),
                )
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                if sent.link:
                    # Shown once: the token is not stored (ADR 0230).
                    return self._render(
                        request, case, form, link=sent.link, qr=_qr(sent.link), sent=sent
                    )
                return redirect("casework:case", reference=case.reference)
        return self._render(request, case, form)


def _visible_invitations(user: Any) -> QuerySet[Invitation]:
    # Each invitation's case looked up by its key as the page is read (stopping when it is
    # full), not every case the user may see gathered first.
    return Invitation.objects.filter(
        Exists(access.visible_cases(user).filter(pk=OuterRef("case_id")))
    ).select_related("case", "survey")


class _CappedPaginator(Paginator):
    """Counts no further than the caseload does ("more than 10,000"): what the page costs
    follows the page, not every survey the council has ever sent."""

    @cached_property
    def counted(self) -> int:
        listed: QuerySet[Invitation] = self.object_list  # type: ignore[assignment]
        return capped_count(listed)

    @cached_property
    def count(self) -> int:
        return min(self.counted, COUNT_CAP)

    @property
    def capped(self) -> bool:
        return self.counted > COUNT_CAP


class InvitationListView(StaffRequiredMixin, View):
    """Surveys sent and answered, newest first, filtered by their state."""

    permission = Perm.SURVEYS_VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        form = InvitationFilterForm(request.GET or None)
        rows = _visible_invitations(request.user)
        state = form.cleaned_data.get("state") if form.is_valid() else ""
        now = timezone.now()
        if state == "answered":
            rows = rows.filter(answered_at__isnull=False)
        elif state == "open":
            rows = rows.filter(answered_at__isnull=True, expires_at__gt=now)
        elif state == "expired":
            rows = rows.filter(answered_at__isnull=True, expires_at__lte=now)
        page = _CappedPaginator(rows.order_by("-sent_on", "-id"), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        for inv in page:
            inv.state = services.invitation_state(inv)  # type: ignore[attr-defined]
        record_reads(cases=[inv.case_id for inv in page], user=request.user, via="surveys")
        untriaged = Comment.objects.filter(decision=Decision.UNTRIAGED).count()
        return render(
            request,
            "surveys/index.html",
            {"form": form, "page": page, "rows": list(page), "untriaged": untriaged},
        )


class CommentListView(StaffRequiredMixin, View):
    """The comments to triage: safeguarding flags first, then those not yet triaged."""

    permission = Perm.SURVEYS_TRIAGE

    def get(self, request: HttpRequest) -> HttpResponse:
        form = CommentFilterForm(request.GET or None)
        rows = Comment.objects.select_related("response__batch", "theme", "case", "contact")
        # A comment that came with a case is shown to those who may see that case (a
        # restricted case's comments only to the people named on it).
        rows = rows.filter(Q(case__isnull=True) | Q(case__in=access.visible_cases(request.user)))
        decision = form.cleaned_data.get("decision") if form.is_valid() else ""
        if decision:
            rows = rows.filter(decision=decision)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        record_reads(cases=[c.case_id for c in page if c.case_id], user=request.user, via="surveys")
        return render(
            request, "surveys/comments.html", {"form": form, "page": page, "rows": list(page)}
        )


class CommentView(StaffRequiredMixin, View):
    permission = Perm.SURVEYS_TRIAGE

    def _comment(self, request: HttpRequest, pk: int) -> Comment:
        comment = get_object_or_404(
            Comment.objects.select_related("response__batch", "theme", "case", "contact"), pk=pk
        )
        if comment.case is not None and not access.can_view_case(request.user, comment.case):
            raise Http404
        return comment

    def _render(self, request: HttpRequest, comment: Comment, form: TriageForm) -> HttpResponse:
        return render(request, "surveys/comment.html", {"comment": comment, "form": form})

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        comment = self._comment(request, pk)
        if comment.case is not None:
            record_read(case=comment.case, user=request.user, via="survey")
        SurveyEvent.objects.create(
            verb=SurveyEvent.Verb.COMMENTS_READ,
            actor=request.user,  # type: ignore[misc]
            description="Survey comment read",
            comment=comment,
        )
        return self._render(request, comment, TriageForm(initial={"theme": comment.theme_id}))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        comment = self._comment(request, pk)
        form = TriageForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.comment_triage(
                    comment=comment,
                    decision=data["decision"],
                    actor=request.user,  # type: ignore[arg-type]
                    theme=data.get("theme"),
                    team=data.get("team"),
                    person=data.get("person") or "",
                    passed_on=data.get("passed_on"),
                    note=data.get("note") or "",
                    referred_to=data.get("referred_to") or "",
                )
            except AccessDenied:
                raise Http404 from None
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                return redirect("surveys:comment", pk=comment.pk)
        return self._render(request, comment, form)


class ImportView(StaffRequiredMixin, View):
    permission = Perm.SURVEYS_IMPORT

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request, "surveys/import.html", {"form": ImportForm(), "columns": returns.COLUMNS}
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES)
        problems: list[str] = []
        result = None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            suffix = Path(upload.name).suffix.lower()
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / f"returns{suffix}"
                path.write_bytes(upload.read())
                try:
                    result = returns.returns_import(
                        path=path,
                        name=form.cleaned_data["name"],
                        actor=request.user,  # type: ignore[arg-type]
                    )
                except returns.ImportFileError as exc:
                    problems = [str(exc).replace(path.name, upload.name)]
            if result is not None:
                problems = result.errors
            if problems:
                form.add_error("file", "The file was not imported: fix the problems listed")
        status = 200 if not problems else 400
        return render(
            request,
            "surveys/import.html",
            {
                "form": form if not (result and result.ok) else ImportForm(),
                "columns": returns.COLUMNS,
                "problems": problems,
                "result": result if result and result.ok else None,
            },
            status=status if form.is_bound and problems else 200,
        )


# --- The administrator's pages: the surveys' questions ("the questions are configuration") ---


class SurveyAdminListView(StaffRequiredMixin, View):
    """The surveys (standard and child-friendly) with their questions' count."""

    permission = Perm.SURVEYS_ADMINISTER

    def get(self, request: HttpRequest) -> HttpResponse:
        surveys = list(Survey.objects.order_by("audience", "name", "id"))
        counts = {
            row["survey"]: row["n"]
            for row in Question.objects.filter(retired_at__isnull=True)
            .values("survey")
            .annotate(n=Count("id"))
        }
        for survey in surveys:
            survey.live_count = counts.get(survey.pk, 0)  # type: ignore[attr-defined]
        return render(request, "surveys/admin_list.html", {"surveys": surveys})


def _survey(pk: int) -> Survey:
    return get_object_or_404(Survey, pk=pk)


def _question(survey: Survey, pk: int) -> Question:
    return get_object_or_404(Question, pk=pk, survey=survey)


class SurveyAdminView(StaffRequiredMixin, View):
    """One survey: its questions in order, each to change, move, retire or remove."""

    permission = Perm.SURVEYS_ADMINISTER

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        survey = _survey(pk)
        questions = list(
            survey.questions.annotate(answer_count=Count("answers")).order_by("position", "id")
        )
        live = [q for q in questions if q.retired_at is None]
        retired = [q for q in questions if q.retired_at is not None]
        return render(
            request,
            "surveys/admin_survey.html",
            {
                "survey": survey,
                "live": live,
                "retired": retired,
                "done": request.GET.get("done", ""),
                "error": request.session.pop("survey_admin_error", ""),
            },
        )


class SurveyChangeView(StaffRequiredMixin, View):
    permission = Perm.SURVEYS_ADMINISTER

    def _render(self, request: HttpRequest, survey: Survey, form: SurveyForm) -> HttpResponse:
        return render(request, "surveys/admin_survey_form.html", {"survey": survey, "form": form})

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        survey = _survey(pk)
        form = SurveyForm(
            initial={
                "name": survey.name,
                "introduction": survey.introduction,
                "active": survey.active,
            }
        )
        return self._render(request, survey, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        survey = _survey(pk)
        form = SurveyForm(request.POST)
        if form.is_valid():
            try:
                services.survey_update(
                    survey=survey,
                    actor=request.user,  # type: ignore[arg-type]
                    name=form.cleaned_data["name"],
                    introduction=form.cleaned_data["introduction"],
                    active=form.cleaned_data["active"],
                )
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                return redirect(reverse("surveys:admin_survey", args=[survey.pk]) + "?done=survey")
        return self._render(request, survey, form)


class QuestionEditView(StaffRequiredMixin, View):
    """Add a question (`qpk` None) or change one."""

    permission = Perm.SURVEYS_ADMINISTER

    def _render(
        self, request: HttpRequest, survey: Survey, form: QuestionForm, question: Question | None
    ) -> HttpResponse:
        answered = question is not None and question.answers.exists()
        return render(
            request,
            "surveys/admin_question.html",
            {"survey": survey, "form": form, "question": question, "answered": answered},
        )

    def get(self, request: HttpRequest, pk: int, qpk: int | None = None) -> HttpResponse:
        survey = _survey(pk)
        question = _question(survey, qpk) if qpk else None
        if question is not None and question.retired_at is not None:
            raise Http404
        initial: dict[str, Any] = {}
        if question is not None:
            initial = {
                "text": question.text,
                "hint": question.hint,
                "low_label": question.low_label,
                "high_label": question.high_label,
                "required": question.required,
            }
        form = QuestionForm(initial=initial, changing=question)
        return self._render(request, survey, form, question)

    def post(self, request: HttpRequest, pk: int, qpk: int | None = None) -> HttpResponse:
        survey = _survey(pk)
        question = _question(survey, qpk) if qpk else None
        form = QuestionForm(request.POST, changing=question)
        if form.is_valid():
            data = form.cleaned_data
            actor = request.user
            try:
                if question is None:
                    services.question_add(
                        survey=survey,
                        actor=actor,  # type: ignore[arg-type]
                        kind=data["kind"],
                        text=data["text"],
                        hint=data["hint"],
                        required=data["required"],
                        low_label=data.get("low_label") or "",
                        high_label=data.get("high_label") or "",
                    )
                else:
                    services.question_update(
                        question=question,
                        actor=actor,  # type: ignore[arg-type]
                        text=data["text"],
                        hint=data["hint"],
                        required=data["required"],
                        low_label=data.get("low_label"),
                        high_label=data.get("high_label"),
                    )
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                done = "added" if question is None else "changed"
                return redirect(reverse("surveys:admin_survey", args=[survey.pk]) + f"?done={done}")
        return self._render(request, survey, form, question)


class QuestionMoveView(StaffRequiredMixin, View):
    """The up and down buttons: a form each, so they work without JavaScript."""

    permission = Perm.SURVEYS_ADMINISTER

    def post(self, request: HttpRequest, pk: int, qpk: int) -> HttpResponse:
        survey = _survey(pk)
        question = _question(survey, qpk)
        try:
            services.question_move(
                question=question,
                actor=request.user,  # type: ignore[arg-type]
                direction=request.POST.get("direction", ""),
            )
        except ApplicationError as exc:
            request.session["survey_admin_error"] = exc.message
            return redirect("surveys:admin_survey", pk=survey.pk)
        return redirect(
            reverse("surveys:admin_survey", args=[survey.pk]) + f"?done=moved#question-{qpk}"
        )


class QuestionRetireView(StaffRequiredMixin, View):
    """Take a question off the survey: an answered one is retired (its answers kept), one
    nobody has answered is removed. A page to confirm first."""

    permission = Perm.SURVEYS_ADMINISTER

    def _render(
        self, request: HttpRequest, survey: Survey, question: Question, error: str = ""
    ) -> HttpResponse:
        return render(
            request,
            "surveys/admin_retire.html",
            {
                "survey": survey,
                "question": question,
                "answered": question.answers.exists(),
                "error": error,
            },
            status=400 if error else 200,
        )

    def get(self, request: HttpRequest, pk: int, qpk: int) -> HttpResponse:
        survey = _survey(pk)
        question = _question(survey, qpk)
        if question.retired_at is not None:
            raise Http404
        return self._render(request, survey, question)

    def post(self, request: HttpRequest, pk: int, qpk: int) -> HttpResponse:
        survey = _survey(pk)
        question = _question(survey, qpk)
        try:
            if question.answers.exists():
                services.question_retire(question=question, actor=request.user)  # type: ignore[arg-type]
                done = "retired"
            else:
                services.question_remove(question=question, actor=request.user)  # type: ignore[arg-type]
                done = "removed"
        except ApplicationError as exc:
            return self._render(request, survey, question, exc.message)
        return redirect(reverse("surveys:admin_survey", args=[survey.pk]) + f"?done={done}")


class SurveyPreviewView(StaffRequiredMixin, View):
    """The public page as a respondent sees it; nothing is sent or saved from here."""

    permission = Perm.SURVEYS_ADMINISTER

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        survey = _survey(pk)
        return render(
            request,
            "surveys/public_answer.html",
            {
                "form": AnswerForm(survey=survey),
                "survey": survey,
                "child": survey.audience == Audience.CHILD,
                "preview": True,
            },
        )
