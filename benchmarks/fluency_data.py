"""The fluency benchmark's data (benchmarks/data/fluency/, see the README there): DEMETR contrastive
pairs of the fluency-damaging perturbation types, and MLQE-PE ru-en sentences with human DA scores."""

from __future__ import annotations

import json
import random
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "fluency"

# DEMETR perturbations that damage the English itself (word order, grammar, spelling, casing,
# punctuation), grouped as in the benchmark table; meaning-only ones (antonym, negation, numbers,
# names, tense, ...) leave fluent English behind and are not fluency tests.
FLUENCY_PERTURBATIONS = {
    "word order": ["critical_id20_shuffled", "minor_id14_word_swap"],
    "repetition": ["minor_id1_repeat2", "minor_id2_repeat4"],
    "dropped word": ["critical_id22_verb_removed", "critical_id23_noun_removed", "critical_id24_subj_removed", "minor_id12_conj_removed"],
    "grammar": ["minor_id16_function_word", "minor_id13_pos_shift", "minor_id15_case"],
    "spelling": ["minor_id26_misspelled", "minor_id27_char_removed", "critical_id4_codemix"],
    "casing": ["minor_id31_full_lower", "minor_id32_first_lower"],
    "punctuation": ["minor_id29_punc_addition", "minor_id28_final_punc_removed", "minor_id30_tokenized"],
}
PERTURBATION_GROUP = {name: group for group, names in FLUENCY_PERTURBATIONS.items() for name in names}


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def demetr_items(lang: str, per_type: int | None, seed: int = 0) -> list[dict]:
    """Items of one source language ("french" or "russian"), ``per_type`` of each fluency-damaging
    type drawn with a fixed seed (None: all), in a stable order."""
    by_type: dict[str, list[dict]] = {}
    for item in _read_jsonl(DATA / "demetr_fluency.jsonl"):
        if item["lang"] == lang and item["pert_name"] in PERTURBATION_GROUP:
            by_type.setdefault(item["pert_name"], []).append(item)
    chosen = []
    for name in sorted(by_type):
        items = sorted(by_type[name], key=lambda item: item["id"])
        if per_type is not None and len(items) > per_type:
            items = sorted(random.Random(f"{seed}:{name}").sample(items, per_type), key=lambda item: item["id"])
        chosen.extend(items)
    return chosen


def mlqe_items() -> list[dict]:
    """MLQE-PE ru-en test20: 1,000 machine translations with human direct-assessment scores."""
    return _read_jsonl(DATA / "mlqepe_ruen_test20.jsonl")
