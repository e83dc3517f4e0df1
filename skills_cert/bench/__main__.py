"""python -m skills_cert.bench [--quick] [--output bench/results.json]"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

from skills_cert.bench import pdf


def run(quick: bool) -> dict:
    started = time.time()
    results = {"mode": "quick" if quick else "full", "python": platform.python_version(),
               "machine": platform.machine(), "benchmarks": []}
    results["benchmarks"].append(pdf.run(count=20 if quick else 200))
    results["seconds"] = round(time.time() - started, 1)
    return results


def print_table(results: dict) -> None:
    print(f"skills_cert benchmarks ({results['mode']}, {results['seconds']} s)")
    print(f"{'benchmark':45} {'figure':>14} {'floor':>14} {'ratio':>7}  goal")
    for bench in results["benchmarks"]:
        print(f"{bench['name']:45} {bench['certificates_per_second']:>10} /s {bench['floor_pages_per_second']:>10} /s "
              f"{bench['time_ratio']:>7}  {bench['goal']} {'ok' if bench['meets_goal'] else 'MISSED'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m skills_cert.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, under two minutes")
    parser.add_argument("--output", type=Path, default=Path("bench/results.json"))
    args = parser.parse_args(argv)
    results = run(args.quick)
    print_table(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
