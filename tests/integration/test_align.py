"""Alignment of comparable documents: the hand-aligned seed, reordering, n:m links, omissions and
additions, secondary references, and the synthetic benchmark's generator with a fixed seed."""

import csv

import pytest
from conftest import DATA, FRENCH, NYT, REFERENCE, RUSSIAN, sentence_containing

import mtqa
from benchmarks.synthetic import gold_links, ted_pairs
from mtqa.backends.encoder import sentence_encoder
from mtqa.stages.align import (
    AlignParameters,
    ReferenceSide,
    align_comparable,
    align_greedy,
)
from mtqa.stages.load import document_from_text, load_document
from mtqa.stages.noncontent import mark_non_content
from mtqa.stages.segment import segment

with open(DATA / "gold" / "seed-000-alignment.tsv", encoding="utf-8", newline="") as gold_file:
    GOLD = list(csv.DictReader(gold_file, delimiter="\t"))


def _reference_id(result, fragment: str) -> int:
    rows = result.reference[(result.reference.candidate == FRENCH.stem) & result.reference.text.str.contains(fragment, regex=False)]
    assert len(rows) == 1, fragment
    return int(rows.sent_id.iloc[0])


def test_the_gold_file_covers_every_sentence_of_the_french_candidate(seeds_result):
    sentences = seeds_result.sentences[seeds_result.sentences.doc_id == FRENCH.stem]
    assert len(GOLD) == len(sentences) == 13
    for row in GOLD:
        sentence_containing(seeds_result.sentences, FRENCH.stem, row["candidate_contains"])


@pytest.mark.parametrize("row", GOLD, ids=lambda row: row["candidate_contains"][:40])
def test_gold_alignment_row_is_satisfied(seeds_result, row):
    sentence = sentence_containing(seeds_result.sentences, FRENCH.stem, row["candidate_contains"])
    linked = [int(i) for i in sentence.ref_ids.split(";")] if sentence.status in ("aligned", "partial") else []
    if row["link"] == "aligned":
        assert sentence.status == "aligned"
        assert _reference_id(seeds_result, row["reference_contains"]) in linked
        assert 0 < sentence.align_score <= 1
    elif row["link"] == "unaligned-or-partial":
        # partial: it may only share the reference sentence its gold-aligned neighbour links to
        neighbours = {r["reference_contains"] for r in GOLD[max(GOLD.index(row) - 1, 0):GOLD.index(row) + 2] if r["link"] == "aligned"}
        allowed = {_reference_id(seeds_result, fragment) for fragment in neighbours}
        assert sentence.status in ("unaligned", "aligned", "partial")
        assert set(linked) <= allowed
    else:
        assert sentence.status == row["link"]


def test_reordered_content_is_found(seeds_result):
    """000 reports the Pentagon's refusal before the January 5 pause; the reference after it."""
    refusal = sentence_containing(seeds_result.sentences, FRENCH.stem, "the Pentagon has refused")
    pause = sentence_containing(seeds_result.sentences, FRENCH.stem, "interrupted in the 5 January")
    assert refusal.sent_id < pause.sent_id
    assert int(refusal.ref_ids) > int(pause.ref_ids)
    assert refusal.ref_text.startswith("The Pentagon said it had no information")
    assert pause.ref_text.startswith("Washington began the pause on January 5")


def test_omissions_and_additions(seeds_result):
    reference = seeds_result.reference[seeds_result.reference.candidate == FRENCH.stem].set_index("sent_id")
    covered = set(reference.index[reference.status.isin(["covered", "partial"])])
    french = seeds_result.sentences[seeds_result.sentences.doc_id == FRENCH.stem]
    linked = {int(i) for ids in french.ref_ids.dropna() for i in ids.split(";")}
    assert covered == linked  # covered (or partial) means some candidate sentence links to it, nothing else
    omitted = reference.text[reference.status == "omitted"].tolist()
    assert "“They won’t say so publicly." in omitted  # the French version has no Pompeo quote
    assert any(t.startswith("It was not immediately clear if anyone in the Iraqi government") for t in omitted)
    additions = french.text[french.status == "unaligned"].tolist()
    assert any(t.startswith("The u. s. State department responded") for t in additions)
    nyt = seeds_result.sentences[seeds_result.sentences.doc_id == NYT.stem]
    assert sentence_containing(nyt, NYT.stem, "The interim prime minister of Iraq").status == "unaligned"
    assert (seeds_result.reference.status == "boilerplate").sum() == 16 * 4


def test_every_link_is_n_to_m_with_a_confidence(seeds_result):
    aligned = seeds_result.sentences[seeds_result.sentences.status == "aligned"]
    assert ((aligned.align_score > 0) & (aligned.align_score < 1)).all()
    for doc_id, rows in aligned.groupby("doc_id"):
        by_link = rows.groupby("ref_ids").sent_id.apply(list)
        for ref_ids, sent_ids in by_link.items():
            assert len(ref_ids.split(";")) <= 3 and len(sent_ids) <= 3
            assert sent_ids == list(range(sent_ids[0], sent_ids[0] + len(sent_ids)))  # consecutive


def test_unrelated_sentences_stay_unlinked():
    """The reference's teasers about Virginia, Florida and tumours against the Iraq story."""
    encoder = sentence_encoder()
    document = load_document(REFERENCE, "reference")
    sentences = segment(document)
    story = [s for s in sentences if 3 <= s.sent_id <= 12 and s.sent_id != 8]
    teasers = [s for s in sentences if 16 <= s.sent_id <= 24 and "Image Not Available" not in s.text]
    assert len(teasers) == 7
    alignment = align_comparable("teasers", teasers, [("story", story)], encoder.encode)
    assert alignment.links == ()


def test_secondary_reference_links_what_the_primary_lacks(seeds_result):
    result = mtqa.assess([REFERENCE, NYT], [FRENCH, RUSSIAN])
    secondary = NYT.stem
    primary_only = seeds_result.sentences.set_index(["doc_id", "sent_id"])
    both = result.sentences.set_index(["doc_id", "sent_id"])
    request = sentence_containing(result.sentences, FRENCH.stem, "has formally requested")
    assert sentence_containing(seeds_result.sentences, FRENCH.stem, "has formally requested").status == "unaligned"
    assert request.status == "aligned" and request.ref_ids.startswith(f"{secondary}:")
    assert request.ref_text.startswith("Mr. Abdul Mahdi had asked Secretary of State Mike Pompeo")
    on_primary = both[both.ref_ids.notna() & ~both.ref_ids.str.contains(":", na=False)]
    for key, row in on_primary.iterrows():  # the primary reference's links do not change
        assert primary_only.loc[key, "ref_ids"] == row.ref_ids
    for key, row in both[both.ref_ids.str.contains(":", na=False)].iterrows():
        assert primary_only.loc[key, "status"] == "unaligned"  # only what the primary left unlinked
    rows = result.reference[(result.reference.doc_id == secondary) & (result.reference.candidate == FRENCH.stem)]
    assert rows.set_index("text").loc[request.ref_text, "status"] == "covered"
    assert {"covered", "omitted", "boilerplate"} <= set(rows.status) <= {"covered", "partial", "omitted", "boilerplate"}


@pytest.fixture(scope="module")
def synthetic():
    return ted_pairs(seed=3, limit=2)


def test_the_generator_is_deterministic_and_makes_the_hard_cases(synthetic):
    again = ted_pairs(seed=3, limit=2)
    assert [(p.reference.text, p.candidate.text) for p in synthetic] == [(p.reference.text, p.candidate.text) for p in again]
    assert ted_pairs(seed=4, limit=1)[0].candidate.text != synthetic[0].candidate.text
    for pair in synthetic:
        units = {side: {span.unit for span in doc.spans if span.unit is not None} for side, doc in (("c", pair.candidate), ("r", pair.reference))}
        assert units["c"] - units["r"] and units["r"] - units["c"]  # additions and omissions
        assert any(span.unit is None for span in pair.candidate.spans)  # furniture
        order = [span.unit for span in pair.candidate.spans if span.unit is not None]
        assert order != sorted(order)  # paragraphs shuffled
    shapes = set()
    for pair in synthetic:
        c, r = (segment(document_from_text(d.text, "candidate", "x")) for d in (pair.candidate, pair.reference))
        shapes |= {(len(a), len(b)) for a, b in gold_links(pair, c, r)}
    assert {(1, 1), (1, 2), (2, 1)} <= shapes


def test_the_aligner_recovers_synthetic_links_and_beats_the_greedy_baseline(synthetic):
    encoder = sentence_encoder()
    right = {"mtqa": 0, "greedy": 0}
    predicted = {"mtqa": 0, "greedy": 0}
    n_gold = 0
    for pair in synthetic:
        content = {}
        for side, synthetic_document in (("candidate", pair.candidate), ("reference", pair.reference)):
            document = document_from_text(synthetic_document.text, side, side)
            sentences = segment(document)
            marks = mark_non_content(document, sentences, encode=encoder.encode)
            content[side] = (sentences, [s for s in sentences if s.sent_id not in marks])
        gold = gold_links(pair, content["candidate"][0], content["reference"][0])
        n_gold += len(gold)
        candidate, reference = content["candidate"][1], content["reference"][1]
        ours = align_comparable("c", candidate, [("r", reference)], encoder.encode, AlignParameters())
        side = ReferenceSide("r", reference, encoder.encode([s.text for s in reference]))
        greedy = align_greedy("c", candidate, encoder.encode([s.text for s in candidate]), [side], 0.5)
        for name, alignment in (("mtqa", ours), ("greedy", greedy)):
            links = {(frozenset(l.candidate_ids), frozenset(l.reference_ids)) for l in alignment.links}
            right[name] += len(links & gold)
            predicted[name] += len(links)
    f1 = {name: 2 * right[name] / (predicted[name] + n_gold) for name in right}
    assert n_gold >= 25
    assert f1["mtqa"] >= 0.9
    assert f1["mtqa"] > f1["greedy"] + 0.1
