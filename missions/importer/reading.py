"""Reading a launch file as a stream of chunks with Arrow, each row numbered by the file line it starts on.

Arrow's serial reader parses blocks of the file into record batches, regrouped into chunks of a fixed number of
rows that ``cleaning`` validates. A quoted value may span lines and a row with the wrong number of fields is left out
by Arrow, so the line each row starts on is counted from the line breaks inside the values and the skipped rows.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from .cleaning import CANONICAL_COLUMNS, chunk_clean
from .formats import LaunchFile, LaunchFileError, RowError

# Arrow reads ahead several blocks: small blocks keep that small, and chunks regroup them.
READ_BLOCK_BYTES = 1 << 20
# A line break as an editor counts one. Arrow drops the "\n" of a quoted "\r\n" that straddles two read blocks
# (apache/arrow#51368), which leaves a lone "\r" that still ends a line.
LINE_BREAK = r"\r\n|\r|\n"


def read_launch_chunks(
    launch_file: LaunchFile, *, chunksize: int = 100_000
) -> Iterator[tuple[pd.DataFrame, list[RowError]]]:
    """Stream a launch file as cleaned frames in the canonical columns, with the errors of the rows left out."""
    layout = launch_file.layout
    lines = _LineNumbers()
    try:
        # An ordinary file, not Arrow's default memory map, which would count the whole file as resident.
        with pa.OSFile(str(launch_file.path)) as handle:
            # Arrow's reader rather than pandas', on one thread: the other core is the database's, storing the COPY
            # meanwhile. Arrow decodes UTF-8 itself, and any other encoding through Python's codec of that name.
            read_options = pa_csv.ReadOptions(
                use_threads=False, block_size=READ_BLOCK_BYTES, encoding=launch_file.encoding
            )
            reader = pa_csv.open_csv(
                handle,
                read_options=read_options,
                # A quoted value may span lines: each row is numbered by the line it starts on.
                parse_options=pa_csv.ParseOptions(newlines_in_values=True, invalid_row_handler=lines.skip),
                convert_options=pa_csv.ConvertOptions(
                    include_columns=layout.source_columns,
                    column_types=dict.fromkeys(layout.source_columns, pa.string()),
                    strings_can_be_null=False,
                ),
            )
            stopped: list[pa.ArrowInvalid] = []
            for table in _regrouped(_until_invalid(reader, stopped), chunksize):
                table, line_breaks = _line_breaks(table)
                starts, skipped = lines.number(line_breaks)
                if (row := _nul_row(table)) is not None:
                    raise LaunchFileError(f"{launch_file.path}:{starts[row]}: a NUL byte in a value: not a text file")
                frame = table.to_pandas().rename(columns={source: field for field, source in layout.columns.items()})
                frame.index = starts
                cleaned, errors = chunk_clean(frame, file_format=layout.format)
                yield cleaned, errors + skipped
        rest = lines.rest()
        if stopped:
            # Arrow has handed over every row before the one it cannot read: that row starts on the next line.
            raise LaunchFileError(f"{launch_file.path}:{lines.next_line}: {_unreadable(stopped[0])}")
        if rest:
            yield pd.DataFrame(columns=CANONICAL_COLUMNS), rest
    except pa.ArrowInvalid as error:
        raise LaunchFileError(f"{launch_file.path}: not a readable CSV file: {error}") from error


def _until_invalid(batches: Iterator[pa.RecordBatch], stopped: list[pa.ArrowInvalid]) -> Iterator[pa.RecordBatch]:
    """Arrow's record batches up to a row it cannot read, whose error is added to ``stopped``."""
    try:
        yield from batches
    except pa.ArrowInvalid as error:
        stopped.append(error)


def _unreadable(error: pa.ArrowInvalid) -> str:
    """Why Arrow could not read a row, in the file's terms rather than its reader's."""
    if "straddling object" in str(error):
        # Arrow reads a row only if it fits in a read block; no launch row comes near that length.
        return f"a row longer than {READ_BLOCK_BYTES:,} bytes: not a launch file"
    return f"not a readable CSV row: {error}"


def _nul_row(table: pa.Table) -> int | None:
    """The first row with a NUL byte in a value, which no database text column holds; None for none."""
    for column in table.columns:
        # One byte search of the text under the column's values rules out nearly every chunk at once.
        # A NUL under a neighbouring row outside the chunk only costs the search of the values.
        if any(b"\x00" in chunk.buffers()[2].to_pybytes() for chunk in column.chunks):
            row = pc.index(pc.match_substring(column, "\x00"), True).as_py()
            if row >= 0:
                return row
    return None


def _regrouped(batches: Iterator[pa.RecordBatch], rows: int) -> Iterator[pa.Table]:
    """Arrow's record batches regrouped into tables of ``rows`` rows: pandas' costs per call are paid per chunk.

    The first table is the first batch alone (when smaller), so that the database has rows to store sooner.
    """
    pending: list[pa.RecordBatch] = []
    pending_rows = 0
    first = True
    for batch in batches:
        pending.append(batch)
        pending_rows += batch.num_rows
        while pending_rows >= rows or (first and pending_rows):
            first, size = False, min(rows, pending_rows)
            table = pa.Table.from_batches(pending)
            yield table.slice(0, size)
            rest = table.slice(size)
            pending, pending_rows = rest.to_batches(), rest.num_rows
    if pending_rows:
        yield pa.Table.from_batches(pending)


@dataclass(frozen=True)
class _SkippedRow:
    """A row with the wrong number of fields, which Arrow leaves out of its batches."""

    record: int  # Arrow's InvalidRow.number: records counted from the header's 1, however many lines each spans
    line_breaks: int
    reason: str


class _LineNumbers:
    """Numbers a file's records by the line each starts on, as an editor shows it, stepping over skipped rows."""

    def __init__(self) -> None:
        self.skipped: list[_SkippedRow] = []
        self.next_record = self.next_line = 2  # the header is record 1 and line 1

    def skip(self, row: pa_csv.InvalidRow) -> str:
        """Note a row with the wrong number of fields, for Arrow's invalid_row_handler, and read on."""
        reason = f"has {row.actual_columns} fields, expected {row.expected_columns}"
        self.skipped.append(_SkippedRow(row.number, len(re.findall(LINE_BREAK, row.text)), reason))
        return "skip"

    def number(self, line_breaks: np.ndarray) -> tuple[pd.Index, list[RowError]]:
        """The start lines of the next parsed rows, from the line breaks in each, and the rows skipped among them."""
        rows = len(line_breaks)
        records = np.arange(self.next_record, self.next_record + rows + len(self.skipped))
        records = records[~np.isin(records, [row.record for row in self.skipped])][:rows]
        # Rows skipped after the last parsed one wait for the next rows: Arrow may not have reached them all yet.
        return self._start_lines(records, line_breaks, int(records[-1]) + 1 if rows else self.next_record)

    def rest(self) -> list[RowError]:
        """The rows skipped after the last parsed row of the file."""
        end = max(row.record for row in self.skipped) + 1 if self.skipped else self.next_record
        none = np.zeros(0, dtype=np.int64)
        return self._start_lines(none, none, end)[1]

    def _start_lines(self, records: np.ndarray, line_breaks: np.ndarray, end: int) -> tuple[pd.Index, list[RowError]]:
        """The start lines of the parsed ``records`` and of the rows skipped among them, up to record ``end``."""
        first = self.next_record
        skipped = [row for row in self.skipped if row.record < end]
        self.skipped = [row for row in self.skipped if row.record >= end]
        breaks = np.zeros(end - first, dtype=np.int64)
        breaks[records - first] = line_breaks
        for row in skipped:
            breaks[row.record - first] = row.line_breaks
        starts = self.next_line + np.arange(end - first) + np.cumsum(breaks) - breaks
        self.next_record, self.next_line = end, self.next_line + end - first + int(breaks.sum())
        errors = [RowError(int(starts[row.record - first]), "row", row.reason) for row in skipped]
        return pd.Index(starts[records - first]), errors


def _line_breaks(table: pa.Table) -> tuple[pa.Table, np.ndarray]:
    """How many line breaks the values of each row hold, and the chunk with each of them written as "\\n"."""
    line_breaks = np.zeros(table.num_rows, dtype=np.int64)
    for index, column in enumerate(table.columns):
        # Counting per value is the costly part, so one byte search of the text under the column's values rules out
        # nearly every column first; a break in a neighbouring row outside the chunk only costs that count.
        texts = (chunk.buffers()[2].to_pybytes() for chunk in column.chunks)
        if any(b"\n" in text or b"\r" in text for text in texts):
            line_breaks += pc.count_substring_regex(column, LINE_BREAK).to_numpy()
            # One value whatever the file's line ends, and wherever a read block splits a quoted "\r\n".
            table = table.set_column(index, table.field(index), pc.replace_substring_regex(column, LINE_BREAK, "\n"))
    return table, line_breaks
