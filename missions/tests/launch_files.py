"""Small launch files in the Kaggle mission_launches format for the importer's tests, and a snapshot of the tables."""

from pathlib import Path

from missions.models import DataVersion, Launch, LaunchSite, Organisation, Pad, Rocket

HEADER = ",Unnamed: 0,Organisation,Location,Date,Detail,Rocket_Status,Price,Mission_Status\n"
JIUQUAN = '"Site 9401 (SLS-2), Jiuquan Satellite Launch Center, China"'
LC39A = '"LC-39A, Kennedy Space Center, Florida, USA"'
GOOD = f'0,0,SpaceX,{LC39A},"Fri Aug 07, 2020 05:12 UTC",Falcon 9 | A,StatusActive,50.0,Success\n'
BAD_DATE = f'1,1,CASC,{JIUQUAN},"Thu Aug 36, 2020 04:01 UTC",Long March 2D | B,StatusActive,,Success\n'
# What an import says of BAD_DATE, after its file and line.
BAD_DATE_ERROR = (
    "date: invalid date (expected e.g. 'Fri Aug 07, 2020 05:12 UTC' or 'Fri Aug 07, 2020'): "
    "'Thu Aug 36, 2020 04:01 UTC'"
)
BAD_STATUS = f'2,2,CASC,{JIUQUAN},"Wed Aug 05, 2020",Long March 2D | C,StatusActive,,Exploded\n'
OTHER = f'3,3,CASC,{JIUQUAN},"Wed Aug 05, 2020",Long March 2D | C,StatusActive,,Success\n'
NEW = f'4,4,CASC,{JIUQUAN},"Tue Aug 04, 2020",Long March 2D | D,StatusActive,,Success\n'
GOOD_FAILED = GOOD.replace("Success", "Failure")
# GOOD with a mission that spans three lines, so the row after it starts three lines further down.
THREE_LINES = GOOD.replace("Falcon 9 | A", '"Falcon 9 | A\nsecond line\nthird line"')


def write(tmp_path: Path, name: str, content: bytes | str) -> Path:
    """Write a small test file."""
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def database_snapshot() -> dict[str, object]:
    """Counts and contents of the launch tables, to prove that a failed import changed nothing."""
    return {
        "counts": [model.objects.count() for model in (Launch, Organisation, Rocket, Pad, LaunchSite)],
        "launches": list(Launch.objects.order_by("pk").values_list()),
        "version": list(DataVersion.objects.values_list("number", flat=True)),
    }
