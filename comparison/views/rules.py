"""Pages of the comparison rules (比对规则): the list (the standard rules, read-only and in
Chinese, and the office's own with their versions), writing a new rule in the form, an own
rule's page (its current version in Chinese, its earlier versions, 修改) and its revision
(a new version). The data officer's alone (step ``rule.write``): anybody else meets 404.

Thin: the rules are in ``comparison.office_rules``; the form builds the definition and puts
the service's Chinese message next to the row or part it is about.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from comparison import office_rules
from comparison.forms.rules import RuleForm, initial_from
from comparison.models import Rule
from core import access


def _require_writer(user: Any) -> None:
    if not office_rules.may_write(user):
        raise access.PageRefused(access.STEPS[office_rules.STEP].roles)


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    _require_writer(request.user)
    own = office_rules.rules_latest(user=request.user)
    for rule in own:
        rule.text = office_rules.rule_text(rule.definition)
    context = {"standard": office_rules.standard_rules(), "own": own}
    return render(request, "comparison/rule_list.html", context)


def _save(request: HttpRequest, form: RuleForm, act: Any) -> Rule | None:
    """``act(name, description, definition)`` once the form is valid; None when it is to be shown again."""
    if not form.is_valid() or form.definition is None:
        return None
    data = form.cleaned_data
    try:
        return act(data["name"], data["description"], form.definition)
    except ValidationError as e:
        form.place_error(e)
        return None


@login_required
def rule_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_writer(user)
    form = RuleForm(request.POST or None)
    if request.method == "POST":
        created = _save(
            request,
            form,
            lambda name, description, definition: office_rules.rule_create(
                actor=user, name=name, description=description, definition=definition
            ),
        )
        if created is not None:
            messages.success(request, f"已保存规则“{created.name}”（第 1 版）。")
            return redirect("comparison:rule", created.key)
    return render(request, "comparison/rule_form.html", {"form": form, "rule": None})


@login_required
def rule_page(request: HttpRequest, key: str) -> HttpResponse:
    _require_writer(request.user)
    versions = office_rules.rule_versions(user=request.user, key=key)
    for rule in versions:
        rule.text = office_rules.rule_text(rule.definition)
    context = {"rule": versions[0], "earlier": versions[1:]}
    return render(request, "comparison/rule.html", context)


@login_required
def rule_edit(request: HttpRequest, key: str) -> HttpResponse:
    user = request.user
    _require_writer(user)
    current = office_rules.rule_versions(user=user, key=key)[0]
    initial, lossless = initial_from(current)
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST":
        revised = _save(
            request,
            form,
            lambda name, description, definition: office_rules.rule_revise(
                actor=user, rule=current, name=name, description=description, definition=definition
            ),
        )
        if revised is not None:
            messages.success(request, f"已保存规则“{revised.name}”的第 {revised.version} 版。")
            return redirect("comparison:rule", revised.key)
    return render(request, "comparison/rule_form.html", {"form": form, "rule": current, "lossless": lossless})
