"""The link verifier's training pairs, built without a model: what each segment of a document gives,
and where its negatives come from."""

from __future__ import annotations

import random

from training.link_verifier import _auc, document_pairs

DOCUMENT = [  # (reference, hypothesis) segments of one document, in order
    ("The minister resigned on Monday, saying the budget had failed.",
     "On Monday the minister quit, saying that the budget failed."),
    ("Storms flooded the coastal villages overnight, and roads were closed.",
     "The storms flooded villages on the coast in the night, and roads closed."),
    ("The club celebrated its title with a parade through the city centre.",
     "The club celebrated the championship with a parade in the centre."),
]


def test_each_segment_gives_two_positives_and_two_negatives_of_its_own_document():
    pairs = document_pairs(DOCUMENT, random.Random(0))
    assert len(pairs) == 4 * len(DOCUMENT)
    assert sum(p.label for p in pairs) == 2 * len(DOCUMENT)
    references = [r for r, _ in DOCUMENT]
    hypotheses = [h for _, h in DOCUMENT]
    for n, pair in enumerate(pairs):
        segment = n // 4
        own_reference, own_hypothesis = DOCUMENT[segment]
        # the candidate is the segment's hypothesis or a run of its clauses
        assert pair.candidate in own_hypothesis
        if pair.label:
            assert pair.reference in own_reference
        else:  # another segment's reference (or a part of it): the same story's other sentences
            assert pair.reference not in own_reference
            assert any(pair.reference in r for r in references if r != own_reference)
    assert {p.candidate for p in pairs} - set(hypotheses)  # some candidates are cut to clauses


def test_a_one_segment_document_gives_no_negative():
    pairs = document_pairs(DOCUMENT[:1], random.Random(0))
    assert [p.label for p in pairs] == [1, 1]


def test_the_auc_is_how_often_a_positive_outscores_a_negative():
    import numpy as np
    from scipy.stats import rankdata

    labels = np.array([1, 1, 0, 0])
    assert _auc(labels, np.array([0.9, 0.8, 0.2, 0.1]), rankdata) == 1.0
    assert _auc(labels, np.array([0.9, 0.1, 0.5, 0.2]), rankdata) == 0.5
