"""Rows of the four-permission-cases table for the petitions pages and API.

The public channel (/p/…, /api/v1/public/…) needs no login by design, so it has no row
here: onsite/tests/test_public.py covers who may do what there."""

from core.tests.permissions import Case
from onsite.tests.factories import SUBJECT, designated_intake, petition


def _list_url(w):
    return f"/onsite/inspections/{w['a'].inspection.pk}/petitions/"


def _intake_user(w):
    return w["a"].users["team_member"]


def _triage_body(w):
    return {"status": "out_of_scope", "forwarded_to": "县信访局", "forwarded_on": "2026-09-05"}


CASES = [
    Case("petitions list", "get", lambda w: petition(w) and _list_url(w), "team_member", 200, marker=lambda w: SUBJECT),
    Case(
        "petitions list (leading group)",
        "get",
        lambda w: petition(w) and _list_url(w),
        "leading_group",
        200,
        marker=lambda w: SUBJECT,
    ),
    Case("petition new form", "get", lambda w: f"{_list_url(w)}new/", "team_member", 200),
    Case(
        "petition new",
        "post",
        lambda w: f"{_list_url(w)}new/",
        "team_member",
        302,
        body=lambda w: {
            "channel": "visit",
            "received_on": "2026-09-04",
            "subject": "来访反映",
            "content": "反映内容",
            "anonymous": "1",
        },
    ),
    Case(
        "petition page",
        "get",
        lambda w: f"/onsite/petitions/{petition(w).pk}/",
        "team_member",
        200,
        marker=lambda w: SUBJECT,
    ),
    Case(
        "petition triage",
        "post",
        lambda w: f"/onsite/petitions/{petition(w).pk}/triage/",
        "team_member",
        302,
        body=_triage_body,
    ),
    Case(
        "petition message",
        "post",
        lambda w: f"/onsite/petitions/{petition(w).pk}/messages/",
        "office",
        302,
        body=lambda w: {"body": "已转县信访局办理。", "internal": "0"},
    ),
    Case(
        "petition intake designate",
        "post",
        lambda w: f"{_list_url(w)}intake/",
        "team_leader",
        302,
        body=lambda w: {"user": _intake_user(w).pk},
    ),
    Case(
        "petition intake revoke",
        "post",
        lambda w: f"{_list_url(w)}intake/",
        "office",
        302,
        body=lambda w: {"revoke": designated_intake(w).pk},
    ),
    Case(
        "api petitions",
        "get",
        lambda w: petition(w) and "/api/v1/petitions",
        "team_member",
        200,
        api=True,
        list_view=True,
        marker=lambda w: SUBJECT,
    ),
    Case(
        "api petition",
        "get",
        lambda w: f"/api/v1/petitions/{petition(w).pk}",
        "leading_group",
        200,
        api=True,
        marker=lambda w: SUBJECT,
    ),
    Case(
        "api petition create",
        "post",
        lambda w: "/api/v1/petitions",
        "team_member",
        201,
        api=True,
        denied=404,  # the inspection it names is out of sight
        body=lambda w: {
            "inspection_id": w["a"].inspection.pk,
            "channel": "phone",
            "received_on": "2026-09-04",
            "subject": "来电反映",
            "content": "反映内容",
        },
    ),
    Case(
        "api petition triage",
        "post",
        lambda w: f"/api/v1/petitions/{petition(w).pk}/triage",
        "office",
        200,
        api=True,
        body=_triage_body,
    ),
    Case(
        "api petition message",
        "post",
        lambda w: f"/api/v1/petitions/{petition(w).pk}/messages",
        "team_member",
        201,
        api=True,
        body=lambda w: {"body": "内部意见：先核实车辆登记。", "internal": True},
    ),
    Case(
        "public channel lift",
        "post",
        lambda w: f"{_list_url(w)}channel/lift/",
        "office",
        302,
    ),
    Case(
        "api public channel",
        "get",
        lambda w: f"/api/v1/inspections/{w['a'].inspection.pk}/public-channel",
        "team_leader",
        200,
        api=True,
    ),
    Case(
        "api public channel lift",
        "post",
        lambda w: f"/api/v1/inspections/{w['a'].inspection.pk}/public-channel/lift",
        "office",
        200,
        api=True,
    ),
]
