"""The aligner, as a specification: its selection over the similarity matrix (with a fake encoder),
line-by-line alignment, and the validation of its parameters."""

from __future__ import annotations

import pytest

from mtqa.core.exceptions import InputError
from mtqa.core.records import Sentence
from mtqa.stages.align import (
    AlignParameters,
    ReferenceSide,
    align_comparable,
    align_greedy,
    align_parallel,
    clauses,
)

from .fakes import FakeEncoder


def sentences(doc_id: str, texts: list[str], paragraphs: list[int] | None = None, first_id: int = 0) -> list[Sentence]:
    result, position = [], 0
    for index, text in enumerate(texts):
        paragraph = paragraphs[index] if paragraphs else index
        result.append(Sentence(doc_id, first_id + index, position, position + len(text), text, paragraph, True, True))
        position += len(text) + 1
    return result


REFERENCE = [
    "The finance minister resigned on Monday after a dispute over the budget.",
    "Parliament had rejected the national budget twice this year.",
    "Heavy storms flooded the coastal villages near the harbour overnight.",
    "The football club celebrated its championship with a parade downtown.",
]


def pairs(alignment) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(link.candidate_ids, link.reference_ids) for link in alignment.links]


def test_identical_documents_align_one_to_one():
    alignment = align_comparable("cand", sentences("cand", REFERENCE), [("ref", sentences("ref", REFERENCE))], FakeEncoder())
    assert alignment.doc_id == "cand"
    assert pairs(alignment) == [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (3,))]
    assert all(link.reference_doc == "ref" and link.similarity == pytest.approx(1.0) for link in alignment.links)
    assert all(0.5 < link.confidence <= 1.0 for link in alignment.links)


def test_reordered_paragraphs_are_found_wherever_they_are():
    candidate = [REFERENCE[2], REFERENCE[3], REFERENCE[0], REFERENCE[1]]
    alignment = align_comparable("cand", sentences("cand", candidate), [("ref", sentences("ref", REFERENCE))], FakeEncoder())
    assert pairs(alignment) == [((0,), (2,)), ((1,), (3,)), ((2,), (0,)), ((3,), (1,))]


def test_an_added_sentence_is_left_unlinked_and_an_omitted_one_unused():
    candidate = [REFERENCE[0], "Zebras graze quietly beside acacia trees.", REFERENCE[2]]
    alignment = align_comparable("cand", sentences("cand", candidate), [("ref", sentences("ref", REFERENCE[:3]))], FakeEncoder())
    assert pairs(alignment) == [((0,), (0,)), ((2,), (2,))]


def test_a_sentence_split_in_two_is_one_link_to_both_halves():
    reference = ["The minister resigned on Monday, and parliament rejected the national budget for the second time."]
    candidate = ["The minister resigned on Monday.", "Parliament rejected the national budget for the second time."]
    alignment = align_comparable("cand", sentences("cand", candidate, [0, 0]), [("ref", sentences("ref", reference))], FakeEncoder())
    assert pairs(alignment) == [((0, 1), (0,))]


def test_a_merge_never_spans_sentences_that_do_not_follow_each_other():
    reference = ["The minister resigned on Monday, and parliament rejected the national budget for the second time."]
    candidate = sentences("cand", ["The minister resigned on Monday.", "Parliament rejected the national budget for the second time."])
    gapped = [candidate[0], Sentence("cand", 5, 100, 160, candidate[1].text, 5, True, True)]
    alignment = align_comparable("cand", gapped, [("ref", sentences("ref", reference))], FakeEncoder())
    assert all(len(link.candidate_ids) == 1 for link in alignment.links)


def test_max_merge_of_one_allows_only_one_to_one_links():
    reference = ["The minister resigned on Monday, and parliament rejected the national budget for the second time."]
    candidate = ["The minister resigned on Monday.", "Parliament rejected the national budget for the second time."]
    split = align_comparable("cand", sentences("cand", candidate, [0, 0]), [("ref", sentences("ref", reference))],
                             FakeEncoder(), AlignParameters(partial_links=True))
    assert pairs(split) == [((0, 1), (0,))] and not split.links[0].partial
    whole = align_comparable("cand", sentences("cand", candidate, [0, 0]), [("ref", sentences("ref", reference))],
                             FakeEncoder(), AlignParameters(max_merge=1, partial_links=False))
    assert len(whole.links) <= 1 and all(len(link.candidate_ids) == 1 for link in whole.links)
    # with partial links, each sentence takes its own clause of the reference sentence instead
    shared = align_comparable("cand", sentences("cand", candidate, [0, 0]), [("ref", sentences("ref", reference))],
                              FakeEncoder(), AlignParameters(max_merge=1, partial_links=True))
    assert pairs(shared) == [((0,), (0,)), ((1,), (0,))] and all(link.partial for link in shared.links)


def test_a_secondary_reference_gets_only_what_the_primary_leaves_unlinked():
    primary = sentences("ref", REFERENCE[:2])
    secondary = sentences("ref2", [REFERENCE[2], REFERENCE[0]])
    alignment = align_comparable("cand", sentences("cand", REFERENCE[:3]), [("ref", primary), ("ref2", secondary)], FakeEncoder())
    assert [(link.candidate_ids, link.reference_doc, link.reference_ids) for link in alignment.links] == [
        ((0,), "ref", (0,)), ((1,), "ref", (1,)), ((2,), "ref2", (0,)),
    ]


def test_links_are_sorted_by_candidate_sentence():
    candidate = [REFERENCE[3], REFERENCE[1], REFERENCE[0]]
    alignment = align_comparable("cand", sentences("cand", candidate), [("ref", sentences("ref", REFERENCE))], FakeEncoder())
    assert [link.candidate_ids for link in alignment.links] == sorted(link.candidate_ids for link in alignment.links)


def test_a_higher_skip_cost_links_less():
    candidate = ["The finance minister quit on Monday over the budget.", "Storms flooded villages near the harbour."]
    reference = sentences("ref", REFERENCE)
    loose = align_comparable("c", sentences("c", candidate), [("ref", reference)], FakeEncoder(), AlignParameters(skip_cost=0.0))
    strict = align_comparable("c", sentences("c", candidate), [("ref", reference)], FakeEncoder(), AlignParameters(skip_cost=1.0))
    assert len(loose.links) == 2
    assert len(strict.links) < len(loose.links)


def test_confidence_grows_with_the_evidence():
    reference = sentences("ref", REFERENCE)
    exact = align_comparable("c", sentences("c", [REFERENCE[0]]), [("ref", reference)], FakeEncoder())
    paraphrase = align_comparable("c", sentences("c", ["The finance minister quit on Monday over the budget."]),
                                  [("ref", reference)], FakeEncoder())
    assert exact.links[0].reference_ids == paraphrase.links[0].reference_ids == (0,)
    assert exact.links[0].confidence > paraphrase.links[0].confidence


def test_nothing_to_align_gives_no_link():
    encoder = FakeEncoder()
    assert align_comparable("c", [], [("ref", sentences("ref", REFERENCE))], encoder).links == ()
    assert align_comparable("c", sentences("c", REFERENCE), [("ref", [])], encoder).links == ()
    assert align_comparable("c", sentences("c", REFERENCE), [], encoder).links == ()
    assert encoder.calls == []


def test_link_of_maps_each_candidate_sentence_to_its_link():
    candidate = ["The minister resigned on Monday.", "Parliament rejected the national budget for the second time."]
    reference = ["The minister resigned on Monday, and parliament rejected the national budget for the second time."]
    alignment = align_comparable("c", sentences("c", candidate, [0, 0]), [("ref", sentences("ref", reference))], FakeEncoder())
    link_of = alignment.link_of()
    assert set(link_of) == {0, 1} and link_of[0] is link_of[1]


def test_parallel_alignment_links_line_i_to_line_i_when_both_have_text():
    candidate = sentences("c", ["one", "two", "four"])
    candidate[2] = Sentence("c", 3, 8, 12, "four", 3, True, True)
    reference = [Sentence("r", i, 0, 1, t, i, True, True) for i, t in [(0, "un"), (2, "trois"), (3, "quatre")]]
    alignment = align_parallel("c", candidate, reference, "r")
    assert [(link.candidate_ids, link.reference_ids, link.confidence) for link in alignment.links] == [
        ((0,), (0,), 1.0), ((3,), (3,), 1.0),
    ]


def test_the_greedy_baseline_takes_each_sentence_to_its_best_match_above_the_threshold():
    encoder = FakeEncoder()
    candidate = sentences("c", [REFERENCE[1], "Zebras graze quietly beside acacia trees."])
    side = ReferenceSide("ref", sentences("ref", REFERENCE), encoder.encode(REFERENCE))
    alignment = align_greedy("c", candidate, encoder.encode([s.text for s in candidate]), [side], threshold=0.5)
    assert pairs(alignment) == [((0,), (1,))]
    assert alignment.links[0].confidence == pytest.approx(1.0)


@pytest.mark.parametrize("kwargs, problem", [
    ({"skip_cost": -0.1}, "the align threshold (skip cost) must be within [0, 1], got -0.1"),
    ({"skip_cost": 1.5}, "the align threshold (skip cost) must be within [0, 1], got 1.5"),
    ({"max_merge": 0}, "max_merge must be at least 1, got 0"),
    ({"verify_top": 0}, "verify_top must be at least 1, got 0"),
])
def test_parameters_out_of_range_are_input_errors(kwargs, problem):
    with pytest.raises(InputError) as caught:
        AlignParameters(**kwargs)
    assert str(caught.value) == problem


@pytest.mark.parametrize("skip_cost", [0.0, 1.0])
def test_the_skip_cost_bounds_are_allowed(skip_cost):
    assert AlignParameters(skip_cost=skip_cost).skip_cost == skip_cost


def test_clauses_cut_at_punctuation_and_clause_words_and_join_short_pieces():
    text = "The minister resigned on Monday, saying the budget had failed, and parliament voted to dissolve itself."
    assert [text[a:b] for a, b in clauses(text)] == [
        "The minister resigned on Monday", "saying the budget had failed", "and parliament voted to dissolve itself.",
    ]
    assert [text[a:b] for a, b in clauses(text, min_words=8)] == [text]
    assert clauses("Too short, to cut.") == [(0, 18)]


PARTIAL = AlignParameters(partial_links=True)
BUDGET = ("The finance minister resigned on Monday after a dispute over the budget, "
          "and heavy storms flooded the coastal villages near the harbour overnight.")


def test_a_clause_of_a_reference_sentence_is_a_partial_link_that_records_its_characters():
    candidate = sentences("cand", ["Heavy storms flooded the coastal villages near the harbour overnight."])
    reference = sentences("ref", [BUDGET])
    whole = align_comparable("cand", candidate, [("ref", reference)], FakeEncoder(), AlignParameters())
    partial = align_comparable("cand", candidate, [("ref", reference)], FakeEncoder(), AlignParameters(partial_links=True))
    assert [link.partial for link in whole.links] in ([], [False])
    [link] = partial.links
    assert link.partial and link.candidate_part is None
    start, end = link.reference_part
    assert BUDGET[start:end] == "and heavy storms flooded the coastal villages near the harbour overnight."


def test_candidate_sentences_apart_share_out_the_clauses_of_one_reference_sentence():
    candidate = sentences("cand", ["The finance minister resigned on Monday after a dispute over the budget.",
                                   "The football club celebrated its championship with a parade downtown.",
                                   "Heavy storms flooded the coastal villages near the harbour overnight."])
    reference = sentences("ref", [BUDGET, REFERENCE[3]])
    alignment = align_comparable("cand", candidate, [("ref", reference)], FakeEncoder(), PARTIAL)
    assert pairs(alignment) == [((0,), (0,)), ((1,), (1,)), ((2,), (0,))]
    first, _, second = alignment.links
    assert first.partial and second.partial
    assert first.reference_part[1] <= second.reference_part[0]  # the shared sentence's clauses go one to each link


def test_consecutive_sentences_that_share_out_one_reference_sentence_are_a_split_of_it():
    candidate = sentences("cand", ["The finance minister resigned on Monday after a dispute over the budget.",
                                   "Heavy storms flooded the coastal villages near the harbour overnight."], [0, 0])
    alignment = align_comparable("cand", candidate, [("ref", sentences("ref", [BUDGET]))], FakeEncoder(), PARTIAL)
    assert pairs(alignment) == [((0, 1), (0,))] and not alignment.links[0].partial


class PairVerifierStub:
    """A verifier that believes exactly the (candidate, reference) text pairs it is given."""

    def __init__(self, believed: set[tuple[str, str]]) -> None:
        self.believed = believed
        self.read: list[tuple[str, str]] = []

    def __call__(self, candidates: list[str], references: list[str]):
        import numpy as np

        self.read += list(zip(candidates, references))
        return np.array([1.0 if pair in self.believed else 0.0 for pair in zip(candidates, references)])


def test_a_link_the_verifier_doubts_is_dropped_and_one_it_believes_stays():
    candidate = sentences("cand", [REFERENCE[0], "The football club held a parade downtown after its championship."])
    reference = sentences("ref", REFERENCE)
    believed = {(REFERENCE[0], REFERENCE[0])}
    plain = align_comparable("cand", candidate, [("ref", reference)], FakeEncoder(), AlignParameters(verifier_weight=0))
    verified = align_comparable("cand", candidate, [("ref", reference)], FakeEncoder(),
                                AlignParameters(verifier_weight=2.0), PairVerifierStub(believed))
    assert pairs(plain) == [((0,), (0,)), ((1,), (3,))]
    assert pairs(verified) == [((0,), (0,))]


def test_the_verifier_reads_only_each_candidate_blocks_best_pairs_above_the_floor():
    candidate = sentences("cand", REFERENCE[:2])
    verifier = PairVerifierStub(set())
    align_comparable("cand", candidate, [("ref", sentences("ref", REFERENCE))], FakeEncoder(),
                     AlignParameters(partial_links=False, verifier_weight=0.5, verify_top=2, verify_floor=-0.3), verifier)
    blocks = 3  # two sentences and their merge
    assert 0 < len(verifier.read) <= 2 * blocks
    assert (REFERENCE[0], REFERENCE[0]) in verifier.read
    assert (REFERENCE[0], REFERENCE[3]) not in verifier.read  # nothing in common: below the floor


def test_without_a_verifier_weight_the_verifier_is_not_called():
    verifier = PairVerifierStub(set())
    alignment = align_comparable("cand", sentences("cand", REFERENCE), [("ref", sentences("ref", REFERENCE))],
                                 FakeEncoder(), AlignParameters(verifier_weight=0.0), verifier)
    assert verifier.read == [] and len(alignment.links) == 4
