"""PostgreSQL's paths of the importer: the bulk load into an empty table, COPY in and out, the block file."""

import numpy as np
import pandas as pd
import pytest
from django.db import connection

from missions import services
from missions.importer import postgres, writing
from missions.importer.postgres import BlockReader, csv_bytes, launches_copy
from missions.importer.writing import launches_stored
from missions.models import Launch
from missions.services import launches_import
from testsupport.reference import launch_rows

from ..launch_files import GOOD, GOOD_FAILED, HEADER, JIUQUAN, NEW, OTHER, write


def test_the_block_file_hands_out_pieces_of_the_size_asked_for_skipping_empty_blocks():
    source = BlockReader(iter([b"abc", b"", b"defgh"]))

    assert [source.read(2) for _ in range(6)] == [b"ab", b"c", b"de", b"fg", b"h", b""]
    assert source.error is None


def test_the_block_file_ends_at_an_error_and_keeps_it_for_the_caller():
    failure = ValueError("the chunk could not be cleaned")

    def blocks():
        yield b"abc"
        raise failure

    source = BlockReader(blocks())

    assert [source.read(8), source.read(8)] == [b"abc", b""]
    assert source.error is failure


def test_csv_for_copy_has_no_header_quotes_where_needed_and_writes_utc_times_without_their_zone():
    frame = pd.DataFrame(
        {
            "id": [1, 2],
            "launched_at": pd.to_datetime(["2020-08-07 05:12", "2019-08-29 00:00"], utc=True).as_unit("s"),
            "mission": ['Starlink, "V1"', "Yaogan"],
            "price": [62.5, np.nan],
        }
    )

    assert csv_bytes(frame) == (b'1,2020-08-07 05:12:00,"Starlink, ""V1""",62.5\n2,2019-08-29 00:00:00,"Yaogan",\n')
    assert csv_bytes(frame.iloc[:0]) == b""


@pytest.mark.usefixtures("empty_launches", "postgres")
def test_a_load_into_an_empty_table_restores_its_indexes_and_constraints(launch_file):
    with connection.cursor() as cursor:
        before = connection.introspection.get_constraints(cursor, "missions_launch")

    summary = launches_import(source=str(launch_file))

    with connection.cursor() as cursor:
        after = connection.introspection.get_constraints(cursor, "missions_launch")
    assert summary.created == Launch.objects.count() == len(launch_rows(launch_file))
    assert after == before


@pytest.mark.usefixtures("empty_launches", "postgres")
def test_an_error_making_the_copy_blocks_is_raised_as_it_is():
    def blocks():
        yield b""
        raise ValueError("the chunk could not be cleaned")

    with pytest.raises(ValueError, match="the chunk could not be cleaned"):
        launches_copy(blocks())


@pytest.mark.usefixtures("empty_launches", "postgres")
def test_the_stored_launches_come_through_copy_as_the_orm_reads_them(launch_file):
    launches_import(source=str(launch_file))

    copied = launches_stored().astype(object).sort_values("id")
    read = launches_stored(Launch.objects.all()).astype(object).sort_values("id")

    assert len(copied) == len(launch_rows(launch_file))
    pd.testing.assert_frame_equal(copied, read)


@pytest.mark.usefixtures("empty_launches", "postgres")
def test_a_chunk_that_needs_the_connection_ends_one_copy_and_the_next_begins_with_it(tmp_path, monkeypatch):
    launches_import(source=str(write(tmp_path, "first.csv", HEADER + GOOD + OTHER)))
    monkeypatch.setattr(services, "CHUNK_ROWS", 1)
    monkeypatch.setattr(writing, "CHANGES_BATCH_ROWS", 1)
    copies, batches = [], []

    def copy(blocks):
        blocks = list(blocks)
        copies.append([block.count(b"\n") for block in blocks])
        launches_copy(iter(blocks))

    def apply(changes):
        batches.append(changes["id"].tolist())
        changes_apply(changes)

    changes_apply = postgres.changes_apply
    monkeypatch.setattr(postgres, "launches_copy", copy)
    monkeypatch.setattr(postgres, "changes_apply", apply)
    elsewhere = NEW.replace("CASC", "Rocket Lab").replace(JIUQUAN, '"Rocket Lab LC-1A, Mahia Peninsula, New Zealand"')

    summary = launches_import(source=str(write(tmp_path, "second.csv", HEADER + GOOD_FAILED + NEW + elsewhere)))

    # A change waits for the next chunk, which begins a COPY once it is applied; so does a chunk with new names.
    assert copies == [[0], [1], [1]]
    assert batches == [[Launch.objects.get(mission="A").pk]]
    assert (summary.created, summary.updated, summary.unchanged) == (2, 1, 0)
    assert Launch.objects.get(mission="A").mission_status == "Failure"
    assert sorted(Launch.objects.values_list("organisation__name", "mission")) == [
        ("CASC", "C"),
        ("CASC", "D"),
        ("Rocket Lab", "D"),
        ("SpaceX", "A"),
    ]
