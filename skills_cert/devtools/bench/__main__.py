"""python -m skills_cert.devtools.bench [--quick] [--postgres] [--output bench/results.json]"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

from skills_cert.devtools.bench import (
    batch,
    bulk_import,
    credentials,
    dashboard,
    page_weight,
    pdf,
    session_approval,
    verify_throughput,
)


def _attempt(name: str, func, *args, **kwargs) -> list[dict]:
    """A benchmark that cannot run (no Chromium, say) is reported as such; the others still run."""
    try:
        rows = func(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - reported in the table and the JSON
        return [{"name": name, "error": f"{type(exc).__name__}: {exc}", "goal": "-", "meets_goal": False}]
    return rows if isinstance(rows, list) else [rows]


# Registry sizes (small, large), seconds of load per target, interleaved rounds.
QUICK_VERIFY = {"sizes": (200, 2_000), "seconds": 2.0, "rounds": 1}
FULL_VERIFY = {"sizes": (10_000, 1_000_000), "seconds": 6.0, "rounds": 3}


def run(quick: bool, postgres: bool = False) -> dict:
    started = time.time()
    results = {"mode": ("quick" if quick else "full") + (" + PostgreSQL" if postgres else ""), "python": platform.python_version(),
               "machine": platform.machine(), "benchmarks": []}
    results["benchmarks"] += _attempt("certificate PDF rendering (one core)", pdf.run,
                                      count=20 if quick else 200)
    results["benchmarks"] += _attempt("certificate PDF sealing (one core)", pdf.run_sealed,
                                      count=20 if quick else 200)

    def statistics(folder, count, database):  # on the largest registry, before it is deleted
        return _attempt("statistics dashboard", dashboard.run, folder, count, repeats=3, database=database)

    results["benchmarks"] += _attempt("verification throughput (gunicorn)", verify_throughput.run,
                                      **(QUICK_VERIFY if quick else FULL_VERIFY), then=statistics)
    if postgres:
        results["benchmarks"] += _attempt("verification throughput (gunicorn), PostgreSQL", verify_throughput.run,
                                          **(QUICK_VERIFY if quick else FULL_VERIFY), then=statistics,
                                          postgres=True)
    results["benchmarks"] += _attempt("batch issuance", batch.run, count=50 if quick else 500)
    results["benchmarks"] += _attempt("whole-session approval", session_approval.run, count=50 if quick else 500)
    results["benchmarks"] += _attempt("Open Badges credentials", credentials.run, count=50 if quick else 500)
    results["benchmarks"] += _attempt("bulk import", bulk_import.run,
                                      sizes=(2_000,) if quick else (10_000, 100_000))
    results["benchmarks"] += _attempt("verify page weight", page_weight.run,
                                      ("th", "lo") if quick else ("th", "lo", "en"))
    results["seconds"] = round(time.time() - started, 1)
    return results


def _cells(bench: dict) -> tuple[str, str, str]:
    """Figure, floor and ratio as printed. Each benchmark may carry its own `figure`, `floor` and
    `ratio`; the PDF benchmark's are per-second rates."""
    if "error" in bench:
        return "not run", "-", "-"
    if "figure" in bench:
        return str(bench["figure"]), str(bench.get("floor", "-")), str(bench.get("ratio", "-"))
    return (f"{bench['certificates_per_second']} /s", f"{bench['floor_pages_per_second']} /s",
            str(bench["time_ratio"]))


def print_table(results: dict) -> None:
    print(f"skills_cert benchmarks ({results['mode']}, {results['seconds']} s)")
    print(f"{'benchmark':45} {'figure':>14} {'floor':>14} {'ratio':>7}  goal")
    for bench in results["benchmarks"]:
        figure, floor, ratio = _cells(bench)
        print(f"{bench['name']:45} {figure:>14} {floor:>14} {ratio:>7}  {bench['goal']} "
              f"{'ok' if bench['meets_goal'] else 'MISSED'}")
        if "error" in bench or bench.get("detail"):
            print(f"    {bench.get('error') or bench['detail']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m skills_cert.devtools.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, under two minutes")
    parser.add_argument("--postgres", action="store_true",
                        help="also seed a throwaway PostgreSQL server and run the verification and dashboard rows there")
    parser.add_argument("--output", type=Path, default=Path("bench/results.json"))
    args = parser.parse_args(argv)
    results = run(args.quick, args.postgres)
    print_table(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 1 if any("error" in bench for bench in results["benchmarks"]) else 0


if __name__ == "__main__":
    sys.exit(main())
