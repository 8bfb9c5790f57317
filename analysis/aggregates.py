"""Database aggregates that Django does not ship: an exact median on PostgreSQL and SQLite."""

from decimal import Decimal
from typing import Any

from django.db.backends.signals import connection_created
from django.db.models import Aggregate, DecimalField


class Median(Aggregate):
    """The median of a decimal column, exact: the mean of the lower and upper middle values."""

    function = "MEDIAN"
    name = "Median"
    allow_distinct = False

    def __init__(self, expression: Any, **extra: Any) -> None:
        super().__init__(expression, output_field=DecimalField(max_digits=12, decimal_places=3), **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:
        # PERCENTILE_CONT casts to double precision; the two PERCENTILE_DISC middles keep numeric values exact.
        template = (
            "((PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
            " + PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY %(expressions)s DESC)) / 2)"
        )
        return super().as_sql(compiler, connection, template=template, **extra_context)


class _SQLiteMedian:
    """SQLite has no median: this aggregate class is registered on each SQLite connection."""

    def __init__(self) -> None:
        self.values: list[Decimal] = []

    def step(self, value: Any) -> None:
        if value is not None:
            self.values.append(Decimal(str(value)))

    def finalize(self) -> str | None:
        if not self.values:
            return None
        ordered = sorted(self.values)
        middle = len(ordered) // 2
        return str(ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2)


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Give SQLite connections the MEDIAN aggregate."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("MEDIAN", 1, _SQLiteMedian)


connection_created.connect(register_sqlite_functions, dispatch_uid="analysis.aggregates.median")
