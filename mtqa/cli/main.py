"""The command line: ``mtqa assess``, ``checks`` and ``models``, and the parser of every subcommand.

Bad input gives one line on stderr naming the file and the problem, and exit status 2, with nothing
written to the output folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mtqa.api import assess
from mtqa.backends.packaged import cache_dir
from mtqa.backends.registry import check_models
from mtqa.backends.workers import connect
from mtqa.checks import CHECKS
from mtqa.cli.arguments import add_assess_options, assess_settings, read_inputs
from mtqa.cli.regression import add_compare, add_gate, add_history
from mtqa.core.exceptions import InputError
from mtqa.core.version import __version__
from mtqa.pipeline.options import AssessOptions
from mtqa.render.terminal import summary

EXIT_OK, EXIT_INPUT = 0, 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and exit status 2), like every other input error."""

    def error(self, message: str):  # type: ignore[override]
        raise InputError(None, f"{message} (see {self.prog} --help)")


def _add_assess(subparsers) -> None:
    parser = subparsers.add_parser(
        "assess",
        help="score candidate translations against a reference and write the report and tables",
        description="Segment, align and score candidate translations against a reference.",
    )
    parser.add_argument("--reference", action="append", default=[], metavar="FILE",
                        help="reference document (repeat for secondary references; the first is primary)")
    parser.add_argument("--candidate", action="append", default=[], metavar="FILE",
                        help="candidate translation (repeat for several)")
    parser.add_argument("--manifest", metavar="TOML", help="read documents, roles and metadata from a manifest")
    parser.add_argument("--no-reference", action="store_true",
                        help="quality estimation: assess the candidates (--candidate, or a manifest with no "
                             "reference document) without a reference: fluency, the errors found without one, the "
                             "reference-free quality")
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder")
    parser.add_argument("--annotate", metavar="DIR",
                        help="also write each candidate vendor file (XLIFF, TMX, PO, CSV, TSV, JSONL) back in its "
                             "own format with the errors and quality attached (ITS 2.0 in XLIFF, notes in TMX, "
                             "comments in PO, columns in tables)")
    add_assess_options(parser)
    parser.add_argument("--verbose", action="store_true", help="also print the time each stage took")
    parser.add_argument("--dask", metavar="ADDRESS",
                        help="run the language model's passes on a Dask cluster's workers (the scheduler's "
                             "address, e.g. tcp://10.0.0.5:8786; needs pip install 'mtqa[dask]')")
    parser.set_defaults(run=_run_assess)


def _add_checks(subparsers) -> None:
    parser = subparsers.add_parser("checks", help="list the QA checks with their category and default severity")
    parser.set_defaults(run=_run_checks)


def _run_checks(args: argparse.Namespace) -> int:
    for check in CHECKS.values():
        state = "on " if check.default else "off"
        print(f"{check.name:22} {state} {check.category:24} {check.severity:6} {check.description}")
    return EXIT_OK


def _run_assess(args: argparse.Namespace) -> int:
    if args.no_reference and args.reference:
        raise InputError(None, "mtqa assess: give either --reference or --no-reference, not both")
    inputs = read_inputs(args, reference_required=not args.no_reference)
    if not inputs.candidates:
        raise InputError(None, "mtqa assess: at least one --candidate is required (or --manifest)")
    out = Path(args.out)
    for folder in (out, Path(args.annotate) if args.annotate else None):
        if folder is not None and folder.exists() and not folder.is_dir():
            raise InputError(folder, "exists and is not a folder")
    options = AssessOptions.build(**assess_settings(args, inputs.checks))
    client = connect(args.dask) if args.dask else None
    try:
        result = assess(inputs.references or None, inputs.candidates, options=options, progress=not args.quiet,
                        client=client, **inputs.load)
    finally:
        if client is not None:
            client.close()
    result.save(out, annotate=args.annotate)
    if not args.quiet:
        for warning in result.warnings:
            print(f"mtqa: warning: {warning}", file=sys.stderr)

        print(summary(result))
        print(f"wrote {out}/report.html and tables", file=sys.stderr)
    if args.verbose:
        print(result.times.summary(), file=sys.stderr)
        if args.annotate:
            print(f"wrote the annotated files into {args.annotate}", file=sys.stderr)
    return EXIT_OK


def _add_models(subparsers) -> None:
    parser = subparsers.add_parser(
        "models",
        aliases=["doctor"],
        help="list the models mtqa can use here: whether each loads, its size and load time",
        description="Load every packaged model once and report whether it works, its size on disk and "
                    "its load time. Exit status 1 if any model fails to load.",
    )
    parser.set_defaults(run=_run_models)


def _run_models(args: argparse.Namespace) -> int:
    rows = [("model", "kind", "package", "size", "load", "status")]
    failed = False
    for check in check_models():
        size = f"{check.size_bytes / 1e6:,.0f} MB" if check.size_bytes else "-"
        load = f"{check.load_seconds:.1f} s" if check.load_seconds is not None else "-"
        rows.append((check.name, check.kind, check.package_spec, size, load, check.status))
        failed = failed or not check.ok
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1])
    print(f"cache: {cache_dir()}")
    return 1 if failed else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mtqa", description="Machine-translation quality assessment.")
    parser.add_argument("--version", action="version", version=f"mtqa {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_assess(subparsers)
    add_compare(subparsers)
    add_gate(subparsers)
    add_history(subparsers)
    _add_checks(subparsers)
    _add_models(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return args.run(args)
    except InputError as error:
        print(f"mtqa: error: {error}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("mtqa: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
