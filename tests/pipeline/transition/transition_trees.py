"""Random gold trees and move sequences for the transition-system tests."""
import random


def random_projective_heads(rng, start, end, heads):
    """Fill heads[start:end] with a random projective tree; returns its root."""
    root = rng.randrange(start, end)
    heads[root] = root
    _attach(rng, start, root, root, heads)
    _attach(rng, root + 1, end, root, heads)
    return root


def _attach(rng, start, end, head, heads):
    """Split [start, end) into projective subtrees whose roots attach to head."""
    i = start
    while i < end:
        j = rng.randrange(i + 1, end + 1)
        sub_root = random_projective_heads(rng, i, j, heads)
        heads[sub_root] = head
        i = j


def random_doc_tree(rng, n_tokens, n_sents=1):
    """Heads of a doc of n_sents consecutive projective trees (roots are own heads)."""
    heads = [0] * n_tokens
    cuts = sorted(rng.sample(range(1, n_tokens), n_sents - 1)) if n_sents > 1 else []
    bounds = [0] + cuts + [n_tokens]
    for start, end in zip(bounds, bounds[1:]):
        random_projective_heads(rng, start, end, heads)
    return heads


def random_labels(rng, heads, labels):
    return ["ROOT" if h == i else rng.choice(labels) for i, h in enumerate(heads)]


def run_random_then_oracle(rng, system, gold, state, n_random, closing_steps=None):
    """Apply n_random random valid moves, then random zero-cost moves to the end;
    returns the summed cost of every move. closing_steps (a list), if given, gets one
    entry per step taken while the state was closing (arc-eager)."""
    total = 0
    step = 0
    while not state.is_final:
        if closing_steps is not None and getattr(state, "closing", False):
            closing_steps.append(step)
        costs = system.costs(state, gold)
        if step < n_random:
            name = rng.choice(sorted(costs))
        else:
            zero = sorted(m for m, c in costs.items() if c == 0)
            assert zero, f"no zero-cost move: {state!r} {costs}"
            name = rng.choice(zero)
        total += costs[name]
        system.apply(state, name)
        step += 1
    return total


def state_after(system, n_tokens, moves):
    """A fresh state over n_tokens with the named moves applied."""
    state = system.init_state(n_tokens)
    for name in moves:
        system.apply(state, name)
    return state


def assert_exact_unless_closed(rng, system, gold, state, n_tokens, context):
    """Random moves, then the oracle: the loss equals the summed cost whenever no sentence
    had to be closed (closing may recover arcs an earlier move was charged for). Returns
    whether the trajectory was checked."""
    closing_steps = []
    total = run_random_then_oracle(rng, system, gold, state,
                                   rng.randrange(0, 2 * n_tokens + 1), closing_steps)
    if closing_steps:
        return False
    assert system.loss(state, gold) == total, context
    return True
