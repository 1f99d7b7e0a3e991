"""Casing: a sentence that starts in lower case, and names (demonyms, proper nouns, titles before a
name, acronyms) written in lower case."""

from __future__ import annotations

import re

from mtqa.checks.evidence import Segment, acronym_key
from mtqa.checks.registry import Finding, check
from mtqa.checks.text import NAME_ENTITIES, capitalise, is_lower_word, is_prefix

# English demonyms end like these ("american", "iraqi", "chinese", "british", "french"); words of
# other NORP kinds ("jihadist", "democratic") are rightly written in lower case.
_DEMONYM_ENDING = re.compile(r"(?:an|ese|i|ish|ch)$")
_BEFORE_TITLE = {"ADP", "VERB", "AUX", "PUNCT", "CCONJ", "SCONJ"}  # "of president X", "said general X"
_FUNCTION_POS = {"DET", "ADP", "CCONJ", "SCONJ", "AUX", "PART"}
_LOWER_INITIALS = re.compile(r"\b(?:[a-z]\.\s?){2,}")
# Particles that names keep in lower case: "al-Muhandis", "Ursula von der Leyen", "Charles de Gaulle".
_NAME_PARTICLES = {"al", "el", "ad", "ar", "ash", "az", "bin", "ibn", "bint", "de", "del", "della", "der", "des", "di",
                   "da", "dos", "du", "la", "le", "van", "von", "zu"}


# The first word of a sentence, after any opening quotation marks. A sentence that opens with a
# bracket is an aside or a stage direction ("(laughter)"), whose casing is a house style.
_FIRST_WORD = re.compile(r"^[\"“‘«\s]*([^\W\d_]+)")


@check("sentence-casing", "fluency/spelling", "minor")
def sentence_casing(segment: Segment):
    """A sentence whose first word is written in lower case ("diplomatic relations with Qatar ...")."""
    for part in segment.parts:
        match = _FIRST_WORD.match(part.sentence.text)
        if match and is_lower_word(match.group(1)):
            word = match.group(1)
            start = part.offset + match.start(1)
            yield Finding(start, start + len(word), f"the sentence starts in lower case ('{word}')", capitalise(word))


@check("demonym-casing", "fluency/spelling", "minor")
def demonym_casing(segment: Segment):
    """A nationality or other demonym in lower case ("american", "iraqi")."""
    names = segment.context.reference_names
    for token in segment.analysis.doc:
        word = token.text
        if not is_lower_word(word) or token.ent_type_ != "NORP" or is_prefix(token):
            continue
        if _DEMONYM_ENDING.search(word) or word in names:
            yield Finding(token.idx, token.idx + len(word), f"the demonym '{word}' is written in lower case",
                          capitalise(word))


def _credible_name(token) -> bool:
    """spaCy tags odd lower-case words as names in informal text ("hee", "https"): trust a lower-case
    entity word only inside a name that is otherwise capitalised ("islamic State") or a place name of
    several words ("new york")."""
    following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    if token.like_url or (following is not None and following.text == ":"):
        return False  # "https:"
    entity = next(e for e in token.doc.ents if e.start <= token.i < e.end)
    capitalised = any(
        t.text[:1].isupper() and t.is_alpha and not t.is_stop and not t.is_sent_start for t in entity
    )
    return capitalised or (entity.label_ in {"GPE", "LOC"} and sum(t.is_alpha for t in entity) >= 2)


@check("proper-noun-casing", "fluency/spelling", "minor")
def proper_noun_casing(segment: Segment):
    """A proper noun in lower case: part of a named entity ("new york", "islamic State"), or a word the
    reference documents always capitalise."""
    names = segment.context.reference_names
    for token in segment.analysis.doc:
        word = token.text
        if not is_lower_word(word) or token.ent_type_ == "NORP" or token.is_stop or _name_particle(token):
            continue
        named = token.pos_ == "PROPN" and token.ent_type_ in NAME_ENTITIES and _credible_name(token)
        # A common noun ("state") is lower case here even if the references capitalise it in names.
        if named or (word in names and token.pos_ in {"PROPN", "ADJ"}):
            why = "part of a name" if named else "the reference documents always capitalise it"
            yield Finding(token.idx, token.idx + len(word), f"'{word}' is written in lower case ({why})",
                          capitalise(word))


def _name_particle(token) -> bool:
    """A particle inside a name ("al" of "al-Muhandis", "von" of "von der Leyen"): followed by a hyphen or
    by a capitalised word, it is lower case by convention."""
    if token.text not in _NAME_PARTICLES or token.i + 1 >= len(token.doc):
        return False
    following = token.doc[token.i + 1]
    return is_prefix(token) or following.text[:1].isupper() or following.text in _NAME_PARTICLES


@check("title-casing", "fluency/spelling", "minor")
def title_casing(segment: Segment):
    """A title in lower case directly before a person's name ("president Donald Trump")."""
    doc = segment.analysis.doc
    for token in doc:
        if token.ent_type_ != "PERSON" or token.ent_iob_ != "B" or token.i == 0:
            continue
        first = last = doc[token.i - 1]
        if not (is_lower_word(last.text) and last.pos_ in {"NOUN", "PROPN"} and last.dep_ == "compound"):
            continue
        while first.i > 0 and is_lower_word(doc[first.i - 1].text) and doc[first.i - 1].dep_ in {"compound", "amod"} \
                and doc[first.i - 1].head.i in {first.i, token.i, token.head.i} and not doc[first.i - 1].is_stop:
            first = doc[first.i - 1]
        if first.i > 0 and doc[first.i - 1].pos_ not in _BEFORE_TITLE:
            continue  # "the singer Adele", "his wife Jill", "Department spokesman X": a description
        start, end = first.idx, last.idx + len(last.text)
        title = segment.text[start:end]
        yield Finding(start, end, f"the title '{title}' before the name {token.text} is written in lower case",
                      " ".join(capitalise(w) for w in title.split(" ")))


@check("acronym-casing", "fluency/spelling", "minor")
def acronym_casing(segment: Segment):
    """An acronym in lower case ("the u. s.", "us soldiers") that the documents write in capitals."""
    known = segment.context.reference_acronyms | segment.context.candidate_acronyms
    for match in _LOWER_INITIALS.finditer(segment.text):
        letters = re.sub(r"[\s.]", "", match.group(0))
        if letters.upper() in known:
            start, end = match.start(), match.start() + len(match.group(0).rstrip())
            yield Finding(start, end, f"the initials '{segment.text[start:end]}' are written in lower case",
                          ".".join(letters.upper()) + ".")
    for token in segment.analysis.doc:
        word = token.text
        if not is_lower_word(word) or acronym_key(word) not in known or token.pos_ in _FUNCTION_POS:
            continue
        # A pronoun ("give us") is not a modifier: a lower-case acronym modifies a noun or follows a
        # determiner or a number ("two us military officials").
        previous = token.doc[token.i - 1] if token.i else None
        modifier = token.pos_ in {"PROPN", "ADJ"} or token.dep_ in {"compound", "nmod", "amod"}
        after_determiner = previous is not None and previous.pos_ in {"DET", "NUM"}
        if modifier or after_determiner:
            yield Finding(token.idx, token.idx + len(word), f"the acronym '{word}' is written in lower case",
                          word.upper())
