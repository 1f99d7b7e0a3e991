"""Stage 6 without a reference, on real machine translations (MLQE-PE ru-en, tags from a human
post-edit): the language model's runs of surprising words point at the stretches the post-editor
rewrote, and stay quiet on lines the post-editor left alone."""

import json

import pytest
from conftest import DATA

from mtqa.backends.encoder import sentence_encoder
from mtqa.core.records import MarkedDocument
from mtqa.stages.find_errors.spans import find_errors
from mtqa.stages.load import document_from_text
from mtqa.stages.score.fluency import fluency_scorer
from mtqa.stages.segment import segment_lines

LINES = [json.loads(line) for line in (DATA / "mlqe_ruen" / "word_tags.jsonl").open(encoding="utf-8")]
BROKEN = [row for row in LINES if "BAD" in row["mt_word_tags"]]
UNTOUCHED = [row for row in LINES if "BAD" not in row["mt_word_tags"]]


@pytest.fixture(scope="module")
def reference_free_errors():
    """The six lines as one line-aligned candidate, with SmolLM2 word surprisals and no reference."""
    document = document_from_text("".join(row["mt"] + "\n" for row in LINES), "candidate", "mlqe")
    marked = MarkedDocument(document, segment_lines(document), {})
    words = fluency_scorer("smollm2").words([s.text for s in marked.sentences])
    surprisals = {(document.doc_id, s.sent_id): w for s, w in zip(marked.sentences, words)}
    spans = find_errors([marked], [], {}, sentence_encoder(), surprisals=surprisals)
    return {row["segid"]: [s for s in spans if s.sent_id == line] for line, row in enumerate(LINES)}


def tags_under(row, start, end):
    tags, cursor = [], 0
    for token, tag in zip(row["mt_tok"].split(), row["mt_word_tags"]):
        at = row["mt"].index(token, cursor)
        cursor = at + len(token)
        if at < end and start < cursor:
            tags.append(tag)
    return tags


@pytest.mark.parametrize("row", BROKEN, ids=lambda row: str(row["segid"]))
def test_a_literal_rendering_is_flagged_where_the_post_editor_rewrote_it(reference_free_errors, row):
    from_model = [s for s in reference_free_errors[row["segid"]] if "language-model" in s.detector.split(";")]
    assert from_model, f"no language-model error in {row['mt']!r}"
    for span in from_model:
        assert row["mt"][span.start:span.end] == span.text
        assert span.category == "fluency/grammar" and "bits more surprising" in span.explanation
        assert set(tags_under(row, span.start, span.end)) == {"BAD"}, span.text
    assert all("reference" not in s.detector for s in reference_free_errors[row["segid"]])


@pytest.mark.parametrize("row", UNTOUCHED, ids=lambda row: str(row["segid"]))
def test_a_line_the_post_editor_left_alone_draws_no_language_model_claim(reference_free_errors, row):
    assert not [s for s in reference_free_errors[row["segid"]] if "language-model" in s.detector]
