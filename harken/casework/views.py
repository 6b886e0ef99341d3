"""The staff case-work pages: caseload, team view, search, recording, the case page and
every workflow action. Views read through selectors/queries and write through services."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.views import View

from harken import access
from harken.access.web import StaffRequiredMixin
from harken.accounts.current import request_user as _user
from harken.accounts.models import User
from harken.cases import services
from harken.cases.models import Case, Kind, Outcome
from harken.cases.selectors import case_get
from harken.cases.services import stage_clock, stage_dates
from harken.core.audit import record_reads
from harken.core.dates import today
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.forms import add_service_error
from harken.core.panels import EVERY_TAB, case_panels
from harken.core.web import whole_number
from harken.documents.selectors import former_appointees_with_documents
from harken.procedures.definitions import MILESTONE_LABELS
from harken.subjectaccess import rules

from . import day, day_views, forms, selectors
from .actions import ACTIONS_BY_NAME, Action, CaseState, available
from .notify import pass_on_to_team


def _query(params: QueryDict, drop: tuple[str, ...] = (), **changes: Any) -> str:
    """The query string of `params` with `changes` made and `drop` left out."""
    data = params.copy()
    for key in list(data):
        if key in drop or key.rsplit("_", 1)[0] in drop or key in ("page", "reset"):
            del data[key]
    for key, value in changes.items():
        if value in (None, ""):
            data.pop(key, None)
        else:
            data[key] = str(value)
    encoded = urlencode(sorted((k, v) for k in data for v in data.getlist(k) if v != ""))
    # No filters at all is a choice too: without "reset" the remembered ones would come back.
    return f"?{encoded}" if encoded else "?reset=1"


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return whole_number(value, below=100_000) or 1


# --- Caseload -------------------------------------------------------------------------------

# The caseload's columns: (sort key or "", heading).
COLUMNS = (
    ("reference", "Reference"),
    ("kind", "Kind"),
    ("", "Summary"),
    ("stage", "Stage"),
    ("deadline", "Next deadline"),
    ("", "Status"),
    ("", "Assigned to"),
    ("received", "Received"),
)
PLAIN_HEADER = [{"label": label} for _, label in COLUMNS]


class CaseloadView(StaffRequiredMixin, View):
    """What needs the user's attention first: open work sorted by the next deadline.

    /staff/ is where signing in lands; report viewers, who see no case records, are sent on
    to the reports instead of a refusal.
    """

    def get(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        if not access.may(user, access.Perm.CASE_VIEW):
            # Issue 14 (homes): an independent visitor has only their own visits.
            if access.may(user, access.Perm.HOMES_OWN_VISITS):
                return redirect("homes:mine")
            try:
                return redirect("reports:index")
            except NoReverseMatch:
                raise PermissionDenied from None
        form = forms.CaseloadFilterForm(request.GET, user=user)
        # The filters last used come back when the caseload is opened without any
        # (ADR 0110); "reset" (Clear filters) forgets them.
        asked = [key for key in request.GET if key not in day.NOT_FILTERS]
        last = day.remembered(user)
        query = "" if "reset" in request.GET else day.canonical_query(form, request.GET)
        if not asked and last and "reset" not in request.GET:
            return HttpResponseRedirect(f"{request.path}?{last}")
        if query != last and (asked or "reset" in request.GET):
            day.remember(user, query)
        filters = form.filters()
        window = selectors.DueWindow.now()
        counts = selectors.caseload_tag_counts(user=user, filters=filters, window=window)
        page = selectors.paginate(
            selectors.caseload(user=user, filters=filters, window=window),
            number=_page_number(request),
            total=selectors.caseload_total(filters, counts),
        )
        record_reads(cases=page.items, user=user, via="caseload")
        return render(
            request,
            "casework/caseload.html",
            {
                "form": form,
                "filters": filters,
                "page": page,
                "cases": page.items,
                "tag_counts": [
                    {
                        "tag": tag,
                        "label": label,
                        "colour": colour,
                        "count": min(counts[tag], selectors.COUNT_CAP),
                        "capped": counts[tag] > selectors.COUNT_CAP,
                        "url": _query(request.GET, drop=("tag", "overdue"), tag=tag),
                        "current": filters.tag == tag,
                    }
                    for tag, (label, colour) in selectors.TAGS.items()
                ]
                if counts
                else [],
                "selected": _selected_filters(form, request.GET),
                "header": _sort_columns(request.GET, filters.sort),
                "pages": _page_links(request.GET, page),
                "can_record": access.may(user, access.Perm.CASE_MANAGE),
                "is_appointee": access.may(user, access.Perm.CASES_APPOINTED),
                "query": query,
                "saved_views": [
                    {"name": v.name, "url": day_views.caseload_url(v.query)}
                    for v in day.saved_views(user)
                ],
                "bulk": day_views.bulk_choices(user, form),
                "can_download": day.may(user, "download"),
            },
        )


def _selected_filters(form: forms.CaseloadFilterForm, params: QueryDict) -> list[dict[str, str]]:
    """The filters in force, each with the link that removes it (the MOJ filter pattern)."""
    selected = []
    for name, field in form.fields.items():
        if name == "sort":
            continue
        value = form.cleaned_data.get(name)
        if value in (None, "", False) or (name == "status" and value == "open"):
            continue
        if hasattr(field, "choices"):
            text = dict((str(k), v) for k, v in field.choices).get(str(value), str(value))
        elif hasattr(value, "day"):
            text = f"{value.day} {value:%B %Y}"
        else:
            text = "Yes"
        selected.append(
            {"label": str(field.label), "value": str(text), "url": _query(params, drop=(name,))}
        )
    return selected


def _sort_columns(params: QueryDict, current: str) -> list[dict[str, str]]:
    """The table's headings; a sortable one links to its sort and says how it is sorted."""
    columns = []
    for key, label in COLUMNS:
        if not key:
            columns.append({"label": label})
            continue
        aria = ""
        target = key
        if current == key:
            aria, target = "ascending", f"-{key}"
        elif current == f"-{key}":
            aria, target = "descending", key
        columns.append({"label": label, "aria": aria, "url": _query(params, sort=target)})
    return columns


def _page_links(params: QueryDict, page: selectors.Page) -> dict[str, Any]:
    """Previous/next and a window of numbered pages (GOV.UK pagination)."""
    last = page.last_number
    numbers = sorted({1, last, *range(max(1, page.number - 2), min(last, page.number + 2) + 1)})
    items: list[dict[str, Any]] = []
    previous = 0
    for n in numbers:
        if previous and n - previous > 1:
            items.append({"ellipsis": True})
        items.append({"number": n, "url": _query(params, page=n), "current": n == page.number})
        previous = n
    return {
        "items": items if last > 1 else [],
        "previous": _query(params, page=page.number - 1) if page.number > 1 else "",
        "next": _query(params, page=page.number + 1) if page.has_next else "",
    }


# --- Team view ------------------------------------------------------------------------------


class TeamView(StaffRequiredMixin, View):
    """Open work per person and per team, and what is overdue: to balance allocation."""

    permission = access.Perm.DAY

    def get(self, request: HttpRequest) -> HttpResponse:
        workload = selectors.team_workload(user=_user(request))
        return render(request, "casework/team.html", {"workload": workload})


# --- Search ---------------------------------------------------------------------------------


class SearchView(StaffRequiredMixin, View):
    """Search by reference, a person's name or words. The search is POSTed so that names
    never appear in addresses or server logs."""

    permission = access.Perm.CASE_VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "casework/search.html", {"form": forms.SearchForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = forms.SearchForm(request.POST)
        result = None
        if form.is_valid():
            result = selectors.search_cases(
                user=_user(request), words=form.cleaned_data["q"], limit=selectors.SEARCH_LIMIT
            )
            words = form.cleaned_data["q"].strip().upper()
            if len(result.cases) == 1 and result.cases[0].reference == words:
                # Straight to the case: its page logs the read.
                return redirect("casework:case", reference=result.cases[0].reference)
            record_reads(cases=result.cases, user=_user(request), via="search")
        return render(
            request,
            "casework/search.html",
            {
                "form": form,
                "result": result,
                "header": PLAIN_HEADER,
                "limit": selectors.SEARCH_LIMIT,
            },
        )


# --- Recording ------------------------------------------------------------------------------


class NewCaseView(StaffRequiredMixin, View):
    """Record a contact, complaint, compliment or representation taken by phone, e-mail,
    letter, text or in person; people already recorded are found before adding anyone."""

    permission = access.Perm.CASE_MANAGE

    def forms(
        self, request: HttpRequest
    ) -> tuple[forms.NewCaseForm, forms.PersonForm, forms.PersonForm]:
        data = request.POST if request.method == "POST" else None
        user = _user(request)
        return (
            forms.NewCaseForm(data),
            forms.PersonForm(data, user=user, role="complainant", prefix="complainant"),
            forms.PersonForm(data, user=user, role="child", prefix="child"),
        )

    def render(
        self, request: HttpRequest, main: Any, complainant: Any, child: Any, **extra: Any
    ) -> HttpResponse:
        all_forms = [main, complainant, child]
        return render(
            request,
            "casework/new_case.html",
            {
                "form": main,
                "complainant": complainant,
                "child": child,
                "all_forms": all_forms,
                "has_errors": any(f.is_bound and f.errors for f in all_forms),
                **extra,
            },
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(request, *self.forms(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        main, complainant, child = self.forms(request)
        if "find" in request.POST:
            # Look people up without judging the rest of the form yet.
            for form in (main, complainant, child):
                form.is_valid()
                form.errors.clear()
            for person in (complainant, child):
                if person.has_name or person.data.get(person.add_prefix("email")):
                    person.find()
            return self.render(request, main, complainant, child, searched=True)
        valid = [f.is_valid() for f in (main, complainant, child)]
        if not all(valid):
            return self.render(request, main, complainant, child)
        data = main.cleaned_data
        people = [p for p in (complainant.person_input(), child.person_input()) if p is not None]
        try:
            case = services.case_create(
                actor=_user(request),
                kind=data["kind"],
                channel=data["channel"],
                received_on=data["received_on"],
                summary=data["summary"],
                details=data.get("details", ""),
                teams=data.get("teams") or [],
                themes=data.get("themes") or [],
                procedure_code=(data.get("procedure") or None)
                if data["kind"] == Kind.COMPLAINT
                else None,
                people=people,
                elements=main.element_inputs(),
                restricted=data.get("restricted", False),
                grounds_arose_on=data.get("grounds_arose_on")
                if data["kind"] == Kind.COMPLAINT
                else None,
                late_complaint_reason=data.get("late_complaint_reason", ""),
                assigned_to=data.get("assigned_to"),
                praised_worker=data.get("praised_worker", ""),
            )
        except AccessDenied as exc:
            raise PermissionDenied from exc
        except ApplicationError as exc:
            target = (
                complainant
                if set(exc.field_errors) & set(forms.PersonForm.DETAIL_FIELDS)
                and set(exc.field_errors).isdisjoint(main.fields)
                else main
            )
            add_service_error(target, exc)
            return self.render(request, main, complainant, child)
        messages.success(request, f"{case.get_kind_display()} {case.reference} recorded.")
        return redirect("casework:case", reference=case.reference)


class ComplimentView(StaffRequiredMixin, View):
    """Log compliments quickly: the form stays on the page, ready for the next one."""

    permission = access.Perm.CASE_MANAGE
    STICKY = ("channel", "received_on", "team")
    SESSION_KEY = "casework_compliment_defaults"

    def initial(self, request: HttpRequest) -> dict[str, Any]:
        saved = request.session.get(self.SESSION_KEY, {})
        initial: dict[str, Any] = {"channel": "email", "received_on": today()}
        if saved.get("channel"):
            initial["channel"] = saved["channel"]
        if saved.get("team"):
            initial["team"] = saved["team"]
        return initial

    def render(self, request: HttpRequest, form: forms.ComplimentForm) -> HttpResponse:
        recent = selectors.recent_compliments(user=_user(request))
        return render(request, "casework/compliment.html", {"form": form, "recent": recent})

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(request, forms.ComplimentForm(initial=self.initial(request)))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = forms.ComplimentForm(request.POST)
        if not form.is_valid():
            return self.render(request, form)
        data = form.cleaned_data
        user = _user(request)
        team = data.get("team")
        text = data["text"].strip()
        try:
            with transaction.atomic():
                case = services.case_create(
                    actor=user,
                    kind=Kind.COMPLIMENT,
                    channel=data["channel"],
                    received_on=data["received_on"],
                    summary=" ".join(text.split())[:200],
                    details=text,
                    teams=[team] if team else [],
                    people=form.person_inputs(),
                    praised_worker=data.get("praised_worker", ""),
                )
                recipients: list[str] = []
                if data.get("pass_on"):
                    recipients = pass_on_to_team(
                        case=case,
                        on=today(),
                        worker_email=data.get("worker_email") or "",
                        actor=user,
                    )
        except AccessDenied as exc:
            raise PermissionDenied from exc
        except ApplicationError as exc:
            add_service_error(form, exc)
            return self.render(request, form)
        request.session[self.SESSION_KEY] = {
            "channel": data["channel"],
            "team": team.pk if team else None,
        }
        url = reverse("casework:case", kwargs={"reference": case.reference})
        if recipients:
            message = format_html(
                'Compliment <a class="govuk-notification-banner__link" href="{}">{}</a> logged '
                "and passed on to {} {}.",
                url,
                case.reference,
                len(recipients),
                "person" if len(recipients) == 1 else "people",
            )
        else:
            message = format_html(
                'Compliment <a class="govuk-notification-banner__link" href="{}">{}</a> logged.',
                url,
                case.reference,
            )
        messages.success(request, message)
        return redirect("casework:compliment")


# --- The case page --------------------------------------------------------------------------


def _get_case(request: HttpRequest, reference: str) -> Case:
    try:
        return case_get(user=_user(request), reference=reference)
    except AccessDenied as exc:
        raise Http404("No such case") from exc


def _stage_letters(case: Case) -> dict[int, list[Any]]:
    """The letters sent for each stage's steps (one query), where the letters are installed."""
    if not apps.is_installed("harken.documents"):
        return {}
    from harken.documents.selectors import stage_letters

    return stage_letters(case=case)


def _stage_rows(state: CaseState) -> list[dict[str, Any]]:
    """Each stage with its milestones, its dates from the stage's clock (each under its own
    name) and its appointments, for display."""
    rows = []
    spec = state.spec
    by_number = {stage.number: stage for stage in state.stages}
    letters = _stage_letters(state.case)
    for stage in state.stages:
        stage_def = spec.stage(stage.number) if spec and spec.has_stage(stage.number) else None
        milestones = []
        dues: list[Any] = []
        clock = None
        if stage_def is not None:
            dates = stage_dates(stage)
            for milestone in stage_def.milestones:
                milestones.append(
                    {"label": MILESTONE_LABELS[milestone], "date": dates.get(milestone)}
                )
            clock = stage_clock(stage, stage_def, extensions=stage.extensions.all())
            dues = list(clock.dues)
        following = by_number.get(stage.number + 1)
        rows.append(
            {
                "stage": stage,
                "name": stage_def.name if stage_def else f"Stage {stage.number}",
                "response_label": stage_def.response_label if stage_def else "response",
                "milestones": milestones,
                "dues": dues,
                "clock": clock,
                "next_requested_on": following.received_on if following else None,
                "letters": letters.get(stage.pk, []),
                "extensions": sorted(stage.extensions.all(), key=lambda e: e.new_due_on),
                "appointments": sorted(stage.appointments.all(), key=lambda a: a.appointed_on),
                "current": stage is state.stage,
            }
        )
    return rows


def _element_rows(state: CaseState, *, may_change: bool = False) -> list[dict[str, Any]]:
    """Each element with its outcome at each stage, and whether the user may change it now."""
    # The selector prefetches elements without their theme and team: two queries for all.
    prefetch_related_objects(state.elements, "theme", "team")
    outcomes = {
        (o.element_id, stage.number): Outcome(o.outcome).label
        for stage in state.stages
        for o in stage.outcomes.all()
    }
    changeable = {e.pk for e in state.changeable_elements} if may_change else set()
    return [
        {
            "element": element,
            "outcomes": [outcomes.get((element.pk, s.number), "") for s in state.stages],
            "changeable": element.pk in changeable,
        }
        for element in state.elements
    ]


# The parts of the case page, each its own address (MOJ sub navigation, no JavaScript needed):
# (slug, label). The summary is the case's own address; the others are cases/<ref>/<slug>/.
CASE_TABS = (
    ("summary", "Summary and deadlines"),
    ("people", "People"),
    ("points", "Points of complaint and outcomes"),
    ("stages", "Stages"),
    ("documents", "Documents and letters"),
    ("timeline", "Notes and timeline"),
)
CASE_TAB_SLUGS = tuple(slug for slug, _ in CASE_TABS)


def _case_tabs(case: Case, current: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The sub navigation's links, and the one being shown."""
    tabs = [
        {
            "slug": slug,
            "label": label,
            "template": f"casework/case_tabs/{slug}.html",
            "url": reverse("casework:case", kwargs={"reference": case.reference})
            if slug == "summary"
            else reverse("casework:case_tab", kwargs={"reference": case.reference, "tab": slug}),
        }
        for slug, label in CASE_TABS
    ]
    return next(t for t in tabs if t["slug"] == current), tabs


class CaseView(StaffRequiredMixin, View):
    """Everything about one case, in parts; each part's view is logged as a read."""

    permission = access.Perm.CASE_VIEW

    def get(self, request: HttpRequest, reference: str, tab: str = "summary") -> HttpResponse:
        if tab not in CASE_TAB_SLUGS:
            raise Http404("No such part of a case")
        user = _user(request)
        case = _get_case(request, reference)
        state = CaseState(case)
        allowed = available(user, state)
        window = selectors.DueWindow.now()
        tag = ""
        if case.status == "open":
            tag = next((t for t in selectors.TAGS if _matches(case, t, window)), "")
        note_action = ACTIONS_BY_NAME["note"]
        other_open = list(selectors.other_open_cases(user=user, case=case))
        stages = _stage_rows(state)
        points = _element_rows(state, may_change=any(a.name == "change-point" for a in allowed))
        current = next((row for row in stages if row["current"]), None)
        clock = current["clock"] if current and current["stage"].is_open else None
        shown, tabs = _case_tabs(case, tab)
        parties = sorted(case.parties.all(), key=lambda p: (p.role != "complainant", p.pk))
        restricted = rules.people_restricted(p.person_id for p in parties)
        return render(
            request,
            "casework/case.html",
            {
                "tab": shown,
                "tabs": tabs,
                "case": case,
                "state": state,
                "tag": tag,
                "stage_actions": [(a, a.title(state)) for a in allowed if a.group == "stage"],
                # Issue 14: the same step ("appoint"), from the pool of independent people.
                "appoint_from_pool": any(a.name == "appoint" for a in allowed)
                and access.may(user, access.Perm.POOL_VIEW),
                "record_actions": [(a, a.title(state)) for a in allowed if a.group == "record"],
                "case_actions": [
                    (a, a.title(state)) for a in allowed if a.group == "case" and a.name != "note"
                ],
                "can_edit_people": any(a.name == "edit-person" for a in allowed),
                "note_form": forms.NoteForm(state=state, user=user)
                if note_action.allowed(user, state)
                else None,
                "stages": stages,
                # The banner explains the date it shows: the same entry of the stage's clock.
                "next_due": clock.next_due if clock else None,
                "waiting_explanation": clock.explanation if clock else "",
                "elements": points,
                "has_point_changes": any(row["changeable"] for row in points),
                "parties": parties,
                "processing_restrictions": sorted(
                    restricted.values(), key=lambda r: (r.since, r.person_id)
                ),
                "may_lift": access.may(user, access.Perm.SUBJECT_ACCESS),
                "other_open": other_open,
                "other_people": {party.person_id for party in other_open},
                # The linked contact or complaint, only when the user may see it too.
                "progressed_to": access.visible_cases(user)
                .filter(progressed_from=case)
                .only("reference")
                .first()
                if case.kind == Kind.CONTACT
                else None,
                "progressed_from": case.progressed_from
                if case.progressed_from and access.can_view_case(user, case.progressed_from)
                else None,
                "safeguarding": list(case.safeguarding.all()),
                "appointed_now": [
                    a for row in state.stages for a in row.appointments.all() if a.ended_on is None
                ],
                "former_appointees": former_appointees_with_documents(case=case),
                # Only the timeline part shows them: the other parts do not read them.
                "events": list(selectors.timeline(case)) if tab == "timeline" else [],
                "notes": list(selectors.case_notes(case)) if tab == "timeline" else [],
                "case_banners": case_panels(EVERY_TAB),
                "case_panels": case_panels(tab),
                "reply_target": services.reply_target(case.received_on)
                if case.due_on and case.is_open and not case.stage_number
                else None,
            },
        )


def _matches(case: Case, tag: str, window: selectors.DueWindow) -> bool:
    """The status tag of one case already in memory (the same rules as DueWindow.q)."""
    due = case.next_due_on
    if tag == selectors.Tag.OVERDUE:
        return due is not None and due < window.today
    if tag == selectors.Tag.DUE_SOON:
        return due is not None and window.today <= due <= window.soon
    if tag == selectors.Tag.PAUSED:
        return case.paused
    return True


def _letter_after(step: str, case: Case, user: User) -> str | None:
    """The drafted letter for a step that has one, where the letters are installed."""
    if not apps.is_installed("harken.documents"):
        return None
    from harken.documents.steps import letter_url_after

    return letter_url_after(step, case, user)


# Where a done action lands: the part of the case page that shows what it changed (the
# summary and deadlines otherwise).
ACTION_LANDING = {
    "note": "timeline",
    "add-person": "people",
    "edit-person": "people",
    "add-element": "points",
    "change-point": "points",
    "split-point": "points",
    "merge-points": "points",
}


def _case_part_url(case: Case, tab: str) -> str:
    if tab == "summary":
        return reverse("casework:case", kwargs={"reference": case.reference})
    return reverse("casework:case_tab", kwargs={"reference": case.reference, "tab": tab})


class CaseActionView(StaffRequiredMixin, View):
    """Every workflow action, driven by the table in `actions.py`."""

    permission = access.Perm.CASE_VIEW

    def setup_action(
        self, request: HttpRequest, reference: str, name: str
    ) -> tuple[Action, CaseState]:
        action = ACTIONS_BY_NAME.get(name)
        if action is None:
            raise Http404("No such action")
        case = _get_case(request, reference)
        state = CaseState(case)
        if not action.role_allows(_user(request), state):
            raise PermissionDenied
        return action, state

    def make_form(self, request: HttpRequest, action: Action, state: CaseState) -> Any:
        data = request.POST if request.method == "POST" else None
        return action.form(data, state=state, user=_user(request), params=request.GET)

    def render_form(
        self, request: HttpRequest, action: Action, state: CaseState, form: Any
    ) -> HttpResponse:
        return render(
            request,
            action.template,
            {
                "case": state.case,
                "state": state,
                "action": action,
                "title": action.title(state),
                "form": form,
            },
        )

    def not_now(self, request: HttpRequest, action: Action, state: CaseState) -> HttpResponse:
        messages.info(request, f"“{action.title(state)}” does not apply to this case now.")
        return redirect("casework:case", reference=state.case.reference)

    def get(self, request: HttpRequest, reference: str, name: str) -> HttpResponse:
        action, state = self.setup_action(request, reference, name)
        if not action.applies(state):
            return self.not_now(request, action, state)
        return self.render_form(request, action, state, self.make_form(request, action, state))

    def post(self, request: HttpRequest, reference: str, name: str) -> HttpResponse:
        action, state = self.setup_action(request, reference, name)
        if not access.can_act(_user(request), state.case, action.permission):
            raise PermissionDenied
        if not action.applies(state):
            return self.not_now(request, action, state)
        form = self.make_form(request, action, state)
        if form.is_valid():
            try:
                with transaction.atomic():
                    result = action.run(state, _user(request), form)
            except AccessDenied as exc:
                raise PermissionDenied from exc
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                target = result if isinstance(result, Case) else state.case
                letter_url = _letter_after(action.name, target, _user(request))
                if letter_url:  # the letter for the step, drafted, on the next page
                    return HttpResponseRedirect(letter_url)
                messages.success(request, action.done)
                if target.pk != state.case.pk:
                    return HttpResponseRedirect(_case_part_url(target, "summary"))
                return HttpResponseRedirect(
                    _case_part_url(state.case, ACTION_LANDING.get(action.name, "summary"))
                )
        return self.render_form(request, action, state, form)
