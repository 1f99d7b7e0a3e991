"""Run the benchmarks and write the Markdown report: ``python -m benchmarks.run [--quick] [--out FILE]
[--only NAME ...]``. Exit status 1 when a benchmark failed (its traceback is in the report)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from benchmarks.harness import (
    discover,
    render,
    run_benchmarks,
    short_name,
    write_report,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small subsamples: a smoke test in seconds")
    parser.add_argument("--out", type=Path, default=Path("reports/benchmarks.md"))
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmark modules")
    args = parser.parse_args(argv)

    modules = discover()
    if args.only:
        unknown = set(args.only) - {short_name(m) for m in modules}
        if unknown:
            parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(short_name(m) for m in modules)}")
        modules = [m for m in modules if short_name(m) in args.only]

    started = time.perf_counter()
    outcomes = run_benchmarks(modules, args.quick)
    write_report(render(outcomes, args.quick, time.perf_counter() - started), args.out)
    print(f"wrote {args.out}")
    failed = [o.name for o in outcomes if o.error]
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
