"""The comparison of a file's rows with the stored launches and with each other, without a database."""

import numpy as np
import pandas as pd

from missions.importer.comparison import (
    LAUNCH_COLUMNS,
    STORED_COLUMNS,
    LaunchComparison,
    launch_micros,
    launches_by_key,
    natural_keys,
    repeats_resolve,
    values_differ,
)
from missions.importer.formats import RowError

LAUNCHED_AT = pd.Timestamp("2020-08-07 05:12", tz="UTC")
MINUTE = pd.Timedelta(minutes=1)


def launch(*, pad: int = 1, at: pd.Timestamp = LAUNCHED_AT, mission: str = "A", price: float = np.nan) -> dict:
    """One launch's columns as the comparison sees them; organisation, rocket and statuses are the same for all."""
    return {
        "organisation_id": 1,
        "pad_id": pad,
        "rocket_id": 1,
        "mission": mission,
        "launched_at": at,
        "time_precision": "minute",
        "price": price,
        "mission_status": "Success",
    }


def chunk(rows: dict[int, dict]) -> pd.DataFrame:
    """A chunk of rows by line, in the columns the writer hands to the comparison."""
    frame = pd.DataFrame([{"line": line, **row} for line, row in rows.items()])
    return frame[["line", *LAUNCH_COLUMNS]]


def stored(launches: dict[int, dict]) -> pd.DataFrame:
    """Launches by id as the writer reads them from the table; PostgreSQL's come with categorical statuses."""
    frame = pd.DataFrame(
        [{"id": pk, "file_launched_at": row["launched_at"], **row} for pk, row in launches.items()],
        columns=STORED_COLUMNS,
    )
    frame["file_launched_at"] = pd.to_datetime(frame["file_launched_at"], utc=True)
    return launches_by_key(frame.astype({"time_precision": "category", "mission_status": "category"}))


def test_rows_are_new_changed_or_unchanged_against_the_stored_launches():
    comparison = LaunchComparison(
        stored=stored({10: launch(price=50.0), 11: launch(at=LAUNCHED_AT + MINUTE, mission="B")})
    )

    new, changes = comparison.compare(
        chunk(
            {
                2: launch(price=62.5),
                3: launch(at=LAUNCHED_AT + MINUTE, mission="B"),  # unchanged: two missing prices are equal
                4: launch(pad=2, mission="C", price=10.0),
            }
        )
    )

    assert new["line"].tolist() == [4]
    assert new[LAUNCH_COLUMNS].astype(object).to_dict("records") == [launch(pad=2, mission="C", price=10.0)]
    assert changes[["id", "price", "mission"]].to_dict("records") == [{"id": 10, "price": 62.5, "mission": "A"}]
    assert comparison.repeats_found() is None


def test_a_chunk_that_changes_nothing_has_no_changes():
    comparison = LaunchComparison(stored=stored({10: launch(price=50.0)}))

    new, changes = comparison.compare(chunk({2: launch(price=50.0)}))

    assert (len(new), changes) == (0, None)


def test_repeats_of_a_new_key_name_its_first_line_within_and_across_chunks():
    comparison = LaunchComparison(stored=stored({}))

    first_new, _ = comparison.compare(chunk({2: launch(pad=2), 3: launch(pad=2), 4: launch(pad=3)}))
    second_new, second_changes = comparison.compare(chunk({5: launch(pad=2, mission="other"), 6: launch(pad=4)}))

    assert (first_new["line"].tolist(), second_new["line"].tolist(), second_changes) == ([2, 4], [6], None)
    repeats = comparison.repeats_found()
    assert repeats[["line", "first_line"]].to_dict("records") == [
        {"line": 3, "first_line": 2},
        {"line": 5, "first_line": 2},
    ]
    # What line 2 left in the table once the import wrote it.
    launches = stored({20: launch(pad=2), 21: launch(pad=3), 22: launch(pad=4)})
    duplicates, conflicts = repeats_resolve(repeats=repeats, launches=launches)
    assert duplicates == [{"line": 3, "duplicate_of": 2}]
    assert conflicts == [RowError(5, "date", "same pad and launch time as line 2 but different values")]


def test_repeats_of_a_stored_key_name_the_line_that_named_it_first():
    comparison = LaunchComparison(stored=stored({10: launch(price=50.0), 11: launch(at=LAUNCHED_AT + MINUTE)}))
    later = LAUNCHED_AT + MINUTE

    first_new, first_changes = comparison.compare(
        chunk({2: launch(price=50.0), 3: launch(at=later, price=7.5), 4: launch(at=later, price=7.5)})
    )
    second_new, second_changes = comparison.compare(chunk({5: launch(price=50.0), 6: launch(price=62.5)}))

    assert (len(first_new), len(second_new), second_changes) == (0, 0, None)
    assert first_changes[["id", "price"]].to_dict("records") == [{"id": 11, "price": 7.5}]
    repeats = comparison.repeats_found()
    assert repeats[["line", "first_line"]].to_dict("records") == [
        {"line": 4, "first_line": 3},
        {"line": 5, "first_line": 2},
        {"line": 6, "first_line": 2},
    ]
    launches = stored({10: launch(price=50.0), 11: launch(at=later, price=7.5)})
    duplicates, conflicts = repeats_resolve(repeats=repeats, launches=launches)
    assert duplicates == [{"line": 4, "duplicate_of": 3}, {"line": 5, "duplicate_of": 2}]
    assert conflicts == [RowError(6, "date", "same pad and launch time as line 2 but different values")]


def test_the_first_line_of_a_stored_key_is_the_lowest_of_the_chunk_that_names_it_first():
    comparison = LaunchComparison(stored=stored({10: launch()}))

    comparison.compare(chunk({7: launch(mission="X"), 3: launch()}))

    assert comparison.repeats_found()[["line", "first_line"]].to_dict("records") == [{"line": 7, "first_line": 3}]


def test_natural_keys_hold_pad_and_microsecond_exactly():
    times = pd.Series([LAUNCHED_AT, LAUNCHED_AT + pd.Timedelta(microseconds=1), pd.Timestamp("2100-12-31", tz="UTC")])
    micros = launch_micros(times)

    keys = natural_keys(pd.Series([1, 1, 2**31]), micros)

    assert micros.tolist() == [1596777120000000, 1596777120000001, 4133894400000000]
    assert [(int(key.real), int(key.imag)) for key in keys] == [(1, micros[0]), (1, micros[1]), (2**31, micros[2])]
    assert keys.is_unique


def test_values_differ_treats_two_missing_prices_as_equal():
    before = pd.DataFrame([launch(price=np.nan), launch(price=np.nan), launch(price=5.0), launch(mission="B")])
    after = pd.DataFrame([launch(price=np.nan), launch(price=5.0), launch(price=5.0), launch(mission="C")])

    assert values_differ(before, after).tolist() == [False, True, False, True]


def test_a_row_with_only_the_day_leaves_a_time_that_ll2_gave_its_launch():
    day = LAUNCHED_AT.normalize()
    comparison = LaunchComparison(stored=stored({10: launch(at=day), 11: {**launch(pad=2, at=day), "price": 5.0}}))
    rows = {2: {**launch(at=day), "time_precision": "day"}, 3: {**launch(pad=2, at=day), "time_precision": "day"}}

    new, changes = comparison.compare(chunk({**rows, 3: {**rows[3], "price": 6.0}}))

    assert len(new) == 0
    assert changes[["id", "time_precision", "price"]].to_dict("records") == [
        {"id": 11, "time_precision": "minute", "price": 6.0}
    ]
