"""Building the repairs table from the launch files themselves.

The Maven file spells many names right that the Kaggle files mangle: a Kaggle row and the Maven row of the same
launch (same date and rocket, then the same time and an organisation that reads the same where letters are kept)
give a repair of each name that differs. The gazetteer spells the sites: a location whose site is still mangled
takes the gazetteer's name of the site. The table's ``manual`` rows, which no file knows, are kept as they are.
"""

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from missions.geocoding import gazetteer_site_name
from missions.locations import location_parse

from .repairs import REPAIRS_PATH, is_mangled, table_read, table_write

KAGGLE_FILES = ("mission_launches.csv", "Space_Corrected.csv")
MAVEN_FILE = "space_missions.csv"
# The columns compared between a Kaggle row and its Maven row.
COMPARED = ("organisation", "location", "mission")
KAGGLE_MONTHS = {name: index for index, name in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}


def _lines(path: Path) -> Iterator[str]:
    """The lines of a file, each decoded as UTF-8 or, failing that, as cp1252 (the Maven file mixes both)."""
    for raw in path.read_bytes().splitlines(keepends=True):
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            yield raw.decode("cp1252", errors="replace")


def _kaggle_rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a Kaggle file as organisation, location, day, time, rocket and mission."""
    reader = csv.reader(io.StringIO("".join(_lines(path))))
    header = next(reader)
    organisation, location, date, detail = (header.index(name) for name in _kaggle_header(header))
    for row in reader:
        rocket, _, mission = row[detail].partition(" | ")
        text = row[date].strip()  # "Fri Aug 07, 2020 05:12 UTC" or "Fri Aug 07, 2020"
        day = f"{text[12:16]}-{KAGGLE_MONTHS[text[4:7]]:02d}-{text[8:10]}"
        yield {
            "organisation": row[organisation].strip(),
            "location": row[location].strip(),
            "day": day,
            "time": text[17:22],
            "rocket": rocket.strip(),
            "mission": mission.strip(),
        }


def _kaggle_header(header: list[str]) -> tuple[str, str, str, str]:
    """The names of the organisation, location, date and detail columns of a Kaggle header."""
    if "Organisation" in header:
        return "Organisation", "Location", "Date", "Detail"
    return "Company Name", "Location", "Datum", "Detail"


def _maven_rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows of the Maven file in the shape of ``_kaggle_rows``."""
    for row in csv.DictReader(io.StringIO("".join(_lines(path)))):
        yield {
            "organisation": row["Company"].strip(),
            "location": row["Location"].strip(),
            "day": row["Date"].strip(),
            "time": row["Time"].strip()[:5],
            "rocket": row["Rocket"].strip(),
            "mission": row["Mission"].strip(),
        }


def _reads_as(mangled: str, right: str) -> bool:
    """Whether a right spelling reads as a mangled one where the mangled one kept its letters."""
    pattern = "".join(".{0,3}" if not char.isascii() or char == "?" else re.escape(char) for char in mangled)
    return re.fullmatch(pattern, right) is not None


def maven_repairs(data_dir: Path) -> dict[tuple[str, str], str]:
    """(column, mangled) -> the Maven file's spelling, from the launches both files hold."""
    maven: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in _maven_rows(data_dir / MAVEN_FILE):
        maven.setdefault((row["day"], row["rocket"]), []).append(row)
    repairs: dict[tuple[str, str], str] = {}
    for name in KAGGLE_FILES:
        for row in _kaggle_rows(data_dir / name):
            twins = [
                twin
                for twin in maven.get((row["day"], row["rocket"]), [])
                if twin["time"] == row["time"] and _reads_as(row["organisation"], twin["organisation"])
            ]
            if len(twins) != 1:
                continue
            for column in COMPARED:
                original, spelled = row[column], twins[0][column]
                if is_mangled(original) and not is_mangled(spelled) and _reads_as(original, spelled):
                    repairs[(column, original)] = spelled
    return repairs


def gazetteer_repairs(locations: set[str]) -> dict[tuple[str, str], str]:
    """(location, mangled) -> the location with its site as the gazetteer spells it."""
    repairs: dict[tuple[str, str], str] = {}
    for location in locations:
        if not is_mangled(location):
            continue
        site = location_parse(location).site
        spelled = gazetteer_site_name(site)
        if spelled and not is_mangled(spelled):
            repairs[("location", location)] = location.replace(site, spelled)
    return repairs


def table_build(data_dir: Path, path: Path = REPAIRS_PATH) -> dict[str, int]:
    """Rebuild the table's rows that the files and the gazetteer give, keeping the others; count rows per source."""
    kept = [row for row in table_read(path) if row["source"] not in ("maven", "gazetteer")]
    found = {key: (spelled, "maven") for key, spelled in maven_repairs(data_dir).items()}
    locations = {row["location"] for row in _maven_rows(data_dir / MAVEN_FILE)}
    for name in KAGGLE_FILES:
        locations |= {row["location"] for row in _kaggle_rows(data_dir / name)}
    for key, spelled in gazetteer_repairs(locations - {original for _, original in found}).items():
        found[key] = (spelled, "gazetteer")
    built = [
        {"column": column, "kind": "value", "original": original, "repaired": spelled, "source": source}
        for (column, original), (spelled, source) in sorted(found.items())
    ]
    table_write(built + kept, path)
    counts: dict[str, int] = {}
    for row in built + kept:
        counts[row["source"]] = counts.get(row["source"], 0) + 1
    return counts
