"""PostgreSQL's paths of the importer: COPY in and out of the launch table, the bulk load, and changes in one join.

New launches go in through COPY from CSV that Arrow writes, pulled block by block from an iterator, so the server
stores one block while the next is prepared. A load into an empty table drops its indexes and keys (primary,
natural and foreign) and makes each once at the end. The stored launches come out through COPY straight into Arrow,
and changes to them go in through COPY into a temporary table joined in one UPDATE.
"""

import io
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection
from django.db.backends.utils import CursorWrapper

from missions.models import Launch

from .comparison import NEW_LAUNCH_COLUMNS, UPDATABLE_COLUMNS

LAUNCH_TABLE = Launch._meta.db_table
# COPY asks its source for blocks of this many bytes.
COPY_BLOCK_BYTES = 1 << 20


def session_prepare() -> None:
    """Lock the launch table for the import's transaction and set the transaction up for loading and index builds."""
    with connection.cursor() as cursor:
        # Readers go on; a second import or an admin edit waits until this one commits.
        cursor.execute(f"LOCK TABLE {LAUNCH_TABLE} IN SHARE ROW EXCLUSIVE MODE")
        # Index builds and the changes' join sort every launch: keep that in memory, not on disk.
        cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        # COPY receives launch times without an offset (see csv_bytes): they are UTC.
        cursor.execute("SET LOCAL TIME ZONE 'UTC'")


class BlockReader:
    """A read-only file over an iterator of byte blocks, for COPY to pull from in pieces of the size it asks for.

    An error raised by the iterator ends the file: psycopg2 would replace it with a generic one, so it is kept in
    ``error`` for the caller to raise once COPY has returned.
    """

    def __init__(self, blocks: Iterator[bytes]) -> None:
        self.blocks = blocks
        self.pending = memoryview(b"")
        self.error: Exception | None = None

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes; empty at the end of the blocks or after an error."""
        try:
            while not self.pending:
                block = next(self.blocks, None)
                if block is None:
                    return b""
                self.pending = memoryview(block)
        except Exception as error:  # whatever it is, the caller raises it once COPY has returned
            self.error = error
            return b""
        piece, self.pending = self.pending[:size], self.pending[size:]
        return bytes(piece)


def launches_copy(blocks: Iterator[bytes]) -> None:
    """COPY new launches into the table from blocks of CSV in NEW_LAUNCH_COLUMNS; an error making them is raised."""
    source = BlockReader(blocks)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {LAUNCH_TABLE} ({', '.join(NEW_LAUNCH_COLUMNS)}) FROM STDIN WITH (FORMAT csv)",
            source,
            size=COPY_BLOCK_BYTES,
        )
    if source.error:
        raise source.error


@contextmanager
def bulk_load() -> Iterator[None]:
    """Around a load into an empty table, drop its indexes and keys, then make each again from its definition.

    Each index (the primary key's and the unique constraints' too) is built once from the loaded rows and each
    foreign key validated with one join, instead of eight B-trees and three triggers maintained row by row; the DDL
    is transactional, so a failed import still leaves every index and constraint in place.
    """
    with connection.cursor() as cursor:
        # The table holds no launch, but perhaps the dead rows of a clear: a fresh file makes every scan of the
        # load (index builds, key checks) read only the new rows.
        cursor.execute(f'TRUNCATE "{LAUNCH_TABLE}"')
        statements = _indexes_and_keys(cursor)
        # ALTER TABLE refuses tables with pending deferred checks (the pads and rockets just created).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for drop, _ in reversed(statements):
            cursor.execute(drop)
    yield
    with connection.cursor() as cursor:
        for _, make in statements:
            cursor.execute(make)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _indexes_and_keys(cursor: CursorWrapper) -> list[tuple[str, str]]:
    """The statements that drop and make the launch table's indexes and constraints, the foreign keys last."""
    cursor.execute(
        """
        SELECT 'constraint', conname, pg_get_constraintdef(oid), contype = 'f' AS last
        FROM pg_constraint
        WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f')
        UNION ALL
        SELECT 'index', relname, pg_get_indexdef(indexrelid), false
        FROM pg_index JOIN pg_class ON pg_class.oid = indexrelid
        WHERE indrelid = %s::regclass AND NOT EXISTS (SELECT FROM pg_constraint WHERE conindid = indexrelid)
        ORDER BY last, 2
        """,
        [LAUNCH_TABLE, LAUNCH_TABLE],
    )
    statements = []
    for kind, name, definition, _ in cursor.fetchall():
        if kind == "constraint":
            alter = f'ALTER TABLE "{LAUNCH_TABLE}"'
            statements.append((f'{alter} DROP CONSTRAINT "{name}"', f'{alter} ADD CONSTRAINT "{name}" {definition}'))
        else:
            statements.append((f'DROP INDEX "{name}"', definition))
    return statements


def changes_apply(changes: pd.DataFrame) -> None:
    """Update stored launches from a frame of their ``id`` and UPDATABLE_COLUMNS, via a temporary table and a join."""
    assignments = ", ".join(f"{column} = c.{column}" for column in UPDATABLE_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS launch_changes")
        cursor.execute(
            f"CREATE TEMPORARY TABLE launch_changes ON COMMIT DROP AS "
            f"SELECT {', '.join(changes.columns)} FROM {LAUNCH_TABLE} WITH NO DATA"
        )
        cursor.cursor.copy_expert(
            f"COPY launch_changes ({', '.join(changes.columns)}) FROM STDIN WITH (FORMAT csv)",
            io.BytesIO(csv_bytes(changes)),
        )
        cursor.execute(f"UPDATE {LAUNCH_TABLE} AS l SET {assignments} FROM launch_changes c WHERE l.id = c.id")


def file_launches_copy_out(columns: list[str]) -> pd.DataFrame:
    """Some columns of every launch of a file, read through COPY into Arrow rather than one ORM tuple per launch."""
    # The CSV waits in a file rather than in memory beside the table that Arrow parses from it, and one parsing
    # thread leaves no per-thread heaps behind.
    with tempfile.NamedTemporaryFile() as spool:
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f"COPY (SELECT {', '.join(columns)} FROM {LAUNCH_TABLE} WHERE file_launched_at IS NOT NULL) "
                "TO STDOUT WITH (FORMAT csv)",
                spool,
            )
        spool.flush()
        table = _stored_csv_read(spool.name, columns)
    frame = table.to_pandas(self_destruct=True, split_blocks=True)
    del table
    pa.default_memory_pool().release_unused()
    return frame


def _stored_csv_read(path: str, columns: list[str]) -> pa.Table:
    """The CSV of some columns of the stored launches, as COPY writes it, in Arrow's types for them."""
    with pa.OSFile(path) as handle:
        return pa_csv.read_csv(
            handle,
            pa_csv.ReadOptions(column_names=columns, use_threads=False),
            pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types={
                    # Arrow reads the offset PostgreSQL writes, to the microsecond it stores.
                    "file_launched_at": pa.timestamp("us", tz="UTC"),
                    "price": pa.float64(),
                    "mission": pa.string(),
                    # Two columns of a few values each: dictionaries take four bytes per launch instead of a string.
                    "time_precision": pa.dictionary(pa.int32(), pa.string()),
                    "mission_status": pa.dictionary(pa.int32(), pa.string()),
                },
                strings_can_be_null=False,
            ),
        )


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as header-less CSV for COPY, written by Arrow's CSV writer."""
    # Arrow's writer formats zone-aware times on a slow path. Without their zone the times are written as they are,
    # and COPY reads them in the session's zone, UTC (see session_prepare).
    frame = frame.assign(**{name: column.dt.tz_convert(None) for name, column in frame.items() if _aware(column)})
    buffer = io.BytesIO()
    # One chunk per column: Arrow's writer emits garbage for a table whose first record batch is empty.
    pa_csv.write_csv(
        pa.Table.from_pandas(frame, preserve_index=False).combine_chunks(),
        buffer,
        pa_csv.WriteOptions(include_header=False, quoting_style="needed"),
    )
    return buffer.getvalue()


def _aware(column: pd.Series) -> bool:
    """Whether a column holds time zone-aware timestamps."""
    return isinstance(column.dtype, pd.DatetimeTZDtype)
