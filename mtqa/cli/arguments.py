"""What ``assess``, ``compare`` and ``gate`` share on the command line: the model, stage and check
options, and reading documents from files or a manifest. Written once, so the three commands run the
same stages with the same checks on the same inputs."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from mtqa.backends.options import ModelOptions
from mtqa.core.exceptions import InputError
from mtqa.pipeline.options import AssessOptions
from mtqa.stages.load import load_manifest

_DEFAULTS = AssessOptions()


def add_assess_options(parser: argparse.ArgumentParser) -> None:
    """The pipeline's options, with the defaults of :class:`~mtqa.pipeline.options.AssessOptions`."""
    models: ModelOptions = _DEFAULTS.models
    parser.add_argument("--parallel", action="store_true",
                        help="line-aligned inputs: line i of each candidate translates line i of the reference")
    parser.add_argument("--embedding-model", default=models.embedding_model, metavar="NAME",
                        help="sentence-embedding model: packaged name, local directory or hub id "
                             f"(default: {models.embedding_model})")
    parser.add_argument("--align-threshold", type=float, default=_DEFAULTS.align.skip_cost, metavar="SCORE",
                        help="skip cost: the score (cosine adjusted for margin, shared words, length and merges) "
                             f"a link must beat; higher links fewer sentences (default: {_DEFAULTS.align.skip_cost})")
    parser.add_argument("--batch-size", type=int, default=models.batch_size, metavar="N",
                        help=f"model batch size (default: {models.batch_size})")
    parser.add_argument("--disable-check", action="append", default=[], metavar="NAME",
                        help="switch a QA check off (repeat for several; `mtqa checks` lists them)")
    parser.add_argument("--no-errors", action="store_true", help="skip stage 6 (error spans)")
    parser.add_argument("--fluency-model", default=models.fluency_model, metavar="NAME",
                        help=f"language model for fluency: {models.fluency_model} (default), ngram (fast), a causal "
                             "LM's local directory or hub id, or none")
    parser.add_argument("--fluency-context", action=argparse.BooleanOptionalAction, default=None,
                        help="a causal LM reads each sentence after the content sentence before it in its "
                             "document (default: on for documents, off with --parallel and the n-gram tier)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar and no summary")


@dataclass(frozen=True)
class Inputs:
    """The documents a command assesses and the QA-check switches that come with them."""

    references: list = field(default_factory=list)  # file paths or Documents; empty: no reference
    candidates: list = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)  # a manifest's [checks] table


def read_inputs(args: argparse.Namespace, *, reference_required: bool = True) -> Inputs:
    """Documents from ``--manifest`` or from ``--reference``/``--candidate``, never both."""
    manifest = getattr(args, "manifest", None)
    if manifest:
        if args.reference or getattr(args, "candidate", None):
            raise InputError(manifest, "give either --manifest or --reference/--candidate, not both")
        loaded = load_manifest(manifest, reference=reference_required)
        return Inputs(loaded.references, loaded.candidates, dict(loaded.checks))
    if reference_required and not args.reference:
        raise InputError(None, f"mtqa {args.command}: --reference is required (or --manifest)")
    return Inputs(list(args.reference), list(getattr(args, "candidate", None) or []))


def assess_settings(args: argparse.Namespace, checks: dict[str, bool]) -> dict:
    """The flat settings (:meth:`AssessOptions.build`) the options on the command line ask for:
    ``--disable-check`` switches checks off on top of a manifest's ``[checks]``."""
    switches = {**checks, **{name: False for name in args.disable_check}}
    return {
        "parallel": args.parallel,
        "embedding_model": args.embedding_model,
        "align_threshold": args.align_threshold,
        "batch_size": args.batch_size,
        "find_errors": not args.no_errors,
        "checks": switches or None,
        "fluency_model": None if args.fluency_model == "none" else args.fluency_model,
        "fluency_context": args.fluency_context,
    }
