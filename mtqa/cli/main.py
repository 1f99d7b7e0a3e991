"""The command line: ``mtqa assess`` (and the other subcommands as they arrive).

Bad input gives one line on stderr naming the file and the problem, and exit status 2, with nothing
written to the output folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mtqa.cli.regression import add_compare, add_gate, add_history
from mtqa.core.exceptions import InputError
from mtqa.core.version import __version__

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
    parser.add_argument("--parallel", action="store_true",
                        help="line-aligned inputs: line i of each candidate translates line i of the reference")
    parser.add_argument("--embedding-model", default="minilm", metavar="NAME",
                        help="sentence-embedding model: packaged name, local directory or hub id (default: minilm)")
    parser.add_argument("--align-threshold", type=float, default=0.5, metavar="SCORE",
                        help="skip cost: the score (cosine adjusted for margin, shared words, length and merges) "
                             "a link must beat; higher links fewer sentences (default: 0.5)")
    parser.add_argument("--batch-size", type=int, default=32, metavar="N", help="model batch size (default: 32)")
    parser.add_argument("--disable-check", action="append", default=[], metavar="NAME",
                        help="switch a QA check off (repeat for several; `mtqa checks` lists them)")
    parser.add_argument("--no-errors", action="store_true", help="skip stage 6 (error spans)")
    parser.add_argument("--fluency-model", default="smollm2", metavar="NAME",
                        help="language model for fluency: smollm2 (default), ngram (fast), a causal LM's "
                             "local directory or hub id, or none")
    parser.add_argument("--fluency-context", action=argparse.BooleanOptionalAction, default=None,
                        help="a causal LM reads each sentence after the content sentence before it in its "
                             "document (default: on for documents, off with --parallel and the n-gram tier)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    parser.set_defaults(run=_run_assess)


def _add_checks(subparsers) -> None:
    parser = subparsers.add_parser("checks", help="list the QA checks with their category and default severity")
    parser.set_defaults(run=_run_checks)


def _run_checks(args: argparse.Namespace) -> int:
    from mtqa.checks import CHECKS

    for check in CHECKS.values():
        state = "on " if check.default else "off"
        print(f"{check.name:22} {state} {check.category:24} {check.severity:6} {check.description}")
    return EXIT_OK


def _run_assess(args: argparse.Namespace) -> int:
    from mtqa.pipeline.options import AssessOptions
    from mtqa.pipeline.run import assess
    from mtqa.stages.load import load_manifest

    switches: dict[str, bool] = {}
    if args.manifest:
        if args.reference or args.candidate:
            raise InputError(args.manifest, "give either --manifest or --reference/--candidate, not both")
        manifest = load_manifest(args.manifest, reference=not args.no_reference)
        references, candidates = manifest.references or None, manifest.candidates
        switches.update(manifest.checks)
    else:
        if args.no_reference and args.reference:
            raise InputError(None, "mtqa assess: give either --reference or --no-reference, not both")
        if not args.reference and not args.no_reference:
            raise InputError(None, "mtqa assess: --reference is required (or --manifest, or --no-reference "
                                   "for quality estimation)")
        if not args.candidate:
            raise InputError(None, "mtqa assess: at least one --candidate is required (or --manifest)")
        references, candidates = args.reference or None, args.candidate
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise InputError(out, "exists and is not a folder")
    switches.update({name: False for name in args.disable_check})
    options = AssessOptions.build(
        parallel=args.parallel,
        embedding_model=args.embedding_model,
        align_threshold=args.align_threshold,
        batch_size=args.batch_size,
        find_errors=not args.no_errors,
        checks=switches or None,
        fluency_model=None if args.fluency_model == "none" else args.fluency_model,
        fluency_context=args.fluency_context,
    )
    result = assess(references, candidates, options=options, progress=not args.quiet)
    result.save(out)
    if not args.quiet:
        from mtqa.render.terminal import summary

        for warning in result.warnings:
            print(f"mtqa: warning: {warning}", file=sys.stderr)

        print(summary(result))
        print(f"wrote {out}/report.html and tables", file=sys.stderr)
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
    from mtqa.backends.packaged import cache_dir
    from mtqa.backends.registry import check_models

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
