"""Synthetic comparable documents built from real parallel text, with their gold alignment.

A window of parallel segments (reference i and hypothesis i translate the same source) becomes a
reference document and a candidate document that differ the way real comparable versions do:
sentences merged or split on one side (n:m links of up to 3 sentences), paragraphs shuffled on the
candidate side, about 20 % of the units deleted independently on each side (omissions and additions),
and page furniture inserted on both sides (labels, credits, teasers, share and comment widgets,
promotions, related-story blocks whose teasers are real sentences of another talk, a repeated title).
Two harder cases are off by default (documents of a given seed stay the same) and on in
:data:`COMPARABLE`: *partial* units, where one side keeps only a run of its sentence's clauses (the
other side's sentence covers it and more), and *clause-order paraphrases*, where the candidate moves
its sentence's first clause to the end, the way rewritten news reorders "X said on Monday that Y".

Each document records, as character spans, which unit every sentence belongs to and which lines are
furniture; :func:`gold_links` and :func:`gold_furniture` map that onto any segmentation. Everything
is driven by one ``random.Random``: a fixed seed gives the same documents on every run.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "ted_zhen_segments.jsonl"


@dataclass(frozen=True)
class Span:
    """A gold piece of a synthetic document: one content sentence of an alignment unit, or furniture."""

    start: int
    end: int
    unit: int | None  # alignment unit id; None for a furniture line


@dataclass(frozen=True)
class SyntheticDocument:
    text: str
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class SyntheticPair:
    name: str
    reference: SyntheticDocument
    candidate: SyntheticDocument
    kinds: dict[int, str] = field(default_factory=dict)  # unit -> "partial" or "clause order" (else whole)


@dataclass(frozen=True)
class SyntheticConfig:
    merge_rate: float = 0.10  # two consecutive segments joined into one sentence on one side (2:1)
    triple_rate: float = 0.03  # three joined (3:1)
    split_rate: float = 0.10  # a long segment split in two at a comma on one side (1:2)
    delete_rate: float = 0.20  # per side, per unit
    paragraph_sizes: tuple[int, int] = (2, 5)  # units per paragraph
    furniture_items: tuple[int, int] = (3, 6)  # furniture items per document
    partial_rate: float = 0.0  # per 1:1 unit: one side keeps a run of its sentence's clauses
    clause_order_rate: float = 0.0  # per 1:1 unit: the candidate's first clause moved to its end


# The documents with partial units and clause-order paraphrases (a third of the 1:1 units each).
COMPARABLE = SyntheticConfig(partial_rate=0.3, clause_order_rate=0.3)
@dataclass
class _Unit:
    """One gold alignment unit: the sentences each side gives it (an empty side is a deletion)."""

    uid: int
    reference: list[str]
    candidate: list[str]
    kind: str = "whole"  # or "partial", "clause order"


_TERMINAL = re.compile(r"[.!?…][\"'”’»)\]]*$")


def _as_sentence(text: str) -> str:
    """A segment as a stand-alone sentence: capital first letter, terminal punctuation last."""
    text = " ".join(text.split()).rstrip(",;:—–- ")
    if text[:1].islower():
        text = text[0].upper() + text[1:]
    if not _TERMINAL.search(text):
        text += "."
    return text


def _lower_first(text: str, vocabulary: set[str]) -> str:
    """Lower-case the first word when it is a common word (seen lower-case in the window)."""
    first = re.match(r"[A-Za-z’']+", text)
    if first and first.group(0).lower() in vocabulary and first.group(0) != "I":
        return text[0].lower() + text[1:]
    return text


def _join(sentences: list[str], vocabulary: set[str], rng: random.Random) -> str:
    """Several sentences as one, the way a translator merges them."""
    joined = sentences[0]
    for sentence in sentences[1:]:
        glue = rng.choice(["; ", ", and ", ", while ", " — "])
        joined = joined.rstrip(".!?…") + glue + _lower_first(sentence, vocabulary)
    return joined


_CLAUSE_COMMA = re.compile(r"[,;] ")


def _comma_clauses(sentence: str) -> list[str]:
    """A sentence cut at its commas and semicolons into pieces of four words or more (a shorter piece
    joins the one before it); the pieces keep no separator."""
    pieces: list[str] = []
    for piece in _CLAUSE_COMMA.split(sentence.rstrip(".!?…")):
        if pieces and (len(pieces[-1].split()) < 4 or len(piece.split()) < 4):
            pieces[-1] += ", " + piece
        else:
            pieces.append(piece)
    return pieces


def _part(sentence: str, rng: random.Random) -> str | None:
    """A run of a sentence's clauses short of the whole, as a sentence (None for one clause)."""
    pieces = _comma_clauses(sentence)
    if len(pieces) < 2:
        return None
    low = rng.randrange(len(pieces))
    high = rng.randrange(low, len(pieces))
    if (low, high) == (0, len(pieces) - 1):
        high -= 1
    return _as_sentence(", ".join(pieces[low:high + 1]))


def _clause_order(sentence: str, vocabulary: set[str]) -> str | None:
    """The sentence with its first clause moved to the end (None for one clause)."""
    pieces = _comma_clauses(sentence)
    if len(pieces) < 2:
        return None
    rest = ", ".join(pieces[1:])
    return _as_sentence(rest[0].upper() + rest[1:] + ", " + _lower_first(pieces[0], vocabulary))


def _split(sentence: str) -> list[str] | None:
    """A long sentence as two, cut at the comma nearest its middle (None when there is no good cut)."""
    words = sentence.split()
    if len(words) < 14:
        return None
    cuts = [m.start() for m in re.finditer(r", ", sentence)]
    cuts = [c for c in cuts if len(sentence[:c].split()) >= 5 and len(sentence[c + 2:].split()) >= 5]
    if not cuts:
        return None
    cut = min(cuts, key=lambda c: abs(c - len(sentence) / 2))
    second = sentence[cut + 2:]
    return [sentence[:cut] + ".", second[0].upper() + second[1:]]


# Page furniture as news and blog sites print it. Placeholders: {n} and {m} numbers, {topic} a
# section name, {teaser} a sentence of another talk, {title} the document's first content sentence.
_SECTIONS = ["Science", "World", "Technology", "Opinion", "Culture", "Health", "Space", "Ideas"]
_HEAD_FURNITURE = [
    "{topic}", "{topic} | Features", "By Staff Writer", "Reuters", "AP", "Photo: Getty Images",
    "Updated {n} March 2021", "{n} min read", "Home / {topic}", "EXCLUSIVE", "Listen to this article",
]
_MIDDLE_FURNITURE = [
    "Read more: {teaser}", "See also: {teaser}", "ALSO READ | {teaser}", "Advertisement",
    "Story continues below advertisement", "Share this article", "Click to share on Twitter",
    "Subscribe to our newsletter for the latest updates.", "SIGN UP FOR OUR DAILY BRIEFING",
    "Page {n} of {m}", "{title}",
]
_TAIL_FURNITURE = [
    "Share on Facebook", "Tweet", "Print", "Comments ({n})", "Leave a comment",
    "Your email address will not be published.", "Required fields are marked *", "Post Comment",
    "Log in to reply", "* * *", "---", "Tags: {topic}, research", "Report an error",
    "Download our app to read more stories like this.", "Copyright 2021. All rights reserved.",
]
_RELATED_HEADINGS = [
    "Related articles", "MORE FROM {topic}", "You may also like", "Most popular", "Recommended for you",
    "Latest {topic} news", "Read next",
]
_MEDIA_PLACEHOLDERS = ["Video unavailable", "Photo", "Image", "Image Not Available"]


def _fill(template: str, teasers: list[str], title: str, rng: random.Random) -> str:
    n = rng.randint(2, 30)
    return template.format(
        n=n,
        m=n + rng.randint(0, 5),
        topic=rng.choice(_SECTIONS).upper() if re.sub(r"\{\w+\}", "", template).isupper() else rng.choice(_SECTIONS),
        teaser=teasers.pop() if "{teaser}" in template else "",
        title=title,
    )


def _furniture(title: str, distractors: Sequence[str], rng: random.Random, config: SyntheticConfig):
    """Furniture lines for the top, the middle and the end of one document (lists of line groups)."""
    # enough for the worst case: every item a related block of four teasers
    teasers = [_as_sentence(t) for t in rng.sample(list(distractors), 4 * config.furniture_items[1])]
    count = rng.randint(*config.furniture_items)
    head, middle, tail = [], [], []
    for _ in range(count):
        place = rng.random()
        if place < 0.3:
            head.append([_fill(rng.choice(_HEAD_FURNITURE), teasers, title, rng)])
        elif place < 0.6:
            middle.append([_fill(rng.choice(_MIDDLE_FURNITURE), teasers, title, rng)])
        elif place < 0.8:
            block = [_fill(rng.choice(_RELATED_HEADINGS), teasers, title, rng)]
            for _ in range(rng.randint(2, 4)):
                block.append(teasers.pop())
                if rng.random() < 0.3:
                    block.append(rng.choice(_MEDIA_PLACEHOLDERS))
            tail.append(block)
        else:
            tail.append([_fill(rng.choice(_TAIL_FURNITURE), teasers, title, rng)])
    return head, middle, tail


_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_NOT_AN_END = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|vs|etc|[A-Z])|\.[A-Za-z])\.$")


def _sentences(segment: str) -> list[str]:
    """A segment's sentences, by a plain rule (terminal punctuation, space, capital)."""
    segment = " ".join(segment.split())
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(segment):
        if _NOT_AN_END.search(segment[start:match.start() + 1]):
            continue
        pieces.append(segment[start:match.end()].strip())
        start = match.end()
    pieces.append(segment[start:].strip())
    return [_as_sentence(p) for p in pieces if re.search(r"[A-Za-z]", p)]


def _atoms(segments: Sequence[tuple[str, str]]) -> list[tuple[list[str], list[str]]]:
    """The smallest gold units of a window: sentence pairs where a segment has as many sentences on
    both sides (they follow each other in order), else the whole segment as one n:m unit."""
    atoms = []
    for reference, hypothesis in segments:
        ref, hyp = _sentences(reference), _sentences(hypothesis)
        if not ref or not hyp or len(ref) > 3 or len(hyp) > 3:
            continue
        if len(ref) == len(hyp):
            atoms += [([r], [h]) for r, h in zip(ref, hyp)]
        else:
            atoms.append((ref, hyp))
    return atoms


def _units(segments: Sequence[tuple[str, str]], rng: random.Random, config: SyntheticConfig) -> list[_Unit]:
    vocabulary = {w for pair in segments for text in pair for w in re.findall(r"\b[a-z’']+\b", text)}
    atoms = _atoms(segments)
    units: list[_Unit] = []
    i = 0
    while i < len(atoms):
        draw = rng.random()
        side = rng.choice(["reference", "candidate"])
        width = 3 if draw < config.triple_rate else 2 if draw < config.triple_rate + config.merge_rate else 1
        run = atoms[i:i + width]
        if width > 1 and len(run) == width and all(len(r) == len(c) == 1 for r, c in run):
            ref, cand = [r[0] for r, _ in run], [c[0] for _, c in run]
            if side == "reference":
                ref = [_join(ref, vocabulary, rng)]
            else:
                cand = [_join(cand, vocabulary, rng)]
            i += width
        else:
            ref, cand = list(atoms[i][0]), list(atoms[i][1])
            split = draw >= config.triple_rate + config.merge_rate and \
                draw < config.triple_rate + config.merge_rate + config.split_rate
            if split and len(ref) == len(cand) == 1:
                if side == "reference":
                    ref = _split(ref[0]) or ref
                else:
                    cand = _split(cand[0]) or cand
            i += 1
        unit = _Unit(len(units), ref, cand)
        if len(ref) == len(cand) == 1:
            _rewrite(unit, vocabulary, rng, config)
        units.append(unit)
    for unit in units:
        if rng.random() < config.delete_rate:
            unit.reference = []
        if rng.random() < config.delete_rate:
            unit.candidate = []
    return units


def _rewrite(unit: _Unit, vocabulary: set[str], rng: random.Random, config: SyntheticConfig) -> None:
    """Make a 1:1 unit partial or a clause-order paraphrase, at the config's rates (no draw at rate 0)."""
    if config.partial_rate and rng.random() < config.partial_rate:
        side = rng.choice(["reference", "candidate"])
        part = _part(getattr(unit, side)[0], rng)
        if part:
            setattr(unit, side, [part])
            unit.kind = "partial"
            return
    if config.clause_order_rate and rng.random() < config.clause_order_rate:
        moved = _clause_order(unit.candidate[0], vocabulary)
        if moved:
            unit.candidate = [moved]
            unit.kind = "clause order"


def _paragraphs(units: list[_Unit], rng: random.Random, config: SyntheticConfig) -> list[list[_Unit]]:
    paragraphs, i = [], 0
    while i < len(units):
        size = rng.randint(*config.paragraph_sizes)
        paragraphs.append(units[i:i + size])
        i += size
    return paragraphs


def _render(paragraphs: list[list[tuple[str, int]]], head, middle, tail, rng: random.Random) -> SyntheticDocument:
    """Lay out paragraphs (lists of (sentence, unit)) and furniture groups as text with gold spans."""
    blocks: list[list[list[tuple[str, int | None]]]] = []  # block -> lines -> pieces
    blocks += [[[(line, None)] for line in group] for group in head]
    body = [[list(p)] for p in paragraphs if p]
    for group in middle:
        body.insert(rng.randint(1, max(1, len(body))), [[(line, None)] for line in group])
    blocks += body
    blocks += [[[(line, None)] for line in group] for group in tail]
    text, spans = "", []
    for b, block in enumerate(blocks):
        if b:
            text += "\n\n"
        for l, line in enumerate(block):
            if l:
                text += "\n"
            for p, (piece, unit) in enumerate(line):
                if p:
                    text += " "
                spans.append(Span(len(text), len(text) + len(piece), unit))
                text += piece
    return SyntheticDocument(text + "\n", tuple(spans))


def make_pair(
    name: str,
    segments: Sequence[tuple[str, str]],
    distractors: Sequence[str],
    rng: random.Random,
    config: SyntheticConfig = SyntheticConfig(),
) -> SyntheticPair:
    """One comparable pair from parallel ``(reference, hypothesis)`` segments; ``distractors`` are
    sentences of other texts, used as related-story teasers."""
    units = _units(segments, rng, config)
    paragraphs = _paragraphs(units, rng, config)
    documents = {}
    for side in ("reference", "candidate"):
        order = list(paragraphs)
        if side == "candidate":
            rng.shuffle(order)
        laid_out = [[(s, u.uid) for u in p for s in getattr(u, side)] for p in order]
        content = [s for p in laid_out for s, _ in p]
        head, middle, tail = _furniture(content[0] if content else "", distractors, rng, config)
        documents[side] = _render(laid_out, head, middle, tail, rng)
    kinds = {u.uid: u.kind for u in units if u.kind != "whole"}
    return SyntheticPair(name, documents["reference"], documents["candidate"], kinds)


def load_talks(path: Path = DATA) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(talk, system) -> the talk's (reference, hypothesis) segments in order."""
    talks: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            talks.setdefault((row["doc"], row["system"]), []).append(
                (row["seg_id"], row["reference"], row["hypothesis"])
            )
    return {key: [(r, h) for _, r, h in sorted(rows)] for key, rows in talks.items()}


def ted_pairs(
    seed: int, window: int = 30, limit: int | None = None, config: SyntheticConfig = SyntheticConfig()
) -> list[SyntheticPair]:
    """Synthetic pairs from the TED data: each talk cut into windows of about ``window`` segments,
    each window paired once per system; teasers come from the other talks."""
    rng = random.Random(seed)
    talks = load_talks()
    pairs = []
    for (talk, system), segments in sorted(talks.items()):
        n_windows = max(1, round(len(segments) / window))
        size = -(-len(segments) // n_windows)
        distractors = [r for (other, s), rows in talks.items() if other != talk and s == system for r, _ in rows]
        for w in range(n_windows):
            chunk = segments[w * size:(w + 1) * size]
            pairs.append(make_pair(f"{talk}-{system}-{w}", chunk, distractors, rng, config))
            if limit is not None and len(pairs) >= limit:
                return pairs
    return pairs


def _owner(spans: tuple[Span, ...], start: int, end: int) -> Span | None:
    """The gold span that overlaps [start, end) the most."""
    best, best_overlap = None, 0
    for span in spans:
        overlap = min(end, span.end) - max(start, span.start)
        if overlap > best_overlap:
            best, best_overlap = span, overlap
    return best


def sentence_units(document: SyntheticDocument, sentences) -> dict[int, int | None]:
    """sent_id -> its gold unit (None for furniture), for any segmentation of the document."""
    return {s.sent_id: owner.unit for s in sentences if (owner := _owner(document.spans, s.start, s.end))}


def gold_furniture(document: SyntheticDocument, sentences) -> set[int]:
    return {sent_id for sent_id, unit in sentence_units(document, sentences).items() if unit is None}


def gold_links(pair: SyntheticPair, candidate_sentences, reference_sentences) -> set[tuple[frozenset, frozenset]]:
    """The strict gold links: for each unit present on both sides, (candidate ids, reference ids)."""
    sides = []
    for document, sentences in ((pair.candidate, candidate_sentences), (pair.reference, reference_sentences)):
        by_unit: dict[int, set[int]] = {}
        for sent_id, unit in sentence_units(document, sentences).items():
            if unit is not None:
                by_unit.setdefault(unit, set()).add(sent_id)
        sides.append(by_unit)
    candidate, reference = sides
    return {(frozenset(candidate[u]), frozenset(reference[u])) for u in candidate.keys() & reference.keys()}


def gold_kinds(pair: SyntheticPair, candidate_sentences) -> dict[int, str]:
    """candidate sent_id -> the kind of its gold unit ("whole", "partial" or "clause order")."""
    return {sent_id: pair.kinds.get(unit, "whole")
            for sent_id, unit in sentence_units(pair.candidate, candidate_sentences).items() if unit is not None}
