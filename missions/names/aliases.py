"""The organisation alias table: Launch Library 2's names of the organisations the launch files name otherwise."""

import csv
from functools import cache
from pathlib import Path

ALIASES_PATH = Path(__file__).resolve().parent.parent / "data" / "organisation_aliases.tsv"


@cache
def organisation_aliases() -> dict[str, str]:
    """Launch Library 2's name of an organisation -> the launch files' name (read once per process)."""
    with ALIASES_PATH.open(encoding="utf-8", newline="") as handle:
        return {row["ll2_name"]: row["name"] for row in csv.DictReader(handle, delimiter="\t")}


def organisation_name(ll2_name: str) -> str:
    """The name an organisation is stored under: the files' name of an alias, else Launch Library 2's own."""
    return organisation_aliases().get(ll2_name, ll2_name)
