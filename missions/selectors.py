"""Reads of the launch records."""

from .models import DataVersion


def data_version() -> int:
    """The current data version: it changes whenever an import or a clear changes the launches."""
    return DataVersion.objects.filter(pk=1).values_list("number", flat=True).first() or 0
