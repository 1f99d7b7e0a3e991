"""Stage 3, mark non-content: page furniture and boilerplate are marked with a reason, never dropped.

Web pages wrap a story in furniture: section and credit lines, teasers, share and comment widgets,
promotions, related-story blocks, repeated headlines. Each detector looks at one kind of general
evidence and returns ``{sent_id: reason}``:

- structure and length: a stand-alone line of a few words with no sentence punctuation (a label, a
  button, a credit, a date or page counter), a line with no words at all;
- position: a short fragment at the end of a line, after its sentence (a counter such as
  "Finished 2"); the lines that follow a related-story heading;
- casing: a line written in capitals (a section banner or a promotion);
- lexical cues: words that only furniture uses (teaser prefixes, comment forms, sharing, subscription,
  image placeholders, unfilled templates such as "%s"); configurable;
- repetition: a sentence printed again (the first occurrence stays content);
- similarity to the rest of the document: which lines after a related-story heading are teasers
  about something else, and where the story resumes;
- vocabulary shared with the rest of the document and with the other documents (the references, for
  a candidate): a short headline-shaped line whose words appear nowhere else is the headline of
  another story.

Detectors run in registry order; the first reason found for a sentence wins. Which detectors run and
their thresholds are configurable (:class:`NonContentConfig`). Detectors that compare a sentence with
the rest of the document need sentence embeddings; without an encoder they mark nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Sequence

import numpy as np

from mtqa.core.exceptions import InputError
from mtqa.core.records import Document, Encoder, Sentence

# Lexical cues, by kind. Teaser prefixes count at the start of any line; the other cues only on
# lines short enough to be widgets (``cue_max_words``), so a story that mentions "subscribers" or
# "photos" is not touched.
TEASER_PREFIXES = (
    r"(?:read|see|watch|listen)(?: also| more| next)?\s*[:|]", r"(?:also|further) read(?:ing)?\b",
    r"related\s*[:|]", r"more\s*[:|]", r"recommended\s*[:|]", r"click here\b",
)
RELATED_HEADINGS = (
    r"\brelated\b", r"\bsimilar (?:articles|stories|posts|news)\b", r"\b(?:more|latest|top|popular|trending)\b.*\b(?:stories|news|articles|posts|videos)\b",
    r"\bmore (?:from|in|on)\b", r"\bmost (?:read|popular|viewed|shared)\b", r"\byou (?:may|might) (?:also )?like\b",
    r"\brecommended\b", r"\bread next\b", r"\bwhat to read next\b", r"\bdon'?t miss\b",
)
WIDGET_CUES = (
    # comment and login forms
    r"\bleave a (?:reply|comment)\b", r"\bpost (?:a )?comment\b", r"\bemail address will not be published\b",
    r"\brequired fields\b", r"\bcommenting using\b", r"\blog ?(?:in|out)\b", r"\bsign ?(?:in|up)\b",
    r"\bfill in your details\b", r"\bnotify me\b", r"\bcomments? \(\d+\)",
    # sharing and following
    r"\bshare (?:this|on|via)\b", r"\bclick to\b", r"\bfollow us\b", r"^(?:tweet|email|print|share)$",
    # promotion and subscription
    r"\bsubscribe\b", r"\bnewsletter\b", r"\bget the best of\b", r"\bdownload (?:our|the) app\b",
    r"\badvertisement\b", r"\bsponsored\b", r"\bjoin the conversation\b", r"\bdaily briefing\b",
    # media placeholders and credits
    r"\b(?:image|photo|picture|video)s? (?:not )?(?:available|unavailable)\b", r"\b(?:photo|image|video)\s*:",
    r"\bgetty images\b", r"\ball rights reserved\b", r"©", r"\breport an error\b",
    r"\b\d+ min(?:ute)? read\b", r"^tags?\s*:",
)
TEMPLATE_PLACEHOLDER = r"%[sd]\b|\{\{|\}\}|\$\{\w+\}"


@dataclass(frozen=True)
class NonContentConfig:
    detectors: tuple[str, ...] | None = None  # the detectors to run, in registry order; None: all
    label_max_words: int = 4  # a stand-alone line this short, without sentence punctuation, is a label
    counter_max_words: int = 6  # ... or this short when it holds a number (a date, a page counter)
    fragment_max_words: int = 3  # a trailing fragment this short is a counter or a tag
    cue_max_words: int = 15  # widget cues count only on lines this short
    heading_max_words: int = 6  # a related-story heading is a short stand-alone line
    caps_min_letters: int = 4  # fewer capitals than this ("US", "IS") is an acronym, not a banner
    off_topic: float = 0.25  # cosine to the document's core below this: about something else
    story_max_words: int = 15  # a headline of another story is a stand-alone line this short
    teaser_prefixes: tuple[str, ...] = TEASER_PREFIXES
    related_headings: tuple[str, ...] = RELATED_HEADINGS
    widget_cues: tuple[str, ...] = WIDGET_CUES
    template_placeholder: str = TEMPLATE_PLACEHOLDER


_WORD = re.compile(r"[^\W\d_]{2,}|\d+")
_TERMINAL = re.compile(r"[.!?…][\"'”’»)\]]*$")
_LETTERS = re.compile(r"[^\W\d_]{2,}")
# A headline's colon: a few words, a colon, then the headline proper ("Battle for Tikrit: U.S. joins ...").
_HEADLINE_COLON = re.compile(r"^\W*(?:\S+\s+){0,4}\S*[^\W\d_]:\s+\S")
# Words too common to tell one story from another (headline small words included).
STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be been before being below between both but by
can could did do does doing down during each even ever every few for from further had has have having he her here
hers him his how if in into is it its just like made make many may me might more most much must my new no nor not
now of off on once one only or other our out over own said same says she should since so some such than that the
their them then there these they this those through to too under until up upon very was way we were what when where
which while who whom why will with without would yet you your
""".split())


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _normalised(text: str) -> str:
    return " ".join(w.lower() for w in _words(text))


class Page:
    """One document as the detectors see it: its sentences, its lines, and (with an encoder) how
    close each sentence is to what the document is about."""

    def __init__(self, document: Document, sentences: list[Sentence], config: NonContentConfig,
                 encode: Encoder | None, others: Sequence[str] = ()):
        self.document = document
        self.sentences = sentences
        self.config = config
        self.encode = encode
        self.others = tuple(others)  # the texts of the other documents (a candidate's references)

    @cached_property
    def other_stems(self) -> frozenset[str]:
        """The word stems (:func:`_stem`) of the other documents."""
        return frozenset(_stem(w) for text in self.others for w in _LETTERS.findall(text))

    @cached_property
    def lines(self) -> list[list[Sentence]]:
        """The sentences of each line (paragraph), in order."""
        lines: dict[int, list[Sentence]] = {}
        for s in self.sentences:
            lines.setdefault(s.paragraph, []).append(s)
        return list(lines.values())

    def line_text(self, sentence: Sentence) -> str:
        """The whole line a sentence belongs to, bullet excluded."""
        members = next(line for line in self.lines if line[0].paragraph == sentence.paragraph)
        return self.document.text[members[0].start:members[-1].end]

    @staticmethod
    def standalone(sentence: Sentence) -> bool:
        return sentence.line_start and sentence.line_end

    def is_heading(self, sentence: Sentence) -> bool:
        """A short stand-alone line without sentence punctuation."""
        return self.standalone(sentence) and len(_words(sentence.text)) <= self.config.heading_max_words \
            and not _TERMINAL.search(sentence.text)

    def is_story_headline(self, sentence: Sentence) -> bool:
        """A stand-alone line short enough for a headline, without sentence punctuation, shaped like one."""
        return self.standalone(sentence) and len(_words(sentence.text)) <= self.config.story_max_words \
            and not _TERMINAL.search(sentence.text) and _headline_shaped(sentence.text)

    @cached_property
    def vectors(self) -> dict[int, np.ndarray] | None:
        if self.encode is None or not self.sentences:
            return None
        return dict(zip((s.sent_id for s in self.sentences), self.encode([s.text for s in self.sentences])))

    @cached_property
    def core(self) -> np.ndarray | None:
        """What the document is about: the centroid of its substantial sentences (six words or more),
        recomputed over the half closest to the first estimate, so that a block of unrelated teasers
        does not pull it away."""
        if self.vectors is None:
            return None
        substantial = np.array([self.vectors[s.sent_id] for s in self.sentences if len(_words(s.text)) >= 6])
        if len(substantial) == 0:
            return None
        closeness = substantial @ _unit(substantial.mean(axis=0))
        closest = substantial[np.argsort(-closeness)[: (len(substantial) + 1) // 2]]
        return _unit(closest.mean(axis=0))

    def topicality(self, sentence: Sentence) -> float:
        """Cosine between the sentence and the document's core (requires :attr:`core`)."""
        return float(self.vectors[sentence.sent_id] @ self.core)


def _stem(word: str) -> str:
    """A crude stem that lets inflections meet: the first five letters, lower-cased."""
    return word.lower()[:5]


def _content_words(text: str) -> list[str]:
    """Words that carry a story: capitalised ones and words of five letters or more, stopwords aside."""
    return [w for w in _LETTERS.findall(text) if (w[0].isupper() or len(w) >= 5) and w.lower() not in STOPWORDS]


def _headline_shaped(text: str) -> bool:
    """Title case (three or more words of four letters or more, every one capitalised, small words
    aside) or a headline's colon ("Battle for Tikrit: ...")."""
    long_words = [w for w in _LETTERS.findall(text) if len(w) >= 4 and w.lower() not in STOPWORDS]
    title_case = len(long_words) >= 3 and all(w[0].isupper() for w in long_words)
    return title_case or bool(_HEADLINE_COLON.search(text))


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


Detector = Callable[[Page], dict[int, str]]
DETECTORS: dict[str, Detector] = {}


def detector(name: str) -> Callable[[Detector], Detector]:
    def register(function: Detector) -> Detector:
        DETECTORS[name] = function
        return function

    return register


def _matches(patterns: tuple[str, ...], text: str) -> str | None:
    for pattern in patterns:
        match = re.search(pattern, text, flags=re.IGNORECASE)
        if match:
            return match.group(0)
    return None


@detector("no-words")
def no_words(page: Page) -> dict[int, str]:
    """Lines with no word of two or more letters (", , , , ,")."""
    return {
        s.sent_id: "no words (punctuation or symbols only)"
        for s in page.sentences
        if not re.search(r"[^\W\d_]{2,}", s.text)
    }


@detector("template")
def template(page: Page) -> dict[int, str]:
    """An unfilled template placeholder ("Connecting to %s"): text of the page's code, not its story."""
    return {
        s.sent_id: f"unfilled template placeholder {m.group(0)!r}"
        for s in page.sentences
        if (m := re.search(page.config.template_placeholder, s.text))
    }


@detector("teaser")
def teaser(page: Page) -> dict[int, str]:
    """A line opening with a teaser prefix ("• Read also: ...", "See more: ...")."""
    marks = {}
    for s in page.sentences:
        if not s.line_start:
            continue
        line = page.line_text(s)
        cue = _matches(tuple(f"^(?:{p})" for p in page.config.teaser_prefixes), line)
        if cue:
            for other in page.sentences:
                if other.paragraph == s.paragraph:
                    marks[other.sent_id] = f"teaser line (opens with {cue.strip()!r})"
    return marks


@detector("related-heading")
def related_heading(page: Page) -> dict[int, str]:
    """A short stand-alone heading announcing other stories ("RELATED STORIES", "Similar articles")."""
    return {
        s.sent_id: f"related-story heading ({cue!r})"
        for s in page.sentences
        if page.is_heading(s) and (cue := _matches(page.config.related_headings, s.text))
    }


@detector("widget")
def widget(page: Page) -> dict[int, str]:
    """A short line with words that only page widgets use (comment forms, sharing, subscriptions)."""
    marks = {}
    for s in page.sentences:
        line = page.line_text(s)
        if len(_words(line)) > page.config.cue_max_words:
            continue
        cue = _matches(page.config.widget_cues, line.strip(" .!*:|-–—"))
        if cue:
            marks[s.sent_id] = f"page widget ({cue!r})"
    return marks


@detector("capitals")
def capitals(page: Page) -> dict[int, str]:
    """A stand-alone line in capitals: a section banner, a credit, a promotion."""
    marks = {}
    for s in page.sentences:
        letters = [c for c in s.text if c.isalpha()]
        if page.standalone(s) and len(letters) >= page.config.caps_min_letters and all(c.isupper() for c in letters):
            marks[s.sent_id] = "line in capitals (banner, credit or promotion)"
    return marks


@detector("label")
def label(page: Page) -> dict[int, str]:
    """A stand-alone line of a few words without sentence punctuation: a section name, a credit, a
    button, a caption placeholder ("World", "AFP-JIJI", "Google photo"), or, a little longer, a line
    with a number (a date line, "Page 2 of 5")."""
    marks = {}
    for s in page.sentences:
        if not page.standalone(s) or _TERMINAL.search(s.text):
            continue
        words = _words(s.text)
        if len(words) <= page.config.label_max_words:
            marks[s.sent_id] = f"short label line ({len(words)} word(s), no sentence punctuation)"
        elif len(words) <= page.config.counter_max_words and any(w.isdigit() for w in words):
            marks[s.sent_id] = "short line with a number and no sentence punctuation (date or counter)"
    return marks


@detector("fragment")
def fragment(page: Page) -> dict[int, str]:
    """A few words trailing a sentence on its line, with no sentence punctuation ("... East. Finished 2")."""
    return {
        s.sent_id: "short fragment trailing the line (counter or tag)"
        for s in page.sentences
        if s.line_end and not s.line_start and len(_words(s.text)) <= page.config.fragment_max_words
        and not _TERMINAL.search(s.text)
    }


@detector("repeated")
def repeated(page: Page) -> dict[int, str]:
    """A sentence printed again (a headline repeated between paragraphs): the first occurrence is
    content, the repeats are not."""
    first: dict[str, int] = {}
    marks = {}
    for s in page.sentences:
        key = _normalised(s.text)
        if not key:
            continue
        if key in first:
            marks[s.sent_id] = f"repeats sentence {first[key]}"
        else:
            first[key] = s.sent_id
    return marks


@detector("related-block")
def related_block(page: Page) -> dict[int, str]:
    """The teasers under a related-story heading: the lines after it that are about something else
    than the document (short lines such as "Image Not Available" included). The block ends at the
    first line back on topic: some sites print the heading where the widget was, with the story
    going on below it."""
    if page.core is None:
        return {}
    marks = {}
    for number, line in enumerate(page.lines):
        heading = line[0]
        if len(line) > 1 or not page.is_heading(heading) or not _matches(page.config.related_headings, heading.text):
            continue
        for following in page.lines[number + 1:]:
            closeness = max(page.topicality(s) for s in following)
            if closeness >= page.config.off_topic and not all(page.is_heading(s) for s in following):
                break
            for s in following:
                marks[s.sent_id] = f"related-story teaser under {heading.text!r} (similarity {closeness:.2f} to the document)"
    return marks


@detector("other-story")
def other_story(page: Page) -> dict[int, str]:
    """The headline of another story (a teaser, a link to another article): a short stand-alone line
    without sentence punctuation, in title case or with a headline's colon, with a distinctive word
    (capitalised, or of five letters or more) that appears nowhere else in the document nor in the
    other documents (a candidate's references), and fewer than half of its content words that do.
    Words meet by their first five letters ("fighting" and "fight")."""
    marks = {}
    for s in page.sentences:
        if not page.is_story_headline(s):
            continue
        words = _content_words(s.text)
        key = _normalised(s.text)
        elsewhere = {
            _stem(w) for other in page.sentences if _normalised(other.text) != key for w in _LETTERS.findall(other.text)
        } | page.other_stems
        stems = {_stem(w) for w in words}
        absent = list(dict.fromkeys(w.lower() for w in words if _stem(w) not in elsewhere))
        if absent and 2 * len(stems & elsewhere) < len(stems):
            shown = ", ".join(repr(w) for w in absent[:3])
            marks[s.sent_id] = f"headline of another story (its words {shown} appear nowhere else)"
    return marks


def mark_non_content(
    document: Document,
    sentences: list[Sentence],
    enabled: list[str] | None = None,
    encode: Encoder | None = None,
    config: NonContentConfig = NonContentConfig(),
    others: Sequence[str] = (),
) -> dict[int, str]:
    """``{sent_id: reason}`` for the sentences that are not content. ``enabled`` names the detectors
    to run (default: ``config.detectors``, else all of :data:`DETECTORS`); ``encode`` gives the similarity-based ones their
    sentence embeddings; ``others`` are the texts of the other documents (the references, when marking
    a candidate), whose words a headline of another story lacks."""
    enabled = config.detectors if enabled is None else enabled
    unknown = set(enabled or ()) - set(DETECTORS)
    if unknown:

        raise InputError(None, f"unknown non-content detector(s): {', '.join(sorted(unknown))}")
    page = Page(document, sentences, config, encode, others)
    marks: dict[int, str] = {}
    for name, function in DETECTORS.items():
        if enabled is not None and name not in enabled:
            continue
        for sent_id, reason in function(page).items():
            marks.setdefault(sent_id, reason)
    return dict(sorted(marks.items()))
