"""Models every app may build on; this app has no tables of its own."""

from django.db import connections, models
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
        number = cls._increment()
        if number is None:
            # The first change: create the row, unless a concurrent first change just did, then count this one.
            _, created = cls.objects.get_or_create(pk=1, defaults={"number": 1})
            number = 1 if created else cls._increment()
        version_changed(counter=cls, number=number)

    @classmethod
    def _increment(cls) -> int | None:
        """Add one to the number and return the new one (None while there is no row), in one statement."""
        # UPDATE ... RETURNING, which the ORM cannot write: a job moves the counter twice on its way, and reading the
        # new number back would be one more round trip each time.
        connection = connections[cls.objects.db]
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET number = number + 1, changed_at = %s WHERE id = 1 RETURNING number",
                [timezone.now()],
            )
            row = cursor.fetchone()
        return row[0] if row else None

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
