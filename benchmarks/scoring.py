"""Score line-aligned segments with mtqa (``--parallel`` mode, through the Python API) and, in the same
run, with sacrebleu's sentence-level chrF, BLEU and TER as baselines; each step timed."""

from __future__ import annotations

import logging
import time
from typing import Mapping, Sequence

import pandas as pd
from sacrebleu.metrics import BLEU, CHRF, TER

import mtqa
from benchmarks.datasets import JudgedSegments
from benchmarks.harness import Timing
from mtqa.backends.encoder import sentence_encoder
from mtqa.checks.evidence import Segment
from mtqa.core.records import MarkedDocument
from mtqa.stages.align import align_parallel
from mtqa.stages.find_errors.spans import WordsAfterReference, build_segments
from mtqa.stages.score.fluency import fluency_scorer
from mtqa.stages.score.reference import build_units
from mtqa.stages.segment import segment_lines

# DEMETR's "tokenized" perturbation and MLQE-PE's post-edits are tokenised on purpose: sacrebleu's
# advice to detokenise them would only be noise in the benchmark's output.
logging.getLogger("sacrebleu").setLevel(logging.ERROR)

MTQA_SCORES = (
    "quality", "semantic", "fluency", "chrf", "bleu", "ter", "mqm_penalty", "unexplained_bits", "explained_bits",
)
BASELINES = ("baseline_chrf", "baseline_bleu", "baseline_ter")


def one_line(text: str) -> str:
    """A segment as one line of a line-aligned file (runs of white space folded to one space)."""
    folded = " ".join(str(text).split())
    if not folded:
        raise ValueError(f"empty segment {text!r}: a line-aligned file cannot hold it")
    return folded


def fluency_tier(quick: bool) -> str:
    """The quick smoke run uses the fast trigram tier; the full run, mtqa's default neural model."""
    return "ngram" if quick else "smollm2"


def assess_lines(
    references: Sequence[str] | None, candidates: Mapping[str, Sequence[str]], fluency_model: str = "smollm2"
) -> tuple[pd.DataFrame, Timing]:
    """mtqa's sentence table for line-aligned candidates (doc_id = candidate name, sent_id = line);
    ``references=None`` assesses them without one (quality estimation, ``--no-reference``)."""
    reference = None if references is None else mtqa.document_from_text(
        "\n".join(map(one_line, references)) + "\n", "reference", "reference"
    )
    documents = [
        mtqa.document_from_text("\n".join(map(one_line, lines)) + "\n", "candidate", name)
        for name, lines in candidates.items()
    ]
    started = time.perf_counter()
    sentences = mtqa.assess(reference, documents, parallel=True, fluency_model=fluency_model).sentences
    seconds = time.perf_counter() - started
    expected = sum(len(lines) for lines in candidates.values())
    if len(sentences) != expected:
        raise ValueError(f"mtqa returned {len(sentences)} sentences for {expected} lines")
    flags = "--parallel" if reference is not None else "--parallel --no-reference"
    return sentences, Timing(f"mtqa assess {flags} (models loaded on first use)", seconds, expected)


def sacrebleu_scores(hypotheses: Sequence[str], references: Sequence[str]) -> tuple[pd.DataFrame, Timing]:
    """Sentence-level chrF, BLEU (effective order) and TER, straight from sacrebleu."""
    chrf, bleu, ter = CHRF(), BLEU(effective_order=True), TER()
    started = time.perf_counter()
    rows = [
        (chrf.sentence_score(h, [r]).score, bleu.sentence_score(h, [r]).score, ter.sentence_score(h, [r]).score)
        for h, r in zip(map(one_line, hypotheses), map(one_line, references))
    ]
    seconds = time.perf_counter() - started
    return pd.DataFrame(rows, columns=list(BASELINES)), Timing("sacrebleu chrF + BLEU + TER (baseline)", seconds, len(rows))


def score_judged(
    data: JudgedSegments, fluency_model: str = "smollm2", with_reference: bool = True
) -> tuple[pd.DataFrame, list[Timing]]:
    """The data set's table with mtqa's sentence scores and ``ref_text`` (its reference counterpart),
    the sacrebleu baselines and ``n_words`` beside. ``with_reference=False`` scores the candidates
    without the reference (quality estimation): what needs one stays empty, and ``mqm_penalty`` counts
    only the errors found without it; the baselines still read the reference."""
    sentences, mtqa_timing = assess_lines(data.references if with_reference else None, data.systems, fluency_model)
    # unexplained_bits and explained_bits are there only when a causal LM ran (not with the n-gram tier)
    columns = ["system", "line", "ref_text", *(c for c in MTQA_SCORES if c in sentences)]
    scores = sentences.rename(columns={"doc_id": "system", "sent_id": "line"})[columns]
    table = data.table.merge(scores, on=["system", "line"], how="left", validate="one_to_one")
    baselines, baseline_timing = sacrebleu_scores(table.hypothesis.tolist(), table.reference.tolist())
    table = pd.concat([table, baselines.set_index(table.index)], axis=1)
    table["n_words"] = table.hypothesis.map(lambda text: len(str(text).split()))
    return table, [mtqa_timing, baseline_timing]


def line_segments(
    references: Sequence[str],
    candidates: Mapping[str, Sequence[str]],
    *,
    parallel: bool = False,
    words_after_reference: WordsAfterReference | None = None,
) -> list[Segment]:
    """Stage 6's segments for line-aligned candidates (doc_id = candidate name), one per line, with
    SmolLM2's word surprisal: what the pipeline hands the error finder, for calibration scripts that
    try its thresholds without running the whole pipeline each time."""
    def marked(lines: Sequence[str], role: str, doc_id: str) -> MarkedDocument:
        document = mtqa.document_from_text("\n".join(lines) + "\n", role, doc_id)
        return MarkedDocument(document, segment_lines(document), {})

    reference = marked(references, "reference", "reference")
    documents = [marked(lines, "candidate", name) for name, lines in candidates.items()]
    units = []
    for document in documents:
        alignment = align_parallel(document.document.doc_id, document.sentences, reference.sentences, "reference")
        units += build_units(alignment, document.by_id, {"reference": reference.by_id})
    keys = [(d.document.doc_id, s.sent_id) for d in documents for s in d.content]
    words = fluency_scorer("smollm2").words([s.text for d in documents for s in d.content], progress=True)
    return build_segments(documents, units, {"reference": reference}, sentence_encoder(), dict(zip(keys, words)),
                          parallel=parallel, words_after_reference=words_after_reference)
