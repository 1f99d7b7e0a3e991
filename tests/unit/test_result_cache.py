"""The on-disk result cache, as a specification: a model output is computed once and read back
exactly; a run without the cache computes everything and writes nothing; an interrupted run keeps
what it finished; two processes may write one cache at once; a key is its texts, a namespace its
model's files."""

from __future__ import annotations

import multiprocessing
import struct

import numpy as np
import pytest

from mtqa.backends import result_cache
from mtqa.backends.encoder import (
    TokenVectors,
    _decode_token_vectors,
    _encode_token_vectors,
)
from mtqa.backends.language_models import TokenSurprisal, _decode_tokens, _encode_tokens
from mtqa.backends.result_cache import FILE_NAME, cached, caching, fingerprint, text_key


def _floats(value: float) -> bytes:
    return struct.pack("<d", value)


def _value(value: bytes) -> float:
    return struct.unpack("<d", value)[0]


class Model:
    """Squares numbers, counting what it is asked to compute."""

    def __init__(self):
        self.computed: list[int] = []

    def __call__(self, texts):
        keys = [text_key(t) for t in texts]

        def compute(positions):
            for p in positions:
                self.computed.append(int(texts[p]))
                yield p, float(texts[p]) ** 2

        return cached("squares", keys, compute, _floats, _value)


def test_an_output_is_computed_once_and_read_back(tmp_path):
    model = Model()
    with caching(True, tmp_path):
        assert model(["2", "3"]) == [4.0, 9.0]
        assert model(["3", "4", "2"]) == [9.0, 16.0, 4.0]
    assert model.computed == [2, 3, 4]
    assert (tmp_path / FILE_NAME).is_file()


def test_without_the_cache_everything_is_computed_and_nothing_written(tmp_path, monkeypatch):
    model = Model()
    with caching(False, tmp_path):
        model(["2"])
        model(["2"])
    assert model.computed == [2, 2]
    assert not (tmp_path / FILE_NAME).exists()
    monkeypatch.setenv("MTQA_NO_CACHE", "1")  # the process default, when a run sets nothing
    monkeypatch.setenv("MTQA_CACHE_DIR", str(tmp_path))
    model(["2"])
    assert not (tmp_path / FILE_NAME).exists()
    monkeypatch.setenv("MTQA_NO_CACHE", "")
    model(["2"])
    model(["2"])
    assert model.computed == [2, 2, 2, 2]
    assert (tmp_path / FILE_NAME).is_file()


def test_an_interrupted_run_keeps_the_batches_it_finished(tmp_path):
    texts = [str(i) for i in range(result_cache.WRITE_EVERY + 10)]

    def failing(positions):
        for p in positions:
            if p == result_cache.WRITE_EVERY + 5:
                raise KeyboardInterrupt
            yield p, 1.0

    with caching(True, tmp_path):
        with pytest.raises(KeyboardInterrupt):
            cached("partial", [text_key(t) for t in texts], failing, _floats, _value)
        asked = []

        def resume(positions):
            asked.extend(positions)
            return ((p, 2.0) for p in positions)

        values = cached("partial", [text_key(t) for t in texts], resume, _floats, _value)
    assert asked == list(range(result_cache.WRITE_EVERY, len(texts)))
    assert values == [1.0] * result_cache.WRITE_EVERY + [2.0] * 10


def _write(directory, offset):
    with caching(True, directory):
        keys = [text_key(str(i)) for i in range(2000)]
        for start in range(0, 2000, 100):  # many small transactions, interleaved with the other writer
            cached("shared", keys[start : start + 100],
                   lambda positions, s=start: ((p, float(s + p + offset)) for p in positions), _floats, _value)


def test_two_processes_write_one_cache_at_once(tmp_path):
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_write, args=(tmp_path, offset)) for offset in (0, 0)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
    assert [writer.exitcode for writer in writers] == [0, 0]
    with caching(True, tmp_path):
        values = cached("shared", [text_key(str(i)) for i in range(2000)],
                        lambda positions: pytest.fail("every value is in the cache"), _floats, _value)
    assert values == [float(i) for i in range(2000)]


def test_a_key_is_its_texts_and_a_namespace_its_models_files(tmp_path):
    assert text_key("ab", "c") != text_key("a", "bc")
    assert text_key("context", "text") == text_key("context", "text")
    weights = tmp_path / "model" / "weights.bin"
    weights.parent.mkdir()
    weights.write_bytes(b"one")
    before = fingerprint(weights.parent)
    assert fingerprint(weights.parent) == before
    weights.write_bytes(b"other weights")
    assert fingerprint(weights.parent) != before
    assert fingerprint("org/hub-model") == "org/hub-model"


def test_entries_hold_exactly_what_the_models_gave():
    tokens = (TokenSurprisal(0, 3, 1.0000000000000002), TokenSurprisal(3, 9, 17.25), TokenSurprisal(9, 10, 1e-300))
    assert _decode_tokens(_encode_tokens(tokens)) == tokens
    assert _decode_tokens(_encode_tokens(())) == ()
    rng = np.random.default_rng(0)
    pieces = TokenVectors(np.array([[0, 2], [3, 7]]), rng.standard_normal((2, 384)).astype(np.float32))
    decoded = _decode_token_vectors(_encode_token_vectors(pieces))
    assert np.array_equal(decoded.offsets, pieces.offsets) and np.array_equal(decoded.vectors, pieces.vectors)
    empty = TokenVectors(np.zeros((0, 2), dtype=np.int64), np.zeros((0, 384), dtype=np.float32))
    assert _decode_token_vectors(_encode_token_vectors(empty)).vectors.shape == (0, 384)
