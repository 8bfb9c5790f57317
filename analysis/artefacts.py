"""What a file-producing analysis returns."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Artefacts:
    """Files an analysis produced (format -> content) and a small JSON summary kept on the job."""

    files: dict[str, bytes]
    summary: dict[str, Any] = field(default_factory=dict)
