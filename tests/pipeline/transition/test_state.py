"""State (include/fastnlp_state.h through the State wrapper): stack, buffer, arcs."""
import pytest

from fastnlp.pipeline.transition import State


def test_initial_state():
    st = State(4)
    assert st.stack == [] and st.buffer == [0, 1, 2, 3]
    assert st.S(0) == -1 and st.B(0) == 0 and st.B(3) == 3 and st.B(4) == -1
    assert st.heads == [-1] * 4 and not st.is_final


def test_push_pop_and_final():
    st = State(2)
    st.push()
    assert st.S(0) == 0 and st.B(0) == 1
    st.push()
    assert st.stack == [0, 1] and st.S(1) == 0 and st.is_final
    st.pop()
    assert st.stack == [0]
    with pytest.raises(IndexError):
        st.push()


def test_empty_state_is_final():
    assert State(0).is_final
    with pytest.raises(IndexError):
        State(0).pop()


def test_children_cache_keeps_outermost_first():
    st = State(7)
    st.add_arc(3, 2, 5)
    st.add_arc(3, 0, 5)
    st.add_arc(3, 1, 5)
    assert (st.L(3, 1), st.L(3, 2), st.n_L(3)) == (0, 1, 3)
    st.add_arc(3, 4, 5)
    st.add_arc(3, 6, 5)
    assert (st.R(3, 1), st.R(3, 2), st.n_R(3)) == (6, 4, 2)
    assert st.L(3, 3) == -1 and st.R(0, 1) == -1
    assert st.H(0) == 3 and st.labels[0] == 5


def test_del_arc_rebuilds_the_cache():
    st = State(7)
    for child in (0, 1, 2):
        st.add_arc(3, child)
    st.del_arc(0)
    assert (st.L(3, 1), st.L(3, 2), st.n_L(3)) == (1, 2, 2)
    assert st.H(0) == -1
    st.add_arc(3, 6)
    st.del_arc(6)
    assert st.R(3, 1) == -1 and st.n_R(3) == 0


def test_add_arc_twice_raises():
    st = State(3)
    st.add_arc(1, 0)
    with pytest.raises(ValueError):
        st.add_arc(2, 0)
    with pytest.raises(IndexError):
        st.add_arc(5, 1)


def test_copy_is_independent():
    st = State(3)
    st.push()
    other = st.copy()
    other.push()
    assert st.stack == [0] and other.stack == [0, 1]
