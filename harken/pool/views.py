"""The pool's staff pages: the list (MOJ filters), an entry, adding and changing one, its
training and partner appointments; appointing from the pool to a case's open stage; and an
appointee's own appointments. Views read through selectors and write through services."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from harken import access
from harken.access import Perm
from harken.access.web import StaffRequiredMixin
from harken.accounts.current import request_user as _user
from harken.cases import workflow
from harken.cases.models import PANEL_ROLES, AppointmentRole
from harken.cases.workflow import CaseState
from harken.core.audit import record_read, record_reads
from harken.core.dates import today
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.forms import add_service_error
from harken.procedures.definitions import Milestone
from harken.registers.views import _page, _selected

from . import forms, selectors, services
from .models import PartnerAppointment, PoolEntry


def _entry(request: HttpRequest, pk: int, via: str = "page") -> PoolEntry:
    try:
        return selectors.pool_entry_get(user=_user(request), pk=pk, via=via)
    except AccessDenied as exc:
        raise Http404(exc.message) from exc


class PoolListView(StaffRequiredMixin, View):
    permission = Perm.POOL_VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        form = forms.PoolFilterForm(request.GET)
        v = form.values()
        qs = selectors.pool_list(
            user=_user(request),
            filters=selectors.PoolFilters(
                role=v.get("role") or "",
                sharing=v.get("sharing") or "",
                organisation_kind=v.get("organisation_kind") or "",
                available=bool(v.get("available")),
                dbs_lapsed=bool(v.get("dbs_lapsed")),
                include_left=bool(v.get("include_left")),
                name=(v.get("name") or "").strip(),
            ),
        )
        page, links = _page(request, qs)
        return render(
            request,
            "pool/list.html",
            {
                "form": form,
                "filter_errors": form.errors,
                "selected": _selected(form, request.GET),
                "page": page,
                "rows": page.object_list,
                "pages": links,
                "list_url": request.path,
                "can_change": access.may(request.user, Perm.POOL_EDIT),
                "today": today(),
            },
        )


class PoolEntryView(StaffRequiredMixin, View):
    permission = Perm.POOL_VIEW

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        entry = _entry(request, pk)
        return render(
            request,
            "pool/entry.html",
            {
                "entry": entry,
                "appointments": selectors.entry_appointments(entry=entry),
                "history": selectors.entry_history(entry=entry),
                "can_change": access.may(request.user, Perm.POOL_EDIT),
                "dbs_lapsed": entry.dbs_lapsed(),
            },
        )


class FormPage(StaffRequiredMixin, View):
    """A form that calls one pool service (feedback officers and administrators)."""

    permission = Perm.POOL_EDIT
    title: ClassVar[str] = ""
    button: ClassVar[str] = "Save"
    success: ClassVar[str] = "Saved"
    entry: PoolEntry | None = None

    def load(self, request: HttpRequest, **kwargs: Any) -> None:
        if "pk" in kwargs:
            self.entry = _entry(request, kwargs["pk"], via="form")

    def make_form(self, data: QueryDict | None) -> Any:
        raise NotImplementedError

    def save(self, form: Any) -> Model:
        raise NotImplementedError

    def back_url(self) -> str:
        if self.entry is not None:
            return reverse("pool:entry", kwargs={"pk": self.entry.pk})
        return reverse("pool:list")

    def done_url(self, obj: Model) -> str:
        return self.back_url()

    def _render(self, request: HttpRequest, form: Any) -> HttpResponse:
        return render(
            request,
            "registers/form.html",
            {
                "title": self.title,
                "caption": str(self.entry) if self.entry else "Pool of independent people",
                "button": self.button,
                "back_url": self.back_url(),
                "form": form,
                "main_form": form,
            },
        )

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        self.user = _user(request)
        self.load(request, **kwargs)
        return self._render(request, self.make_form(None))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        self.user = _user(request)
        self.load(request, **kwargs)
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                obj = self.save(form)
            except AccessDenied as exc:
                raise PermissionDenied from exc
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, self.success)
                return redirect(self.done_url(obj))
        return self._render(request, form)


class PoolCreateView(FormPage):
    title = "Add a person to the pool"
    button = "Add to the pool"
    success = "Added to the pool"

    def make_form(self, data: QueryDict | None) -> Any:
        return forms.PoolEntryForm(data, initial={"sharing": "own", "available": "yes"})

    def save(self, form: Any) -> Model:
        return services.pool_entry_create(actor=self.user, **form.values())

    def done_url(self, obj: Model) -> str:
        return reverse("pool:entry", kwargs={"pk": obj.pk})


class PoolEditView(FormPage):
    title = "Change the pool entry"
    success = "Pool entry updated"

    def make_form(self, data: QueryDict | None) -> Any:
        assert self.entry is not None  # noqa: S101
        return forms.PoolEntryChangeForm(
            data, initial=forms.PoolEntryChangeForm.initial_for(self.entry)
        )

    def save(self, form: Any) -> Model:
        assert self.entry is not None  # noqa: S101
        return services.pool_entry_update(entry=self.entry, actor=self.user, **form.values())


class TrainingCreateView(FormPage):
    title = "Record training"
    success = "Training recorded"

    def make_form(self, data: QueryDict | None) -> Any:
        return forms.TrainingForm(data)

    def save(self, form: Any) -> Model:
        assert self.entry is not None  # noqa: S101
        return services.pool_training_add(entry=self.entry, actor=self.user, **form.values())


class PartnerAppointmentCreateView(FormPage):
    title = "Record an appointment by a partner council"
    success = "Appointment by the partner council recorded"

    def make_form(self, data: QueryDict | None) -> Any:
        assert self.entry is not None  # noqa: S101
        return forms.PartnerAppointmentForm(data, entry=self.entry)

    def save(self, form: Any) -> Model:
        assert self.entry is not None  # noqa: S101
        return services.partner_appointment_record(
            entry=self.entry, actor=self.user, **form.values()
        )


class PartnerAppointmentEndView(FormPage):
    """The end of an appointment by a partner council: it leaves the person's load."""

    title = "End an appointment by a partner council"
    button = "End the appointment"
    success = "Appointment by the partner council ended"
    appointment: PartnerAppointment | None = None

    def load(self, request: HttpRequest, **kwargs: Any) -> None:
        super().load(request, **kwargs)
        self.appointment = get_object_or_404(
            PartnerAppointment, pk=kwargs["apk"], entry=self.entry, ended_on__isnull=True
        )

    def make_form(self, data: QueryDict | None) -> Any:
        return forms.PartnerAppointmentEndForm(data)

    def save(self, form: Any) -> Model:
        assert self.appointment is not None  # noqa: S101
        return services.partner_appointment_end(
            appointment=self.appointment, actor=self.user, **form.values()
        )


# --- Appointing from the pool ---------------------------------------------------------------


def stage_roles(state: CaseState) -> list[str]:
    """The roles the open stage appoints (the same as the appointment page's)."""
    spec = state.stage_def
    roles: list[str] = []
    if spec is not None:
        if spec.requires_investigating_officer or Milestone.IO_APPOINTED in spec.milestones:
            roles.append(AppointmentRole.INVESTIGATING_OFFICER)
        if spec.requires_independent_person or Milestone.IP_APPOINTED in spec.milestones:
            roles.append(AppointmentRole.INDEPENDENT_PERSON)
        if spec.panel_size:
            roles.extend(PANEL_ROLES)
    return roles


class PoolAppointView(StaffRequiredMixin, View):
    """The stage's appointment from the pool: first the role (GET), then those free and
    eligible for it, each with their load and DBS check, then the date and the fee."""

    permission = Perm.POOL_VIEW

    def setup_case(self, request: HttpRequest, reference: str) -> CaseState:
        case = access.visible_case(_user(request), reference)
        if case is None:
            raise Http404("There is no case with that reference you can see.")
        state = CaseState(case)
        if not workflow.TRANSITIONS_BY_NAME["appoint"].role_allows(_user(request), state):
            raise PermissionDenied
        record_read(case=case, user=_user(request), via="pool-appoint")
        return state

    def render_page(
        self, request: HttpRequest, state: CaseState, role: str, form: Any, role_form: Any
    ) -> HttpResponse:
        stage = state.stage
        entries = list(form.entries.values()) if form is not None else []
        return render(
            request,
            "pool/appoint.html",
            {
                "case": state.case,
                "stage": stage,
                "role": role,
                "role_label": AppointmentRole(role).label if role else "",
                "role_form": role_form,
                "form": form if form is not None else role_form,
                "appoint_form": form,
                "entries": entries,
                "employed_left_out": selectors.not_offered_employed(role=role) if role else 0,
                "case_url": reverse("casework:case", kwargs={"reference": state.case.reference}),
            },
        )

    def _forms(self, request: HttpRequest, state: CaseState, data: Any) -> tuple[str, Any, Any]:
        roles = stage_roles(state)
        # Bound once the role form was sent ("choose"), chosen or not, so that sending it
        # without a role says "Select the role".
        asked = "role" in request.GET or "choose" in request.GET
        role_form = forms.ChooseRoleForm(request.GET if asked else None, roles=roles)
        if not asked or not role_form.is_valid():
            return "", None, role_form
        role = role_form.cleaned_data["role"]
        assert state.stage is not None  # noqa: S101 (the transition applies)
        entries = selectors.offered(stage=state.stage, role=role)
        return (
            role,
            forms.PoolAppointForm(data, entries=entries, initial={"fee_basis": "none"}),
            role_form,
        )

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        state = self.setup_case(request, reference)
        if not workflow.TRANSITIONS_BY_NAME["appoint"].applies(state):
            messages.info(request, "No one can be appointed to this case now.")
            return redirect("casework:case", reference=state.case.reference)
        role, form, role_form = self._forms(request, state, None)
        return self.render_page(request, state, role, form, role_form)

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        state = self.setup_case(request, reference)
        if not access.can_act(_user(request), state.case, Perm.CASE_MANAGE):
            raise PermissionDenied
        role, form, role_form = self._forms(request, state, request.POST)
        if form is None:
            return self.render_page(request, state, role, form, role_form)
        if form.is_valid():
            try:
                with transaction.atomic():
                    made = services.pool_appoint(
                        case=state.case,
                        pool_entry=form.chosen(),
                        role=role,
                        on=form.cleaned_data["on"],
                        fee_basis=form.cleaned_data["fee_basis"],
                        days=form.cleaned_data.get("days"),
                        actor=_user(request),
                    )
            except AccessDenied as exc:
                raise PermissionDenied from exc
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                done = f"{made.appointment.appointee_name} appointed {AppointmentRole(role).label}."
                if made.fee is not None:
                    done += f" Their fee of £{made.fee.amount:,.2f} is in the costs register."
                messages.success(request, done)
                for warning in made.warnings:
                    messages.warning(request, warning)
                return redirect("casework:case", reference=state.case.reference)
        return self.render_page(request, state, role, form, role_form)


class MyAppointmentsView(StaffRequiredMixin, View):
    """An appointee's own page: the stages they are appointed to, with those stages'
    documents, and where to upload their report."""

    permission = Perm.POOL_OWN

    def get(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        mine = selectors.my_appointments(user=user)
        record_reads(cases=[m.appointment.stage.case_id for m in mine], user=user, via="pool-mine")
        return render(request, "pool/mine.html", {"mine": mine})
