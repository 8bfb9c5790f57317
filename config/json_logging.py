"""One JSON object per line on stdout: the shape of every production log line, the application's and gunicorn's."""

import os
from typing import Any


def json_logging(*, loggers: dict[str, Any]) -> dict[str, Any]:
    """A logging configuration writing JSON lines to stdout at LOG_LEVEL, with the given per-logger settings."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
                "datefmt": "%Y-%m-%dT%H:%M:%S%z",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            },
        },
        "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}},
        "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
        "loggers": loggers,
    }
