"""File artefacts of the launch export: the same rows as CSV and as JSON."""

import json
from typing import Any

from core.renderers import csv_lines
from missions.selectors import LaunchFilters

from . import selectors
from .artefacts import Artefacts
from .models import ResultEncoder

LAUNCH_FILES = {"csv": "text/csv", "json": "application/json"}
# Output column -> key of the selector's rows (whose names avoid the model's field names).
LAUNCH_COLUMNS = {
    "launched_at": "launched_at",
    "time_precision": "time_precision",
    "organisation": "organisation_name",
    "location": "location",
    "country": "country",
    "rocket": "rocket_name",
    "rocket_status": "rocket_status",
    "mission": "mission",
    "mission_status": "mission_status",
    "price": "price",
}


def launches_export(*, filters: LaunchFilters, params: dict[str, Any]) -> Artefacts:
    """The launch records of a selection written once as CSV and once as JSON; ``params`` describe the selection."""
    rows = [
        {column: row[key] for column, key in LAUNCH_COLUMNS.items()}
        for row in selectors.launches(filters=filters).iterator(chunk_size=5000)
    ]
    for row in rows:
        row["launched_at"] = row["launched_at"].isoformat()
    text = "".join(csv_lines(rows, columns=list(LAUNCH_COLUMNS), line_end="\n"))
    return Artefacts(
        files={"csv": text.encode(), "json": json.dumps(rows, cls=ResultEncoder).encode()},
        summary={"launch_count": len(rows), "filters": params},
    )
