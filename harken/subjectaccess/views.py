"""The subject access pages, for the feedback team only: everything held on a person, a
request's bundles, the redaction review, building, downloading and releasing a bundle.
Views read through selectors and write through services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views import View

from harken.access import Perm
from harken.access.web import StaffRequiredMixin
from harken.accounts.current import request_user as _user
from harken.accounts.models import User
from harken.cases.models import Person
from harken.core.audit import record_reads
from harken.core.errors import AccessDenied, ApplicationError
from harken.core.forms import add_service_error

from . import forms, rights, rules, selectors, services
from .models import (
    Bundle,
    BundleStatus,
    RedactionDecision,
    RightsKind,
    RightsRequest,
    RightsStatus,
)


class TeamView(StaffRequiredMixin, View):
    permission = Perm.SUBJECT_ACCESS


def _sar(user: User, pk: int) -> Any:
    try:
        return selectors.sar_for_bundles(user=user, pk=pk)
    except AccessDenied as exc:
        raise Http404(exc.message) from exc


def _bundle(user: User, pk: int) -> Bundle:
    try:
        return selectors.bundle_get(user=user, pk=pk)
    except AccessDenied as exc:
        raise Http404(exc.message) from exc


def _person(user: User, pk: int) -> Person:
    from harken import access

    person = access.visible_people(user).filter(pk=pk).first()
    if person is None:
        raise Http404("There is no person with that number you can see.")
    return person


def _person_context(user: User, person: Person) -> dict[str, Any]:
    data = selectors.person_data(user=user, person=person)
    record_reads(cases=data.case_ids, user=user, via="person-search")
    requests = RightsRequest.objects.filter(person=person).order_by("-received_on", "-pk")
    from harken import access

    holds = person.legal_holds.filter(released_at__isnull=True).select_related("placed_by")
    return {
        "data": data,
        "person": person,
        "rights_requests": list(requests),
        "person_holds": list(holds),
        "processing_restrictions": [r] if (r := rules.processing_restricted(person)) else [],
        "may_hold": access.may(user, access.Perm.RETENTION),
    }


class PersonView(TeamView):
    """Everything held on a person."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        person = _person(user, pk)
        return render(
            request,
            "subjectaccess/person.html",
            {**_person_context(user, person), "form": forms.AliasForm()},
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        person = _person(user, pk)
        form = forms.AliasForm(request.POST)
        if form.is_valid():
            try:
                services.person_alias_add(person=person, name=form.cleaned_data["name"], actor=user)
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, "Other name recorded")
                return redirect("subjectaccess:person", pk=person.pk)
        return render(
            request, "subjectaccess/person.html", {**_person_context(user, person), "form": form}
        )


class SarBundlesView(TeamView):
    """A request's person data and bundles; POST starts a bundle."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        sar = _sar(user, pk)
        person = sar.subject or sar.requester
        return render(
            request,
            "subjectaccess/sar_bundles.html",
            {
                **_person_context(user, person),
                "sar": sar,
                "bundles": list(sar.bundles.order_by("-created_at", "-pk")),
            },
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        sar = _sar(user, pk)
        try:
            bundle = services.bundle_start(sar=sar, actor=user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("subjectaccess:sar_bundles", pk=sar.pk)
        messages.success(request, "Bundle started: review the proposed redactions")
        return redirect("subjectaccess:bundle", pk=bundle.pk)


def _bundle_page(
    request: HttpRequest,
    bundle: Bundle,
    review: forms.RedactionReviewForm | None = None,
    add: forms.RedactionAddForm | None = None,
    build_error: str = "",
    status: int = 200,
) -> HttpResponse:
    redactions = list(bundle.redactions.select_related("decided_by"))
    review = review or forms.RedactionReviewForm(redactions=redactions)
    add = add or forms.RedactionAddForm()
    errors = review if review.errors else add
    return render(
        request,
        "subjectaccess/bundle.html",
        {
            "bundle": bundle,
            "sar": bundle.sar,
            "review": review,
            "add": add,
            "form": errors,
            "build_error": build_error,
            "undecided": sum(r.decision == RedactionDecision.PROPOSED for r in redactions),
            "released": bundle.status == BundleStatus.RELEASED,
        },
        status=status,
    )


class BundleView(TeamView):
    """Review the proposals (GET) and save the decisions (POST), all or none."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _bundle_page(request, _bundle(_user(request), pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        bundle = _bundle(user, pk)
        redactions = list(bundle.redactions.all())
        form = forms.RedactionReviewForm(request.POST, redactions=redactions)
        if form.is_valid():
            try:
                with transaction.atomic():
                    for row in redactions:
                        decision = form.cleaned_data.get(f"decision_{row.pk}") or ""
                        reason = form.cleaned_data.get(f"reason_{row.pk}") or ""
                        if not decision:
                            continue
                        if decision == row.decision and reason == row.reason:
                            continue
                        try:
                            services.redaction_decide(
                                redaction_row=row, actor=user, decision=decision, reason=reason
                            )
                        except ApplicationError as exc:
                            field = "reason" if "reason" in exc.field_errors else "decision"
                            form.add_error(f"{field}_{row.pk}", exc.message)
                    if form.errors:
                        raise _Rollback
            except _Rollback:
                pass
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, "Decisions saved")
                return redirect("subjectaccess:bundle", pk=bundle.pk)
        bundle.refresh_from_db()
        return _bundle_page(request, bundle, review=form)


class _Rollback(Exception):
    """Undo every decision of a review when one of them was refused."""


class RedactionAddView(TeamView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        bundle = _bundle(user, pk)
        form = forms.RedactionAddForm(request.POST)
        if form.is_valid():
            try:
                services.redaction_add(bundle=bundle, actor=user, **form.cleaned_data)
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, "Redaction added")
                return redirect("subjectaccess:bundle", pk=bundle.pk)
        return _bundle_page(request, bundle, add=form)


class BundleBuildView(TeamView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        bundle = _bundle(user, pk)
        try:
            services.bundle_build(bundle=bundle, actor=user)
        except ApplicationError as exc:
            return _bundle_page(request, bundle, build_error=exc.message)
        messages.success(request, "Bundle built")
        return redirect("subjectaccess:bundle", pk=bundle.pk)


class BundleDownloadView(TeamView):
    def get(self, request: HttpRequest, pk: int) -> StreamingHttpResponse:
        user = _user(request)
        bundle = _bundle(user, pk)
        try:
            chunks = services.bundle_file(bundle=bundle, actor=user)
        except (ApplicationError, FileNotFoundError) as exc:
            raise Http404("The bundle's file is not there.") from exc
        response = StreamingHttpResponse(chunks, content_type="application/zip")
        if bundle.size:
            response["Content-Length"] = str(bundle.size)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"{bundle.sar.reference}-bundle-{bundle.pk}.zip"
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class BundleReleaseView(TeamView):
    def _render(self, request: HttpRequest, bundle: Bundle, form: Any) -> HttpResponse:
        return render(
            request,
            "subjectaccess/release.html",
            {
                "bundle": bundle,
                "form": form,
                "back_url": reverse("subjectaccess:bundle", args=[bundle.pk]),
            },
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, _bundle(_user(request), pk), forms.ReleaseForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        bundle = _bundle(user, pk)
        form = forms.ReleaseForm(request.POST)
        if form.is_valid():
            try:
                services.bundle_release(bundle=bundle, actor=user, **form.values())
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, "Release recorded")
                return redirect("subjectaccess:bundle", pk=bundle.pk)
        return self._render(request, bundle, form)


class RightsRequestCreateView(TeamView):
    def _render(self, request: HttpRequest, person: Person, form: Any) -> HttpResponse:
        return render(request, "subjectaccess/rights_new.html", {"person": person, "form": form})

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, _person(_user(request), pk), forms.RightsRequestForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        person = _person(user, pk)
        form = forms.RightsRequestForm(request.POST)
        if form.is_valid():
            try:
                made = rights.rights_request_create(actor=user, person=person, **form.cleaned_data)
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, "Request recorded")
                return redirect("subjectaccess:rights", pk=made.pk)
        return self._render(request, person, form)


class RightsRequestView(TeamView):
    def _load(self, request: HttpRequest, pk: int) -> RightsRequest:
        user = _user(request)
        found = RightsRequest.objects.select_related("person").filter(pk=pk).first()
        if found is None or not selectors._may_see_person(user, found.person):
            raise Http404("There is no request with that number you can see.")
        return found

    def _render(
        self,
        request: HttpRequest,
        found: RightsRequest,
        carry: Any = None,
        refuse: Any = None,
        lift: Any = None,
    ) -> HttpResponse:
        carry = carry or forms.RightsCarryOutForm(prefix="do")
        refuse = refuse or forms.RightsRefuseForm(prefix="no")
        lift = lift or forms.RightsLiftForm(prefix="lift")
        return render(
            request,
            "subjectaccess/rights.html",
            {
                "rights": found,
                "carry": carry,
                "refuse": refuse,
                "lift": lift,
                "may_lift": found.kind == RightsKind.RESTRICTION
                and found.status == RightsStatus.DONE
                and found.lifted_on is None,
                "form": carry if carry.errors else lift if lift.errors else refuse,
                "events": list(found.events.select_related("actor")),
            },
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, self._load(request, pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = _user(request)
        found = self._load(request, pk)
        if "lift" in request.POST:
            lift = forms.RightsLiftForm(request.POST, prefix="lift")
            if lift.is_valid():
                try:
                    rights.rights_request_lift(actor=user, request=found, **lift.cleaned_data)
                except ApplicationError as exc:
                    add_service_error(lift, exc)
                else:
                    messages.success(request, "Restriction lifted")
                    return redirect("subjectaccess:rights", pk=found.pk)
            return self._render(request, found, lift=lift)
        if "refuse" in request.POST:
            refuse = forms.RightsRefuseForm(request.POST, prefix="no")
            if refuse.is_valid():
                try:
                    rights.rights_request_refuse(actor=user, request=found, **refuse.cleaned_data)
                except ApplicationError as exc:
                    add_service_error(refuse, exc)
                else:
                    messages.success(request, "Refusal recorded")
                    return redirect("subjectaccess:rights", pk=found.pk)
            return self._render(request, found, refuse=refuse)
        carry = forms.RightsCarryOutForm(request.POST, prefix="do")
        if carry.is_valid():
            try:
                rights.rights_request_carry_out(actor=user, request=found, **carry.values())
            except ApplicationError as exc:
                add_service_error(carry, exc)
            else:
                messages.success(request, "Request carried out")
                return redirect("subjectaccess:rights", pk=found.pk)
        return self._render(request, found, carry=carry)
