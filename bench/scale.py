"""The scale table: every staff page and the API at 10k, 100k and 1M cases, with each ratio.

    uv run python bench/scale.py [--runs 30] [--base postgres://postgres@127.0.0.1:5432/harken_scale]

Runs bench/casework.py once for each size, each in its own process, on the databases
`<base>_10k`, `<base>_100k` and `<base>_1m` (filled by bench/populate.py when they hold fewer
cases: the first run takes several minutes), then prints for each page the median at each
size, the p95 at 1M and the 1M/10k ratio of the medians. `RESULT: OK` only when every page's
p95 at 1M is under 100 ms and every ratio is under 1.5: cost follows the work in front of
the user, not the history. The figures depend on the machine's load: it is printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
P95_TARGET_MS = 100.0
RATIO_TARGET = 1.5
SIZES = [("10k", 10_000), ("100k", 100_000), ("1m", 1_000_000)]


def run(url: str, cases: int, runs: int, only: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "figures.json"
        command = [sys.executable, str(HERE / "casework.py"), "--cases", str(cases)]
        command += ["--runs", str(runs), "--json", str(out)]
        if only:
            command += ["--only", *only]
        env = {**os.environ, "DATABASE_URL": url}
        done = subprocess.run(  # noqa: S603
            command, env=env, capture_output=True, text=True, check=False
        )
        if not out.exists():
            sys.exit(f"casework.py on {url.rsplit('/', 1)[-1]} failed:\n{done.stdout}{done.stderr}")
        return json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="postgres://postgres@127.0.0.1:5432/harken_scale")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--only", nargs="*", default=[], help="pages whose label has a word")
    args = parser.parse_args()
    figures = {}
    for suffix, cases in SIZES:
        figures[suffix] = run(f"{args.base}_{suffix}", cases, args.runs, args.only)
        load = figures[suffix]["load"]
        print(
            f"{figures[suffix]['cases']:>9,} cases ({figures[suffix]['open']:,} open) measured, "
            f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}",
            flush=True,
        )
    by_size = {s: {r["page"]: r for r in figures[s]["rows"]} for s, _ in SIZES}
    print()
    header = f"{'page':<40} {'10k':>7} {'100k':>7} {'1M':>7} {'1M p95':>7} {'ratio':>6} q(1M)"
    print(header)
    print("-" * len(header))
    failed = []
    for row in figures["1m"]["rows"]:
        page = row["page"]
        medians = [by_size[s][page]["median"] for s, _ in SIZES]
        ratio = medians[2] / medians[0]
        ok = row["p95"] < P95_TARGET_MS and ratio < RATIO_TARGET
        if not ok:
            failed.append(page)
        print(
            f"{page:<40} {medians[0]:7.1f} {medians[1]:7.1f} {medians[2]:7.1f} "
            f"{row['p95']:7.1f} {ratio:6.2f} {row['queries']:3d}  {'ok' if ok else 'OVER'}"
        )
    print(f"\nmilliseconds; target p95 < {P95_TARGET_MS:.0f} ms at 1M and 1M/10k < {RATIO_TARGET}")
    print("RESULT: " + ("OK" if not failed else f"OVER on {len(failed)}: " + ", ".join(failed)))


if __name__ == "__main__":
    main()
