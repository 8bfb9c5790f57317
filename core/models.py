"""Models every app may build on; this app has no tables of its own."""

from django.db import models
from django.utils import timezone


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
        counter = cls.objects.filter(pk=1)
        if counter.update(number=models.F("number") + 1, changed_at=timezone.now()):
            return
        # The first change: create the row, unless a concurrent first change just did, then count this one.
        _, created = cls.objects.get_or_create(pk=1, defaults={"number": 1})
        if not created:
            counter.update(number=models.F("number") + 1, changed_at=timezone.now())

    @classmethod
    def current(cls) -> int:
        """The current number."""
        return cls.objects.filter(pk=1).values_list("number", flat=True).first() or 0
