"""Punctuation: doubled marks, spaces a tokeniser left before marks, quotation marks facing the wrong
way, unclosed brackets."""

from __future__ import annotations

import re

from mtqa.checks.evidence import Segment
from mtqa.checks.registry import Finding, check

# Two of the same mark (not an ellipsis of three or more dots), or a comma and a full stop together.
_DOUBLED = re.compile(r"(?<![.])\.\.(?![.])|,,+|;;+|::+|[,;:]\.|\.,")
_OPENING, _CLOSING = "“‘«", "”»"  # ’ is also an apostrophe: it is left alone


@check("doubled-punctuation", "fluency/punctuation", "minor")
def doubled_punctuation(segment: Segment):
    """A punctuation mark typed twice ("administration..", ",,")."""
    for match in _DOUBLED.finditer(segment.text):
        mark = match.group(0)
        yield Finding(match.start(), match.end(), f"doubled punctuation '{mark}'", mark[-1] if mark[0] == mark[-1] else None)


# A word, a space, then a mark that closes onto the word before it (followed by a space or the end:
# not ".5") or an English clitic: what a tokeniser leaves behind ("Sunday , July", "sister 's",
# "do n't"). Dashes and slashes are spaced by choice and are left alone.
_SPACED_MARK = re.compile(r"\b(\w+)\s+([,.;:!?)\]](?=\s|$)|(?:['’](?:s|re|ve|ll|d|m)|n['’]t)\b)")


@check("space-before-punctuation", "fluency/punctuation", "minor")
def space_before_punctuation(segment: Segment):
    """A space before a comma, full stop, closing bracket or clitic ("Norwich , lost", "sister 's")."""
    for match in _SPACED_MARK.finditer(segment.text):
        word, mark = match.group(1), match.group(2)
        yield Finding(match.start(), match.end(), f"space before '{mark}'", word + mark)


def _space(text: str, index: int) -> bool:
    return index < 0 or index >= len(text) or text[index].isspace()


@check("quote-placement", "fluency/punctuation", "minor")
def quote_placement(segment: Segment):
    """A quotation mark facing the wrong way or standing alone ("said ” all “the", "Iraq” “.")."""
    text = segment.text
    for index, mark in enumerate(text):
        before, after = _space(text, index - 1), _space(text, index + 1)
        next_char = text[index + 1] if index + 1 < len(text) else ""
        previous = text[index - 1] if index > 0 else ""
        if mark in _OPENING:
            wrong = after or (previous.isalnum()) or (next_char and next_char in ".,;:!?")
        elif mark in _CLOSING:
            wrong = before and index > 0 or next_char.isalnum()
        elif mark == '"':
            wrong = before and after and index > 0
        else:
            continue
        if wrong:
            kind = "opening" if mark in _OPENING else "closing" if mark in _CLOSING else "straight"
            yield Finding(index, index + 1, f"misplaced {kind} quotation mark {mark}")


_PAIRS = {"(": ")", "[": "]"}
_LIST_MARKER = re.compile(r"^\w{1,2}\)$")  # "1)", "b)" open a list item, not a parenthesis


@check("unbalanced-brackets", "fluency/punctuation", "minor")
def unbalanced_brackets(segment: Segment):
    """A bracket opened and not closed, or closed and not opened, within a sentence."""
    for part in segment.parts:
        text = part.sentence.text
        for opening, closing in _PAIRS.items():
            stack: list[int] = []
            for index, char in enumerate(text):
                if char == opening:
                    stack.append(index)
                elif char == closing:
                    if text[max(index - 5, 0): index].rstrip("\\- ")[-1:] in {":", ";"}:
                        continue  # an emoticon, ":)" or ";-)"
                    if stack:
                        stack.pop()
                    elif not _LIST_MARKER.match(text[: index + 1]):
                        yield Finding(part.offset + index, part.offset + index + 1, f"'{closing}' closes no '{opening}'")
            for index in stack:
                yield Finding(part.offset + index, part.offset + index + 1, f"'{opening}' is never closed")
