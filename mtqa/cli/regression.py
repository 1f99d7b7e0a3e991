"""The command line of vendor comparison and regression gating: ``mtqa compare``, ``mtqa gate`` and
``mtqa history`` (registered by :mod:`mtqa.cli.main`).

Every output is rendered in memory before the first file is written, and each file is written
atomically: bad input (exit status 2) leaves nothing behind, and a gate that finds a regression
(exit status 1) still writes all its reports.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mtqa.analyses.compare import compare
from mtqa.analyses.gate import gate, load_config
from mtqa.analyses.history import (
    DEFAULT_DATABASE,
    plot_trend,
    record,
    trend,
    trend_table,
)
from mtqa.cli.arguments import add_assess_options, assess_settings, read_inputs
from mtqa.core.exceptions import InputError
from mtqa.metrics.resampling import DEFAULT_RESAMPLES, DEFAULT_SEED
from mtqa.render.comparison import comparison_json, comparison_text
from mtqa.render.files import write_atomically, write_outputs
from mtqa.render.gate import gate_json, gate_markdown, junit_xml

DEFAULT_CONFIG = "mtqa.toml"


def _add_options(parser: argparse.ArgumentParser) -> None:
    add_assess_options(parser)
    parser.add_argument("--record", nargs="?", const=DEFAULT_DATABASE, metavar="DB",
                        help=f"append this run to a DuckDB history file (default: {DEFAULT_DATABASE})")
    parser.add_argument("--json", metavar="PATH", help="write the full result as JSON")


def _output_path(value: str | None) -> Path | None:
    if value is None:
        return None
    path = Path(value)
    if path.is_dir():
        raise InputError(path, "is a folder, expected a file name")
    return path


def _write_all(outputs: dict[Path | None, str]) -> None:

    for path, content in outputs.items():
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, content)


def add_compare(subparsers) -> None:
    parser = subparsers.add_parser(
        "compare",
        help="compare systems: scores with confidence intervals, paired significance tests, clusters",
        description="Compare any number of candidate systems against one reference: every score with its "
        "95 %% bootstrap interval, paired bootstrap and approximate-randomization p-values for every pair "
        "(Holm-corrected), and a ranking in clusters of systems that are not significantly different.",
    )
    parser.add_argument("--reference", action="append", default=[], metavar="FILE",
                        help="reference document (repeat for secondary references; the first is primary)")
    parser.add_argument("--candidate", action="append", default=[], metavar="FILE",
                        help="a candidate system's translation (repeat: at least two)")
    parser.add_argument("--manifest", metavar="TOML", help="read documents, roles and vendor names from a manifest")
    parser.add_argument("--resamples", type=int, default=DEFAULT_RESAMPLES, metavar="N",
                        help=f"bootstrap resamples and randomization trials (default: {DEFAULT_RESAMPLES})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="N",
                        help=f"random seed: the same seed gives the same p-values (default: {DEFAULT_SEED})")
    parser.add_argument("--alpha", type=float, default=0.05, metavar="A", help="significance level (default: 0.05)")
    parser.add_argument("--out", metavar="DIR", help="also write the assessment's tables and report.html")
    _add_options(parser)
    parser.set_defaults(run=run_compare)


def run_compare(args: argparse.Namespace) -> int:
    inputs = read_inputs(args)
    if len(inputs.candidates) < 2:
        raise InputError(None, "mtqa compare: give at least two candidates (--candidate A --candidate B)")
    json_path, out = _output_path(args.json), args.out and Path(args.out)
    if out is not None and out.exists() and not out.is_dir():
        raise InputError(out, "exists and is not a folder")
    result = compare(
        inputs.references, inputs.candidates, n_resamples=args.resamples, seed=args.seed, alpha=args.alpha,
        progress=not args.quiet, **assess_settings(args, inputs.checks), **inputs.load,
    )
    _write_all({json_path: comparison_json(result)})
    if out is not None:
        write_outputs(result.assessment, out, result)
    if args.record:
        record(args.record, result)
    if not args.quiet:
        print(comparison_text(result))
    return 0


def add_gate(subparsers) -> None:
    parser = subparsers.add_parser(
        "gate",
        help="fail (exit status 1) when a candidate is significantly worse than a baseline",
        description="Regression gate: compare a candidate delivery with a baseline on the same reference "
        "and check the thresholds of the [gate] table of a TOML config. Exit status 0: pass, "
        "1: regression, 2: usage or input error.",
    )
    parser.add_argument("--reference", action="append", default=[], metavar="FILE",
                        help="reference document (required unless --manifest gives it)")
    parser.add_argument("--manifest", metavar="TOML",
                        help="take the reference and the [checks] table from a manifest (its candidates are "
                             "not read: --baseline and --candidate name the two deliveries)")
    parser.add_argument("--baseline", required=True, metavar="FILE", help="the baseline system's translation")
    parser.add_argument("--candidate", required=True, metavar="FILE", help="the candidate system's translation")
    parser.add_argument("--config", metavar="TOML",
                        help=f"thresholds ([gate] table; default: ./{DEFAULT_CONFIG} when it exists, else built-in defaults)")
    parser.add_argument("--junit", metavar="PATH", help="write JUnit XML: one test case per check")
    parser.add_argument("--markdown", metavar="PATH", help="write a Markdown summary for a pull-request comment")
    _add_options(parser)
    parser.set_defaults(run=run_gate)


def run_gate(args: argparse.Namespace) -> int:
    config_path = args.config or (DEFAULT_CONFIG if Path(DEFAULT_CONFIG).is_file() else None)
    config = load_config(config_path)
    paths = {name: _output_path(getattr(args, name)) for name in ("junit", "json", "markdown")}
    inputs = read_inputs(argparse.Namespace(**{**vars(args), "candidate": None}))
    result = gate(
        inputs.references, args.baseline, args.candidate, config=config, progress=not args.quiet,
        **assess_settings(args, inputs.checks), **inputs.load,
    )
    renderers = {"junit": junit_xml, "json": gate_json, "markdown": gate_markdown}
    _write_all({paths[name]: renderers[name](result) for name in renderers if paths[name] is not None})
    if args.record:
        record(args.record, result.comparison, result)
    if not args.quiet:
        print(f"mtqa gate: {result.verdict} — {result.candidate} against baseline {result.baseline}")
        for check in result.checks:
            print(f"  [{check.status}] {check.name}: {check.message}")
    return result.exit_code


def add_history(subparsers) -> None:
    parser = subparsers.add_parser(
        "history",
        help="print and plot each vendor's recorded scores over time",
        description="Read the DuckDB history written by --record: print each vendor's runs and plot the trend.",
    )
    parser.add_argument("--db", default=DEFAULT_DATABASE, metavar="PATH",
                        help=f"history database (default: {DEFAULT_DATABASE})")
    parser.add_argument("--system", action="append", metavar="NAME", help="only this vendor or system (repeatable)")
    parser.add_argument("--score", action="append", metavar="NAME", help="only this score (repeatable)")
    parser.add_argument("--plot", metavar="PATH", help="save the trend plot (.png or .svg)")
    parser.set_defaults(run=run_history)


def run_history(args: argparse.Namespace) -> int:
    history = trend(args.db, args.system, args.score)
    if args.plot:
        plot_trend(history, args.plot)
    print(trend_table(history))
    if args.plot:
        print(f"wrote {args.plot}", file=sys.stderr)
    return 0


__all__ = ["add_compare", "add_gate", "add_history"]
