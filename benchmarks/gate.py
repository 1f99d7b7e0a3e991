"""How long a regression gate on 1,000 segment pairs takes, beside sacrebleu's own paired tests on the
same data, measured in the same run.

Data: the 529 line-aligned TED zh→en segments of tests/data/ted_zhen (DIDI-NLP baseline, Online-W
candidate), repeated to 1,000 lines. Run: ``python benchmarks/gate.py [--resamples N]``.

Figures:
- mtqa gate, statistics only: every score's system interval and both paired tests (bootstrap and
  approximate randomization, N resamples each), Holm correction, checks, regressed segments, the
  JUnit/JSON/Markdown renderings; on an assessment already made;
- mtqa gate, end to end: the same plus loading, scoring (chrF, BLEU, TER, semantic similarity with the
  packaged MiniLM; the model load is included) and the bootstrap intervals of documents.csv;
- baseline: sacrebleu 2.6's PairedTest on the same pairs, chrF + BLEU + TER, paired bootstrap with N
  resamples plus approximate randomization with N trials (its defaults are 1000 and 10000).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TED = ROOT / "tests" / "data" / "ted_zhen"
N_PAIRS = 1000


def write_inputs(folder: Path) -> dict[str, Path]:
    paths = {}
    for name in ("reference", "DIDI-NLP", "Online-W"):
        lines = (TED / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        repeated = (lines * (N_PAIRS // len(lines) + 1))[:N_PAIRS]
        paths[name] = folder / f"{name}.txt"
        paths[name].write_text("\n".join(repeated) + "\n", encoding="utf-8")
    return paths


def timed(function):
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def sacrebleu_paired(paths: dict[str, Path], resamples: int) -> None:
    from sacrebleu.metrics import BLEU, CHRF, TER
    from sacrebleu.significance import PairedTest

    read = lambda name: paths[name].read_text(encoding="utf-8").splitlines()  # noqa: E731
    systems = [("baseline", read("DIDI-NLP")), ("candidate", read("Online-W"))]
    for test_type in ("bs", "ar"):
        test = PairedTest(systems, {"chrf": CHRF(), "bleu": BLEU(), "ter": TER()}, [read("reference")],
                          test_type=test_type, n_samples=resamples)
        test()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resamples", type=int, default=1000)
    args = parser.parse_args()

    from mtqa.analyses.gate import GateConfig, gate, gate_assessment
    from mtqa.metrics.resampling import clear_resample_cache
    from mtqa.render.gate import gate_json, gate_markdown, junit_xml

    config = GateConfig(resamples=args.resamples)
    with tempfile.TemporaryDirectory() as folder:
        paths = write_inputs(Path(folder))
        end_to_end, result = timed(lambda: gate(paths["reference"], paths["DIDI-NLP"], paths["Online-W"],
                                                config=config, parallel=True))
        assessment = result.comparison.assessment

        def gate_and_render():
            outcome = gate_assessment(assessment, "DIDI-NLP", "Online-W", config)
            return [render(outcome) for render in (junit_xml, gate_json, gate_markdown)]

        clear_resample_cache()  # no head start from the first run's resampling matrices
        statistics, _ = timed(gate_and_render)
        baseline, _ = timed(lambda: sacrebleu_paired(paths, args.resamples))

    pairs = result.comparison.pairs
    scores = ", ".join(pairs.score.unique())
    print(f"gate on {N_PAIRS} segment pairs (TED zh→en ×{N_PAIRS / 529:.2f}), {args.resamples} resamples, "
          f"verdict {result.verdict}, scores tested: {scores}")
    print(f"{'what':<68} {'seconds':>8}")
    print(f"{'mtqa gate, statistics + renderings (on an existing assessment)':<68} {statistics:>8.2f}")
    print(f"{'sacrebleu PairedTest bs + ar, chrF + BLEU + TER (baseline)':<68} {baseline:>8.2f}")
    print(f"{'mtqa gate end to end (load, score incl. MiniLM load, intervals, tests)':<68} {end_to_end:>8.2f}")


if __name__ == "__main__":
    main()
