"""Write a large launch file in the Kaggle mission_launches.csv format, made from the real rows.

Every replica of the real rows is shifted in time (timed rows by minutes, date-only rows by days) so that each
row keeps a distinct natural key (location and launch time); repeats are dropped and topped up.

    python bench/synthetic.py --source ../shared/data/mission_launches.csv --rows 1000000 --out var/bench/1m.csv
"""

import argparse
from pathlib import Path

import pandas as pd

KAGGLE_TIMED = "%a %b %d, %Y %H:%M UTC"
KAGGLE_DAY = "%a %b %d, %Y"


def synthetic_launches(source: Path, rows: int) -> pd.DataFrame:
    """Replicate the real rows, shifted in time, until there are ``rows`` distinct launches."""
    real = pd.read_csv(source, dtype=str, keep_default_na=False)
    timed = pd.to_datetime(real["Date"], format=KAGGLE_TIMED, errors="coerce")
    day_only = timed.isna()
    base = timed.fillna(pd.to_datetime(real["Date"], format=KAGGLE_DAY, errors="coerce"))
    frames, total, replica = [], 0, 0
    seen: set[tuple[str, pd.Timestamp]] = set()
    while total < rows:
        shift = pd.Series(pd.Timedelta(minutes=replica), index=base.index).where(~day_only, pd.Timedelta(days=replica))
        shifted = base + shift
        keys = list(zip(real["Location"], shifted, strict=True))
        fresh = [key not in seen for key in keys]
        seen.update(keys)
        frame = real[fresh].copy()
        when = shifted[fresh]
        frame["Date"] = when.dt.strftime(KAGGLE_TIMED).where(~day_only[fresh], when.dt.strftime(KAGGLE_DAY))
        frame = frame.drop_duplicates(subset=["Location", "Date"])
        frames.append(frame)
        total += len(frame)
        replica += 1
    result = pd.concat(frames, ignore_index=True).head(rows)
    numbers = [str(number) for number in range(len(result))]
    result[result.columns[0]] = numbers
    result[result.columns[1]] = numbers
    return result


def main() -> None:
    """Parse arguments and write the file."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_source = Path(__file__).resolve().parents[2] / "shared/data/mission_launches.csv"
    parser.add_argument("--source", type=Path, default=default_source)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("var/bench/launches_1m.csv"))
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    frame = synthetic_launches(args.source, args.rows)
    frame.to_csv(args.out, index=False, header=[""] + list(frame.columns[1:]))
    print(f"wrote {len(frame)} rows to {args.out}")


if __name__ == "__main__":
    main()
