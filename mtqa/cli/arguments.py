"""What ``assess``, ``compare`` and ``gate`` share on the command line: the model, stage and check
options, and reading documents from files or a manifest. Written once, so the three commands run the
same stages with the same checks on the same inputs."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from mtqa.backends.options import ModelOptions
from mtqa.core.exceptions import InputError
from mtqa.pipeline.options import AssessOptions
from mtqa.stages.load import is_vendor_file, load_manifest, load_units, parse_columns
from mtqa.stages.load.bilingual import sniff

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
                        help="batch size of the learned estimator and the link verifier (the encoder and the "
                             f"language model batch by length) (default: {models.batch_size})")
    parser.add_argument("--disable-check", action="append", default=[], metavar="NAME",
                        help="switch a QA check off (repeat for several; `mtqa checks` lists them)")
    parser.add_argument("--no-errors", action="store_true", help="skip stage 6 (error spans)")
    parser.add_argument("--fluency-model", default=models.fluency_model, metavar="NAME",
                        help=f"language model for fluency: {models.fluency_model} (default), ngram (fast), a causal "
                             "LM's local directory or hub id, or none")
    parser.add_argument("--fluency-context", action=argparse.BooleanOptionalAction, default=None,
                        help="a causal LM reads each sentence after the content sentence before it in its "
                             "document (default: on for documents, off with --parallel and the n-gram tier)")
    parser.add_argument("--columns", metavar="ROLE=COL,...",
                        help="a CSV/TSV/JSONL table's columns by role: id, source, candidate (repeatable), reference, "
                             "e.g. source=src,candidate=mt,reference=ref (default: the usual names such as "
                             "source/src, target/mt/hypothesis, reference/ref, id)")
    parser.add_argument("--reference-from", metavar="VARIANT",
                        help="take the reference from the vendor file itself: alt-trans (or alt-trans:ORIGIN) in "
                             "XLIFF 1.2, a language variant's code in TMX (from the --reference file if it is one, "
                             "else from the first candidate or baseline)")
    parser.add_argument("--no-cache", action="store_true",
                        help="compute every model output afresh and keep none in the on-disk result cache "
                             "($MTQA_CACHE_DIR, default ~/.cache/mtqa); results are the same either way")
    parser.add_argument("--quiet", action="store_true", help="no progress bar and no summary")


@dataclass(frozen=True)
class Inputs:
    """The documents a command assesses and the QA-check switches that come with them."""

    references: list = field(default_factory=list)  # file paths or Documents; empty: no reference
    candidates: list = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)  # a manifest's [checks] table
    load: dict = field(default_factory=dict)  # how the pipeline reads vendor files (the table columns)


_SNIFFED = {"xliff-1.2": "XLIFF 1.2 (.xlf)", "xliff-2": "XLIFF 2 (.xlf)", "tmx": "TMX (.tmx)", "po": "PO (.po)"}


def _check_plain(path: str) -> None:
    """A plain-text input whose content is a vendor file's: refuse it rather than score its markup."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return  # the loader reports it
    found = sniff(head)
    if found in _SNIFFED:
        raise InputError(path, f"looks like {_SNIFFED[found]}, but its extension says plain text; rename it")


def read_inputs(args: argparse.Namespace, *, reference_required: bool = True) -> Inputs:
    """Documents from ``--manifest`` or from ``--reference``/``--candidate``, never both. Vendor files
    (XLIFF, TMX, PO, CSV, TSV, JSONL: by extension) are read here, so that bad input fails before any
    model loads; ``--reference-from`` takes the reference from a vendor file itself."""
    manifest = getattr(args, "manifest", None)
    columns = parse_columns(getattr(args, "columns", None)) or None
    reference_from = getattr(args, "reference_from", None)
    if manifest:
        if args.reference or getattr(args, "candidate", None):
            raise InputError(manifest, "give either --manifest or --reference/--candidate, not both")
        if reference_from:
            raise InputError(manifest, "--reference-from reads vendor files given with --reference/--candidate")
        loaded = load_manifest(manifest, reference=reference_required)
        return Inputs(loaded.references, loaded.candidates, dict(loaded.checks))
    candidates = list(getattr(args, "candidate", None) or [])
    deliveries = [getattr(args, "baseline", None)] if getattr(args, "baseline", None) else []
    deliveries += candidates
    if reference_from and getattr(args, "no_reference", False):
        raise InputError(None, "give either --reference-from or --no-reference, not both")
    for path in list(args.reference) + deliveries:
        if not is_vendor_file(path):
            _check_plain(path)
    references: list = []
    for number, path in enumerate(args.reference):
        if not is_vendor_file(path):
            references.append(path)
        elif reference_from and number == 0:
            _, held = load_units(path, "candidate", columns=columns, reference_from=reference_from)
            references.append(held)
        else:
            references.extend(load_units(path, "reference", columns=columns)[0])
    if reference_from and not args.reference:
        source = next((p for p in deliveries if is_vendor_file(p)), None)
        if source is None:
            raise InputError(None, "--reference-from needs an XLIFF or TMX file (--reference, --candidate or --baseline)")
        _, held = load_units(source, "candidate", columns=columns, reference_from=reference_from)
        references.append(held)
    for path in deliveries:  # refuse bad vendor files now, before any model loads
        if is_vendor_file(path):
            load_units(path, "candidate", columns=columns)
    if reference_required and not references and deliveries and is_vendor_file(deliveries[0]):
        _, held = load_units(deliveries[0], "candidate", columns=columns)  # a table's reference column
        if held is not None:
            references.append(held)
    if reference_required and not references:
        quality_estimation = ", or --no-reference for quality estimation" if args.command == "assess" else ""
        raise InputError(None, f"mtqa {args.command}: --reference is required (or --manifest{quality_estimation}; "
                               "for a vendor file, --reference-from or a table's reference column)")
    return Inputs(references, candidates, load={"columns": columns} if columns else {})


def assess_settings(args: argparse.Namespace, checks: dict[str, bool]) -> dict:
    """The flat settings (:meth:`AssessOptions.build`) the options on the command line ask for:
    ``--disable-check`` switches checks off on top of a manifest's ``[checks]``."""
    switches = {**checks, **{name: False for name in args.disable_check}}
    return {
        "parallel": args.parallel,
        "embedding_model": args.embedding_model,
        "align_threshold": args.align_threshold,
        "batch_size": args.batch_size,
        "cache": not args.no_cache,
        "find_errors": not args.no_errors,
        "checks": switches or None,
        "fluency_model": None if args.fluency_model == "none" else args.fluency_model,
        "fluency_context": args.fluency_context,
    }
