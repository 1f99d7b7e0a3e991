"""Clause structure: a relative clause with no verb ("a goal that only the best way ...")."""

from __future__ import annotations

from mtqa.checks.evidence import Segment
from mtqa.checks.registry import Finding, check

_RELATIVISERS = {"that", "which", "who", "whom", "whose"}
_RELATIVE_TAGS = {"WDT", "WP", "WP$"}  # not "that" as a determiner ("magnifies that difference")
_VERBAL = {"VERB", "AUX"}


@check("verbless-clause", "fluency/grammar", "minor")
def verbless_clause(segment: Segment):
    """A relative clause without a verb ("a withdrawal, a goal that only the best way to reconfirm")."""
    for token in segment.analysis.doc:
        if token.dep_ != "relcl" or token.pos_ in _VERBAL:
            continue
        clause = list(token.subtree)
        relativiser = next(
            (t for t in clause if t.lower_ in _RELATIVISERS and t.tag_ in _RELATIVE_TAGS and t.i < token.i - 1), None
        )
        if relativiser is None or any(t.pos_ in _VERBAL and t.i < token.i for t in clause):
            continue
        start, end = relativiser.idx, token.idx + len(token.text)
        yield Finding(start, end, f"the clause '{segment.text[start:end]}' has no verb")
