"""Stage 2, segment: split a document into sentences with exact character offsets.

Rule-based and deterministic, tuned for news text as it arrives from the web and from MT:
lines are paragraphs (a wrapped line is re-joined), list bullets are kept out of the sentence,
and a period ends a sentence only when it is not part of an abbreviation ("U.S.", "Gen.", "Mr."),
an initial ("u. s.") or a month ("Jan. 9"), and the next word can start a sentence.
"""

from __future__ import annotations

import re

from mtqa.core.records import Document, Sentence

# Titles and other abbreviations that never end a sentence when followed by a name or a number.
_TITLES = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "sgt", "capt", "maj", "adm", "cmdr",
    "sen", "rep", "gov", "pres", "rev", "st", "mt", "ft", "fr", "sr", "jr", "no", "nos", "vs",
    "etc", "e.g", "i.e", "cf", "approx", "dept", "est", "fig", "inc", "corp", "ltd", "co",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}
# Words that, after an ambiguous abbreviation such as "U.S.", show that a new sentence began.
_SENTENCE_STARTERS = {
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "this", "that", "these",
    "those", "but", "and", "or", "so", "yet", "however", "in", "on", "at", "if", "when", "while",
    "there", "his", "her", "their", "its", "our", "after", "before", "meanwhile", "still",
}
_BULLETS = "•·▪◦‣●○■□►*–—-"
_CLOSERS = "\"'”’»)]}"
_OPENERS = "\"'“‘«([{"
# Terminal punctuation, then closing quotes/brackets, then white space: a candidate boundary.
_BOUNDARY = re.compile(r"(?:[.!?]+|…|\.\.+)[" + re.escape(_CLOSERS) + r"]*(?=\s)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_SPACE = " \t\r\f\v\u00a0\u2009\u202f\ufeff"


def _is_boundary(block: str, match: re.Match) -> bool:
    rest = block[match.end():].lstrip(_SPACE + "\n")
    if not rest:
        return False
    first = rest[0]
    if first.islower() or first in ",;:":
        return False  # "u. s. State", "Baghdad / … two", "Jan. 9, ..." continue the sentence
    if not (first.isupper() or first.isdigit() or first in _OPENERS or first in _BULLETS):
        return False
    punct = match.group(0).rstrip(_CLOSERS)
    if punct != ".":
        return True  # "!", "?", "…", ".." end a sentence before a capital
    word_match = _WORD_BEFORE.search(block[: match.start() + 1])
    if not word_match:
        return True
    word = word_match.group(1)
    bare = word.rstrip(".").lower()
    if len(bare) == 1:
        return False  # an initial: "Donald J. Trump", "u. s. State"
    if bare in _TITLES:
        return False
    if "." in bare:  # dotted acronym such as "U.S" or "a.m": ends a sentence only before a sentence starter
        next_word = re.match(r"[\w’']+", rest)
        return bool(next_word) and next_word.group(0).lower() in _SENTENCE_STARTERS
    return True


def _blocks(text: str) -> list[tuple[int, int]]:
    """Line blocks: each line is a paragraph, except that a hard-wrapped line joins the next one."""
    lines: list[tuple[int, int]] = []
    position = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if not all(_is_space(c) for c in body):
            lines.append((position, position + len(body)))
        position += len(line)
    blocks: list[tuple[int, int]] = []
    for start, end in lines:
        if blocks:
            previous = text[blocks[-1][0]: blocks[-1][1]].rstrip(_SPACE)
            current = text[start:end].lstrip(_SPACE)
            gap = text[blocks[-1][1]: start]
            wrapped = gap.count("\n") == 1 and previous[-1:].isalpha() and previous[-1:].islower() \
                and current[:1].islower()
            if wrapped:
                blocks[-1] = (blocks[-1][0], end)
                continue
        blocks.append((start, end))
    return blocks


def _is_space(character: str) -> bool:
    return character.isspace() or character in _SPACE


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and _is_space(text[start]):
        start += 1
    while end > start and _is_space(text[end - 1]):
        end -= 1
    return start, end


def segment(document: Document) -> list[Sentence]:
    text = document.text
    sentences: list[Sentence] = []
    for paragraph, (block_start, block_end) in enumerate(_blocks(text)):
        start, end = _trim(text, block_start, block_end)
        bullet = ""
        if text[start] in _BULLETS and start + 1 < end and text[start + 1] in " \t\u00a0":
            bullet = text[start]
            start, end = _trim(text, start + 1, end)
        block = text[start:end]
        cuts = [0] + [m.end() for m in _BOUNDARY.finditer(block) if _is_boundary(block, m)] + [len(block)]
        pieces = [_trim(text, start + a, start + b) for a, b in zip(cuts, cuts[1:])]
        pieces = [(a, b) for a, b in pieces if b > a]
        for index, (a, b) in enumerate(pieces):
            sentences.append(
                Sentence(
                    doc_id=document.doc_id,
                    sent_id=len(sentences),
                    start=a,
                    end=b,
                    text=text[a:b],
                    paragraph=paragraph,
                    line_start=index == 0,
                    line_end=index == len(pieces) - 1,
                    bullet=bullet if index == 0 else "",
                )
            )
    return sentences


def segment_lines(document: Document) -> list[Sentence]:
    """--parallel: one segment per line, ``sent_id`` = 0-based line number; blank lines give none."""
    sentences = []
    position = 0
    for number, line in enumerate(document.text.splitlines(keepends=True)):
        a, b = _trim(document.text, position, position + len(line.rstrip("\r\n")))
        if b > a:
            sentences.append(
                Sentence(document.doc_id, number, a, b, document.text[a:b], number, True, True)
            )
        position += len(line)
    return sentences
