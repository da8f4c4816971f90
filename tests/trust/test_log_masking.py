"""Logs never hold a resident's ID or phone number in clear: the laptop's rotating log file, a
handler some library adds, uncaught exceptions, and the sync server's console, file and access log
(a real uvicorn on a loopback port, and a real ``uvicorn --factory`` process).

Each check reads what was actually written (the file, the captured stderr/stdout) and looks for the
numbers with every separator and full-width digit folded away, so a number that reached the log in
any spelling is found.
"""
from __future__ import annotations

import io
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import unicodedata
from pathlib import Path

import pytest
import requests

from gridworker.domain.errors import ValidationError

ID18 = "11010519491231002X"
ID15 = "110105491231002"
MOBILE = "13800138000"
LANDLINE = "0510-12345678"
# How the numbers are written in the records below; each must come out masked.
SPELLINGS = [ID18, ID18.lower(), "１１０１０５１９４９１２３１００２Ｘ", "110105 19491231 002X", ID15,
             MOBILE, "+86 138-0013-8000", "138 0013 8000", "１３８００１３８０００", LANDLINE, "(0510)12345678"]
CLEAR = [ID18[:17], ID15, MOBILE, "051012345678"]  # what must not appear once separators are folded


def folded(text: str) -> str:
    """The text with full-width forms folded and every separator people type inside numbers removed."""
    return re.sub(r"[\s\-‐‑‒–—―−()+]", "", unicodedata.normalize("NFKC", text))


def assert_no_clear_numbers(text: str, where: str) -> None:
    flat = folded(text)
    found = [n for n in CLEAR if n in flat]
    assert not found, f"{where} holds personal numbers in clear: {found}\n{text[-3000:]}"


@pytest.fixture
def restore_logging():
    """Put the process's logging back as it was (handlers, levels, hooks) after a test changes it."""
    names = ["", "gridworker", "uvicorn", "uvicorn.error", "uvicorn.access", "thirdparty"]
    saved = {n: (list(logging.getLogger(n).handlers), logging.getLogger(n).level,
                 logging.getLogger(n).propagate, logging.getLogger(n).disabled) for n in names}
    hooks = sys.excepthook, threading.excepthook
    yield
    for n, (handlers, level, propagate, disabled) in saved.items():
        logger = logging.getLogger(n)
        for h in logger.handlers:
            if h not in handlers:
                h.close()
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate, logger.disabled = propagate, disabled
    sys.excepthook, threading.excepthook = hooks


@pytest.fixture
def log_file(tmp_path, restore_logging):
    from gridworker.logsetup import setup_logging

    return setup_logging(tmp_path / "logs", stderr=False)


def flush_all() -> None:
    for h in logging.getLogger().handlers:
        h.flush()


def test_the_log_file_masks_numbers_in_messages_arguments_and_tracebacks(log_file, db, actor, grid_id):
    log = logging.getLogger("gridworker.trust")
    for n in SPELLINGS:
        log.warning("argument %s and %r", n, n)
        log.warning(f"in the message itself: {n}")  # noqa: G004 - an f-string is what callers write
    log.warning("a number as an int %d, split %s%s", int(MOBILE), MOBILE[:3], MOBILE[3:])
    log.warning("in a mapping %(phone)s", {"phone": "+86 138 0013 8000"})
    # A real refusal from the unit of work: its message repeats the value typed.
    with pytest.raises(ValidationError) as refused:
        with db.write(actor) as uow:
            hid = uow.insert("household", {"address": "阳光花园1幢1单元101室", "grid_id": grid_id})
            uow.insert("resident", {"household_id": hid, "name": "张三", "id_number": "110105194912310021"})
    assert "110105194912310021" in str(refused.value), "the exception text does carry the value"
    log.exception("saving a resident failed: %s", refused.value, exc_info=refused.value)
    try:
        raise RuntimeError(f"push refused for {MOBILE} / {ID18}")
    except RuntimeError:
        log.exception("sync failed")
    flush_all()
    text = log_file.read_text(encoding="utf-8")
    assert_no_clear_numbers(text, "the laptop's log file")
    assert "110105********0021" in text and "Traceback (most recent call last)" in text
    assert text.count("138****8000") >= 8 and "110105********002X" in text and "0510-****5678" in text
    assert "110105*****1002" in text, "the old 15-digit ID number is masked too"


def test_a_handler_another_library_adds_gets_masked_records(log_file):
    """The masking sits in the records themselves, not only in the handlers set up here."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    other = logging.getLogger("thirdparty")
    other.addHandler(handler)
    other.propagate = False
    try:
        other.error("lookup %s failed for %s", MOBILE, ID18)
        try:
            raise ValidationError("phone", f"+86 {MOBILE}", "x", "bad")
        except ValidationError:
            other.exception("while importing")
    finally:
        other.removeHandler(handler)
    text = stream.getvalue()
    assert "138****8000" in text and "while importing" in text
    assert_no_clear_numbers(text, "a third-party handler")


def test_records_made_without_the_factory_are_masked_by_the_file_formatter(log_file):
    record = logging.makeLogRecord({"name": "gridworker.queue", "levelno": logging.ERROR, "levelname": "ERROR",
                                    "msg": "from a queue: %s", "args": (ID18,)})
    logging.getLogger().handle(record)
    flush_all()
    text = log_file.read_text(encoding="utf-8")
    assert "from a queue: 110105********002X" in text
    assert_no_clear_numbers(text, "the log file")


CRASHING_PROGRAM = """
import sys, threading
from gridworker.logsetup import setup_logging
from gridworker.domain.idcard import normalize_id_number
setup_logging(sys.argv[1])
t = threading.Thread(target=normalize_id_number, args=("１１０１０５１９４９１２３１００２１",), name="importer")
t.start(); t.join()                      # full-width digits, wrong check character
normalize_id_number("110105194912310021 ")  # and the program dies of the same error
"""


def test_uncaught_exceptions_are_logged_and_printed_masked(tmp_path):
    """A real program (default hooks, no test runner in between) dying of a refused ID number."""
    proc = subprocess.run([sys.executable, "-c", CRASHING_PROGRAM, str(tmp_path / "logs")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    text = (tmp_path / "logs" / "gridworker.log").read_text(encoding="utf-8")
    assert "uncaught exception in thread importer" in text and "uncaught exception\n" in text
    assert text.count("110105********0021") >= 2 and "Traceback" in text
    assert "Exception in thread importer" in proc.stderr and proc.stderr.count("110105********0021") >= 2
    assert_no_clear_numbers(text, "the log file")
    assert_no_clear_numbers(proc.stderr, "stderr")


# --------------------------------------------------------------------------- the sync server
def test_the_server_logs_mask_query_strings_and_tracebacks(tmp_path, restore_logging, capfd):
    from gridworker.server.logconfig import log_config
    from gridworker.embedded import EmbeddedServer

    server_log = tmp_path / "server.log"
    srv = EmbeddedServer(str(tmp_path / "server.db"), log_config=log_config(log_file=str(server_log)),
                     log_level="info", access_log=True)

    @srv.app.post("/api/v1/debug/lookup")
    async def lookup(q: str):  # a route that fails on a resident's number, as a bug would
        from gridworker.domain.idcard import normalize_id_number

        normalize_id_number(q)  # wrong check character: a ValidationError naming the value
        return {}

    with srv:
        api = srv.url + "/api/v1"
        r = requests.post(f"{api}/debug/lookup", params={"q": "110105194912310021"}, timeout=10)
        assert r.status_code == 500
        assert requests.get(f"{api}/search", params={"q": "+86 138 0013 8000", "id": ID18}, timeout=10).status_code == 404
        assert requests.get(f"{api}/search?q={ID18.lower()}&tel={LANDLINE}", timeout=10).status_code == 404
        r = requests.post(f"{api}/auth/enroll", json={"username": MOBILE, "password": ID18,
                                                      "device_name": f"电话{MOBILE}"}, timeout=10)
        assert r.status_code >= 400  # refused (no version headers, or bad credentials)
    time.sleep(0.2)
    out = capfd.readouterr()
    text = server_log.read_text(encoding="utf-8")
    assert "Exception in ASGI application" in text and "ValidationError" in text, "the traceback is logged"
    assert "110105********0021" in text
    assert "/api/v1/search?q=" in text and "138****8000" in text and "110105********002X" in text
    assert_no_clear_numbers(text, "the server's log file")
    assert "Exception in ASGI application" in out.err and "/api/v1/search" in out.out
    assert_no_clear_numbers(out.err, "the server's stderr")
    assert_no_clear_numbers(out.out, "the server's access log (stdout)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_server_under_plain_uvicorn_masks_its_access_log(tmp_path):
    """``uvicorn --factory gridworker.server.asgi:app`` (the multi-worker deployment) keeps
    uvicorn's own log configuration; the app still masks every record its process makes."""
    port = _free_port()
    env = {**os.environ, "GRIDWORKER_SERVER_DB": str(tmp_path / "server.db")}
    out = tmp_path / "uvicorn.out"
    with out.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "gridworker.server.asgi:app",
                                 "--host", "127.0.0.1", "--port", str(port)],
                                stdout=sink, stderr=subprocess.STDOUT, env=env)
    try:
        url = f"http://127.0.0.1:{port}/api/v1"
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{url}/health", timeout=2)
                break
            except requests.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(out.read_text(encoding="utf-8", errors="replace")) from None
                time.sleep(0.1)
        assert requests.get(f"{url}/search", params={"q": MOBILE, "id": ID18}, timeout=10).status_code == 404
        assert requests.get(f"{url}/sync/pull?phone=%2B86%20138%200013%208000", timeout=10).status_code >= 400
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    text = Path(out).read_text(encoding="utf-8", errors="replace")
    assert "/api/v1/search?q=138****8000" in text, text[-2000:]
    assert_no_clear_numbers(text, "uvicorn's output")


def test_the_server_formatters_mask_records_made_without_the_factory():
    """uvicorn's handlers in the server's configuration mask their finished lines themselves."""
    from gridworker.server.logconfig import MaskedAccessFormatter, MaskedDefaultFormatter, MaskedFileFormatter

    access = logging.makeLogRecord({"name": "uvicorn.access", "levelno": 20, "levelname": "INFO",
                                    "msg": '%s - "%s %s HTTP/%s" %d',
                                    "args": ("127.0.0.1:5000", "GET", f"/api/v1/x?q={MOBILE}", "1.1", 404)})
    line = MaskedAccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s').format(access)
    assert "q=138****8000" in line and " 404" in line
    error = logging.makeLogRecord({"name": "uvicorn.error", "levelno": 40, "levelname": "ERROR",
                                   "msg": "bad row", "resident": ID18})
    for formatter in (MaskedDefaultFormatter("%(message)s %(resident)s"), MaskedFileFormatter("%(message)s %(resident)s")):
        assert formatter.format(error) == "bad row 110105********002X"
