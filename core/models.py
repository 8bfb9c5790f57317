"""Models every app may build on; this app has no tables of its own."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.db.models.sql import InsertQuery, UpdateQuery
from django.utils import timezone

from core.versions import version_changed


class VersionCounter(models.Model):
    """A single-row counter that moves on with every change of what it versions, so caches keyed by it stay true."""

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.number}"

    @classmethod
    def bump(cls) -> None:
        """Record a change, so that answers computed before it are not reused."""
        connection = connections[cls.objects.db]
        with connection.cursor() as cursor:
            cursor.execute(cls._increment_sql(connection, "VALUES (1, 1, %s)"), [_now(connection)])
            (number,) = cursor.fetchone()
        version_changed(counter=cls, number=number)

    @classmethod
    def update_rows(cls, rows: QuerySet, **values: Any) -> int:
        """Update ``rows`` with ``values`` and, if any changed, record the change in the same transaction; returns
        how many rows changed."""
        if connections[rows.db].vendor != "postgresql":
            with transaction.atomic(using=rows.db):
                changed = rows.update(**values)
                if changed:
                    cls.bump()
            return changed
        # The UPDATE is the ORM's own, as QuerySet.update builds it.
        query = rows.query.chain(UpdateQuery)
        query.add_update_values(values)
        try:
            update_sql, update_params = query.get_compiler(rows.db).as_sql()
        except EmptyResultSet:  # a filter that no row can match
            return 0
        return cls._change_with(rows.db, update_sql, update_params)

    @classmethod
    def create_row(cls, instance: models.Model) -> None:
        """Insert ``instance``, whose primary key is set already, and record the change in the same transaction.

        As ``save(force_insert=True)``, without its signals and without reading back values the database makes.
        """
        using = type(instance).objects.db
        if connections[using].vendor != "postgresql":
            with transaction.atomic(using=using):
                instance.save(force_insert=True, using=using)
                cls.bump()
            return
        # The INSERT is the ORM's own, as Model.save builds it for a row with its primary key.
        query = InsertQuery(type(instance))
        query.insert_values(
            [field for field in instance._meta.local_concrete_fields if not field.generated], [instance]
        )
        [(insert_sql, insert_params)] = query.get_compiler(using).as_sql()
        cls._change_with(using, insert_sql, insert_params)
        instance._state.adding, instance._state.db = False, using

    @classmethod
    def _change_with(cls, using: str, change_sql: str, change_params: Iterable[Any]) -> int:
        """Run a change of rows and, if it changed any, move the counter on, in one statement (PostgreSQL); returns
        how many rows changed."""
        # No BEGIN, no second statement and no COMMIT: three round trips fewer on each of a job's moves.
        connection = connections[using]
        increment = cls._increment_sql(connection, "SELECT 1, 1, %s WHERE EXISTS (SELECT FROM changed)")
        # As QuerySet.update: a failed change spoils an enclosing transaction even if the caller goes on.
        with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
            cursor.execute(
                f"WITH changed AS ({change_sql} RETURNING 1), bumped AS ({increment})"
                " SELECT (SELECT COUNT(*) FROM changed), (SELECT number FROM bumped)",
                [*change_params, _now(connection)],
            )
            changed, number = cursor.fetchone()
        if changed:
            version_changed(counter=cls, number=number)
        return changed

    @classmethod
    def _increment_sql(cls, connection: BaseDatabaseWrapper, source: str) -> str:
        """One statement that adds one to the number, or makes the row with 1, from ``source``'s row (id, number,
        changed_at), and returns the new number."""
        # Upsert ... RETURNING, which the ORM cannot write: reading the new number back would be one more round trip
        # on each change, and a job changes the job list three times on its way.
        table = connection.ops.quote_name(cls._meta.db_table)
        return (
            f"INSERT INTO {table} (id, number, changed_at) {source} ON CONFLICT (id)"
            f" DO UPDATE SET number = {table}.number + 1, changed_at = excluded.changed_at RETURNING number"
        )

    @classmethod
    def current_in_query(cls) -> Coalesce:
        """The current number as an expression, to read it in the round trip of another query."""
        return Coalesce(Subquery(cls.objects.filter(pk=1).values("number")), 0)

    @classmethod
    def current(cls) -> int:
        """The current number."""
        # Read on every cached API answer, as one plain statement: building the same query through the ORM took
        # several times as long as the round trip that runs it.
        connection = connections[cls.objects.db]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT number FROM {connection.ops.quote_name(cls._meta.db_table)} WHERE id = 1")
            row = cursor.fetchone()
        return row[0] if row else 0


def _now(connection: BaseDatabaseWrapper) -> Any:
    """The time now as the ORM would store it in a DateTimeField of this database."""
    return connection.ops.adapt_datetimefield_value(timezone.now())
