"""Pseudo-projective lifting and lowering on hand-built trees."""
import pytest

from fastnlp.tokens.nonproj import (deprojectivize, deprojectivize_arrays, is_nonproj_arc,
                                    is_nonproj_tree, projectivize)
from fastnlp.tokens import Doc
from fastnlp.vocab import Vocab

# "A hearing is scheduled on the issue today": "on the issue" attaches to "hearing"
# across "is scheduled" (the classic example of Nivre & Nilsson 2005).
NP_HEADS = [1, 3, 3, 3, 1, 6, 4, 3]
NP_LABELS = ["det", "nsubj", "aux", "ROOT", "prep", "det", "pobj", "npadvmod"]


def test_is_nonproj():
    assert is_nonproj_tree(NP_HEADS)
    assert is_nonproj_arc(4, NP_HEADS)
    assert not is_nonproj_arc(1, NP_HEADS)
    assert not is_nonproj_tree([1, 1, 1])
    assert not is_nonproj_tree([0, 0, 2, 2])          # two sentences
    assert not is_nonproj_tree([None, 2, 2])


def test_projectivize_lifts_and_decorates():
    heads, labels = projectivize(NP_HEADS, NP_LABELS)
    assert heads == [1, 3, 3, 3, 3, 6, 4, 3]
    assert labels[4] == "prep||nsubj"
    assert labels[:4] == NP_LABELS[:4] and labels[5:] == NP_LABELS[5:]
    assert not is_nonproj_tree(heads)
    assert NP_HEADS == [1, 3, 3, 3, 1, 6, 4, 3]       # input untouched


def test_projective_tree_unchanged():
    assert projectivize([1, 1, 1], ["a", "ROOT", "b"]) == ([1, 1, 1], ["a", "ROOT", "b"])


@pytest.mark.parametrize("heads,labels", [
    (NP_HEADS, NP_LABELS),
    # Two crossing arcs: 0 -> 2 over 1, 1 -> 3 over 2; root 2... and a nested lift:
    ([2, 3, 2, 2], ["a", "b", "ROOT", "c"]),
    ([3, 1, 1, 1], ["det", "ROOT", "nsubj", "obj"]),
    # Multi-sentence doc with a non-projective arc in the second sentence.
    ([1, 1, 5, 2, 5, 5, 2], ["a", "ROOT", "x", "y", "z", "ROOT", "w"]),
    # A lifted token (5) whose original head (0) is lifted too.
    ([2, 4, 4, 4, 6, 0, 6], ["p", "q", "r", "s", "t", "u", "ROOT"]),
])
def test_round_trip(heads, labels):
    proj_heads, deco = projectivize(heads, labels)
    assert not is_nonproj_tree(proj_heads)
    assert deprojectivize_arrays(proj_heads, deco) == (list(heads), list(labels))


def test_missing_heads_pass_through():
    heads, labels = projectivize([None, 2, 2], [None, "a", "ROOT"])
    assert heads == [None, 2, 2]


def test_lowering_without_a_match_strips_the_decoration():
    assert deprojectivize_arrays([1, 1, 1], ["x||nope", "ROOT", "y"]) == \
        ([1, 1, 1], ["x", "ROOT", "y"])


def test_deprojectivize_doc():
    vocab = Vocab()
    proj_heads, deco = projectivize(NP_HEADS, NP_LABELS)
    doc = Doc(vocab, words=["w"] * 8, heads=proj_heads, deps=deco)
    deprojectivize(doc)
    assert [t.head.i for t in doc] == NP_HEADS and [t.dep_ for t in doc] == NP_LABELS


def test_bad_trees_raise():
    with pytest.raises(ValueError, match="cycle"):
        projectivize([1, 2, 0], ["a", "b", "c"])
    with pytest.raises(ValueError, match="outside"):
        is_nonproj_tree([3, 0])
    with pytest.raises(ValueError):
        projectivize([0, 0], ["a"])
