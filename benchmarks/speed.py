"""Where the time goes: the pipeline on line-aligned input, stage by stage, beside each model's bare
forward passes on the same segments and sacrebleu alone, all measured in one run.

    python -m benchmarks.speed [--segments 1000] [--tiers default fast] [--out reports/speed.md]

Segments are distinct (reference, candidate) pairs from ``benchmarks/data``, news first: DEMETR's
WMT news references with their translations and perturbed copies, then TED zh→en, DiaBLa fr→en and
MLQE-PE ru→en (the post-edit as the reference); 11,000 pairs in all, so 1,000 are news and 10,000 a mix.
Each tier runs twice in a fresh process (imports and model loads included, as a user sees them): cold
with an empty result cache, then warm on the same input, and the two runs' tables are compared
byte for byte. ``default`` is the default pipeline (SmolLM2); ``fast`` is the fast tier (the n-gram
fluency model, no neural language model). The bare forward passes are timed in this process with the
models already loaded: the encoder (sentence vectors and word pieces of every text), each language
model pass the pipeline asks for (the candidate after its reference, the reference after its
candidate, each alone) as plain ``model(input_ids)`` calls on length-bucketed batches, and spaCy's
full pipeline and entity recogniser.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks.harness import markdown_table

DATA = Path(__file__).resolve().parent / "data"
TIERS = {"default": "smollm2", "fast": "ngram"}


def segment_pool() -> list[tuple[str, str]]:
    """Distinct one-line (reference, candidate) pairs, news first, in a fixed order."""
    def rows(relative: str):
        with open(DATA / relative, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle]

    pairs: list[tuple[str, str]] = []
    for row in rows("contrastive_demetr/demetr_fr_ru.jsonl"):
        pairs += [(row["ref"], row["mt"]), (row["ref"], row["pert"])]
    pairs += [(r["reference"], r["hypothesis"]) for r in rows("mqm_zhen_ted21/segments.jsonl")]
    pairs += [(r["reference_en"], r["mt_en"]) for r in rows("judg_fren_diabla/fr2en_judgements.jsonl")]
    pairs += [(" ".join(r["pe_tok"]) if isinstance(r["pe_tok"], list) else r["pe_tok"], r["mt"])
              for r in rows("qe_ruen_mlqepe/ruen_test20.jsonl")]
    pairs += [(r["mt"], r["pert"]) for r in rows("fluency/demetr_fluency.jsonl")]
    clean = [(" ".join(r.split()), " ".join(c.split())) for r, c in pairs]
    return list(dict.fromkeys(p for p in clean if p[0] and p[1] and len(p[1]) > 1))


def write_inputs(pairs: list[tuple[str, str]], folder: Path) -> tuple[Path, Path]:
    reference, candidate = folder / "reference.txt", folder / "candidate.txt"
    reference.write_text("".join(r + "\n" for r, _ in pairs), encoding="utf-8")
    candidate.write_text("".join(c + "\n" for _, c in pairs), encoding="utf-8")
    return reference, candidate


def _child(args: argparse.Namespace) -> None:
    """One timed run in this (fresh) process: imports, model loads and every stage; with ``--workers``,
    on a local Dask cluster of that many single-threaded workers, without the result cache."""
    started = time.perf_counter()
    import mtqa
    from mtqa.backends.result_cache import caching

    imported = time.perf_counter() - started
    with contextlib.ExitStack() as stack:
        client = None
        if args.workers:
            import dask
            from distributed import Client, LocalCluster

            # Dask starts workers with OMP/MKL/OPENBLAS_NUM_THREADS=1, which slows torch by ~1.6x even
            # with its thread count set afterwards (docs/speed.md): keep only the memory trimming.
            dask.config.set({"distributed.nanny.pre-spawn-environ": {"MALLOC_TRIM_THRESHOLD_": 65536}})

            cluster = stack.enter_context(LocalCluster(n_workers=args.workers, threads_per_worker=1,
                                                       processes=True, dashboard_address=None))
            client = stack.enter_context(Client(cluster))
        with caching(not args.workers, Path(args.cache)):
            result = mtqa.assess(args.reference, [args.candidate], parallel=True, fluency_model=args.fluency_model,
                                 client=client)
    tables = hashlib.sha256(b"".join(
        table.to_csv(index=False).encode() for table in (result.sentences, result.errors, result.documents)
    )).hexdigest()
    record = {"wall": time.perf_counter() - started, "imports": imported, "stages": result.times.seconds,
              "tables": tables, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    Path(args.child).write_text(json.dumps(record), encoding="utf-8")


def timed_run(reference: Path, candidate: Path, fluency_model: str, cache: Path, folder: Path, workers: int = 0) -> dict:
    record = folder / "run.json"
    command = [sys.executable, "-m", "benchmarks.speed", "--child", str(record), "--reference", str(reference),
               "--candidate", str(candidate), "--fluency-model", fluency_model, "--cache", str(cache),
               "--workers", str(workers)]
    subprocess.run(command, check=True, env={**os.environ, "MTQA_NO_CACHE": ""})
    return json.loads(record.read_text(encoding="utf-8"))


def _timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def bare_language_model(texts: list[str], contexts: list[str]) -> float:
    """Plain forward passes (full logits) of the packaged SmolLM2 over the texts after their contexts,
    batched by padded length as mtqa batches them; tokenising is not timed."""
    import torch

    from mtqa.backends.language_models import language_model

    lm = language_model("smollm2")
    model = lm.model
    sequences = [[lm.bos_id] + before + ids for context, text in zip(contexts, texts)
                 for before, ids, _ in lm._pieces(text, context)]
    buckets: dict[tuple[int, int], list[list[int]]] = {}
    for sequence in sequences:
        buckets.setdefault(lm._shape(len(sequence) - 1), []).append(sequence)
    batches = []
    for (rows, length), members in buckets.items():
        for i in range(0, len(members), rows):
            ids = torch.full((rows, length), lm.pad_id, dtype=torch.long)
            mask = torch.zeros((rows, length), dtype=torch.long)
            for row, sequence in enumerate(members[i : i + rows]):
                ids[row, : len(sequence)], mask[row, : len(sequence)] = torch.tensor(sequence), 1
            batches.append((ids, mask))

    def run():
        with torch.inference_mode():
            for ids, mask in batches:
                model(input_ids=ids, attention_mask=mask)

    return _timed(run)


def bare_forwards(pairs: list[tuple[str, str]], tier: str) -> dict[str, float]:
    from mtqa.backends.encoder import sentence_encoder
    from mtqa.backends.language_models import readable
    from mtqa.backends.linguistic import spacy_pipeline
    from mtqa.metrics.unexplained import BRIDGE

    references, candidates = [r for r, _ in pairs], [c for _, c in pairs]
    texts = list(dict.fromkeys(references + candidates))
    encoder = sentence_encoder().model
    nlp = spacy_pipeline()
    seconds = {
        "encoder: sentence vectors": _timed(lambda: encoder.encode(texts, batch_size=32, show_progress_bar=False)),
        "encoder: word pieces": _timed(lambda: encoder.encode(texts, batch_size=32, output_value="token_embeddings",
                                                              show_progress_bar=False)),
        "spaCy: full pipeline": _timed(lambda: list(nlp.pipe(texts, batch_size=64))),
        "spaCy: entities": _timed(lambda: list(nlp.pipe(texts, batch_size=64, disable=[
            "parser", "tagger", "attribute_ruler", "lemmatizer"]))),
    }
    if tier == "default":
        bridge = [BRIDGE.format(reference=readable(t)) for t in references]
        back = [BRIDGE.format(reference=readable(t)) for t in candidates]
        seconds["LM: candidate after reference"] = bare_language_model([readable(c) for c in candidates], bridge)
        seconds["LM: reference after candidate"] = bare_language_model([readable(r) for r in references], back)
        alone = [readable(t) for t in texts]
        seconds["LM: each text alone"] = bare_language_model(alone, [""] * len(alone))
    return seconds


def sacrebleu_alone(pairs: list[tuple[str, str]]) -> float:
    import sacrebleu

    bleu, chrf, ter = sacrebleu.BLEU(effective_order=True), sacrebleu.CHRF(), sacrebleu.TER()

    def run():
        for reference, candidate in pairs:
            for metric in (bleu, chrf, ter):
                metric.sentence_score(candidate, [reference])

    return _timed(run)


def measure_dask(pairs: list[tuple[str, str]], counts: list[int]) -> list[str]:
    """The default pipeline's wall time on a local Dask cluster of each size (cold, no result cache),
    beside a local run without the cache, each in a fresh process."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="mtqa-speed-dask-") as temporary:
        folder = Path(temporary)
        reference, candidate = write_inputs(pairs, folder)
        local = timed_run(reference, candidate, "smollm2", folder / "cache", folder, workers=0)
        rows.append({"run": "local (2 threads), cold cache", "wall s": f"{local['wall']:.1f}", "tables": "–"})
        for count in counts:
            run = timed_run(reference, candidate, "smollm2", folder / "cache", folder, workers=count)
            same = "same" if run["tables"] == local["tables"] else "DIFFERENT"
            rows.append({"run": f"Dask LocalCluster, {count} worker(s), one task at a time", "wall s": f"{run['wall']:.1f}",
                         "tables": same})
    return [f"## Dask: {len(pairs):,} segments, default tier", "", markdown_table(pd.DataFrame(rows)), ""]


def measure(pairs: list[tuple[str, str]], tiers: list[str]) -> str:
    n = len(pairs)
    lines = [f"# Speed: {n:,} line-aligned segments, {os.cpu_count()} CPU cores", ""]
    with tempfile.TemporaryDirectory(prefix="mtqa-speed-") as temporary:
        folder = Path(temporary)
        reference, candidate = write_inputs(pairs, folder)
        sacrebleu_seconds = sacrebleu_alone(pairs)
        for tier in tiers:
            cache = folder / f"cache-{tier}"
            cold = timed_run(reference, candidate, TIERS[tier], cache, folder)
            warm = timed_run(reference, candidate, TIERS[tier], cache, folder)
            bare = bare_forwards(pairs, tier)
            bare_total = sum(bare.values())
            rows = [("python start and imports", cold["imports"], warm["imports"])]
            rows += [(stage, seconds, warm["stages"].get(stage, 0.0)) for stage, seconds in cold["stages"].items()]
            rows += [("whole run", cold["wall"], warm["wall"])]
            table = [{"step": step, "cold s": f"{c:.1f}", "warm s": f"{w:.1f}"} for step, c, w in rows]
            lines += [f"## Tier `{tier}` (fluency model {TIERS[tier]})", "", markdown_table(pd.DataFrame(table)), ""]
            lines += [markdown_table(pd.DataFrame([{"bare forward, same segments": k, "s": f"{v:.1f}"} for k, v in bare.items()]
                                     + [{"bare forward, same segments": "sum", "s": f"{bare_total:.1f}"}])), ""]
            lines += [
                f"- cold: **{n / cold['wall']:.1f} segments/s**; sacrebleu's BLEU + chrF + TER alone: "
                f"{n / sacrebleu_seconds:.0f} segments/s ({cold['wall'] / sacrebleu_seconds:.0f}× its time)",
                f"- cold run / sum of the bare forward passes: **{cold['wall'] / bare_total:.2f}×**",
                f"- warm re-run: {warm['wall']:.1f} s, **{cold['wall'] / warm['wall']:.1f}× faster** than cold; "
                f"tables identical: {'yes' if warm['tables'] == cold['tables'] else 'NO'}",
                f"- peak RSS (the run's process): cold {cold['peak_rss_mb']:,.0f} MB, warm {warm['peak_rss_mb']:,.0f} MB",
                "",
            ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=1000)
    parser.add_argument("--tiers", nargs="*", choices=sorted(TIERS), default=["default", "fast"])
    parser.add_argument("--dask", type=int, nargs="*", metavar="WORKERS",
                        help="also time the default tier on local Dask clusters of these sizes (e.g. 1 2)")
    parser.add_argument("--out", type=Path, help="also write the figures to this Markdown file")
    for name in ("--child", "--reference", "--candidate", "--fluency-model", "--cache"):
        parser.add_argument(name, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    pool = segment_pool()
    if args.segments > len(pool):
        parser.error(f"--segments: the data holds {len(pool):,} distinct pairs")
    report = measure(pool[: args.segments], args.tiers) if args.tiers else ""
    if args.dask:
        report += "\n".join(measure_dask(pool[: args.segments], args.dask))
    print(report)
    if args.out:
        args.out.write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
