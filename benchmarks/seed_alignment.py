"""Sentence alignment of the seeds against their hand gold (``tests/data/gold/seed-00*-alignment.tsv``).

    python -m benchmarks.seed_alignment

Each candidate seed (000, 001, 003, 004) is segmented, its page furniture marked (beside the
reference, as the pipeline marks it) and its content aligned to the reference 002, once with partial
links and the link verifier's veto (opt-in) and once with whole links only (the default, the
baseline), in the same run. Reported per seed:

- link precision and recall over (candidate sentence, reference sentence) pairs. A gold row
  ``aligned`` or ``partial`` is a link to find; ``unaligned-or-partial`` naming a reference sentence
  is a link that may be made or not (never a miss, never a false link); with ``-`` (000's gold) any
  link of that sentence is neither;
- how often a found link has the gold's status (``partial`` or ``aligned``);
- boilerplate precision and recall over the candidate's sentences.

The gold was written from the texts alone, before mtqa's links were looked at (tests/data/gold/README.md).
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.alignment import BEFORE_PARTIAL_LINKS, COMPARABLE_ALIGNMENT, Counts  # noqa: E402
from mtqa.backends.encoder import sentence_encoder  # noqa: E402
from mtqa.backends.estimator import link_verifier  # noqa: E402
from mtqa.core.records import Alignment, MarkedDocument  # noqa: E402
from mtqa.stages.align import AlignParameters, align_comparable  # noqa: E402
from mtqa.stages.load import load_document  # noqa: E402
from mtqa.stages.noncontent import mark_non_content  # noqa: E402
from mtqa.stages.segment import segment  # noqa: E402

SEEDS = ROOT / "seeds"
GOLD = ROOT / "tests" / "data" / "gold"
REFERENCE = "002_7337f87eccdfb504"
CANDIDATES = ("000_cc02e8cbdcfd7727", "001_183f575d9282628d", "003_04f21086b02ac016", "004_fdc9254782756410")
LINKED = ("aligned", "partial")


@dataclass
class SeedScore:
    links: Counts = field(default_factory=Counts)
    boilerplate: Counts = field(default_factory=Counts)
    status_right: int = 0  # found links whose status is the gold's
    misses: list[str] = field(default_factory=list)
    false_links: list[str] = field(default_factory=list)

    @property
    def status_agreement(self) -> float:
        return self.status_right / self.links.true if self.links.true else 1.0

    def __iadd__(self, other: SeedScore) -> SeedScore:
        for counts, more in ((self.links, other.links), (self.boilerplate, other.boilerplate)):
            counts.true, counts.predicted, counts.gold = (
                counts.true + more.true, counts.predicted + more.predicted, counts.gold + more.gold)
        self.status_right += other.status_right
        self.misses += other.misses
        self.false_links += other.false_links
        return self


def gold_rows(candidate: str) -> list[dict[str, str]]:
    with open(GOLD / f"seed-{candidate[:3]}-alignment.tsv", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter="\t"))


def marked(stem: str, role: str, encode, others: tuple[str, ...] = ()) -> MarkedDocument:
    document = load_document(SEEDS / f"{stem}.txt", role)
    sentences = segment(document)
    return MarkedDocument(document, sentences, mark_non_content(document, sentences, encode=encode, others=others))


def _find(document: MarkedDocument, fragment: str, occurrence: int = 1) -> int:
    found = [s.sent_id for s in document.sentences if fragment in s.text]
    if len(found) < occurrence:
        raise ValueError(f"{document.document.doc_id}: no sentence #{occurrence} contains {fragment!r}")
    return found[occurrence - 1]


def score_seed(candidate: MarkedDocument, reference: MarkedDocument, alignment: Alignment) -> SeedScore:
    rows = gold_rows(candidate.document.doc_id)
    required: dict[tuple[int, int], str] = {}
    optional: set[tuple[int, int]] = set()
    ignored: set[int] = set()
    boilerplate: set[int] = set()
    for row in rows:
        sent_id = _find(candidate, row["candidate_contains"], int(row.get("occurrence") or 1))
        if row["link"] == "boilerplate":
            boilerplate.add(sent_id)
        elif row["reference_contains"] != "-":
            pair = (sent_id, _find(reference, row["reference_contains"]))
            if row["link"] in LINKED:
                required[pair] = row["link"]
            else:
                optional.add(pair)
        elif row["link"] == "unaligned-or-partial":
            ignored.add(sent_id)
    statuses = alignment_statuses(alignment)
    predicted = {(c, r) for link in alignment.links for c in link.candidate_ids for r in link.reference_ids
                 if c not in ignored}
    score = SeedScore()
    # an optional link is neither right nor wrong: it counts on no side
    score.links.add(predicted - optional, set(required))
    score.boilerplate.add(set(candidate.non_content), boilerplate)
    text = {s.sent_id: s.text for s in candidate.sentences}
    reference_text = {s.sent_id: s.text for s in reference.sentences}
    score.status_right = sum(statuses[pair] == status for pair, status in required.items() if pair in predicted)
    score.false_links = [f"{text[c][:50]!r} -> {reference_text[r][:50]!r}"
                         for c, r in sorted(predicted - optional - set(required))]
    score.misses = [f"{text[c][:50]!r} -> {reference_text[r][:50]!r}" for c, r in required if (c, r) not in predicted]
    return score


def alignment_statuses(alignment: Alignment) -> dict[tuple[int, int], str]:
    """Each linked pair's status: ``partial`` where its link is partial, else ``aligned``."""
    return {
        (c, r): "partial" if link.partial else "aligned"
        for link in alignment.links for c in link.candidate_ids for r in link.reference_ids
    }


def evaluate(parameters: AlignParameters) -> dict[str, SeedScore]:
    encoder = sentence_encoder()
    reference = marked(REFERENCE, "reference", encoder.encode)
    scores = {}
    for stem in CANDIDATES:
        candidate = marked(stem, "candidate", encoder.encode, (reference.document.text,))
        alignment = align_comparable(stem, candidate.content, [(REFERENCE, reference.content)], encoder.encode,
                                     parameters, link_verifier() if parameters.verifier_weight else None)
        scores[stem[:3]] = score_seed(candidate, reference, alignment)
    return scores


def table(systems: dict[str, dict[str, SeedScore]]) -> str:
    lines = ["| seed | system | gold links | predicted | link precision | link recall | status agreement "
             "| boilerplate P / R |", "|---|---|---|---|---|---|---|---|"]
    for seed in [*next(iter(systems.values())), "all"]:
        for name, scores in systems.items():
            if seed == "all":
                s = SeedScore()
                for one in scores.values():
                    s += one
            else:
                s = scores[seed]
            lines.append(f"| {seed} | {name} | {s.links.gold} | {s.links.predicted} | {s.links.precision:.3f} "
                         f"| {s.links.recall:.3f} | {s.status_agreement:.3f} "
                         f"| {s.boilerplate.precision:.2f} / {s.boilerplate.recall:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list each miss and false link")
    args = parser.parse_args(argv)
    systems = {
        "mtqa, partial links": evaluate(COMPARABLE_ALIGNMENT),
        "mtqa, whole links (default)": evaluate(BEFORE_PARTIAL_LINKS),
    }
    print(table(systems))
    if args.details:
        for name, scores in systems.items():
            for seed, s in scores.items():
                for miss in s.misses:
                    print(f"{name} {seed} miss: {miss}")
                for false in s.false_links:
                    print(f"{name} {seed} false link: {false}")


if __name__ == "__main__":
    main()
