"""Names spelled right: the repairs table, its build from the files, and every import's names and record."""

import csv
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from missions.models import ImportRun, Launch, LaunchSite, Organisation, Pad, Rocket
from missions.names.build import table_build
from missions.names.repairs import REPAIRS_PATH, NameRepairs, is_mangled, name_repairs, table_read
from missions.services import launches_import

# The mangled names of the three files, each with the spelling it must be stored with.
REPAIRED = [
    ("organisation", "Arm??e de l'Air", "Armée de l'Air"),
    (
        "location",
        "VLS Pad, Alc?›ntara Launch Center, Maranh?œo, Brazil",
        "VLS Pad, Alcântara Launch Center, Maranhão, Brazil",
    ),
    (
        "location",
        "Rocket Lab LC-1A, M?\x81hia Peninsula, New Zealand",
        "Rocket Lab LC-1A, Māhia Peninsula, New Zealand",
    ),
    ("location", "Rocket Lab LC-1A, M?hia Peninsula, New Zealand", "Rocket Lab LC-1A, Māhia Peninsula, New Zealand"),
    ("mission", "Pics Or It Didn??¦t Happen", "Pics Or It Didn't Happen"),
    ("mission", "G??kt??rk-1A", "Göktürk-1A"),
    ("mission", "Ast??rix", "Astérix"),
    ("mission", "Diad?ªme 1", "Diadème 1"),
    ("mission", "Diad?ªme 2", "Diadème 2"),
    ("mission", "Molniya-1 n†\xad5", "Molniya-1 n°5"),
    ("mission", "Cosmos 2405 (Molniya-1T n†\xad174)", "Cosmos 2405 (Molniya-1T n°174)"),
    ("mission", "M-69 N†\xad521", "M-69 N°521"),
    ("mission", "M-69 ???522", "M-69 N°522"),
    ("mission", "Gonets-M ???24, 25, 26 [block-15] & Blits-M1", "Gonets-M n°24, 25, 26 [block-15] & Blits-M1"),
    ("mission", "Kwangmy\x81\x8fngs\x81\x8fng-3 (Unit 2)", "Kwangmyŏngsŏng-3 (Unit 2)"),
    ("mission", "OPSAT 3000 & VEN†æS", "OPSAT 3000 & VENµS"),
    ("mission", "Helios 1B & Cl??mentine", "Helios 1B & Clémentine"),
    ("mission", "Arabsat-2A, T??rksat 1C", "Arabsat-2A, Türksat 1C"),
    ("mission", "Georges Lema??tre ATV", "Georges Lemaître ATV"),
    ("mission", "P??ole", "Péole"),
    ("mission", "Turkmen??lem52E/MonacoSat", "TürkmenÄlem52E/MonacoSat"),
    ("mission", "Jilin-1 Wideband 01 & ??uSat-7/8", "Jilin-1 Wideband 01 & ÑuSat-7/8"),
    ("mission", "Ziyuan III-02 & ??uSat-1, 2", "Ziyuan III-02 & ÑuSat-1, 2"),
    ("mission", "ARGOS (P91-1 ARGOS), ?örsted and SUNSAT", "ARGOS (P91-1 ARGOS), Ørsted and SUNSAT"),
    ("mission", "ASTP (Apollo???Soyuz Test Project)", "ASTP (Apollo–Soyuz Test Project)"),
    ("mission", "Cassini???Huygens", "Cassini–Huygens"),
    ("mission", "Pl??iades 1A, SSOT, Elisa", "Pléiades 1A, SSOT, Elisa"),
    ("mission", "Ta??foun n†\xad27", "Taïfoun n°27"),
]


@pytest.mark.parametrize(("column", "original", "repaired"), REPAIRED)
def test_each_mangled_name_is_repaired_to_its_spelling(column, original, repaired):
    repair = name_repairs().repair(column, original)

    assert repair is not None and repair.repaired == repaired
    assert not is_mangled(repair.repaired)


def test_names_that_are_right_are_left_alone_and_a_question_mark_the_table_knows_is_kept():
    repairs = name_repairs()

    assert repairs.repair("mission", "Starlink V1 L9 & BlackSky") is None
    assert repairs.repair("mission", "Pléiades-Néo 3 & SSMS n°2") is None
    assert repairs.repair("mission", "Jilin-1 Mofang-01A (?)") is None


def test_what_no_source_knows_goes_to_ftfy_and_else_is_left_and_reported():
    repairs = NameRepairs([])

    fixed = repairs.repair("mission", "CafÃ© ?Sat")  # UTF-8 read as cp1252: ftfy knows it
    assert (fixed.repaired, fixed.source) == ("Café ?Sat", "ftfy")
    left = repairs.repair("mission", "Unkn??wn")
    assert (left.repaired, left.source) == ("Unkn??wn", "unrepaired")


def test_the_build_from_the_files_gives_the_shipped_table(tmp_path, mission_launches_csv):
    table = tmp_path / "name_repairs.tsv"
    shutil.copy(REPAIRS_PATH, table)

    counts = table_build(mission_launches_csv.parent, path=table)

    assert table.read_text(encoding="utf-8") == REPAIRS_PATH.read_text(encoding="utf-8")
    assert counts["maven"] == 6 and counts["gazetteer"] == 2
    sources = {(row["original"], row["source"]) for row in table_read(table)}
    assert ("Arm??e de l'Air", "maven") in sources
    assert ("Rocket Lab LC-1A, M?\x81hia Peninsula, New Zealand", "gazetteer") in sources


def _stored_names() -> list[str]:
    """Every stored organisation, site, pad, rocket and mission name."""
    return [
        *Organisation.objects.values_list("name", flat=True),
        *LaunchSite.objects.values_list("name", flat=True),
        *Pad.objects.values_list("location", flat=True),
        *Pad.objects.values_list("name", flat=True),
        *Rocket.objects.values_list("name", flat=True),
        *Launch.objects.values_list("mission", flat=True),
    ]


@pytest.mark.parametrize("name", ["mission_launches.csv", "Space_Corrected.csv", "space_missions.csv"])
def test_no_stored_name_is_mangled_after_importing_a_file(empty_launches, name, request):
    path = request.getfixturevalue(f"{Path(name).stem.lower()}_csv")

    launches_import(source=str(path))

    mangled = [name for name in _stored_names() if is_mangled(name) and name != "Jilin-1 Mofang-01A (?)"]
    assert mangled == []


def test_the_import_record_lists_every_repair_with_its_line(empty_launches, mission_launches_csv):
    # Independently: the lines of the file whose organisation, location or detail holds a mangled name.
    expected = 0
    with mission_launches_csv.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        lines_of_armee = []
        for row in reader:
            organisation, location, _, detail = row[2:6]
            expected += sum(is_mangled(text) for text in (organisation, location, detail))
            if organisation == "Arm??e de l'Air":
                lines_of_armee.append(reader.line_num)

    out = StringIO()
    call_command("import_launches", str(mission_launches_csv), stdout=out)

    run = ImportRun.objects.latest("id")
    assert sum(len(repair["lines"]) for repair in run.repairs) == expected
    assert f"{expected} misspelt names repaired, each listed on the import's record" in out.getvalue()
    armee = [repair for repair in run.repairs if repair["column"] == "organisation"]
    assert armee == [
        {
            "column": "organisation",
            "original": "Arm??e de l'Air",
            "repaired": "Armée de l'Air",
            "source": "maven",
            "lines": sorted(lines_of_armee),
        }
    ]


def test_armee_de_l_air_is_one_organisation_whichever_file_it_came_from(
    empty_launches, mission_launches_csv, space_missions_csv
):
    launches_import(source=str(mission_launches_csv))
    launches_import(source=str(space_missions_csv))

    assert list(Organisation.objects.filter(name__startswith="Arm").values_list("name", flat=True)) == [
        "Armée de l'Air"
    ]
    assert Launch.objects.filter(organisation__name="Armée de l'Air").count() == 4
    # The four launches, spelled right in Latin-1 on lines of their own in the Maven file.
    assert space_missions_csv.read_bytes().count("Armée de l'Air".encode("latin-1")) == 4


def test_the_build_command_names_the_files_it_lacks(tmp_path):
    with pytest.raises(CommandError, match="lacks mission_launches.csv, Space_Corrected.csv, space_missions.csv"):
        call_command("build_name_repairs", str(tmp_path))
