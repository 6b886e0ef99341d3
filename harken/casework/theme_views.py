"""Administrators' pages for themes and their groups, like the teams pages: a list, a form
each, the history of each theme, and retiring rather than deleting a theme in use."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from harken import access
from harken.access.web import StaffRequiredMixin
from harken.accounts.models import User
from harken.cases import themes
from harken.cases.models import Theme, ThemeGroup
from harken.core.errors import ApplicationError
from harken.core.forms import GovukForm, add_service_error


class ThemeForm(GovukForm):
    name = forms.CharField(label="Name", max_length=themes.NAME_MAX_LENGTH)
    group = forms.ModelChoiceField(
        label="Group",
        queryset=ThemeGroup.objects.order_by("name"),
        required=False,
        empty_label="Not grouped",
    )
    active = forms.BooleanField(
        label="Offered when recording cases and points of complaint",
        required=False,
        help_text="Untick to retire it: it stays on the records and in the report",
    )


class ThemeGroupForm(GovukForm):
    name = forms.CharField(label="Name of the group", max_length=themes.NAME_MAX_LENGTH)


class _AdminView(StaffRequiredMixin, View):
    permission = access.Perm.ADMINISTER

    @property
    def actor(self) -> User:
        user = self.request.user
        assert isinstance(user, User)  # noqa: S101  # StaffRequiredMixin has run
        return user


class ThemeListView(_AdminView):
    def get(self, request: HttpRequest) -> HttpResponse:
        listed = list(themes.themes_listed())
        groups: dict[str, list[Theme]] = {}
        for theme in listed:
            groups.setdefault(theme.group.name if theme.group else "", []).append(theme)
        return render(
            request,
            "casework/theme_list.html",
            {
                "groups": [
                    {"name": name, "group": items[0].group, "themes": items}
                    for name, items in groups.items()
                ],
                "empty_groups": ThemeGroup.objects.filter(themes=None).order_by("name"),
            },
        )


class ThemeFormView(_AdminView):
    def _theme(self, pk: int | None) -> Theme | None:
        return get_object_or_404(Theme, pk=pk) if pk is not None else None

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        theme = self._theme(pk)
        initial: dict[str, Any] = {"active": True}
        if theme is not None:
            initial = {"name": theme.name, "group": theme.group_id, "active": theme.active}
        return self._render(request, ThemeForm(initial=initial), theme)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        theme = self._theme(pk)
        form = ThemeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = themes.theme_save(
                    actor=self.actor,
                    theme=theme,
                    name=data["name"],
                    group=data.get("group"),
                    active=data["active"],
                )
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, f"{saved.name} {'changed' if theme else 'added'}")
                return redirect("casework:themes")
        return self._render(request, form, theme)

    def _render(self, request: HttpRequest, form: ThemeForm, theme: Theme | None) -> HttpResponse:
        context: dict[str, Any] = {"form": form, "theme": theme}
        if theme is not None:
            context["history"] = list(themes.theme_history(theme))
            context["use"] = themes.theme_use(theme)
        return render(request, "casework/theme_form.html", context)


class ThemeDeleteView(_AdminView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        theme = get_object_or_404(Theme, pk=pk)
        return render(
            request,
            "casework/theme_delete.html",
            {"theme": theme, "use": themes.theme_use(theme)},
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        theme = get_object_or_404(Theme, pk=pk)
        try:
            themes.theme_delete(actor=self.actor, theme=theme)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("casework:theme_edit", pk=pk)
        messages.success(request, f"{theme.name} deleted")
        return redirect("casework:themes")


class ThemeGroupFormView(_AdminView):
    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        group = get_object_or_404(ThemeGroup, pk=pk) if pk is not None else None
        form = ThemeGroupForm(initial={"name": group.name} if group else None)
        return render(request, "casework/theme_group_form.html", {"form": form, "group": group})

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        group = get_object_or_404(ThemeGroup, pk=pk) if pk is not None else None
        form = ThemeGroupForm(request.POST)
        if form.is_valid():
            try:
                saved = themes.theme_group_save(
                    actor=self.actor, group=group, name=form.cleaned_data["name"]
                )
            except ApplicationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, f"{saved.name} {'renamed' if group else 'added'}")
                return redirect("casework:themes")
        return render(request, "casework/theme_group_form.html", {"form": form, "group": group})
