"""fastnlp/tokens/heads.pyx: the one head-cycle check, and the callers that share it."""
import random

import pytest

from fastnlp.errors import FormatError
from fastnlp.pipeline.transition import ArcEager, GoldError, projectivize
from fastnlp.tokens import Doc
from fastnlp.tokens.heads import head_cycle
from fastnlp.training.converters.conllu import conllu_to_records


def reference_cycle(heads):
    """Spec: walk each chain (at most n steps) in token order; the first that does not
    end loops, and its entry is the first token of the chain that its loop returns to."""
    n = len(heads)

    def step(j):
        h = heads[j]
        return None if h is None or not 0 <= h < n or h == j else h

    for i in range(n):
        chain = [i]
        while len(chain) <= n and step(chain[-1]) is not None:
            chain.append(step(chain[-1]))
        if len(chain) > n:
            return i, next(j for j in chain if chain.count(j) > 1)
    return None


def test_no_cycle():
    assert head_cycle([]) is None
    assert head_cycle([1, 1, 1, 2]) is None
    assert head_cycle([None, 0, 1]) is None


def test_self_loop_is_a_root_not_a_cycle():
    assert head_cycle([0]) is None
    assert head_cycle([0, 1, 2]) is None


def test_two_cycle():
    assert head_cycle([1, 0]) == (0, 0)
    assert head_cycle([0, 2, 1]) == (1, 1)


def test_chain_into_a_cycle_names_its_start_and_the_entry():
    assert head_cycle([1, 2, 1, 3]) == (0, 1)
    assert head_cycle([3, 3, 4, 2, 3]) == (0, 3)


def test_long_cycle():
    n = 500
    heads = [(i + 1) % n for i in range(n)]
    assert head_cycle(heads) == (0, 0)
    heads = [0] + [i + 1 for i in range(1, n - 1)] + [1]
    assert head_cycle(heads) == (1, 1)


def test_heads_outside_the_range_end_their_chain():
    assert head_cycle([5, 0]) is None
    assert head_cycle([-1, 0]) is None
    assert head_cycle([-7, 0, 1]) is None
    assert head_cycle([2 ** 40, 0]) is None
    assert head_cycle([1, 0, 99]) == (0, 0)


def test_matches_the_reference_on_random_heads():
    rng = random.Random(0)
    for _ in range(2000):
        n = rng.randint(1, 9)
        heads = [rng.choice([None, -1, n, *range(n)]) for _ in range(n)]
        assert head_cycle(heads) == reference_cycle(heads), heads


# The callers keep their own messages ----------------------------------------------

def test_doc_names_a_token_on_the_cycle(vocab):
    with pytest.raises(ValueError, match="Doc: the heads form a cycle through token 1"):
        Doc(vocab, words=list("abcd"), heads=[1, 2, 1, 3], deps=["x", "y", "z", "ROOT"])


def test_gold_names_the_first_token_on_a_looping_chain(vocab):
    system = ArcEager(vocab.strings, ["x"])
    with pytest.raises(GoldError, match="gold: the heads from token 1 form a cycle"):
        system.init_gold_arrays([0, 3, 3, 2], ["ROOT", "x", "x", "x"])
    system.init_gold_arrays([None, 0, 1, None], ["", "x", "x", ""])


def test_nonproj_names_the_first_token_on_a_looping_chain():
    with pytest.raises(ValueError, match="the heads from token 2 form a cycle through token 2"):
        projectivize([0, 0, 3, 2], ["ROOT", "x", "y", "z"])
    with pytest.raises(TypeError):  # freed on any error (scripts/asan.sh checks leaks)
        projectivize([0, "1"], ["ROOT", "x"])


def test_conllu_names_the_token_and_line_where_the_loop_closes():
    rows = [("1", "0"), ("2", "3"), ("3", "4"), ("4", "3")]
    text = "# sent_id = 1\n" + "".join(
        f"{i}\tw{i}\tw\tX\t_\t_\t{h}\tdep\t_\t_\n" for i, h in rows)
    with pytest.raises(FormatError, match=r"c\.conllu:4: heads form a cycle through token 3"):
        list(conllu_to_records(text, source="c.conllu"))
