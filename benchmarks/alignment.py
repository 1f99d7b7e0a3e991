"""Alignment benchmark on synthetic comparable documents built from real parallel text.

    python benchmarks/alignment.py [--seed 2026] [--limit N] [--cases default|comparable]

Each TED window becomes a reference/candidate pair with shuffled paragraphs, split and merged
sentences, ~20 % deletions on each side and page furniture (see ``benchmarks/synthetic.py``);
``--cases comparable`` also makes a third of the 1:1 units partial (one side keeps a run of its
clauses) and a third clause-order paraphrases. Both documents go through mtqa's segmenter and
non-content stage, then each aligner links the candidate's content sentences to the reference's.
Reported, for mtqa's aligner with partial links and the link verifier's veto
(``AlignParameters(partial_links=True, verifier_weight=0.6)``, opt-in), for it without them (the
default) and for the greedy baseline (each sentence
to its best match above the threshold, with the foundation's two non-content detectors), measured in
the same run on the same documents:

- strict link precision / recall / F1: a predicted link counts only if its candidate sentence set and
  its reference sentence set both equal those of a gold link (a partial gold unit is found by a link
  between its sentences, partial or whole), overall and by the kind of the candidate's unit (whole,
  partial, clause order);
- non-content precision / recall over the sentences of both documents;
- run time of each system (its own model instances and caches; model loading excluded).

The aligner's defaults were chosen on generator seeds 13 (development) and 7; the default seed here,
2026, was not used to choose anything.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import (  # noqa: E402
    COMPARABLE,
    SyntheticConfig,
    SyntheticPair,
    gold_furniture,
    gold_kinds,
    gold_links,
    ted_pairs,
)
from mtqa.backends.encoder import SentenceEncoder
from mtqa.backends.estimator import LinkVerifier
from mtqa.core.records import Sentence
from mtqa.stages.align import (
    AlignParameters,
    ReferenceSide,
    align_comparable,
    align_greedy,
)
from mtqa.stages.load import document_from_text
from mtqa.stages.noncontent import NonContentConfig, mark_non_content
from mtqa.stages.segment import segment

BASELINE_DETECTORS = ["no-words", "repeated"]  # what the foundation shipped
BASELINE_THRESHOLD = 0.5  # the foundation's cosine threshold
# mtqa's aligner with partial links and the link verifier's veto (opt-in, #38), and as it was before them
COMPARABLE_ALIGNMENT = AlignParameters(partial_links=True, verifier_weight=0.6)
BEFORE_PARTIAL_LINKS = AlignParameters(partial_links=False, verifier_weight=0.0)
SYSTEMS = ("mtqa, partial links", "mtqa, whole links", "greedy baseline")
CASES = {"default": SyntheticConfig(), "comparable": COMPARABLE}
KINDS = ("whole", "partial", "clause order")
SEED = 2026


@dataclass
class Counts:
    true: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, predicted: set, gold: set) -> None:
        self.true += len(predicted & gold)
        self.predicted += len(predicted)
        self.gold += len(gold)

    @property
    def precision(self) -> float:
        return self.true / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class SystemResult:
    links: Counts = field(default_factory=Counts)
    by_kind: dict[str, Counts] = field(default_factory=lambda: {kind: Counts() for kind in KINDS})
    non_content: Counts = field(default_factory=Counts)
    seconds: float = 0.0
    confidences: list[tuple[float, bool]] = field(default_factory=list)  # (confidence, link is right)


@dataclass(frozen=True)
class Prepared:
    """One synthetic pair, segmented, with its gold links and gold furniture in sentence ids."""

    pair: SyntheticPair
    documents: dict
    sentences: dict[str, list[Sentence]]
    gold_links: set
    gold_furniture: set
    kinds: dict[int, str]  # candidate sent_id -> its unit's kind


def prepare(pair: SyntheticPair) -> Prepared:
    documents = {
        "candidate": document_from_text(pair.candidate.text, "candidate", f"{pair.name}-cand"),
        "reference": document_from_text(pair.reference.text, "reference", f"{pair.name}-ref"),
    }
    sentences = {side: segment(document) for side, document in documents.items()}
    furniture = {
        (side, i)
        for side, synthetic in (("candidate", pair.candidate), ("reference", pair.reference))
        for i in gold_furniture(synthetic, sentences[side])
    }
    return Prepared(pair, documents, sentences, gold_links(pair, sentences["candidate"], sentences["reference"]),
                    furniture, gold_kinds(pair, sentences["candidate"]))


def _by_kind(links: set, kinds: dict[int, str]) -> dict[str, set]:
    """Links grouped by the kind of their first candidate sentence's unit (furniture: no group)."""
    grouped: dict[str, set] = {kind: set() for kind in KINDS}
    for link in links:
        kind = kinds.get(min(link[0]))
        if kind:
            grouped[kind].add(link)
    return grouped


def run_system(name: str, prepared: list[Prepared], encoder: SentenceEncoder,
               verifier: LinkVerifier | None) -> SystemResult:
    """Mark and align every pair with one system; the timer covers everything but model loading."""
    result = SystemResult()
    baseline = name == "greedy baseline"
    started = time.perf_counter()
    for item in prepared:
        marks = {  # a candidate is marked beside its reference, as the pipeline does
            side: mark_non_content(
                document, item.sentences[side], BASELINE_DETECTORS if baseline else None, encoder.encode, NonContentConfig(),
                others=(item.documents["reference"].text,) if side == "candidate" else (),
            )
            for side, document in item.documents.items()
        }
        content = {side: [s for s in item.sentences[side] if s.sent_id not in marks[side]] for side in marks}
        if baseline:
            reference = ReferenceSide("ref", content["reference"], encoder.encode([s.text for s in content["reference"]]))
            alignment = align_greedy(
                "cand", content["candidate"], encoder.encode([s.text for s in content["candidate"]]),
                [reference], BASELINE_THRESHOLD,
            )
        else:
            parameters = COMPARABLE_ALIGNMENT if name == SYSTEMS[0] else BEFORE_PARTIAL_LINKS
            alignment = align_comparable(
                "cand", content["candidate"], [("ref", content["reference"])], encoder.encode, parameters, verifier
            )
        links = {(frozenset(link.candidate_ids), frozenset(link.reference_ids)): link for link in alignment.links}
        result.links.add(set(links), item.gold_links)
        predicted, gold = _by_kind(set(links), item.kinds), _by_kind(item.gold_links, item.kinds)
        for kind in KINDS:
            result.by_kind[kind].add(predicted[kind], gold[kind])
        result.confidences += [(link.confidence, key in item.gold_links) for key, link in links.items()]
        result.non_content.add({(side, i) for side in marks for i in marks[side]}, item.gold_furniture)
    result.seconds = time.perf_counter() - started
    return result


def evaluate(pairs: list[SyntheticPair]) -> dict[str, SystemResult]:
    prepared = [prepare(pair) for pair in pairs]
    results = {}
    for name in SYSTEMS:
        encoder = SentenceEncoder()  # a fresh model and embedding cache each: no system reuses another's work
        encoder.encode(["warm-up"])
        verifier = LinkVerifier() if name == SYSTEMS[0] else None
        results[name] = run_system(name, prepared, encoder, verifier)
    return results


def _calibration(confidences: list[tuple[float, bool]]) -> str:
    bins = [(0.0, 0.9), (0.9, 0.95), (0.95, 1.01)]
    parts = []
    for low, high in bins:
        inside = [right for confidence, right in confidences if low <= confidence < high]
        if inside:
            parts.append(f"[{low:.2f}, {min(high, 1):.2f}): {len(inside)} links, {sum(inside) / len(inside):.3f} right")
    return "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed of the generator (default: {SEED})")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N synthetic pairs")
    parser.add_argument("--cases", choices=sorted(CASES), default="default",
                        help="default: whole units only; comparable: also partial units and clause-order paraphrases")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    pairs = ted_pairs(args.seed, limit=args.limit, config=CASES[args.cases])
    results = evaluate(pairs)
    first = results[SYSTEMS[0]]
    kinds = ", ".join(f"{first.by_kind[kind].gold} {kind}" for kind in KINDS)
    print(
        f"synthetic comparable documents ({args.cases} cases): {len(pairs)} pairs (seed {args.seed}), "
        f"{first.links.gold} gold links ({kinds}), {first.non_content.gold} furniture sentences"
    )
    print(f"{'system':<20} {'link P':>7} {'link R':>7} {'link F1':>8} {'non-content P':>14} {'non-content R':>14} {'seconds':>8}")
    for name, r in results.items():
        print(
            f"{name:<20} {r.links.precision:7.3f} {r.links.recall:7.3f} {r.links.f1:8.3f} "
            f"{r.non_content.precision:14.3f} {r.non_content.recall:14.3f} {r.seconds:8.1f}"
        )
    print("link precision / recall by the kind of the candidate's unit:")
    for name, r in results.items():
        figures = "  ".join(f"{kind} {r.by_kind[kind].precision:.3f} / {r.by_kind[kind].recall:.3f}" for kind in KINDS)
        print(f"  {name:<20} {figures}")
    print(f"mtqa link confidence vs. correctness: {_calibration(first.confidences)}")
    print(f"total run time {time.perf_counter() - started:.1f} s (model loading included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
