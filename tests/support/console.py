"""A console user's browser, as raw HTTP: the login form and its CSRF cookie, the session cookie
(sent by hand: it is ``Secure``, and the tests serve plain HTTP on loopback), forms posted with the
session's CSRF token. For the server and attack tests of the city console (#16); the real browser
test drives Chromium instead."""
from __future__ import annotations

import re

import requests

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def add_console_user(url: str, username: str, password: str, role: str, org: str, *,
                     department: str | None = None, display_name: str | None = None) -> None:
    """What ``server console-user add`` does, straight into the server database at ``url``."""
    from gridworker.server.auth import CONSOLE_ROLES, add_user
    from gridworker.server.db import open_server_db

    sdb = open_server_db(url)
    try:
        with sdb.write() as conn:
            add_user(conn, username, password, role, org, display_name or username, department=department,
                     roles=CONSOLE_ROLES)
    finally:
        sdb.dispose()


class ConsoleClient:
    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.token: str | None = None
        self.csrf: str | None = None

    def login(self, username: str, password: str) -> requests.Response:
        r = requests.get(f"{self.base}/console/login", timeout=30)
        assert r.status_code == 200, r.text
        pre = CSRF.search(r.text).group(1)
        assert f"gw_console_login={pre}" in r.headers["set-cookie"]
        r = requests.post(f"{self.base}/console/login", data={"csrf": pre, "username": username, "password": password},
                          headers={"Cookie": f"gw_console_login={pre}"}, allow_redirects=False, timeout=30)
        found = re.search(r"gw_console=([^;]+)", r.headers.get("set-cookie", ""))
        if r.status_code == 303 and found:
            self.token = found.group(1)
            page = self.get(r.headers["location"])
            self.csrf = CSRF.search(page.text).group(1)
        return r

    def headers(self) -> dict[str, str]:
        return {"Cookie": f"gw_console={self.token}"} if self.token else {}

    def get(self, path: str, **params) -> requests.Response:
        return requests.get(f"{self.base}{path}", params=params, headers=self.headers(), allow_redirects=False,
                            timeout=30)

    def post(self, path: str, data: dict, *, csrf: bool = True) -> requests.Response:
        body = {**({"csrf": self.csrf} if csrf and self.csrf else {}), **data}
        return requests.post(f"{self.base}{path}", data=body, headers=self.headers(), allow_redirects=False,
                             timeout=30)

    def act(self, issue_id: str, action: str, **fields) -> requests.Response:
        return self.post(f"/console/cases/{issue_id}/act", {"action": action, **fields})

    def queue_ids(self, **params) -> list[str]:
        r = self.get("/console/queue", **params)
        assert r.status_code == 200, r.text
        return re.findall(r'data-issue="([^"]+)"', r.text)
