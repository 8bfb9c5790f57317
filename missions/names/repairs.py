"""Repairing the mangled names of the launch files from the table shipped in ``missions/data/name_repairs.tsv``.

Each row of the table repairs either a whole value of one column (``value``) or a fragment wherever it occurs
(``fragment``); a value the table repairs to itself is right as it is. What the table does not know and still looks
mangled goes through ftfy; what ftfy cannot repair either is left as it is and reported.
"""

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ftfy

REPAIRS_PATH = Path(__file__).resolve().parent.parent / "data" / "name_repairs.tsv"
REPAIRS_COLUMNS = ["column", "kind", "original", "repaired", "source"]
# The columns whose names are repaired.
NAME_COLUMNS = ("organisation", "location", "rocket", "mission")
# A letter lost to "?" (next to a letter), U+FFFD, a C1 control character, a soft hyphen or the "†" of the mojibake.
MANGLED = re.compile(r"[\x80-\x9f\xad\ufffd†]|\?(?=\w)|(?<=\w)\?")
# The table writes invisible and control characters as \xNN or \uNNNN, so that it reads as text.
ESCAPE = re.compile(r"[\x00-\x1f\x7f-\x9f\xad\ufffd]")
UNESCAPE = re.compile(r"\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})")


@dataclass(frozen=True)
class Repair:
    """One name as it was read and as it is stored, and what repaired it: a source of the table, ftfy, or nothing."""

    original: str
    repaired: str
    source: str


def escape(text: str) -> str:
    """A name with its invisible and control characters written as \\xNN or \\uNNNN."""
    return ESCAPE.sub(
        lambda match: f"\\x{ord(match[0]):02x}" if ord(match[0]) < 256 else f"\\u{ord(match[0]):04x}", text
    )


def unescape(text: str) -> str:
    """The name a table cell stands for."""
    return UNESCAPE.sub(lambda match: chr(int(match[1] or match[2], 16)), text)


def is_mangled(text: str) -> bool:
    """Whether a name still shows a lost or garbled letter."""
    return MANGLED.search(text) is not None


def table_read(path: Path = REPAIRS_PATH) -> list[dict[str, str]]:
    """The rows of a repairs table, unescaped."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            {key: unescape(value) for key, value in row.items()}
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]


def table_write(rows: list[dict[str, str]], path: Path = REPAIRS_PATH) -> None:
    """Write a repairs table, escaped, one row per line."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, REPAIRS_COLUMNS, delimiter="\t", quoting=csv.QUOTE_NONE, lineterminator="\n")
        writer.writeheader()
        writer.writerows({key: escape(value) for key, value in row.items()} for row in rows)


class NameRepairs:
    """The repairs of one table: whole values per column, then fragments, then ftfy."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        self.values: dict[tuple[str, str], Repair] = {}
        self.fragments: list[Repair] = []
        for row in rows:
            repair = Repair(row["original"], row["repaired"], row["source"])
            if row["kind"] == "value":
                self.values[(row["column"], row["original"])] = repair
            else:
                self.fragments.append(repair)
        # Longer fragments first: "M-69 ???522" before any shorter fragment inside it.
        self.fragments.sort(key=lambda repair: -len(repair.original))

    def repair(self, column: str, text: str) -> Repair | None:
        """How a name of a column is stored; None when it is right as it is."""
        known = self.values.get((column, text))
        if known is not None:
            return known if known.repaired != text else None
        repaired, sources = text, []
        for fragment in self.fragments:
            if fragment.original in repaired:
                repaired = repaired.replace(fragment.original, fragment.repaired)
                sources.append(fragment.source)
        if is_mangled(repaired):
            fixed = ftfy.fix_text(repaired)
            if fixed != repaired:
                repaired = fixed
                sources.append("ftfy")
        if repaired == text:
            return Repair(text, text, "unrepaired") if is_mangled(text) else None
        return Repair(text, repaired, "+".join(dict.fromkeys(sources)))


@cache
def name_repairs() -> NameRepairs:
    """The repairs of the shipped table (read once per process)."""
    return NameRepairs(table_read())
