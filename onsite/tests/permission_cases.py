"""Rows of the four-permission-cases table for the on-site desk and attachments."""

from core.tests.permissions import Case
from onsite.tests.factories import attachment

CASES = [
    Case(
        "onsite home",
        "get",
        lambda w: "/onsite/",
        "team_member",
        200,
        marker=lambda w: w["a"].orgs["dept"].name,
        own_authority=True,
        denied=403,
    ),
    Case(
        "onsite inspection",
        "get",
        lambda w: f"/onsite/inspections/{w['a'].inspection.pk}/",
        "team_member",
        200,
        marker=lambda w: w["a"].orgs["dept"].name,
    ),
    Case(
        "attachment download",
        "get",
        lambda w: f"/onsite/attachments/{attachment(w).pk}/",
        "team_member",
        200,
        marker=lambda w: "%PDF-1.4",
    ),
    Case(
        "api attachments",
        "get",
        lambda w: attachment(w) and "/api/v1/attachments",
        "team_member",
        200,
        api=True,
        list_view=True,
        marker=lambda w: "谈话提纲.pdf",
    ),
    Case(
        "api attachment",
        "get",
        lambda w: f"/api/v1/attachments/{attachment(w).pk}",
        "office",
        200,
        api=True,
        marker=lambda w: "谈话提纲.pdf",
    ),
    Case(
        "api attachment download",
        "get",
        lambda w: f"/api/v1/attachments/{attachment(w).pk}/download",
        "team_member",
        200,
        api=True,
        marker=lambda w: "%PDF-1.4",
    ),
]
