"""Template filters of the pages: launch times as precise as they are known, shares as percentages."""

from datetime import datetime

from django import template

from missions.models import TimePrecision

register = template.Library()


@register.filter
def launch_time(value: datetime | None, precision: str = TimePrecision.MINUTE) -> str:
    """'2020-08-07 05:12 UTC', or '2019-08-29' when only the day is known (never a made-up midnight)."""
    if value is None:
        return "—"
    if precision == TimePrecision.DAY:
        return value.strftime("%Y-%m-%d")
    return value.strftime("%Y-%m-%d %H:%M UTC")


@register.filter
def percent(value: float | None, places: int = 1) -> str:
    """A share from 0 to 1 as a percentage, e.g. '89.7%'; a dash when unknown."""
    if value is None:
        return "—"
    return f"{value * 100:.{places}f}%"


@register.filter
def money(value: object) -> str:
    """Million USD with thousands separators and two places, e.g. '1,160.00'; a dash when unknown."""
    if value is None or value == "":
        return "—"
    return f"{float(value):,.2f}"


# Columns whose numbers are names (years), written without thousands separators.
NAME_COLUMNS = {"year", "group"}


@register.filter
def cell(row: dict, key: str) -> str:
    """One cell of a chart's table: counts with thousands separators, a dash when unknown."""
    value = row.get(key)
    if value is None:
        return "—"
    if isinstance(value, bool) or key in NAME_COLUMNS:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}" if key.endswith("price") else f"{value:,.6g}"
    return str(value)


@register.filter
def item(mapping: dict, key: str) -> object:
    """``mapping[key]`` in a template, None when absent."""
    return mapping.get(key) if isinstance(mapping, dict) else None
