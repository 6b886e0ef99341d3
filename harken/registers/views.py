"""The register pages: an index, and for each register a list (MOJ filters, pagination), a
record page (with its history) and a form for every change. Views read through selectors
and write through services; managers read, feedback officers and administrators change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from harken import access
from harken.access import Perm
from harken.access.web import StaffRequiredMixin
from harken.accounts.current import request_user as _user
from harken.accounts.models import User
from harken.cases.models import Case
from harken.core.dates import format_date, today
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.web import whole_number

from . import forms, permissions, selectors, services
from .models import OmbudsmanCase, Register

PAGE_SIZE = 50


class ReaderView(StaffRequiredMixin, View):
    """Managers, feedback officers and administrators."""

    permission = Perm.REGISTERS_VIEW


class EditorView(StaffRequiredMixin, View):
    """Feedback officers and administrators."""

    permission = Perm.REGISTERS_EDIT


def _found(load: Callable[[], Any]) -> Any:
    """The record, or 404 for one that does not exist or the user may not see."""
    try:
        return load()
    except AccessDenied as exc:
        raise Http404(exc.message) from exc


def _pk(value: str | None) -> int | None:
    return whole_number(value)


# --- Lists ----------------------------------------------------------------------------------


def _query(params: QueryDict, drop: tuple[str, ...] = (), **changes: Any) -> str:
    """The query string of `params` with `changes` made and `drop` left out (and no page)."""
    data = params.copy()
    for key in list(data):
        if key == "page" or key in drop or key.rsplit("_", 1)[0] in drop:
            del data[key]
    for key, value in changes.items():
        data[key] = str(value)
    encoded = urlencode(sorted((k, v) for k in data for v in data.getlist(k) if v != ""))
    return f"?{encoded}" if encoded else "?"


def _selected(form: forms.FilterForm, params: QueryDict) -> list[dict[str, str]]:
    """The filters in force, each with the link that removes it (MOJ filter pattern)."""
    selected = []
    values = form.values()
    for name, field in form.fields.items():
        value = values.get(name)
        if value in (None, "", False):
            continue
        if hasattr(field, "choices"):
            text = dict((str(k), v) for k, v in field.choices).get(str(value), str(value))
        elif hasattr(value, "day"):
            text = format_date(value)
        else:
            text = "Yes"
        selected.append(
            {"label": str(field.label), "value": str(text), "url": _query(params, drop=(name,))}
        )
    return selected


def _page(request: HttpRequest, qs: QuerySet[Any]) -> tuple[Page[Any], dict[str, Any]]:
    """One page of `qs` and the GOV.UK pagination links."""
    paginator = Paginator(qs, PAGE_SIZE)
    raw = request.GET.get("page", "1")
    number = whole_number(raw, below=100_000) or 1
    page = paginator.get_page(number)
    last = paginator.num_pages
    items: list[dict[str, Any]] = []
    previous = 0
    for n in sorted({1, last, *range(max(1, page.number - 2), min(last, page.number + 2) + 1)}):
        if previous and n - previous > 1:
            items.append({"ellipsis": True})
        items.append({"number": n, "url": _query(request.GET, page=n), "current": n == page.number})
        previous = n
    links = {
        "items": items if last > 1 else [],
        "previous": _query(request.GET, page=page.number - 1) if page.has_previous() else "",
        "next": _query(request.GET, page=page.number + 1) if page.has_next() else "",
    }
    return page, links


@dataclass(frozen=True)
class ListSpec:
    title: str
    noun: str  # "Ombudsman cases"
    template: str
    form: type[forms.FilterForm]
    rows: Callable[[User, dict[str, Any]], QuerySet[Any]]
    new_url: str = ""
    total: Callable[[QuerySet[Any]], Any] | None = None


class RegisterListView(ReaderView):
    spec: ClassVar[ListSpec]

    def get(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        form = self.spec.form(request.GET)
        values = form.values()
        qs = self.spec.rows(user, values)
        page, links = _page(request, qs)
        selectors.log_cases_shown(page.object_list, user)
        return render(
            request,
            self.spec.template,
            {
                "spec": self.spec,
                "form": form,
                "filter_errors": form.errors,
                "selected": _selected(form, request.GET),
                "page": page,
                "rows": page.object_list,
                "pages": links,
                "total": self.spec.total(qs) if self.spec.total else None,
                "can_change": permissions.can_change_registers(user),
                "list_url": request.path,
                "today": today(),
            },
        )


def _ombudsman_rows(user: User, v: dict[str, Any]) -> QuerySet[Any]:
    return selectors.ombudsman_list(
        user=user,
        filters=selectors.OmbudsmanFilters(
            decision=v.get("decision") or "",
            received_from=v.get("received_from"),
            received_to=v.get("received_to"),
            linked=v.get("linked") or "",
            remedies_outstanding=bool(v.get("remedies_outstanding")),
        ),
    )


def _payment_rows(user: User, v: dict[str, Any]) -> QuerySet[Any]:
    return selectors.payment_list(
        user=user,
        filters=selectors.PaymentFilters(
            kind=v.get("kind") or "",
            paid_from=v.get("paid_from"),
            paid_to=v.get("paid_to"),
            recommended_by_ombudsman=bool(v.get("recommended_by_ombudsman")),
        ),
    )


def _cost_rows(user: User, v: dict[str, Any]) -> QuerySet[Any]:
    return selectors.cost_list(
        user=user,
        filters=selectors.CostFilters(
            role=v.get("role") or "",
            stage_number=v.get("stage_number"),
            incurred_from=v.get("incurred_from"),
            incurred_to=v.get("incurred_to"),
        ),
    )


def _restriction_rows(user: User, v: dict[str, Any]) -> QuerySet[Any]:
    return selectors.restriction_list(
        user=user,
        filters=selectors.RestrictionFilters(
            status=v.get("status") or "",
            decided_from=v.get("decided_from"),
            decided_to=v.get("decided_to"),
        ),
    )


def _advocacy_rows(user: User, v: dict[str, Any]) -> QuerySet[Any]:
    return selectors.advocacy_list(
        user=user,
        filters=selectors.AdvocacyFilters(
            provider=v.get("provider") or "",
            outcome=v.get("outcome") or "",
            referred_from=v.get("referred_from"),
            referred_to=v.get("referred_to"),
        ),
    )


def _sar_rows(user: User, v: dict[str, Any]) -> QuerySet[Any]:
    return selectors.sar_list(
        user=user,
        filters=selectors.SarFilters(
            status=v.get("status") or "",
            received_from=v.get("received_from"),
            received_to=v.get("received_to"),
        ),
    )


class OmbudsmanListView(RegisterListView):
    spec = ListSpec(
        "Ombudsman cases",
        "Ombudsman cases",
        "registers/ombudsman_list.html",
        forms.OmbudsmanFilterForm,
        _ombudsman_rows,
        "registers:ombudsman_new",
    )


class PaymentListView(RegisterListView):
    spec = ListSpec(
        "Payments",
        "payments",
        "registers/payment_list.html",
        forms.PaymentFilterForm,
        _payment_rows,
        "registers:payment_new",
        total=selectors.total,
    )


class CostListView(RegisterListView):
    spec = ListSpec(
        "Investigation costs",
        "costs",
        "registers/cost_list.html",
        forms.CostFilterForm,
        _cost_rows,
        "registers:cost_new",
        total=selectors.total,
    )


class RestrictionListView(RegisterListView):
    spec = ListSpec(
        "Persistent contact decisions",
        "decisions",
        "registers/restriction_list.html",
        forms.RestrictionFilterForm,
        _restriction_rows,
        "registers:restriction_new",
    )


class AdvocacyListView(RegisterListView):
    spec = ListSpec(
        "Advocacy referrals",
        "referrals",
        "registers/advocacy_list.html",
        forms.AdvocacyFilterForm,
        _advocacy_rows,
        "registers:advocacy_new",
    )


class SarListView(RegisterListView):
    permission = Perm.REGISTERS_EDIT
    spec = ListSpec(
        "Subject access requests",
        "requests",
        "registers/sar_list.html",
        forms.SarFilterForm,
        _sar_rows,
        "registers:sar_new",
    )


# --- Index ----------------------------------------------------------------------------------


class IndexView(ReaderView):
    def get(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        return render(
            request,
            "registers/index.html",
            {
                "counts": selectors.register_counts(user=user),
                "can_change": permissions.can_change_registers(user),
            },
        )


# --- Record pages ---------------------------------------------------------------------------


def _history(register: str, record_id: int) -> list[Any]:
    return list(selectors.history(register, record_id))


class OmbudsmanView(ReaderView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        omb = _found(lambda: selectors.ombudsman_get(user=user, pk=pk))
        payments = selectors.payments_visible(user).filter(ombudsman_case=omb).order_by("paid_on")
        return render(
            request,
            "registers/ombudsman.html",
            {
                "omb": omb,
                "remedies": list(selectors.remedies(omb)),
                "payments": list(payments),
                "history": _history(Register.OMBUDSMAN, omb.pk),
                "can_change": permissions.can_change_registers(user),
                "today": today(),
            },
        )


class PaymentView(ReaderView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        payment = _found(lambda: selectors.payment_get(user=user, pk=pk))
        return render(
            request,
            "registers/payment.html",
            {
                "payment": payment,
                "history": _history(Register.PAYMENT, payment.pk),
                "can_change": permissions.can_change_registers(user),
            },
        )


class CostView(ReaderView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        cost = _found(lambda: selectors.cost_get(user=user, pk=pk))
        return render(
            request,
            "registers/cost.html",
            {
                "cost": cost,
                "history": _history(Register.COST, cost.pk),
                "can_change": permissions.can_change_registers(user),
            },
        )


class RestrictionView(ReaderView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        restriction = _found(lambda: selectors.restriction_get(user=user, pk=pk))
        cases = access.visible_cases(user).filter(parties__person=restriction.person).distinct()
        return render(
            request,
            "registers/restriction.html",
            {
                "restriction": restriction,
                "in_force": restriction.in_force(today()),
                "cases": list(cases.order_by("-received_on")[:50]),
                "history": _history(Register.RESTRICTION, restriction.pk),
                "can_change": permissions.can_change_registers(user),
            },
        )


class AdvocacyView(ReaderView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        referral = _found(lambda: selectors.advocacy_get(user=user, pk=pk))
        return render(
            request,
            "registers/advocacy.html",
            {
                "referral": referral,
                "history": _history(Register.ADVOCACY, referral.pk),
                "can_change": permissions.can_change_registers(user),
            },
        )


class SarView(EditorView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        sar = _found(lambda: selectors.sar_get(user=user, pk=pk))
        return render(
            request,
            "registers/sar.html",
            {
                "sar": sar,
                "extended_explanation": services.sar_extended_explanation(sar)
                if sar.extended_due_on
                else "",
                "overdue": sar.sent_on is None and sar.final_due_on < today(),
                "history": _history(Register.SAR, sar.pk),
                "pauses": list(sar.pauses.all()),
                "paused": any(p.ended_on is None for p in sar.pauses.all()),
                "can_change": True,
            },
        )


# --- Forms ----------------------------------------------------------------------------------


class FormPage(EditorView):
    """A form that calls one service. Subclasses load what it is about (`load`), build the
    form, call the service (`save`) and say where to go next."""

    title: ClassVar[str] = ""
    caption: str = ""
    case: Case | None = None
    button: ClassVar[str] = "Save"
    success: ClassVar[str] = "Saved"
    template_name: ClassVar[str] = "registers/form.html"

    def load(self, request: HttpRequest, **kwargs: Any) -> None:
        """Fetch the record or case the form is about (404 when not visible)."""

    def make_form(self, data: QueryDict | None) -> Any:
        raise NotImplementedError

    def save(self, form: Any) -> Model:
        raise NotImplementedError

    def done_url(self, obj: Model) -> str:
        raise NotImplementedError

    def back_url(self) -> str:
        raise NotImplementedError

    def context(self) -> dict[str, Any]:
        return {}

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if access.may(user, Perm.REGISTERS_EDIT):
            self.user = _user(request)
            self.case_not_found = False
            try:
                self.load(request, **kwargs)
            except CaseNotFound:
                self.case_not_found = True
                self.case = None
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request: HttpRequest, form: Any) -> HttpResponse:
        context = {
            "title": self.title,
            "caption": self.caption,
            "button": self.button,
            "back_url": self.back_url(),
            **self.context(),
        }
        find_form = forms.FindCaseForm(request.GET or None)
        if self.case_not_found:
            find_form.is_valid()
            find_form.add_error("case", "There is no case with that reference you can see")
            form = None
        if context.get("find_case") or self.case_not_found:
            context["find_case"] = True
            context["find_form"] = find_form
        # The error summary and the title's "Error:" follow the form with the errors.
        context["form"] = form if form is not None else find_form
        context["main_form"] = form
        return render(request, self.template_name, context)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(request, None if self.case_not_found else self.make_form(None))

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if self.case_not_found:
            raise Http404("There is no case with that reference you can see.")
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                obj = self.save(form)
            except ApplicationError as exc:
                if isinstance(exc, AccessDenied):
                    raise Http404(exc.message) from exc
                forms.show_error(form, exc, forms.PERSON_ALIASES)
            else:
                messages.success(request, self.success)
                return redirect(self.done_url(obj))
        return self._render(request, form)


class CaseNotFound(Exception):
    """?case= names no case the user can see."""


def _case_param(request: HttpRequest, user: User) -> Case | None:
    """The case named by ?case=REF, if the user may see it."""
    reference = (request.GET.get("case") or "").strip()
    if not reference:
        return None
    case = access.visible_case(user, reference)
    if case is None:
        raise CaseNotFound
    return case


def _case_url(case: Case | None, fallback: str) -> str:
    if case is not None:
        return reverse("casework:case", kwargs={"reference": case.reference})
    return reverse(fallback)


# Ombudsman cases and remedies


class OmbudsmanCreateView(FormPage):
    title = "Record an Ombudsman case"
    button = "Save Ombudsman case"
    success = "Ombudsman case recorded"

    def load(self, request: HttpRequest, **kwargs: Any) -> None:
        self.case = _case_param(request, self.user)
        self.caption = self.case.reference if self.case else "Not linked to a case"

    def make_form(self, data: QueryDict | None) -> Any:
        return forms.OmbudsmanForm(data, case=self.case, creating=True)

    def save(self, form: Any) -> Model:
        return services.ombudsman_case_create(actor=self.user, case=self.case, **form.values())

    def done_url(self, obj: Model) -> str:
        return reverse("registers:ombudsman", kwargs={"pk": obj.pk})

    def back_url(self) -> str:
        return _case_url(self.case, "registers:ombudsman_list")

    def context(self) -> dict[str, Any]:
        return {"find_case": self.case is None, "intro": _linked_intro(self.case)}


def _linked_intro(case: Case | None) -> str:
    if case is None:
        return (
            "To link it to a case, open the case and record it from there. Otherwise enter "
            "who went to the Ombudsman."
        )
    return ""


class OmbudsmanEditView(FormPage):
    title = "Change the Ombudsman case"
    success = "Ombudsman case updated"

    def load(self, request: HttpRequest, **kwargs: Any) -> None:
        self.omb: OmbudsmanCase = _found(
            lambda: selectors.ombudsman_for_change(user=self.user, pk=kwargs["pk"])
        )
        self.caption = f"Ombudsman case {self.omb.ombudsman_reference}"

    def make_form(self, data: QueryDict | None) -> Any:
        return forms.OmbudsmanForm(
            data,
            case=self.omb.case,
            creating=False,
            initial=forms.OmbudsmanForm.initial_for(self.omb),
        )

    def save(self, form: Any) -> Model:
        return services.ombudsman_case_update(
            ombudsman_case=self.omb, actor=self.user, **form.values()
        )

    def done_url(self, obj: Model) -> str:
        return reverse("registers:ombudsman", kwargs={"pk": obj.pk})

    def back_url(self) -> str:
        return self.done_url(self.omb)


class RemedyCreateView(FormPage):
    title = "Add a remedy"
    button = "Save remedy"
    success = "Remedy added"

    def load(self, request: HttpRequest, **kwargs: Any) -> None:
        self.omb = _found(lambda: selectors.ombudsman_for_change(user=self.user, pk=kwargs["pk"]))
        self.caption = f"Ombudsman case {self.omb.ombudsman_reference}"

    def make_form(self, data: QueryDict | None) -> Any:
        return forms.RemedyForm(data)

    def save(self, form: Any) -> Model:
        return services.ombudsman_remedy_add(
            ombudsman_case=self.omb, actor=self.user, **form.values()
        )

    def done_url(self, obj: Model) -> str:
        return reverse("registers:ombudsman", kwargs={"pk": self.omb.pk})

    def back_url(self) -> str:
        return self.done_url(self.omb)


class RemedyEditView(RemedyCreateView):
    title = "Change the remedy"
    success = "Remedy updated"

    def load(self, request: HttpRequest, **kwargs: Any) -> None:
        self.remedy = _found(
            lambda: selectors.remedy_for_change(
                user=self.user, ombudsman_pk=kwargs["pk"], pk=kwargs["remedy_pk"]
            )
        )
        self.omb = self.remedy.ombudsman_case
        self.caption = f"Ombudsman case {self.omb.ombudsman_reference}"

    def make_form(self, data: QueryDict | None) -> Any:
        return forms.RemedyForm(data, initial=forms.RemedyForm.initial_for(self.remedy))

    def save(self, form: Any) -> Model:
        return services.ombudsman_remedy_update(
            remedy=self.remedy, actor=self.user, **form.values()
        )


# Payments


class PaymentCreateView(FormPage):
    title = "Record a payment"
    button = "Save payment"
    success = "Payment recorded"

    def load(self, request: HttpRequest, **kwargs: Any) -> None:
        self.omb: OmbudsmanCase | None = None
        self.case = _case_param(request, self.user)
        omb_pk = _pk(request.GET.get("ombudsman"))
        if omb_pk is not None:
            self.omb = _found(lambda: selectors.ombudsman_for_change(user=self.user, pk=omb_pk))
            self.case = self.omb.case
        if self.case is not None:
            self.caption = self.case.reference
        elif self.omb is not None:
            self.caption = f"Ombudsman case {self.omb.ombudsman_reference}"

    def make_form(self, data: QueryDict | None) -> Any:
        initial = {}
        if self.omb is not None:
            initial = {"ombudsman_case": self.omb.pk, "recommended_by_ombudsman": True}
        return forms.PaymentForm(data, case=self.case, ombudsman_case=self.omb, initial=initial)

    def save(self, form: Any) -> Model:
        values = form.values()
        values.setdefault("ombudsman_case", self.omb)
        return services.payment_create(actor=self.user, case=self.case, **values)

    def done_url(self, obj: Model) -> str:
        return reverse("registers:payment", kwargs={"pk": obj.pk})

    def back_url(self) -> str:
        if self.omb is not None:
            return reverse("registers:ombudsman", kwargs={"pk": self.omb.pk})
        return _case_url(self.case, "registers:payment_list")

    def context(self) -> dict[str, Any]:
        return {"find_case": self.case is None and self.omb is None, "needs_case": True}


class PaymentEditView(FormPage):
    title = "Change the payment"
    success = "Payment updated"

    def load(self, request: HttpRequest, **kwargs: Any) -> None:
        self.payment = _found(lambda: selectors.payment_for_change(user=self.user, pk=kwargs["pk"]))
        self.caption = self.payment.case.reference if self.payment.case else "Payment"

    def make_form(self, data: QueryDict | None) -> Any:
        return forms.PaymentForm(
            data,
            case=self.payment.case,
            ombudsman_case=self.payment.ombudsman_case,
            initial=forms.PaymentForm.initial_for(self.payment),
        )

    def save(self, form: Any) -> Model:
        return services.payment_update(payment=self.payment, actor=self.user, **form.values())

    def done_url(self, obj: Model) -> str:
        return reverse("registers:payment", kwargs={"pk": obj.pk})

    def back_url(self) -> str:
        return self.done_url(self.payment)


# Costs


class CostCreateView(FormPage):
    title = "Record an investigation cost"
    button = "Save cost"
    success = "Investigation cost recorded"

    def load(self, request: HttpRequest, **kwargs: Any) -> None:
        self.case = _case_param(request, self.user)
        self.caption = self.case.reference if self.case else ""

    def make_form(self, data: QueryDict | None) -> Any:
        if self.case is None:
            return None
        return forms.CostForm(data, case=self.case)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if self.case is None:
            raise Http404("Choose the case first.")
        return super().post(request, **kwargs)

    def save(self, form: Any) -> Model:
        assert self.case is not None  # noqa: S101
        return services.cost_create(case=self.case, actor=self.user, **form.values())

    def done_url(self, obj: Model) -> str:
        return reverse("registers:cost", kwargs={"pk": obj.pk})

    def back_url(self) -> str:
        return _case_url(self.case, "registers:cost_list")

    def context(self) -> dict[str, Any]:
        return {"find_case": self.case is None, "needs_case": True}


class CostEditView(FormPage):
    title = "Change the investigation cost"
    success = "Investigation cost updated"

    def load(self, request: HttpRequest, **kwargs: Any) -> None:
        self.cost = _found(lambda: selectors.cost_for_change(user=self.user, pk=kwargs["pk"]))
        self.caption = self.cost.case.reference

    def make_form(self, data: QueryDict | None) -> Any:
        return forms.CostForm(
            data, case=self.cost.case, initial=forms.CostForm.initial_for(self.cost)
        )

    def save(self, form: Any) -> Model:
        return services.cost_update(cost=self.cost, actor=self.user, **form.values())

    def done_url(self, obj: Model) -> str:
        return reverse("registers:cost", kwargs={"pk": obj.pk})

    def back_url(self) -> str:
        return self.done_url(self.cost)


# Restrictions


class RestrictionCreateView(FormPage):
    title = "Record a persistent contact decision"
    button = "Save decision"
    success = "Persistent contact decision recorded"

    def load(self, request: HttpRequest, **kwargs: Any) -> None:
        self.case = _case_param(request, self.user)
        self.caption = self.case.reference if self.case else "Not linked to a case"

    def make_form(self, data: QueryDict | None) -> Any:
        return forms.RestrictionForm(data, case=self.case, creating=True)

    def save(self, form: Any) -> Model:
        return services.restriction_create(actor=self.user, case=self.case, **form.values())

    def done_url(self, obj: Model) -> str:
        return reverse("registers:restriction", kwargs={"pk": obj.pk})

    def back_url(self) -> str:
        return _case_url(self.case, "registers:restriction_list")

    def context(self) -> dict[str, Any]:
        intro = ""
        if self.case is None:
            intro = (
                "The banner shows on every case of the person chosen. To choose someone "
                "already on a case, record the decision from that case."
            )
        return {"find_case": self.case is None, "intro": intro}


class RestrictionEditView(FormPage):
    title = "Change the persistent contact decision"
    success = "Persistent contact decision updated"

    def load(self, request: HttpRequest, **kwargs: Any) -> None:
        self.restriction = _found(
            lambda: selectors.restriction_for_change(user=self.user, pk=kwargs["pk"])
        )
        self.caption = "Persistent contact decision"

    def make_form(self, data: QueryDict | None) -> Any:
        return forms.RestrictionForm(
            data,
            case=None,
            creating=False,
            initial=forms.RestrictionForm.initial_for(self.restriction),
        )

    def save(self, form: Any) -> Model:
        return services.restriction_update(
            restriction=self.restriction, actor=self.user, **form.values()
        )

    def done_url(self, obj: Model) -> str:
        return reverse("registers:restriction", kwargs={"pk": obj.pk})

    def back_url(self) -> str:
        return self.done_url(self.restriction)


class RestrictionEndView(RestrictionEditView):
    title = "End the restrictions"
    button = "End restrictions"
    success = "Restrictions ended"

    def make_form(self, data: QueryDict | None) -> Any:
        return forms.RestrictionEndForm(
            data,
            initial={
                "ended_on": self.restriction.ended_on,
                "end_reason": self.restriction.end_reason,
            },
        )


# Advocacy


class AdvocacyCreateView(FormPage):
    title = "Record an advocacy referral"
    button = "Save referral"
    success = "Advocacy referral recorded"

    def load(self, request: HttpRequest, **kwargs: Any) -> None:
        self.case = _case_param(request, self.user)
        self.caption = self.case.reference if self.case else "Not linked to a case"

    def make_form(self, data: QueryDict | None) -> Any:
        return forms.AdvocacyForm(data, case=self.case, creating=True)

    def save(self, form: Any) -> Model:
        return services.advocacy_referral_create(actor=self.user, case=self.case, **form.values())

    def done_url(self, obj: Model) -> str:
        return reverse("registers:advocacy", kwargs={"pk": obj.pk})

    def back_url(self) -> str:
        return _case_url(self.case, "registers:advocacy_list")

    def context(self) -> dict[str, Any]:
        return {"find_case": self.case is None}


class AdvocacyEditView(FormPage):
    title = "Change the advocacy referral"
    success = "Advocacy referral updated"

    def load(self, request: HttpRequest, **kwargs: Any) -> None:
        self.referral = _found(
            lambda: selectors.advocacy_for_change(user=self.user, pk=kwargs["pk"])
        )
        self.caption = "Advocacy referral"

    def make_form(self, data: QueryDict | None) -> Any:
        return forms.AdvocacyForm(
            data,
            case=None,
            creating=False,
            initial=forms.AdvocacyForm.initial_for(self.referral),
        )

    def save(self, form: Any) -> Model:
        return services.advocacy_referral_update(
            referral=self.referral, actor=self.user, **form.values()
        )

    def done_url(self, obj: Model) -> str:
        return reverse("registers:advocacy", kwargs={"pk": obj.pk})

    def back_url(self) -> str:
        return self.done_url(self.referral)


# Subject access requests


class SarCreateView(FormPage):
    title = "Log a subject access request"
    button = "Save request"
    success = "Subject access request logged"

    def make_form(self, data: QueryDict | None) -> Any:
        return forms.SarForm(data)

    def save(self, form: Any) -> Model:
        return services.sar_create(actor=self.user, **form.values())

    def done_url(self, obj: Model) -> str:
        return reverse("registers:sar", kwargs={"pk": obj.pk})

    def back_url(self) -> str:
        return reverse("registers:sar_list")


class SarEditView(FormPage):
    title = "Update the subject access request"
    success = "Subject access request updated"

    def load(self, request: HttpRequest, **kwargs: Any) -> None:
        self.sar = _found(lambda: selectors.sar_for_change(user=self.user, pk=kwargs["pk"]))
        self.caption = self.sar.reference

    def make_form(self, data: QueryDict | None) -> Any:
        return forms.SarUpdateForm(data, initial=forms.SarUpdateForm.initial_for(self.sar))

    def save(self, form: Any) -> Model:
        return services.sar_update(sar=self.sar, actor=self.user, **form.values())

    def done_url(self, obj: Model) -> str:
        return reverse("registers:sar", kwargs={"pk": obj.pk})

    def back_url(self) -> str:
        return self.done_url(self.sar)


class SarExtendView(SarEditView):
    title = "Extend the subject access request"
    button = "Extend by two months"
    success = "Request extended"

    def make_form(self, data: QueryDict | None) -> Any:
        return forms.SarExtendForm(data)

    def save(self, form: Any) -> Model:
        return services.sar_extend(
            sar=self.sar,
            actor=self.user,
            reason=form.cleaned_data["reason"],
            requester_told_on=form.cleaned_data["requester_told_on"],
        )

    def context(self) -> dict[str, Any]:
        extended = services.sar_deadline(
            self.sar.received_on,
            self.sar.identity_verified_on,
            months=services.SAR_EXTENDED_MONTHS,
        )
        return {
            "intro": (
                "A complex request can be extended by two further months, to "
                f"{format_date(extended.due)}, only if the requester is told within the first "
                f"month (by {format_date(self.sar.due_on)})."
            )
        }


class SarPauseView(SarEditView):
    title = "Pause the clock"
    button = "Pause the clock"
    success = "Clock paused"

    def make_form(self, data: QueryDict | None) -> Any:
        return forms.SarPauseForm(data)

    def save(self, form: Any) -> Model:
        services.sar_pause(sar=self.sar, actor=self.user, **form.values())
        return self.sar

    def context(self) -> dict[str, Any]:
        return {
            "intro": (
                "The clock stops while you wait for the requester to confirm their identity "
                "or to clarify what they want, and restarts on the day their reply arrives. "
                f"It is now due {format_date(self.sar.final_due_on)}."
            )
        }


class SarResumeView(SarEditView):
    title = "Restart the clock"
    button = "Restart the clock"
    success = "Clock restarted"

    def make_form(self, data: QueryDict | None) -> Any:
        return forms.SarResumeForm(data)

    def save(self, form: Any) -> Model:
        return services.sar_resume(sar=self.sar, actor=self.user, **form.values())

    def context(self) -> dict[str, Any]:
        return {
            "intro": "The due date moves on by the days the clock was paused.",
        }
