"""Word order that follows the source language: a demonym after the noun it qualifies."""

from __future__ import annotations

from mtqa.checks.evidence import Segment
from mtqa.checks.registry import Finding, check
from mtqa.checks.text import capitalise, is_count_noun, is_prefix


@check("demonym-order", "fluency/word-order", "minor")
def demonym_order(segment: Segment):
    """A demonym placed after its noun, as in French or Russian ("the general iranian", "a hit american")."""
    doc = segment.analysis.doc
    for token in doc:
        if token.ent_type_ != "NORP" or token.i < 2 or not token.text.isalpha():
            continue
        if is_prefix(token):
            continue  # "pan-European"
        noun, determiner = doc[token.i - 1], doc[token.i - 2]
        following = doc[token.i + 1] if token.i + 1 < len(doc) else None
        if following is not None and following.pos_ in {"NOUN", "ADJ"}:
            continue  # "Sunday Iraqi officials", "a senior Iranian military commander": it qualifies what follows
        if determiner.pos_ not in {"DET", "PRON"} or determiner.dep_ not in {"det", "poss"}:
            continue
        if noun.ent_type_ or noun.is_stop or not is_count_noun(noun.text):
            continue  # "a young Iranian", "the first American": an adjective before a noun use of the demonym
        start, end = noun.idx, token.idx + len(token.text)
        yield Finding(
            start, end,
            f"the demonym '{token.text}' follows the noun '{noun.text}'; English puts it first",
            f"{capitalise(token.text)} {noun.text}",
        )
