"""Alignment: character-based token maps, checked by hand and against spaCy's."""
import random
from pathlib import Path

import pytest

from fastnlp.training.alignment import (Alignment, AlignmentArray, AlignmentError,
                                        from_strings_reference)

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "spacy-interop"


def test_identical_tokens_align_one_to_one():
    align = Alignment.from_strings(["a", "b", "c"], ["a", "b", "c"])
    assert align.x2y.to_lists() == [[0], [1], [2]]
    assert align.y2x.to_lists() == [[0], [1], [2]]


def test_split_and_merged_tokens():
    align = Alignment.from_strings(["I", "can", "not", "go"], ["I", "cannot", "go"])
    assert align.x2y.to_lists() == [[0], [1], [1], [2]]
    assert align.y2x.to_lists() == [[0], [1, 2], [3]]
    assert list(align.x2y.lengths) == [1, 1, 1, 1]
    assert list(align.y2x.lengths) == [1, 2, 1]


def test_crossing_boundaries_many_to_many():
    align = Alignment.from_strings(["ab", "cd"], ["a", "bc", "d"])
    assert align.x2y.to_lists() == [[0, 1], [1, 2]]
    assert align.y2x.to_lists() == [[0], [0, 1], [1]]


def test_whitespace_is_ignored_and_space_tokens_align_to_nothing():
    align = Alignment.from_strings(["a", " ", "b\n"], ["a", "b"])
    assert align.x2y.to_lists() == [[0], [], [1]]
    assert align.y2x.to_lists() == [[0], [2]]


def test_case_mismatch_raises_naming_both_texts():
    with pytest.raises(AlignmentError) as err:
        Alignment.from_strings(["Hello", "world"], ["hello", "world"])
    assert "Hello world" in str(err.value) and "hello world" in str(err.value)


def test_different_text_raises():
    with pytest.raises(ValueError, match="different texts"):
        Alignment.from_strings(["abc"], ["abd"])


def test_empty():
    align = Alignment.from_strings([], [])
    assert len(align.x2y) == 0 and len(align.y2x) == 0


def test_alignment_array_slicing():
    array = AlignmentArray.from_lists([[0], [1, 2], [], [3]])
    assert array[1].tolist() == [1, 2]
    assert array[2].tolist() == []
    assert array[1:4].tolist() == [1, 2, 3]
    assert array[-1].tolist() == [3]
    with pytest.raises(IndexError):
        array[4]


def _retokenize(words, rng):
    """Merge some neighbours and split some words, keeping the characters."""
    out = []
    i = 0
    while i < len(words):
        word = words[i]
        roll = rng.random()
        if roll < 0.15 and i + 1 < len(words):
            out.append(word + words[i + 1])
            i += 2
            continue
        if roll < 0.3 and len(word) > 1:
            cut = rng.randrange(1, len(word))
            out.extend([word[:cut], word[cut:]])
        else:
            out.append(word)
        i += 1
    return out


def test_matches_spacy_on_ewt_retokenizations():
    if not (DATA / "ewt-dev200.spacy").exists():
        pytest.skip(f"shared data not found at {DATA}")
    import spacy
    from spacy.tokens import DocBin as SpacyDocBin
    from spacy.training import Alignment as SpacyAlignment

    nlp = spacy.blank("en")
    docs = list(SpacyDocBin().from_disk(DATA / "ewt-dev200.spacy").get_docs(nlp.vocab))
    rng = random.Random(7)
    for doc in docs[:120]:
        gold = [t.text for t in doc]
        pred = _retokenize(gold, rng)
        ours = Alignment.from_strings(pred, gold)
        theirs = SpacyAlignment.from_strings(pred, gold)
        assert ours.x2y.to_lists() == [list(r) for r in _rows(theirs.x2y, len(pred))]
        assert ours.y2x.to_lists() == [list(r) for r in _rows(theirs.y2x, len(gold))]


def _rows(array, n):
    return [array[i].tolist() for i in range(n)]


# The C kernel against the numpy reference.

_CHARS = "abcXYZ019.,'-éßΣ中\U0001d400"
_SPACES = [" ", "\n", "\t", "\u00a0", "\u3000", "\u2028"]


def _random_tokens(rng):
    words = ["".join(rng.choice(_CHARS) for _ in range(rng.randint(1, 6)))
             for _ in range(rng.randint(0, 25))]
    out = []
    for word in words:
        if rng.random() < 0.15:
            out.append(rng.choice(_SPACES))
        if rng.random() < 0.1:
            word = word + rng.choice(_SPACES) + rng.choice(_CHARS)
        out.append(word)
    return out


def _nonspace(words):
    return "".join(c for w in words for c in w if not c.isspace())


def _split_at_spaces(words, rng):
    """Another tokenization of the same non-space characters, whitespace moved around."""
    text = _nonspace(words)
    out = []
    i = 0
    while i < len(text):
        n = rng.randint(1, 5)
        out.append(text[i:i + n])
        if rng.random() < 0.2:
            out.append(rng.choice(_SPACES) * rng.randint(1, 2))
        i += n
    return out


def _same(fast, reference):
    for side in ("x2y", "y2x"):
        ours, theirs = getattr(fast, side), getattr(reference, side)
        assert ours == theirs
        assert ours.data.dtype == theirs.data.dtype and ours.lengths.dtype == theirs.lengths.dtype
        assert ours.starts.tolist() == theirs.starts.tolist()
        assert ours.ends.tolist() == theirs.ends.tolist()


@pytest.mark.parametrize("seed", range(3))
def test_kernel_matches_numpy_reference(seed):
    rng = random.Random(seed)
    for _ in range(400):
        x = _random_tokens(rng)
        y = _retokenize(x, rng) if rng.random() < 0.5 else _split_at_spaces(x, rng)
        _same(Alignment.from_strings(x, y), from_strings_reference(x, y))
        _same(Alignment.from_strings(y, x), from_strings_reference(y, x))


@pytest.mark.parametrize("seed", range(3))
def test_kernel_mismatch_reports_the_reference_message(seed):
    rng = random.Random(100 + seed)
    for _ in range(300):
        x = _random_tokens(rng)
        y = _split_at_spaces(x, rng)
        roll = rng.random()
        if roll < 0.4 and y:
            i = rng.randrange(len(y))
            y[i] = y[i] + rng.choice(_CHARS)
        elif roll < 0.7 and y:
            y.pop(rng.randrange(len(y)))
        else:
            y.append(rng.choice(_CHARS))
        if _nonspace(x) == _nonspace(y):
            continue
        with pytest.raises(AlignmentError) as reference:
            from_strings_reference(x, y)
        with pytest.raises(AlignmentError) as fast:
            Alignment.from_strings(x, y)
        assert str(fast.value) == str(reference.value)


def test_only_whitespace_on_one_side():
    align = Alignment.from_strings([" ", "\n"], [])
    assert align.x2y.to_lists() == [[], []] and align.y2x.to_lists() == []
    with pytest.raises(AlignmentError, match="character 0"):
        Alignment.from_strings([" "], ["a"])


def test_non_str_token_raises():
    with pytest.raises(TypeError, match="token 1"):
        Alignment.from_strings(["a", 1], ["a1"])


def test_identity_arrays_are_well_formed_and_not_shared():
    align = Alignment.from_strings(["a", " ", "b"], ["a", " ", "b"])
    assert align.x2y.starts.tolist() == [0, 1, 2] and align.x2y.ends.tolist() == [1, 2, 3]
    assert align.x2y == AlignmentArray.from_lists([[0], [1], [2]]) == align.y2x
    align.x2y.data[0] = 9
    assert align.y2x.data[0] == 0
