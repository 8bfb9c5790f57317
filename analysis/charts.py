"""One chart per analysis: a Vega-Lite spec built with Altair from the analysis's result rows.

Pages draw the spec with vega-embed, the job API renders it to PNG or SVG with vl-convert, and beside every chart
stands the table it was drawn from: one definition, three outputs.
"""

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import altair as alt

from .models import ResultEncoder

# Okabe–Ito: colours that readers with the common colour-vision deficiencies tell apart; grey is "Other".
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442"]
OTHER, OTHER_COLOUR = "Other", "#8C8C8C"
OUTCOME_COLOURS = {
    "Success": "#009E73",
    "Partial Failure": "#E69F00",
    "Failure": "#D55E00",
    "Prelaunch Failure": "#CC79A7",
}
# Formats a job's chart is served in besides the analysis's own: two images and the spec itself.
CHART_FORMATS = {"png": "image/png", "svg": "image/svg+xml", "vega-lite": "application/vnd.vegalite+json"}
# Width of a chart rendered on the server; in pages a chart takes its container's width.
RENDER_WIDTH = 720
ROW_HEIGHT = 18
LAUNCHES, PERCENT, MILLION_USD = "Launches", "Success rate (%)", "Million USD"
# Years as whole numbers, never a tick between two years.
YEAR_AXIS = alt.Axis(format="d", tickMinStep=1)


@dataclass(frozen=True)
class Chart:
    """A chart's Vega-Lite spec, and the table it was drawn from: rows and their (key, label) columns."""

    title: str
    spec: dict[str, Any]
    rows: list[dict[str, Any]]
    columns: list[tuple[str, str]]


def _plain(rows: Any) -> Any:
    """Rows as JSON has them: prices as numbers, dates as text."""
    return json.loads(json.dumps(rows, cls=ResultEncoder))


def _chart(chart: alt.TopLevelMixin, *, title: str, rows: list[dict], columns: list[tuple[str, str]]) -> Chart:
    # Unvalidated: the schema check costs more than the page; the chart tests validate every chart once.
    spec = chart.properties(width="container").to_dict(validate=False)
    return Chart(title=title, spec=spec, rows=rows, columns=columns)


def _title(text: str, subtitle: str = "") -> alt.Title:
    return alt.Title(text, subtitle=subtitle or alt.Undefined, anchor="start")


def fold_groups(rows: list[dict[str, Any]], *, key: str = "group", weight: str = "launch_count") -> list[dict]:
    """The rows with every group outside the busiest few renamed "Other", so that a legend stays readable."""
    totals: Counter = Counter()
    for row in rows:
        totals[row[key]] += row[weight] or 0
    leaders = {group for group, _count in totals.most_common(len(PALETTE))}
    if len(totals) <= len(PALETTE) + 1:
        leaders = set(totals)
    return [{**row, key: row[key] if row[key] in leaders else OTHER} for row in rows]


def _colour(groups: list[Any], *, title: str) -> alt.Color:
    """A colour per group: outcomes keep their own colours, others take the palette in order, "Other" is grey."""
    if set(groups) <= set(OUTCOME_COLOURS):
        domain = [outcome for outcome in OUTCOME_COLOURS if outcome in groups]
        colours = [OUTCOME_COLOURS[outcome] for outcome in domain]
    else:
        domain = sorted({group for group in groups if group != OTHER}, key=str) + ([OTHER] if OTHER in groups else [])
        colours = [
            OTHER_COLOUR if group == OTHER else PALETTE[index % len(PALETTE)] for index, group in enumerate(domain)
        ]
    return alt.Color(
        "group:N", title=title, scale=alt.Scale(domain=domain, range=colours), legend=alt.Legend(orient="bottom")
    )


def success_rate_chart(rows: list[dict[str, Any]], *, group_by: str = "organisation", title: str = "") -> Chart:
    """Success rates as bars sorted from best to worst with their 95% interval as whiskers (a line for years)."""
    data = [
        {
            "group": row["group"] if group_by == "year" else str(row["group"]),
            "launch_count": row["launch_count"],
            "success_count": row["success_count"],
            "success_pct": round(row["success_rate"] * 100, 1),
            "low_pct": round(row["wilson_low"] * 100, 1),
            "high_pct": round(row["wilson_high"] * 100, 1),
        }
        for row in _plain(rows)
    ]
    label = group_by.capitalize()
    title = title or f"Success rate by {group_by}, with 95% interval"
    tooltip = [
        f"group:{'Q' if group_by == 'year' else 'N'}",
        "launch_count:Q",
        "success_pct:Q",
        "low_pct:Q",
        "high_pct:Q",
    ]
    base = alt.Chart(alt.Data(values=data))
    rate = alt.Scale(domain=[0, 100])
    if group_by == "year":
        x = alt.X("group:Q", title="Year", axis=YEAR_AXIS)
        band = base.mark_area(opacity=0.3, color=PALETTE[4]).encode(
            x=x, y=alt.Y("low_pct:Q", title=PERCENT, scale=rate), y2="high_pct:Q"
        )
        line = base.mark_line(point=True, color=PALETTE[0]).encode(x=x, y="success_pct:Q", tooltip=tooltip)
        chart = (band + line).properties(title=_title(title), height=300)
    else:
        y = alt.Y("group:N", title=label, sort=alt.EncodingSortField("success_pct", order="descending"))
        bars = base.mark_bar(color=PALETTE[0]).encode(
            x=alt.X("success_pct:Q", title=PERCENT, scale=rate), y=y, tooltip=tooltip
        )
        whiskers = base.mark_rule(color=PALETTE[3], strokeWidth=2).encode(x="low_pct:Q", x2="high_pct:Q", y=y)
        chart = (bars + whiskers).properties(title=_title(title), height=max(len(data), 2) * ROW_HEIGHT)
    columns = [
        ("group", label),
        ("launch_count", LAUNCHES),
        ("success_count", "Successes"),
        ("success_pct", PERCENT),
        ("low_pct", "95% interval from (%)"),
        ("high_pct", "95% interval to (%)"),
    ]
    return _chart(chart, title=title, rows=data, columns=columns)


def launches_per_year_chart(
    rows: list[dict[str, Any]], *, split_by: str = "", title: str = "", lines: bool = False, cumulative: bool = False
) -> Chart:
    """Launches per year as bars, stacked by group when split; as a line per group; or each group's running total."""
    data = fold_groups(_plain(rows)) if split_by and split_by != "outcome" else _plain(rows)
    if split_by:
        merged: Counter = Counter()
        for row in data:
            merged[(row["year"], row["group"])] += row["launch_count"]
        data = [{"year": year, "group": group, "launch_count": count} for (year, group), count in merged.items()]
    title = title or (f"Launches per year by {split_by}" if split_by else "Launches per year")
    x = alt.X("year:Q", title="Year", axis=YEAR_AXIS)
    tooltip = ["year:Q", "launch_count:Q", *(["group:N"] if split_by else [])]
    base = alt.Chart(alt.Data(values=data))
    if cumulative:
        chart = (
            base.transform_window(total="sum(launch_count)", groupby=["group"], sort=[{"field": "year"}])
            .mark_line(point=True)
            .encode(x=x, y=alt.Y("total:Q", title=f"{LAUNCHES} (cumulative)"), tooltip=[*tooltip, "total:Q"])
        )
    else:
        mark = base.mark_line(point=True) if lines else base.mark_bar()
        chart = mark.encode(x=x, y=alt.Y("sum(launch_count):Q", title=LAUNCHES), tooltip=tooltip)
    if split_by:
        chart = chart.encode(color=_colour([row["group"] for row in data], title=split_by.capitalize()))
    columns = [("year", "Year"), *([("group", split_by.capitalize())] if split_by else []), ("launch_count", LAUNCHES)]
    return _chart(chart.properties(title=_title(title), height=300), title=title, rows=data, columns=columns)


def spending_chart(rows: list[dict[str, Any]], *, group_by: str = "organisation", title: str = "") -> Chart:
    """Total price per group as bars, with how many launches have a price noted (unpriced ones are never zero)."""
    data = [row for row in _plain(rows) if row["total_price"] is not None]
    launches = sum(row["launch_count"] for row in _plain(rows))
    priced = sum(row["priced_launch_count"] for row in _plain(rows))
    share = f"{priced / launches:.1%}" if launches else "0%"
    title = title or f"Launch spending by {group_by}"
    subtitle = f"Prices known for {priced:,} of {launches:,} launches ({share}); unpriced launches are not counted."
    tooltip = [
        f"group:{'Q' if group_by == 'year' else 'N'}",
        "total_price:Q",
        "priced_launch_count:Q",
        "launch_count:Q",
        "coverage:Q",
    ]
    total = alt.X("total_price:Q", title=f"Total price ({MILLION_USD})")
    base = alt.Chart(alt.Data(values=data))
    if group_by == "year":
        chart = base.mark_bar(color=PALETTE[0]).encode(
            x=alt.X("group:Q", title="Year", axis=YEAR_AXIS),
            y=alt.Y("total_price:Q", title=f"Total price ({MILLION_USD})"),
            tooltip=tooltip,
        )
        height = 300
    else:
        sort = alt.EncodingSortField("total_price", order="descending")
        chart = base.mark_bar(color=PALETTE[0]).encode(
            x=total, y=alt.Y("group:N", title=group_by.capitalize(), sort=sort), tooltip=tooltip
        )
        height = max(len(data), 2) * ROW_HEIGHT
    columns = [
        ("group", group_by.capitalize()),
        ("total_price", f"Total ({MILLION_USD})"),
        ("mean_price", f"Mean ({MILLION_USD})"),
        ("median_price", f"Median ({MILLION_USD})"),
        ("priced_launch_count", "Priced launches"),
        ("launch_count", LAUNCHES),
        ("coverage", "Coverage"),
    ]
    chart = chart.properties(title=_title(title, subtitle), height=height)
    return _chart(chart, title=title, rows=_plain(rows), columns=columns)


def count_chart(rows: list[dict[str, Any]], *, label: str, key: str, title: str, colour_by: str = "") -> Chart:
    """Launch counts per name as bars, busiest first, coloured by a second column when given."""
    data = _plain(rows)
    if colour_by:
        data = fold_groups([{**row, "group": row[colour_by]} for row in data])
    encoding: dict[str, Any] = {
        "x": alt.X("sum(launch_count):Q", title=LAUNCHES),
        "y": alt.Y(f"{key}:N", title=label, sort="-x"),
        "tooltip": [f"{key}:N", "launch_count:Q", *([f"{colour_by}:N"] if colour_by else [])],
    }
    if colour_by:
        encoding["color"] = _colour([row["group"] for row in data], title=colour_by.capitalize())
    else:
        encoding["color"] = alt.value(PALETTE[0])
    names = {row[key] for row in data}
    chart = alt.Chart(alt.Data(values=data)).mark_bar().encode(**encoding)
    chart = chart.properties(title=_title(title), height=max(len(names), 2) * ROW_HEIGHT)
    columns = [(key, label), *([(colour_by, colour_by.capitalize())] if colour_by else []), ("launch_count", LAUNCHES)]
    return _chart(chart, title=title, rows=_plain(rows), columns=columns)


def cost_chart(summary: dict[str, Any]) -> Chart:
    """One organisation's mean and median launch price, with its total and price coverage noted."""
    row = _plain(summary)
    data = [
        {"measure": "Mean price", "price": row["mean_price"]},
        {"measure": "Median price", "price": row["median_price"]},
    ]
    title = f"Launch price of {row['organisation']}"
    total = "unknown" if row["total_price"] is None else f"{row['total_price']:,.2f}"
    subtitle = f"Total {total} million USD; prices known for {row['priced_launch_count']:,} of "
    subtitle += f"{row['launch_count']:,} launches."
    chart = (
        alt.Chart(alt.Data(values=[item for item in data if item["price"] is not None]))
        .mark_bar(color=PALETTE[0])
        .encode(
            x=alt.X("price:Q", title=MILLION_USD), y=alt.Y("measure:N", title=None), tooltip=["measure:N", "price:Q"]
        )
        .properties(title=_title(title, subtitle), height=80)
    )
    columns = [
        ("organisation", "Organisation"),
        ("total_price", f"Total ({MILLION_USD})"),
        ("mean_price", f"Mean ({MILLION_USD})"),
        ("median_price", f"Median ({MILLION_USD})"),
        ("priced_launch_count", "Priced launches"),
        ("launch_count", LAUNCHES),
    ]
    return _chart(chart, title=title, rows=[row], columns=columns)


# The chart of each tabular analysis, from its result and its parameters; file analyses have files instead.
JOB_CHARTS: dict[str, Callable[[Any, dict[str, Any]], Chart]] = {
    "organisations": lambda rows, params: count_chart(
        rows, label="Organisation", key="organisation", title="Launches by organisation"
    ),
    "rockets_by_organisation": lambda rows, params: count_chart(
        rows, label="Rocket", key="rocket", title=f"Rockets of {params.get('organisation')}", colour_by="status"
    ),
    "total_cost_by_organisation": lambda summary, params: cost_chart(summary),
    "active_rockets": lambda rows, params: count_chart(
        rows, label="Rocket", key="rocket", title="Active rockets", colour_by="organisation"
    ),
    "success_rates": lambda rows, params: success_rate_chart(rows, group_by=params.get("group_by", "organisation")),
    "launches_per_year": lambda rows, params: launches_per_year_chart(rows, split_by=params.get("split_by") or ""),
    "spending": lambda rows, params: spending_chart(rows, group_by=params.get("group_by", "organisation")),
}


def job_chart(*, analysis: str, result: Any, params: dict[str, Any]) -> Chart | None:
    """The chart of a finished job's result, or None for an analysis drawn otherwise (files, maps)."""
    build = JOB_CHARTS.get(analysis)
    return None if build is None or result is None else build(result, params)


def chart_render(spec: dict[str, Any], *, file_format: str) -> bytes:
    """A chart as PNG, SVG or its Vega-Lite spec; the images at a fixed width, since they have no container."""
    import vl_convert  # loaded on first use: it is large, and only image downloads need it

    if file_format == "vega-lite":
        return json.dumps(spec).encode()
    fixed = {**spec, "width": RENDER_WIDTH} if spec.get("width") == "container" else spec
    if file_format == "png":
        return vl_convert.vegalite_to_png(fixed, scale=2)
    return vl_convert.vegalite_to_svg(fixed).encode()
