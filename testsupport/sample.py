"""A generated launch file in the Kaggle mission_launches.csv layout, small, with the real file's quirks.

The tests compare the application's answers with pandas readings of whichever file they imported, so this file
lets every correctness test run without the real datasets: it has the same columns, CRLF line endings and no line
ending after the last row, newest-first order, date-only rows, quoted prices with a thousands separator, unpriced
launches, one exact duplicate row, locations of two to four parts whose last part is not always a country, all
four mission outcomes, and the source site's mojibake.
"""

import csv
import io
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

HEADER = ["", "Unnamed: 0", "Organisation", "Location", "Date", "Detail", "Rocket_Status", "Price", "Mission_Status"]

# Location strings as the real files spell them, mojibake included.
KENNEDY = "LC-39A, Kennedy Space Center, Florida, USA"
CAPE = "SLC-40, Cape Canaveral AFS, Florida, USA"
VANDENBERG = "SLC-4E, Vandenberg AFB, California, USA"
BAIKONUR = "Site 31/6, Baikonur Cosmodrome, Kazakhstan"
PLESETSK = "Site 41/1, Plesetsk Cosmodrome, Russia"
JIUQUAN = "Site 9401 (SLS-2), Jiuquan Satellite Launch Center, China"
XICHANG = "Xichang Satellite Launch Center, China"
KOUROU = "ELA-3, Guiana Space Centre, French Guiana, France"
MAHIA = "Rocket Lab LC-1A, M?\x81hia Peninsula, New Zealand"
SOHAE = "Pad 1, Sohae Satellite Launching Station, North Korea"
ALCANTARA = "VLS Pad, Alc?\u203antara Launch Center, Maranh?\u0153o, Brazil"
SRIHARIKOTA = "First Launch Pad, Satish Dhawan Space Centre, India"
ODYSSEY = "LP Odyssey, Kiritimati Launch Area, Pacific Ocean"
BARENTS = "K-407 Submarine, Barents Sea Launch Area, Barents Sea"
SPACEPORT = "Vertical Launch Area, Spaceport America, New Mexico"
GANDO = "Stargazer, Base Aerea de Gando, Gran Canaria"
TAI_RUI = "Tai Rui Barge, Yellow Sea"
SHAHRUD = "Launch Plateform, Shahrud Missile Test Site"
TANEGASHIMA = "LA-Y1, Tanegashima Space Center, Japan"

# Organisation, rocket, rocket status, the prices its launches may have ("" for unpriced), its sites and years.
ROCKETS = [
    ("SpaceX", "Falcon 9 Block 5", "StatusActive", ["50.0", "62.0", ""], [KENNEDY, CAPE, VANDENBERG], (2018, 2020)),
    ("SpaceX", "Falcon 1", "StatusRetired", ["7.0", ""], [CAPE], (2006, 2009)),
    ("SpaceX", "Falcon Heavy", "StatusActive", ["90.0"], [KENNEDY], (2018, 2020)),
    ("CASC", "Long March 2D", "StatusActive", ["29.75", ""], [JIUQUAN], (1992, 2020)),
    ("CASC", "Long March 3B/E", "StatusActive", [""], [XICHANG], (2007, 2020)),
    ("CASC", "Long March 11", "StatusActive", ["5.3"], [TAI_RUI, JIUQUAN], (2015, 2020)),
    ("RVSN USSR", "Vostok-2M", "StatusRetired", [""], [BAIKONUR, PLESETSK], (1962, 1991)),
    ("RVSN USSR", "Molniya-M /Block ML", "StatusRetired", [""], [PLESETSK], (1970, 1991)),
    ("RVSN USSR", "Energiya", "StatusRetired", ["5,000.0"], [BAIKONUR], (1987, 1988)),
    ("OKB-586", "Kosmos-2I", "StatusRetired", [""], [PLESETSK, BAIKONUR], (1957, 1968)),
    ("NASA", "Saturn V", "StatusRetired", ["1,160.0"], [KENNEDY], (1967, 1973)),
    ("NASA", "Space Shuttle Atlantis", "StatusRetired", ["450.0"], [KENNEDY], (1985, 2011)),
    ("Arianespace", "Ariane 5 ECA", "StatusActive", ["200.0", ""], [KOUROU], (2002, 2020)),
    ("Rocket Lab", "Electron/Curie", "StatusActive", ["7.5"], [MAHIA], (2017, 2020)),
    ("ISRO", "PSLV-XL", "StatusActive", ["31.0", "21.0", ""], [SRIHARIKOTA], (2008, 2020)),
    ("KCST", "Unha-3", "StatusActive", [""], [SOHAE], (2012, 2016)),
    ("AEB", "VLS-1", "StatusRetired", [""], [ALCANTARA], (1997, 2003)),
    ("Sea Launch", "Zenit-3SL", "StatusRetired", [""], [ODYSSEY], (1999, 2014)),
    ("RVSN USSR", "Volna", "StatusRetired", [""], [BARENTS], (1995, 2005)),
    ("Virgin Galactic", "SpaceShipTwo", "StatusActive", [""], [SPACEPORT], (2018, 2020)),
    ("Northrop", "Pegasus XL", "StatusActive", ["40.0"], [GANDO, VANDENBERG], (1994, 2020)),
    ("ULA", "Delta IV Medium+ (4,2)", "StatusRetired", ["164.0"], [CAPE, VANDENBERG], (2003, 2019)),
    ("ULA", "Delta IV Medium+ (5,4)", "StatusRetired", ["164.0", ""], [CAPE], (2009, 2019)),
    ("MHI", "H-IIA 202", "StatusActive", ["90.0", ""], [TANEGASHIMA], (2001, 2020)),
    ("i-Space", "Hyperbola-1", "StatusActive", [""], [JIUQUAN], (2019, 2020)),
    ("IRGC", "Qased", "StatusActive", [""], [SHAHRUD], (2020, 2020)),
]
# Missions with the commas, ampersands, slashes and mojibake of the real ones.
MISSIONS = [
    "Starlink V1 L{n}",
    "Meridian-M n\u2020\xad{n}L",
    "Kwangmy\x81\x8fngs\x81\x8fng-{n}",
    "Pl??iades {n}A",
    "Shiyan-{n} & Chuangxin-1(02)",
    "Intelsat {n}/Eutelsat",
    "Cosmos {n}, Cosmos {n}b",
    "T??rksat {n}",
]
OUTCOMES = ["Success"] * 40 + ["Failure"] * 5 + ["Partial Failure"] * 3 + ["Prelaunch Failure"]
SAMPLE_ROWS = 320
LAST_DAY = datetime(2020, 8, 7, 5, 12, tzinfo=UTC)


def sample_rows(count: int = SAMPLE_ROWS, *, seed: int = 1957) -> list[list[str]]:
    """The seven named fields of ``count`` launches, newest first, one of them given twice (the exact duplicate)."""
    chooser = random.Random(seed)
    rows, taken = [], set()
    while len(rows) < count - 1:
        organisation, rocket, status, prices, sites, (first, last) = chooser.choice(ROCKETS)
        moment = datetime(chooser.randint(first, last), 1, 1, tzinfo=UTC) + timedelta(
            days=chooser.randrange(365), minutes=chooser.randrange(24 * 60)
        )
        moment = min(moment, LAST_DAY)
        if moment.date() in taken:  # no two launches share a day, so no two share a location and date
            continue
        taken.add(moment.date())
        dated_only = chooser.random() < 0.08
        date = moment.strftime("%a %b %d, %Y") if dated_only else moment.strftime("%a %b %d, %Y %H:%M UTC")
        mission = chooser.choice(MISSIONS).format(n=len(rows) + 1)
        rows.append(
            [
                organisation,
                chooser.choice(sites),
                date,
                f"{rocket} | {mission}",
                status,
                chooser.choice(prices),
                chooser.choice(OUTCOMES),
                moment.isoformat(),
            ]
        )
    rows.sort(key=lambda row: row[-1], reverse=True)
    rows = [row[:-1] for row in rows]
    duplicate = len(rows) // 3
    rows.insert(duplicate + 1, list(rows[duplicate]))
    return rows


def sample_csv(path: Path, rows: Sequence[Sequence[str]] | None = None) -> Path:
    """Write the sample launches, or the given ones, as the Kaggle file is written: CRLF, no final line ending."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for index, row in enumerate(sample_rows() if rows is None else rows):
        writer.writerow([index, index, *row])
    path.write_bytes(out.getvalue().removesuffix("\r\n").encode("utf-8"))
    return path
