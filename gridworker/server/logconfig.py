"""The sync server's logging: uvicorn's own layout, with every personal number masked.

    uvicorn.run(app, log_config=log_config(log_file="server.log"))

Requests carry residents' numbers (a search ``?q=13800138000``, a pushed row, a refused value in
an error message), and uvicorn writes request lines and tracebacks. Two guards keep them out of
the server's logs:

- :func:`gridworker.logsetup.install_masking`, called by ``create_app``, masks every log record the
  process makes (message, arguments, traceback), whatever handlers uvicorn or a process manager set
  up (``uvicorn --factory gridworker.server.asgi:app`` included);
- the configuration below gives uvicorn's handlers formatters that mask each finished line again
  (``Masked*Formatter``), and with ``log_file`` adds a rotating file for the error, access and
  application logs.
"""
from __future__ import annotations

import logging
from typing import Any

from uvicorn.logging import AccessFormatter, DefaultFormatter

from ..domain.masking import mask_text
from ..logsetup import BACKUPS, MAX_BYTES, mask_record

FILE_FORMAT = "%(asctime)s %(levelname)-7s %(process)d %(name)s: %(message)s"


class MaskedDefaultFormatter(DefaultFormatter):
    """uvicorn's error-log formatter; the finished line has personal numbers masked."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_text(super().format(mask_record(record)))


class MaskedAccessFormatter(AccessFormatter):
    """uvicorn's access-log formatter (the request line with its query); personal numbers masked."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_text(super().format(mask_record(record)))


class MaskedFileFormatter(logging.Formatter):
    """Plain lines for the log file; personal numbers masked."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_text(super().format(mask_record(record)))


def log_config(*, log_file: str | None = None, level: str = "info", access_log: bool = True) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for uvicorn (its ``log_config``): console as uvicorn has it,
    plus ``log_file`` (rotating, like the laptop's) when given, every handler masking."""
    level = level.upper()
    handlers: dict[str, Any] = {
        "default": {"formatter": "default", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
        "access": {"formatter": "access", "class": "logging.StreamHandler", "stream": "ext://sys.stdout"},
    }
    error_handlers, access_handlers = ["default"], ["access"] if access_log else []
    if log_file:
        handlers["file"] = {"formatter": "file", "class": "logging.handlers.RotatingFileHandler",
                            "filename": str(log_file), "maxBytes": MAX_BYTES, "backupCount": BACKUPS,
                            "encoding": "utf-8"}
        error_handlers.append("file")
        if access_log:
            access_handlers.append("file")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "default": {"()": f"{__name__}.MaskedDefaultFormatter", "fmt": "%(levelprefix)s %(message)s",
                        "use_colors": None},
            "access": {"()": f"{__name__}.MaskedAccessFormatter",
                       "fmt": '%(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s'},
            "file": {"()": f"{__name__}.MaskedFileFormatter", "fmt": FILE_FORMAT},
        },
        "handlers": handlers,
        "loggers": {
            "uvicorn": {"handlers": error_handlers, "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": access_handlers, "level": level, "propagate": False},
            # The server's own modules (gridworker.server.*) log through here.
            "gridworker": {"handlers": error_handlers, "level": level, "propagate": False},
        },
    }
