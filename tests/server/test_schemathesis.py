"""Bad input at the server: schemathesis fuzzes every operation of the OpenAPI schema.

Each example goes through the real app (ASGI, a seeded SQLite server database) as a stranger, a
grid worker's enrolled laptop or an admin's, with valid and invalid data (schemathesis' positive
and negative modes). Whatever it sends: no 5xx, the status and body match the schema, invalid data
is refused (4xx), and every error has the one shape with a message a person can read.
Bounded: a few dozen examples per operation, the whole file in well under a minute.
"""
from __future__ import annotations

import pytest
import schemathesis
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from gridworker.server import auth as A
from gridworker.server.app import create_app
from support.server import (
    COMM_A, COMM_B, GRID_A, STREET, USERS, add_org_units, cheap_password_hashing, org_row, password,
)
from gridworker.sync import wire

EXAMPLES = int(__import__('os').environ.get('GRIDWORKER_FUZZ_EXAMPLES', '100'))
VERSION_HEADERS = {wire.PROTOCOL_HEADER: str(wire.PROTOCOL_VERSION), wire.SCHEMA_HEADER: str(wire.SCHEMA_VERSION)}
CALLERS = ("stranger", "gw_a", "admin")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """An app over a server database with the test street, its users and two enrolled laptops.

    Returns ``(app, {caller: token})``. The login throttle is per process, so it is restored after.
    """
    cheap_password_hashing()
    saved = A.address_throttle
    A.address_throttle = A._Throttle(limit=10**6)  # many failed logins here, all from one address
    app = create_app(str(tmp_path_factory.mktemp("fuzz") / "server.db"))
    sdb = app.state.sdb
    add_org_units(sdb, [
        org_row(STREET, "S1", "测试街道", "street", None),
        org_row(COMM_A, "CA", "甲社区", "community", STREET),
        org_row(GRID_A, "GA1", "甲社区第一网格", "grid", COMM_A, community_id=COMM_A),
        org_row(COMM_B, "CB", "乙社区", "community", STREET),
    ])
    tokens = {}
    with sdb.write() as conn:
        users = {name: A.add_user(conn, name, password(name), role, org) for name, (role, org) in USERS.items()}
        for name in ("gw_a", "admin"):
            _, tokens[name] = A.enroll_device(conn, users[name], community="CA", device_id=None,
                                              device_name=f"fuzz-{name}", outbox_start=1)
    yield app, tokens
    A.address_throttle = saved
    sdb.dispose()


@pytest.fixture(scope="module")
def api_schema(seeded):
    app, _ = seeded
    # A refusal is any documented 4xx: 413 included (schemathesis does build a 5001-entry push).
    config = schemathesis.Config.from_dict({"checks": {"negative_data_rejection": {
        "expected-statuses": [400, 401, 403, 404, 409, 413, 415, 422, 426, 429]}}})
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=config)


def one_error_shape(ctx, response, case) -> None:
    """Every 4xx has {"error": {"code", "message", "detail"}} with a non-empty code and message."""
    if response.status_code < 400:
        return
    body = response.json()
    assert set(body) == {"error"}, f"error body is not the one shape: {body!r}"
    err = body["error"]
    assert set(err) == {"code", "message", "detail"}, f"error fields: {sorted(err)}"
    assert isinstance(err["code"], str) and err["code"], "error without a code"
    assert isinstance(err["message"], str) and err["message"].strip(), "error without a message"
    assert isinstance(err["detail"], dict), "error detail is not an object"


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]


SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


def test_no_input_breaks_the_server(seeded, api_schema):
    """Every operation, valid and invalid data, three kinds of caller: no failed check anywhere."""
    _, tokens = seeded
    failures: list[str] = []
    calls: dict[str, int] = {}
    statuses: dict[int, int] = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @SETTINGS
            @given(case=operation.as_strategy(generation_mode=mode), caller=st.sampled_from(CALLERS))
            def run(case, caller):
                headers = dict(VERSION_HEADERS)
                if caller in tokens:
                    headers["Authorization"] = f"Bearer {tokens[caller]}"
                    if operation.path.endswith("/auth/enroll") and isinstance(case.body, dict):
                        # Real credentials, so enrolment gets past the login to the rest of the body.
                        case.body = {**case.body, "username": caller, "password": password(caller)}
                response = case.call(headers=headers)
                calls[operation.label] = calls.get(operation.label, 0) + 1
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                case.validate_response(response, checks=CHECKS, additional_checks=[one_error_shape],
                                       headers=headers)

            try:
                run()
            except Unsatisfiable:
                pass  # nothing in this operation can be made invalid (no parameters, no body)
            except (Exception, FailureGroup) as exc:  # noqa: BLE001 - gather every operation's failures
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    print(f"schemathesis: {sum(calls.values())} calls over {len(calls)} operations; statuses {sorted(statuses.items())}")
    assert len(calls) >= 12, f"operations exercised: {sorted(calls)}"
    assert any(s < 300 for s in statuses), "no example got past auth"
    assert not failures, "\n\n".join(failures)
