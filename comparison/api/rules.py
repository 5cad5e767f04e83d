"""The office's own rules in the API: ``POST /comparison-rules`` (a new rule from its
definition), ``GET /comparison-rules/{key}`` (a rule with its versions, newest first; a
standard rule answers its one version) and ``PUT /comparison-rules/{key}`` (a new version).
Thin: the rules are in ``comparison.office_rules``.

The operations join ``api/runs.py``'s router, where ``GET /comparison-rules`` (the rules one
may run) lives: two routers of one API may not share a path (the first would answer 405).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404
from ninja import Schema

from comparison import office_rules
from comparison.api.runs import router
from comparison.models import Rule
from comparison.rules import STANDARD, rule_validate


class RuleIn(Schema):
    name: str
    description: str = ""
    definition: dict
    key: str | None = None  # made from the name when left out; only on creating


class RuleRevision(Schema):
    name: str
    description: str = ""
    definition: dict


class RuleVersionOut(Schema):
    version: int
    name: str
    description: str
    definition: dict
    created_by: str
    created_at: datetime | None


class RuleDetailOut(Schema):
    key: str
    version: int
    name: str
    description: str
    standard: bool
    definition: dict
    versions: list[RuleVersionOut]


def _detail(versions: list[Rule]) -> dict[str, Any]:
    current = versions[0]
    return {
        "key": current.key,
        "version": current.version,
        "name": current.name,
        "description": current.description,
        "standard": False,
        "definition": current.definition,
        "versions": [
            {
                "version": r.version,
                "name": r.name,
                "description": r.description,
                "definition": r.definition,
                "created_by": r.created_by.display_name,
                "created_at": r.created_at,
            }
            for r in versions
        ],
    }


@router.post("/comparison-rules", response={201: RuleDetailOut})
def rule_post(request, payload: RuleIn):
    """A new rule of one's authority: ``{"name", "description", "definition", "key"?}``; the
    definition is checked (decision 0008's rule model) and refused with a Chinese message."""
    created = office_rules.rule_create(
        actor=request.user,
        name=payload.name,
        description=payload.description,
        definition=payload.definition,
        key=payload.key,
    )
    return 201, _detail([created])


@router.get("/comparison-rules/{key}", response=RuleDetailOut)
def rule_get(request, key: str):
    """A rule and its versions, newest first."""
    if key in STANDARD:
        if not office_rules.may_write(request.user):
            raise Http404
        found = STANDARD[key]
        definition = rule_validate(found["definition"])
        version = {
            "version": 1,
            "name": found["name"],
            "description": found.get("description", ""),
            "definition": definition,
            "created_by": "",
            "created_at": None,
        }
        return {"key": key, "standard": True, **version, "versions": [version]}
    return _detail(office_rules.rule_versions(user=request.user, key=key))


@router.put("/comparison-rules/{key}", response=RuleDetailOut)
def rule_put(request, key: str, payload: RuleRevision):
    """A new version of one's own rule ``key`` (the earlier ones stay as they were)."""
    current = office_rules.rule_versions(user=request.user, key=key)[0]
    office_rules.rule_revise(
        actor=request.user,
        rule=current,
        name=payload.name,
        description=payload.description,
        definition=payload.definition,
    )
    return _detail(office_rules.rule_versions(user=request.user, key=key))
