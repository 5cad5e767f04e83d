"""Attack tests generated from the OpenAPI schema (schemathesis): every operation, called as
several roles and with no token, with requests the schema allows and requests it refuses,
never answers a server error and never answers outside its own schema.

Path parameters that name records (``*_id``) are mostly mapped onto records that exist (in the
two counties of the ``world`` fixture, with a petition, a talk, a working paper and a survey),
so that requests reach the services rather than stopping at 404.

``make test`` runs a few examples of each operation; ``make fuzz`` runs many
(``XUNCHA_FUZZ_EXAMPLES``) and exits non-zero on any server error.
"""

import json
import os
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from django.apps import apps
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from core.services import api_token_issue
from onsite.tests.factories import paper, petition, survey, talk
from xuncha.api import api

# `make test`: a few generated examples of each operation as three roles and no token; `make fuzz`: many,
# as every role, with schemathesis's coverage phase too (every boundary and wrong type the
# schema defines, about 270 requests an operation).
FULL = os.environ.get("XUNCHA_FUZZ_ROLES") == "all"
EXAMPLES = int(os.environ.get("XUNCHA_FUZZ_EXAMPLES", "3"))
ALL_ROLES = ("office", "office_head", "team_leader", "team_member", "unit_liaison", "receiver", "data_officer")
ALL_ROLES += ("leading_group", "sysadmin", "secadmin", "auditor", "nobody")
ROLES = ALL_ROLES if FULL else ("office", "team_member", "unit_liaison")
REPORT = os.environ.get("XUNCHA_FUZZ_REPORT")  # a directory: each process writes its counts there
CHECKS = [not_a_server_error, response_schema_conformance]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()
schema.config.phases.coverage.enabled = FULL


def _model_ids() -> dict[str, list[int]]:
    """For each path parameter ``<name>_id``, the ids of the records it may name: those of
    every model whose name ends with the parameter's (``paper_id``: working papers)."""
    names = {p.name for op in schema.get_all_operations() for p in op.ok().path_parameters}
    found: dict[str, list[int]] = {}
    for name in names:
        if not name.endswith("_id"):
            continue
        stem = name[: -len("_id")].replace("_", "")
        ids: list[int] = []
        for model in apps.get_models():
            if model._meta.model_name.endswith(stem) and model._meta.pk.get_internal_type() in (
                "AutoField",
                "BigAutoField",
            ):
                ids.extend(model.objects.order_by("pk").values_list("pk", flat=True)[:50])
        found[name] = sorted(ids)
    return found


KNOWN: dict[str, list[int]] = {}  # filled by the ``tokens`` fixture for the test it serves
COUNTS: Counter = Counter()  # answers by status, in this process


@schema.hook
def after_call(context, case, response):
    COUNTS[response.status_code] += 1


@pytest.fixture(scope="module", autouse=True)
def _report():
    """Counts of the answers by status, for `make fuzz` to print (requests tried, failures)."""
    yield
    if REPORT:
        path = Path(REPORT) / f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}.json"
        path.write_text(json.dumps(COUNTS))


@schema.hook
def map_path_parameters(context, path_parameters):
    """Three generated ids in four name a record that exists (chosen by the generated value,
    so that a failing example replays the same)."""
    mapped = dict(path_parameters or {})
    for name, value in mapped.items():
        ids = KNOWN.get(name)
        if ids and isinstance(value, int) and not isinstance(value, bool) and value % 4:
            mapped[name] = ids[abs(value) % len(ids)]
    return mapped


@pytest.fixture(autouse=True)
def _keep_connection():
    """The WSGI handler closes old connections at each request's start and end, which would
    close the test's own on PostgreSQL; Django's test client unhooks the same signals."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(world):
    """A bearer token for each role in county a, and none (the anonymous caller); records of
    each kind for the path parameters to name."""
    petition(world)
    talk(world)
    paper(world)
    survey(world)
    KNOWN.clear()
    KNOWN.update(_model_ids())
    headers = {"anonymous": {}}
    for role in ROLES:
        headers[role] = {"Authorization": f"Bearer {api_token_issue(user=world['a'].users[role])}"}
    return headers


def _first_records(case) -> dict | None:
    """The case's path parameters with each id naming the first record of its kind (county
    a's), or None when the case names none."""
    params = dict(case.path_parameters or {})
    known = {name: KNOWN[name][0] for name in params if KNOWN.get(name)}
    return {**params, **known} if known else None


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_operation_answers_a_server_error_or_outside_its_schema(case, tokens):
    """Each generated request as each caller, and again naming records that exist, so that
    every operation is reached with generated bodies and queries however the ids fall."""
    for headers in tokens.values():
        case.call_and_validate(headers=headers, checks=CHECKS)
    first = _first_records(case)
    if first is not None and first != case.path_parameters:
        case.path_parameters = first
        for headers in tokens.values():
            case.call_and_validate(headers=headers, checks=CHECKS)
