"""The API as a client developer sees it: docs at /docs, one error shape, the version window."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from gridworker.server.app import create_app
from gridworker.sync import wire


@pytest.fixture
def client(server_url):
    app = create_app(server_url)
    with TestClient(app) as c:
        yield c
    app.state.sdb.dispose()


def test_docs_list_every_endpoint_with_its_schemas(client):
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    for path in ("/auth/enroll", "/sync/push", "/sync/pull", "/sync/rows", "/sync/verify", "/sync/buckets",
                 "/sync/status", "/admin/devices", "/admin/users", "/admin/move-household", "/admin/conflicts"):
        assert f"/api/v1{path}" in spec["paths"]
    assert {"PushRequest", "OutboxEntry", "PullResponse"} <= set(spec["components"]["schemas"])


@pytest.mark.parametrize("method,path,body,status", [
    ("get", "/api/v1/nowhere", None, 404),
    ("post", "/api/v1/auth/enroll", {"username": 1}, 422),
    ("get", "/api/v1/sync/pull", None, 401),
    ("post", "/api/v1/sync/push", {"entries": []}, 401),
])
def test_every_error_has_the_one_shape(client, method, path, body, status):
    headers = {wire.PROTOCOL_HEADER: str(wire.PROTOCOL_VERSION), wire.SCHEMA_HEADER: str(wire.SCHEMA_VERSION)}
    r = getattr(client, method)(path, headers=headers, **({"json": body} if body is not None else {}))
    assert r.status_code == status
    err = r.json()["error"]
    assert set(err) == {"code", "message", "detail"} and err["message"]


@pytest.mark.parametrize("proto,schema,code", [("0", "1", "client_outdated"), ("1", "0", "client_outdated"),
                                                ("", "", "client_outdated"),
                                                ("2", str(wire.SCHEMA_VERSION - 1), "client_outdated"),
                                                ("99", str(wire.SCHEMA_VERSION), "server_outdated")])
def test_versions_outside_the_window_get_426_with_what_to_do(client, proto, schema, code):
    r = client.post("/api/v1/auth/enroll", json={"username": "x", "password": "y"},
                    headers={wire.PROTOCOL_HEADER: proto, wire.SCHEMA_HEADER: schema})
    assert r.status_code == 426 and r.json()["error"]["code"] == code and "更新" in r.json()["error"]["message"]
