"""The public online forms: start pages, one page per question, check answers, confirmation.

Answers live in the session, per form, until the form is sent: a page is always drawn from
the session, so the browser's back button shows what was entered, and nothing is written
to the case records until "Send". Answers not touched for HARKEN_INTAKE_IDLE_MINUTES are
deleted, and so are a form's answers once it is sent.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import time
import uuid
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_script_prefix, reverse
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from harken import access
from harken.core.audit import record_read
from harken.core.dates import idle_words
from harken.core.errors import ApplicationError
from harken.core.storage import StorageUnavailable
from harken.core.web import staff_required, whole_number
from harken.documents import downloads

from . import ratelimit, services
from .forms import HONEYPOT, AttachmentsForm, StepForm
from .journeys import (
    JOURNEYS,
    YOUNG_PERSON,
    Journey,
    Step,
    flatten,
    one_reading,
    summary_sections,
)
from .models import Attachment, Submission
from .uploads import PROBLEMS_ATTR, LimitedUploadHandler

logger = logging.getLogger(__name__)

SESSION_KEY = "harken_intake"
DONE_KEY = "harken_intake_done"
NO_STORE = "no-store"
TOUCH_EVERY = 60  # seconds


# --- Session state ---------------------------------------------------------------------------


def _idle_seconds() -> int:
    return int(settings.HARKEN_INTAKE_IDLE_MINUTES) * 60


def _idle_words() -> str:
    """How long answers are kept without use, in words: "2 hours", "90 minutes"."""
    return idle_words(int(settings.HARKEN_INTAKE_IDLE_MINUTES))


def _expired(entry: dict[str, Any]) -> bool:
    return time.time() - float(entry.get("touched", 0)) > _idle_seconds()


def _store(request: HttpRequest, name: str) -> dict[str, Any]:
    value = request.session.get(name)
    return value if isinstance(value, dict) else {}


def _state(request: HttpRequest, journey: Journey) -> tuple[dict[str, Any] | None, bool]:
    """The journey's answers so far, and whether they have just expired."""
    entry = _store(request, SESSION_KEY).get(journey.slug)
    if not isinstance(entry, dict) or "key" not in entry:
        return None, False
    if _expired(entry):
        _forget(request, journey)
        return None, True
    entry.setdefault("saved", {})
    return entry, False


def _new_state(request: HttpRequest, journey: Journey) -> dict[str, Any]:
    state = {"key": str(uuid.uuid4()), "saved": {}, "touched": time.time()}
    _save(request, journey, state)
    return state


def _save(request: HttpRequest, journey: Journey, state: dict[str, Any]) -> None:
    state["touched"] = time.time()
    if not request.user.is_authenticated:
        # A member of the public's session outlives their answers by an hour (long enough to
        # say they have to start again); then `harken clear-abandoned-uploads` deletes it.
        request.session.set_expiry(_idle_seconds() + 3600)
    if state.get("has_files"):
        services.attachments_in_use(journey_key=uuid.UUID(state["key"]))
    journeys = {k: v for k, v in _store(request, SESSION_KEY).items() if not _expired(v)}
    journeys[journey.slug] = state
    request.session[SESSION_KEY] = journeys


def _touch(request: HttpRequest, journey: Journey, state: dict[str, Any]) -> None:
    """Reading a page counts as activity; the session is written at most once a minute for it."""
    if time.time() - float(state.get("touched", 0)) > TOUCH_EVERY:
        _save(request, journey, state)


def _forget(request: HttpRequest, journey: Journey) -> None:
    journeys = _store(request, SESSION_KEY)
    journeys.pop(journey.slug, None)
    request.session[SESSION_KEY] = journeys


def _done(request: HttpRequest, journey: Journey) -> dict[str, Any] | None:
    entry = _store(request, DONE_KEY).get(journey.slug)
    if not isinstance(entry, dict) or _expired(entry):
        return None
    return entry


def _finish(request: HttpRequest, journey: Journey, submission: Submission) -> HttpResponse:
    """The form is sent: its answers leave the session; what the confirmation shows (the
    reference and what happens next) stays until it expires."""
    state, _ = _state(request, journey)
    if state is not None and state["key"] == str(submission.key):
        _forget(request, journey)
    done = {k: v for k, v in _store(request, DONE_KEY).items() if not _expired(v)}
    case = submission.case
    if case is None:  # not possible: a submission is made with its case
        raise ValueError("a submission without its case")
    done[journey.slug] = {
        "reference": case.reference,
        "emailed": bool(submission.email),
        "next_steps": submission.next_steps or services.next_steps(submission),
        "touched": time.time(),
    }
    request.session[DONE_KEY] = done
    return redirect("intake:confirmation", journey=journey.slug)


# --- Helpers ---------------------------------------------------------------------------------


def _journey(slug: str) -> Journey:
    journey = JOURNEYS.get(slug)
    if journey is None:
        raise Http404
    return journey


@functools.lru_cache(maxsize=512)
def _url(prefix: str, name: str, journey: str = "", step: str = "") -> str:
    """`reverse`, once for each page (a question page asks for two to four of these): the
    pages' addresses change only with the script prefix, which is part of the key."""
    kwargs = {"journey": journey, "step": step} if step else {"journey": journey} if journey else {}
    return reverse(name, kwargs=kwargs)


def _step_url(journey: Journey, step: Step, *, change: bool = False) -> str:
    url = _url(get_script_prefix(), "intake:step", journey.slug, step.slug)
    return url + ("?" + urlencode({"change": "1"}) if change else "")


def _check_url(journey: Journey) -> str:
    return _url(get_script_prefix(), "intake:check", journey.slug)


def _start_url(journey: Journey) -> str:
    return _url(get_script_prefix(), journey.start_url_name)


def _next_url(journey: Journey, step: Step, saved: dict[str, Any], change: bool) -> str:
    applicable = journey.applicable(flatten(journey, saved))
    if change:
        # Back to check answers, unless the change needs another answer (a new branch, or
        # details that no longer fit, e.g. an address once "by post" is chosen).
        problem = _first_problem(journey, saved)
        return problem + "?change=1" if problem else _check_url(journey)
    slugs = [s.slug for s in applicable]
    if step.slug in slugs and slugs.index(step.slug) + 1 < len(applicable):
        return _step_url(journey, applicable[slugs.index(step.slug) + 1])
    return _check_url(journey)


def _back_url(journey: Journey, step: Step, saved: dict[str, Any], change: bool) -> str:
    if change:
        return _check_url(journey)
    applicable = journey.applicable(flatten(journey, saved))
    slugs = [s.slug for s in applicable]
    index = slugs.index(step.slug) if step.slug in slugs else 0
    return _step_url(journey, applicable[index - 1]) if index > 0 else _start_url(journey)


def _form(step: Step, saved: dict[str, Any], journey: Journey, **kwargs: Any) -> StepForm:
    return step.form(answers=flatten(journey, saved), texts=step.texts, **kwargs)


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = render(request, template, context, status=status)
    # Answers are personal: not kept in the browser's cache (back still works: the page is
    # drawn again from the session).
    response["Cache-Control"] = NO_STORE
    return response


def _too_many(request: HttpRequest, wait: int, journey: Journey | None = None) -> HttpResponse:
    minutes = max(1, (wait + 59) // 60)
    response = _page(
        request, "intake/too_many.html", {"minutes": minutes, "journey": journey}, status=429
    )
    response["Retry-After"] = str(wait)
    return response


def _honeypot(request: HttpRequest, journey: Journey) -> HttpResponse:
    logger.info("Honeypot filled in on the %s form: not sent", journey.slug)
    return _page(request, "intake/not_sent.html", {"journey": journey}, status=400)


def _timed_out(request: HttpRequest, journey: Journey) -> HttpResponse:
    return _page(request, "intake/timed_out.html", {"journey": journey, "idle": _idle_words()})


def _digest(saved: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(saved, sort_keys=True).encode()).hexdigest()


def _unchecked_problem(request: HttpRequest, journey: Journey, state: dict[str, Any]) -> str | None:
    """`_first_problem`, unless these very answers were checked when "Check your answers" was
    shown (its page records which answers it showed): the send does not check them again."""
    digest = _digest(state["saved"])
    if state.get("checked") == digest:
        return None
    problem = _first_problem(journey, state["saved"])
    if problem is None:
        state["checked"] = digest
        _save(request, journey, state)
    return problem


def _first_problem(journey: Journey, saved: dict[str, Any]) -> str | None:
    """The page to go back to before sending: one not answered, or no longer valid."""
    answers = flatten(journey, saved)  # once: every page's form reads the same answers
    for step in journey.applicable(answers):
        if step.slug not in saved:
            return _step_url(journey, step)
        form = step.form(
            answers=answers, texts=step.texts, data=step.form.data_from(saved[step.slug])
        )
        if not form.is_valid():
            return _step_url(journey, step)
    return None


# --- Public pages -----------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/index.html", {"journeys": JOURNEYS, "idle": _idle_words()})


@require_http_methods(["GET", "HEAD"])
def young_people(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "intake/young_people.html",
        {"journey": YOUNG_PERSON, "reply_days": settings.HARKEN_CONTACT_RESPONSE_DAYS},
    )


@require_http_methods(["GET", "HEAD"])
def journey_root(request: HttpRequest, journey: str) -> HttpResponse:
    return redirect("intake:start", journey=_journey(journey).slug)


@require_http_methods(["GET", "HEAD"])
@one_reading
def start(request: HttpRequest, journey: str) -> HttpResponse:
    """Begin a form (or carry on with one already begun)."""
    chosen = _journey(journey)
    state, _ = _state(request, chosen)
    if state is None:
        state = _new_state(request, chosen)
    first = chosen.applicable(flatten(chosen, state["saved"]))[0]
    return redirect(_step_url(chosen, first))


@csrf_exempt
def step(request: HttpRequest, journey: str, step: str) -> HttpResponse:
    # The size limit on files must be in place before the CSRF check reads the body.
    if request.method == "POST":
        request.upload_handlers.insert(
            0,
            LimitedUploadHandler(
                request,
                max_bytes=services.max_file_bytes(),
                max_files=settings.HARKEN_INTAKE_MAX_FILES,
            ),
        )
    return _step(request, journey, step)


@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
@one_reading
def _step(request: HttpRequest, journey: str, step: str) -> HttpResponse:
    chosen = _journey(journey)
    page = chosen.step(step)
    if page is None:
        raise Http404
    if request.method == "POST":
        wait = ratelimit.hit(request, ratelimit.posts_limit())
        if wait:
            return _too_many(request, wait, chosen)
    state, expired = _state(request, chosen)
    if state is None:
        if expired or request.method == "POST":
            return _timed_out(request, chosen)
        if _done(request, chosen):
            return redirect("intake:confirmation", journey=chosen.slug)
        state = _new_state(request, chosen)
    saved = state["saved"]
    if not page.applies(flatten(chosen, saved)):
        return redirect(_check_url(chosen))
    change = request.GET.get("change") == "1"
    if page.form is AttachmentsForm:
        return _attachments(request, chosen, page, state, change)
    if request.method == "POST":
        form = _form(page, saved, chosen, data=request.POST)
        if form.honeypot_filled:
            return _honeypot(request, chosen)
        if form.is_valid():
            saved[page.slug] = form.to_answers()
            _save(request, chosen, state)
            return redirect(_next_url(chosen, page, saved, change))
    else:
        form = _form(page, saved, chosen, initial=page.form.initial_from(saved.get(page.slug, {})))
        _touch(request, chosen, state)
    return _step_page(request, chosen, page, form, saved, change)


def _step_page(
    request: HttpRequest,
    journey: Journey,
    page: Step,
    form: StepForm,
    saved: dict[str, Any],
    change: bool,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    heading = form[form.heading_field] if form.heading_field else None
    heading_class = "govuk-label--l"
    if heading is not None and heading.widget_type in ("radioselect", "date"):
        heading_class = "govuk-fieldset__legend--l"
    return _page(
        request,
        page.template,
        {
            "journey": journey,
            "step": page,
            "form": form,
            "heading": heading,
            "heading_class": heading_class,
            "back_url": _back_url(journey, page, saved, change),
            "action": request.get_full_path(),
            "reply_days": settings.HARKEN_CONTACT_RESPONSE_DAYS,
            **page.context_for(flatten(journey, saved)),
            **extra,
        },
        status=status,
    )


def _attachments(
    request: HttpRequest, journey: Journey, page: Step, state: dict[str, Any], change: bool
) -> HttpResponse:
    """Documents and photos: add files one upload at a time, remove them, then continue."""
    key = uuid.UUID(state["key"])
    saved = state["saved"]
    form = _form(page, saved, journey, data=request.POST or None)
    error, status = "", 200
    if request.method == "POST":
        if form.honeypot_filled:
            return _honeypot(request, journey)
        remove = whole_number(request.POST.get("remove"))
        if remove is not None:
            services.attachment_remove(journey_key=key, attachment_id=remove)
            _files_changed(request, journey, page, state, answered=page.slug in saved)
            return redirect(request.get_full_path())
        error, status, wait = _upload(request, key)
        if wait:
            return _too_many(request, wait, journey)
        if not error:
            if request.POST.get("action") == "upload":
                _files_changed(request, journey, page, state, answered=page.slug in saved)
                return redirect(request.get_full_path())
            _files_changed(request, journey, page, state, answered=True)
            return redirect(_next_url(journey, page, saved, change))
    else:
        _touch(request, journey, state)
    files = list(Attachment.objects.filter(journey_key=key, submission=None))
    return _step_page(
        request,
        journey,
        page,
        form,
        saved,
        change,
        status=status,
        files=files,
        upload_error=error,
        max_files=settings.HARKEN_INTAKE_MAX_FILES,
        max_mb=settings.HARKEN_INTAKE_MAX_FILE_MB,
        allowed_types=services.ALLOWED_TYPES_TEXT,
        can_add=len(files) < settings.HARKEN_INTAKE_MAX_FILES,
    )


def _files_changed(
    request: HttpRequest, journey: Journey, page: Step, state: dict[str, Any], *, answered: bool
) -> None:
    """Files were added or removed: once the page has been answered, its answer is the files
    held now, so "Check your answers" lists (and "Send" sends) exactly these, even if the
    person leaves by the back link rather than "Continue"."""
    key = uuid.UUID(state["key"])
    held = list(Attachment.objects.filter(journey_key=key, submission=None))
    if answered:
        state["saved"][page.slug] = {
            "files": [{"id": f.pk, "name": f.original_name, "size": f.size} for f in held]
        }
    state["has_files"] = bool(held)
    _save(request, journey, state)


def _upload(request: HttpRequest, key: uuid.UUID) -> tuple[str, int, int | None]:
    """Store the files sent with this post. Returns the first problem found as a message, the
    page's status (503 if the storage failed) and, over the address's hourly limit for
    files, the seconds to wait."""
    problems = getattr(request, PROBLEMS_ATTR, [])
    uploads = request.FILES.getlist("file")
    if "too_big" in problems:
        mb = settings.HARKEN_INTAKE_MAX_FILE_MB
        return f"The selected file must be smaller than {mb}MB", 200, None
    if "too_many" in problems:
        return f"You can only send up to {settings.HARKEN_INTAKE_MAX_FILES} files", 200, None
    if not uploads and request.POST.get("action") == "upload":
        return "Select a file to upload", 200, None
    for upload in uploads:
        # Every file counts, kept or not: one address cannot fill the disk from many forms.
        wait = ratelimit.hit(request, ratelimit.upload_bytes_limit(), amount=upload.size or 0)
        if wait:
            return "", 429, wait
        try:
            services.attachment_store(journey_key=key, upload=upload)
        except StorageUnavailable as exc:
            return exc.message, 503, None
        except ApplicationError as exc:
            return exc.message, 200, None
    return "", 200, None


@require_http_methods(["GET", "HEAD", "POST"])
@one_reading
def check(request: HttpRequest, journey: str) -> HttpResponse:
    chosen = _journey(journey)
    if request.method == "POST":
        wait = ratelimit.hit(request, ratelimit.posts_limit())
        if wait:
            return _too_many(request, wait, chosen)
        return _send(request, chosen)
    state, expired = _state(request, chosen)
    if state is None:
        if expired:
            return _timed_out(request, chosen)
        if _done(request, chosen):
            return redirect("intake:confirmation", journey=chosen.slug)
        return redirect("intake:start", journey=chosen.slug)
    problem = _unchecked_problem(request, chosen, state)
    if problem:
        return redirect(problem)
    _touch(request, chosen, state)
    return _check_page(request, chosen, state)


def _check_page(
    request: HttpRequest, journey: Journey, state: dict[str, Any], error: str = ""
) -> HttpResponse:
    answers = flatten(journey, state["saved"])
    return _page(
        request,
        "intake/check.html",
        {
            "journey": journey,
            "sections": summary_sections(journey, answers),
            "key": state["key"],
            "form": StepForm(),
            "error": error,
            "back_url": _step_url(journey, journey.applicable(answers)[-1]),
        },
    )


def _send(request: HttpRequest, journey: Journey) -> HttpResponse:
    try:
        key = uuid.UUID(str(request.POST.get("key", "")))
    except ValueError:
        key = None
    state, _ = _state(request, journey)
    if key is not None and (state is None or state["key"] != str(key)):
        # Sent already (a double click, or the page sent again once its answers had left the
        # session): the same record. Sent twice at once, the unique key finds it below.
        existing = Submission.objects.filter(key=key, form=journey.form).first()
        if existing is not None:
            return _finish(request, journey, existing)
    if state is None or key is None or state["key"] != str(key):
        return _timed_out(request, journey)
    if request.POST.get(HONEYPOT, "").strip():
        return _honeypot(request, journey)
    problem = _unchecked_problem(request, journey, state)
    if problem:
        return redirect(problem)
    wait = ratelimit.hit(request, ratelimit.submissions_limit())
    if wait:
        return _too_many(request, wait, journey)
    try:
        submission, _ = services.submission_create(journey=journey, key=key, saved=state["saved"])
    except ApplicationError as exc:
        # Something changed since the answers were checked (e.g. a service has closed): check
        # them all again, and send the person to the page to change.
        problem = _first_problem(journey, state["saved"])
        if problem:
            return redirect(problem)
        return _check_page(request, journey, state, error=exc.message)
    return _finish(request, journey, submission)


@require_http_methods(["GET", "HEAD"])
def confirmation(request: HttpRequest, journey: str) -> HttpResponse:
    chosen = _journey(journey)
    done = _done(request, chosen)
    if done is None or not done.get("reference"):
        return redirect(_start_url(chosen))
    return _page(
        request,
        "intake/confirmation.html",
        {
            "journey": chosen,
            "reference": done["reference"],
            "emailed": bool(done.get("emailed")),
            "next_steps": [str(step) for step in done.get("next_steps") or ()],
        },
    )


# --- Staff ------------------------------------------------------------------------------------


@staff_required()
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A file sent with an online form, for staff who may see its case (the read is logged)."""
    attachment = get_object_or_404(
        Attachment.objects.select_related("submission__case"), pk=pk, submission__isnull=False
    )
    case = attachment.submission.case if attachment.submission else None
    if case is None or not access.can_view_case(request.user, case):
        raise Http404
    record_read(case=case, user=request.user, via="web")  # type: ignore[arg-type]
    return downloads.download(  # type: ignore[return-value]
        request,
        str(attachment.file.name),
        content_type=attachment.content_type,
        size=attachment.size,
        filename=attachment.original_name,
        what=f"attachment {attachment.pk}",
    )
