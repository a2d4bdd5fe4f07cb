"""DependencyMatcher: each REL_OP against its definition on a hand-built tree, the API
(add, remove, get, len, in, on_match, pickling, spans, extensions), pattern errors, and
the same matches in the same order as spaCy 3.8's on EWT dev with gold trees."""
import pickle
import warnings
from itertools import product

import pytest
from hypothesis import given, settings, strategies as st

from fastnlp.matcher import DependencyMatcher, MatchPatternError
from fastnlp.tokens import Doc

WORDS = ["The", "quick", "brown", "fox", "jumped", "over", "the", "lazy", "fox"]
HEADS = [3, 3, 3, 4, 4, 4, 8, 8, 5]
DEPS = ["det", "amod", "amod", "nsubj", "ROOT", "prep", "det", "amod", "pobj"]
OPS = ["<", ">", "<<", ">>", ".", ".*", ";", ";*", "$+", "$-", "$++", "$--",
       ">+", ">-", ">++", ">--", "<+", "<-", "<++", "<--"]


@pytest.fixture
def doc(vocab):
    return Doc(vocab, words=WORDS, heads=HEADS, deps=DEPS)


def _ancestors(heads, i):
    out = []
    while heads[i] != i:
        i = heads[i]
        out.append(i)
    return out


def holds(op, heads, a, b):
    """`a op b` from the operator table of spaCy's docs, for a and b in one tree; a
    root's "siblings" are its own children, as spaCy computes them."""
    h = heads[a]
    child_of = lambda x, p: x != p and heads[x] == p  # noqa: E731
    return {
        "<": h != a and b == h, ">": child_of(b, a),
        "<<": b in _ancestors(heads, a), ">>": a in _ancestors(heads, b),
        ".": b == a + 1, ".*": b > a, ";": b == a - 1, ";*": b < a,
        "$+": b == a + 1 and child_of(b, h), "$-": b == a - 1 and child_of(b, h),
        "$++": b > a and child_of(b, h), "$--": b < a and child_of(b, h),
        ">+": b == a + 1 and child_of(b, a), ">-": b == a - 1 and child_of(b, a),
        ">++": b > a and child_of(b, a), ">--": b < a and child_of(b, a),
        "<+": h == a + 1 and b == h, "<-": h == a - 1 and b == h,
        "<++": h > a and b == h, "<--": h < a and b == h,
    }[op]


def two_nodes(op, left=None, right=None):
    return [{"RIGHT_ID": "a", "RIGHT_ATTRS": left or {}},
            {"LEFT_ID": "a", "REL_OP": op, "RIGHT_ID": "b", "RIGHT_ATTRS": right or {}}]


@pytest.mark.parametrize("op", OPS)
def test_each_operator_matches_its_definition(vocab, op):
    # two trees: tokens 0-8 as above, 9-11 a second sentence rooted at 10
    words = WORDS + ["it", "rained", "."]
    heads = HEADS + [10, 10, 10]
    doc = Doc(vocab, words=words, heads=heads, deps=DEPS + ["nsubj", "ROOT", "punct"])
    matcher = DependencyMatcher(vocab)
    matcher.add("R", [two_nodes(op)])
    roots = [_ancestors(heads, i)[-1] if heads[i] != i else i for i in range(len(heads))]
    expected = [[a, b] for tree in (4, 10) for a, b in product(range(len(words)), repeat=2)
                if roots[a] == roots[b] == tree and holds(op, heads, a, b)]
    assert [ids for _, ids in matcher(doc)] == expected
    assert expected


@pytest.mark.parametrize("left,op,right,expected", [
    ("fox", "<", "jumped", [[3, 4]]),
    ("fox", ">", "lazy", [[8, 7]]),
    ("the", "<<", "fox", [[0, 3], [6, 8]]),
    ("over", ">>", "the", [[5, 6]]),
    ("quick", "$+", "brown", [[1, 2]]),
    ("brown", "$--", "the", [[2, 0]]),
    ("jumped", ">+", "over", [[4, 5]]),
    ("fox", ">-", "brown", [[3, 2]]),
    ("over", "<-", "jumped", [[5, 4]]),
    ("the", "<++", "fox", [[0, 3], [6, 8]]),
    ("fox", "<--", "over", [[8, 5]]),
])
def test_operator_examples(vocab, doc, left, op, right, expected):
    matcher = DependencyMatcher(vocab)
    matcher.add("R", [two_nodes(op, {"LOWER": left}, {"LOWER": right})])
    assert [ids for _, ids in matcher(doc)] == expected


def test_token_ids_in_node_order_and_match_order(vocab, doc):
    matcher = DependencyMatcher(vocab)
    pattern = [
        {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"ORTH": "jumped"}},
        {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "subj", "RIGHT_ATTRS": {"DEP": "nsubj"}},
        {"LEFT_ID": "subj", "REL_OP": ">", "RIGHT_ID": "mod", "RIGHT_ATTRS": {"DEP": "amod"}},
        {"LEFT_ID": "verb", "REL_OP": ">>", "RIGHT_ID": "any", "RIGHT_ATTRS": {"LOWER": "the"}},
    ]
    matcher.add("SVO", [pattern])
    key = vocab.strings["SVO"]
    # node 0 slowest, the last node fastest, each over its candidates in token order
    assert matcher(doc) == [(key, [4, 3, 1, 0]), (key, [4, 3, 1, 6]),
                            (key, [4, 3, 2, 0]), (key, [4, 3, 2, 6])]


def test_nodes_may_share_a_token(vocab, doc):
    matcher = DependencyMatcher(vocab)
    pattern = two_nodes(">", {"ORTH": "jumped"}) + [
        {"LEFT_ID": "a", "REL_OP": ">", "RIGHT_ID": "c", "RIGHT_ATTRS": {}}]
    matcher.add("P", [pattern])
    assert [ids for _, ids in matcher(doc)] == [[4, b, c] for b in (3, 5) for c in (3, 5)]


def test_keys_in_order_added_and_patterns_in_order(vocab, doc):
    matcher = DependencyMatcher(vocab)
    matcher.add("B", [two_nodes("<", {"ORTH": "over"})])
    matcher.add("A", [two_nodes(">", {"ORTH": "fox"}), two_nodes("<", {"ORTH": "lazy"})])
    matcher.add("B", [two_nodes(".", {"ORTH": "jumped"})])
    names = [(vocab.strings[k], ids) for k, ids in matcher(doc)]
    assert names == [("B", [5, 4]), ("B", [4, 5]), ("A", [3, 0]), ("A", [3, 1]),
                     ("A", [3, 2]), ("A", [8, 6]), ("A", [8, 7]), ("A", [7, 8])]


def test_trees_in_order_of_their_first_candidate(vocab):
    # two interleaved trees: {0, 2} rooted at 2 and {1, 3} rooted at 3
    doc = Doc(vocab, words=["a", "b", "c", "d"], heads=[2, 3, 2, 3], deps=["x", "x", "R", "R"])
    matcher = DependencyMatcher(vocab)
    matcher.add("P", [two_nodes("<", {}, {})])
    assert [ids for _, ids in matcher(doc)] == [[0, 2], [1, 3]]
    matcher = DependencyMatcher(vocab)
    matcher.add("P", [two_nodes(";*", {"ORTH": {"IN": ["c", "d"]}})])
    assert [ids for _, ids in matcher(doc)] == [[2, 0], [3, 1]]


def test_int_keys_len_contains_get_remove(vocab, doc):
    matcher = DependencyMatcher(vocab)
    assert len(matcher) == 0 and "P" not in matcher
    patterns = [two_nodes(">", {"ORTH": "fox"})]
    matcher.add("P", patterns)
    matcher.add(7, [two_nodes("<", {"ORTH": "over"})])
    assert len(matcher) == 2 and "P" in matcher and 7 in matcher
    assert matcher.get("P") == (None, patterns)
    assert matcher.get("Q", "none") == "none"
    assert (7, [5, 4]) in matcher(doc)
    matcher.remove("P")
    assert "P" not in matcher and len(matcher) == 1
    assert matcher(doc) == [(7, [5, 4])]
    with pytest.raises(ValueError, match="no rule for 'P'"):
        matcher.remove("P")
    # a removed key's slots are gone: a new pattern with other attributes matches alone
    matcher.add("P", [two_nodes(">", {"ORTH": "flag"}, {"ORTH": "blue"})])
    assert matcher(doc) == [(7, [5, 4])]


def test_shared_attrs_survive_removal_of_one_user(vocab, doc):
    matcher = DependencyMatcher(vocab)
    matcher.add("A", [two_nodes("<", {"ORTH": "over"})])
    matcher.add("B", [two_nodes("<", {"ORTH": "over"})])
    matcher.remove("A")
    assert matcher(doc) == [(vocab.strings["B"], [5, 4])]


def test_on_match_called_per_match_with_the_list(vocab, doc):
    calls = []
    matcher = DependencyMatcher(vocab)
    matcher.add("P", [two_nodes(">", {"ORTH": "fox"})],
                on_match=lambda m, d, i, ms: calls.append((m, d, i, len(ms))))
    matcher.add("Q", [two_nodes(">", {"ORTH": "nothing"})], on_match=lambda *a: 1 / 0)
    matches = matcher(doc)
    assert calls == [(matcher, doc, i, len(matches)) for i in range(len(matches))]
    with pytest.raises(ValueError, match="on_match must be callable"):
        matcher.add("R", [two_nodes(">")], on_match="no")


def test_pickle_round_trip(vocab, doc):
    matcher = DependencyMatcher(vocab)
    matcher.add("P", [two_nodes(">>", {"ORTH": "jumped"})])
    matcher.add("Q", [two_nodes("$++", {"LOWER": "the"})])
    copy = pickle.loads(pickle.dumps(matcher))
    assert len(copy) == 2 and copy(doc) == matcher(doc) != []


def test_span_reattaches_heads_outside_as_spacy_does(vocab, doc):
    matcher = DependencyMatcher(vocab)
    matcher.add("P", [two_nodes("<", {}, {})])
    matcher.add("D", [[{"RIGHT_ID": "a", "RIGHT_ATTRS": {"DEP": "dep"}}]])
    # doc[2:7]: brown fox jumped over the; "the" (head 8, outside) hangs from "jumped",
    # the highest of its ancestors inside, with dep "dep"
    names = [(vocab.strings[k], ids) for k, ids in matcher(doc[2:7])]
    assert names == [("P", [0, 1]), ("P", [1, 2]), ("P", [3, 2]), ("P", [4, 2]),
                     ("D", [4])]
    # doc[6:9]: the lazy fox; "fox" (head "over", outside, no ancestor inside) is a root
    names = [(vocab.strings[k], ids) for k, ids in matcher(doc[6:9])]
    assert names == [("P", [0, 2]), ("P", [1, 2]), ("D", [2])]


def test_extension_attributes_on_doc_and_span(vocab):
    from fastnlp.tokens import Token
    Token.set_extension("dm_flag", default=False, force=True)
    try:
        doc = Doc(vocab, words=["a", "b", "c", "d"], heads=[0, 0, 0, 0], deps=["R", "x", "x", "x"])
        doc[2]._.dm_flag = True
        matcher = DependencyMatcher(vocab)
        matcher.add("E", [[{"RIGHT_ID": "e", "RIGHT_ATTRS": {"_": {"dm_flag": True}}}]])
        assert [ids for _, ids in matcher(doc)] == [[2]]
        assert [ids for _, ids in matcher(doc[1:])] == [[1]]
    finally:
        Token.remove_extension("dm_flag")


def test_negated_node_and_empty_doc(vocab, doc):
    matcher = DependencyMatcher(vocab)
    matcher.add("N", [[{"RIGHT_ID": "n", "RIGHT_ATTRS": {"LOWER": "fox", "OP": "!"}}]])
    assert [ids for _, ids in matcher(doc)] == [[0], [1], [2], [4], [5], [6], [7]]
    assert matcher(Doc(vocab, words=[])) == []


def test_missing_annotation_and_no_patterns(vocab):
    matcher = DependencyMatcher(vocab)
    with pytest.warns(UserWarning, match="no patterns"):
        assert matcher(Doc(vocab, words=["a"])) == []
    matcher.add("D", [[{"RIGHT_ID": "a", "RIGHT_ATTRS": {"DEP": "nsubj"}}]])
    with pytest.raises(ValueError, match="tests DEP but the doc has none"):
        matcher(Doc(vocab, words=["a", "b"]))
    with pytest.raises(ValueError, match="expected a Doc or Span"):
        matcher("a b")


ANCHOR = {"RIGHT_ID": "a", "RIGHT_ATTRS": {"ORTH": "fox"}}


@pytest.mark.parametrize("pattern,message", [
    ({"RIGHT_ID": "a"}, r"pattern 0 is a dict, not a list of node dicts"),
    ([], r"pattern 0 is empty"),
    (["a"], r"pattern 0, node 0: 'a' is a str, not a dict"),
    ([{"RIGHT_ATTRS": {}}], r"pattern 0, node 0: missing RIGHT_ID"),
    ([{"RIGHT_ID": "a"}], r"node 0 \('a'\): missing RIGHT_ATTRS"),
    ([{"RIGHT_ID": "a", "RIGHT_ATTRS": {}, "REL_OP": ">", "LEFT_ID": "a"}],
     r"node 0 \('a'\): the first node is the anchor .* remove its LEFT_ID and REL_OP"),
    ([ANCHOR, {"RIGHT_ID": "b", "RIGHT_ATTRS": {}}],
     r"node 1 \('b'\): missing LEFT_ID and REL_OP"),
    ([ANCHOR, {"RIGHT_ID": "b", "LEFT_ID": "a", "RIGHT_ATTRS": {}}],
     r"node 1 \('b'\): missing REL_OP"),
    ([ANCHOR, {"RIGHT_ID": "b", "LEFT_ID": "x", "REL_OP": ">", "RIGHT_ATTRS": {}}],
     r"node 1 \('b'\): LEFT_ID 'x' names no earlier node; known: 'a'"),
    ([ANCHOR, {"RIGHT_ID": "b", "LEFT_ID": "b", "REL_OP": ">", "RIGHT_ATTRS": {}}],
     r"node 1 \('b'\): LEFT_ID 'b' names no earlier node"),
    ([ANCHOR, {"RIGHT_ID": "b", "LEFT_ID": "a", "REL_OP": "!!", "RIGHT_ATTRS": {}}],
     r"node 1 \('b'\): unknown REL_OP '!!'; use one of < > << >>"),
    ([ANCHOR, {"RIGHT_ID": "a", "LEFT_ID": "a", "REL_OP": ">", "RIGHT_ATTRS": {}}],
     r"node 1 \('a'\): RIGHT_ID 'a' already names node 0"),
    ([ANCHOR, {"RIGHT_ID": "b", "LEFT_ID": "a", "REL_OP": ">", "RIGHT_ATTRS": "fox"}],
     r"node 1 \('b'\): RIGHT_ATTRS is a str, not a dict"),
    ([{"RIGHT_ID": "a", "RIGHT_ATTRS": {"DEP": "amod", "OP": "+"}}],
     r"node 0 \('a'\): RIGHT_ATTRS has OP '\+', but a node is one token"),
    ([ANCHOR, {"RIGHT_ID": "b", "LEFT_ID": "a", "REL_OP": ">", "RIGHT_ATTRS": {"FOO": 1}}],
     r"node 1 \('b'\), RIGHT_ATTRS: unknown token attribute 'FOO'$"),
    ([ANCHOR, {"RIGHT_ID": "b", "LEFT_ID": "a", "REL_OP": ">",
               "RIGHT_ATTRS": {"LENGTH": {"~": 1}}}],
     r"node 1 \('b'\), RIGHT_ATTRS, LENGTH: unknown predicate '~'; use one of"),
])
def test_bad_patterns_fail_at_add_and_change_nothing(vocab, doc, pattern, message):
    matcher = DependencyMatcher(vocab)
    good = two_nodes("<", {"ORTH": "over"})
    matcher.add("K", [good])
    before = matcher(doc)
    if not message.startswith("pattern"):
        message = "pattern 0, " + message
    with pytest.raises(MatchPatternError, match=r"^DependencyMatcher.add\('K'\): " + message) \
            as info:
        matcher.add("K", [pattern])
    assert "\n" not in str(info.value)
    assert isinstance(info.value, ValueError)
    assert matcher.get("K") == (None, [good]) and matcher(doc) == before


def test_bad_pattern_after_good_ones_adds_nothing(vocab, doc):
    matcher = DependencyMatcher(vocab)
    with pytest.raises(MatchPatternError, match=r"pattern 1, node 1 \('b'\): unknown REL_OP"):
        matcher.add("K", [two_nodes(">"), two_nodes("?")])
    assert len(matcher) == 0 and "K" not in matcher
    with pytest.raises(MatchPatternError, match="patterns must be a list"):
        matcher.add("K", two_nodes(">")[0])


def test_unknown_node_key_warns(vocab, doc):
    matcher = DependencyMatcher(vocab)
    pattern = two_nodes(">", {"ORTH": "fox"})
    pattern[1]["FOO"] = "BAR"
    with pytest.warns(UserWarning, match=r"node 1 \('b'\): ignoring unknown keys 'FOO'"):
        matcher.add("K", [pattern])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(matcher(doc)) == 5


# --- against spaCy 3.8 on EWT dev, gold trees ---------------------------------------

def _ewt_pairs():
    """5-sentence Docs of EWT dev in spaCy and fastnlp, or nothing without spaCy or data."""
    from train_data import EWT
    dev = EWT / "en_ewt-dev.conllu"
    try:
        import spacy  # noqa: F401
    except ImportError:
        return None, None, []
    if not dev.exists():
        return None, None, []
    from benchmarks.matcher import doc_pairs
    return doc_pairs(dev, n_sents=5, limit=40)


_EWT = _ewt_pairs()


@pytest.fixture
def ewt():
    if not _EWT[2]:
        pytest.skip("needs spaCy and EWT dev")
    return _EWT


def _node(i, left, op, attrs):
    if left is None:
        return {"RIGHT_ID": f"n{i}", "RIGHT_ATTRS": attrs}
    return {"LEFT_ID": f"n{left}", "REL_OP": op, "RIGHT_ID": f"n{i}", "RIGHT_ATTRS": attrs}


FIXED = [
    # every operator from a verb to any noun or pronoun
    *[[_node(0, None, None, {"POS": "VERB"}),
       _node(1, 0, op, {"POS": {"IN": ["NOUN", "PRON", "PROPN"]}})] for op in OPS],
    # every operator between two unconstrained-ish nodes of the same tree
    *[[_node(0, None, None, {"DEP": {"IN": ["nsubj", "obj", "obl"]}}),
       _node(1, 0, op, {"POS": {"NOT_IN": ["PUNCT"]}, "LENGTH": {">": 3}})] for op in OPS],
    # subject - verb - object with a determiner on the object
    [_node(0, None, None, {"POS": "VERB"}), _node(1, 0, ">", {"DEP": "nsubj"}),
     _node(2, 0, ">", {"DEP": "obj"}), _node(3, 2, ">", {"DEP": "det"})],
    # chains and siblings mixed
    [_node(0, None, None, {"DEP": "ROOT"}), _node(1, 0, ">>", {"POS": "ADJ"}),
     _node(2, 1, "$--", {}), _node(3, 2, ";*", {"IS_PUNCT": True})],
    [_node(0, None, None, {"LEMMA": "be"}), _node(1, 0, "<", {}), _node(2, 1, "<<", {}),
     _node(3, 0, ".*", {"POS": "NOUN"})],
    [_node(0, None, None, {"POS": "NOUN"}), _node(1, 0, ">--", {"POS": "ADJ"}),
     _node(2, 1, "$+", {}), _node(3, 0, "<++", {"POS": "VERB"})],
]


def _both(snlp, fnlp, patterns):
    from spacy.matcher import DependencyMatcher as SpacyDependencyMatcher
    sm, fm = SpacyDependencyMatcher(snlp.vocab), DependencyMatcher(fnlp.vocab)
    for i, pattern in enumerate(patterns):
        sm.add(f"P{i % 4}", [pattern])
        fm.add(f"P{i % 4}", [pattern])
    return sm, fm


def _named(vocab, matches):
    return [(vocab.strings[key], ids) for key, ids in matches]


def test_same_matches_as_spacy_for_every_operator(ewt):
    snlp, fnlp, pairs = ewt
    sm, fm = _both(snlp, fnlp, FIXED)
    total = 0
    for sdoc, fdoc in pairs:
        expected = _named(snlp.vocab, sm(sdoc))
        assert _named(fnlp.vocab, fm(fdoc)) == expected, fdoc.text[:80]
        total += len(expected)
    assert total > 1000


def test_same_matches_as_spacy_on_spans(ewt):
    snlp, fnlp, pairs = ewt
    sm, fm = _both(snlp, fnlp, FIXED)
    for sdoc, fdoc in pairs[:20]:
        for start, end in ((len(sdoc) // 4, 3 * len(sdoc) // 4), (3, len(sdoc) - 2)):
            assert _named(fnlp.vocab, fm(fdoc[start:end])) == \
                _named(snlp.vocab, sm(sdoc[start:end])), (start, end, fdoc.text[:80])


ATTRS = st.sampled_from([
    {}, {"POS": "NOUN"}, {"POS": "VERB"}, {"POS": "ADJ"}, {"POS": "DET"}, {"POS": "PUNCT"},
    {"DEP": "nsubj"}, {"DEP": "obj"}, {"DEP": "ROOT"}, {"DEP": "case"}, {"LEMMA": "be"},
    {"POS": {"IN": ["NOUN", "PROPN", "PRON"]}}, {"IS_ALPHA": False}, {"TAG": "NN"},
    {"POS": "ADP", "OP": "!"},
])


@st.composite
def dep_pattern(draw):
    n = draw(st.integers(1, 4))
    attrs = [draw(ATTRS) for _ in range(n)]
    if sum(a == {} or "OP" in a for a in attrs) > 1:  # keep spaCy's product small
        attrs = [a if a != {} and "OP" not in a else {"POS": "NOUN"} for a in attrs]
    nodes = [_node(0, None, None, attrs[0])]
    for i in range(1, n):
        nodes.append(_node(i, draw(st.integers(0, i - 1)), draw(st.sampled_from(OPS)),
                           attrs[i]))
    return nodes


@pytest.mark.skipif(not _EWT[2], reason="needs spaCy and EWT dev")
@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(st.lists(dep_pattern(), min_size=1, max_size=4))
def test_same_matches_as_spacy_random_patterns(patterns):
    snlp, fnlp, pairs = _EWT
    sm, fm = _both(snlp, fnlp, patterns)
    for sdoc, fdoc in pairs[:12]:
        assert _named(fnlp.vocab, fm(fdoc)) == _named(snlp.vocab, sm(sdoc)), patterns



@pytest.mark.skipif(not _EWT[2], reason="needs spaCy and EWT dev")
@pytest.mark.parametrize("with_any_token", [False, True])
def test_tree_order_on_interleaved_trees_as_spacy(with_any_token):
    # trees {0, 2} (root 2) and {1, 3} (root 3); the candidates of "b" and "c" come first
    # from the second tree, and spaCy orders trees by any key's first candidate
    from spacy.matcher import DependencyMatcher as SpacyDependencyMatcher
    from spacy.tokens import Doc as SpacyDoc
    snlp, fnlp, _ = _EWT
    kwargs = dict(words=["a", "b", "c", "d"], heads=[2, 3, 2, 3], deps=["x", "x", "R", "R"])
    sdoc, fdoc = SpacyDoc(snlp.vocab, **kwargs), Doc(fnlp.vocab, **kwargs)
    sm, fm = SpacyDependencyMatcher(snlp.vocab), DependencyMatcher(fnlp.vocab)
    patterns = [[{"RIGHT_ID": "x", "RIGHT_ATTRS": {"ORTH": {"IN": ["b", "c"]}}}]]
    if with_any_token:
        patterns.append([{"RIGHT_ID": "x", "RIGHT_ATTRS": {}}])
    for i, pattern in enumerate(patterns):
        sm.add(f"K{i}", [pattern])
        fm.add(f"K{i}", [pattern])
    assert _named(fnlp.vocab, fm(fdoc)) == _named(snlp.vocab, sm(sdoc))
    assert [ids for _, ids in fm(fdoc)][:2] == ([[2], [1]] if with_any_token else [[1], [2]])


def test_every_span_as_spacy_with_entities_and_sentence_starts():
    # spaCy matches a span on a copy whose heads outside are re-attached (dep "dep"), whose
    # cut entities are missing and whose first token starts a sentence
    spacy = pytest.importorskip("spacy")
    from spacy.matcher import DependencyMatcher as SpacyDependencyMatcher
    from spacy.tokens import Doc as SpacyDoc

    import fastnlp
    snlp, fnlp = spacy.blank("en"), fastnlp.blank("en")
    kwargs = dict(
        words=["Ann", "Lee", "met", "Bob", "Smith", "in", "New", "York", "City", "today"],
        heads=[1, 2, 2, 4, 2, 8, 8, 8, 2, 2],
        deps=["flat", "nsubj", "ROOT", "flat", "obj", "case", "compound", "compound", "obl",
              "advmod"],
        ents=["B-PER", "I-PER", "O", "B-PER", "I-PER", "O", "B-GPE", "I-GPE", "I-GPE", "O"])
    sdoc, fdoc = SpacyDoc(snlp.vocab, **kwargs), Doc(fnlp.vocab, **kwargs)
    patterns = [
        [{"RIGHT_ID": "a", "RIGHT_ATTRS": {"ENT_TYPE": "PER"}}],
        [{"RIGHT_ID": "a", "RIGHT_ATTRS": {"ENT_IOB": "B"}}],
        [{"RIGHT_ID": "a", "RIGHT_ATTRS": {"ENT_IOB": ""}}],
        [{"RIGHT_ID": "a", "RIGHT_ATTRS": {"ENT_TYPE": "GPE"}},
         {"LEFT_ID": "a", "REL_OP": "<<", "RIGHT_ID": "b", "RIGHT_ATTRS": {}}],
        [{"RIGHT_ID": "a", "RIGHT_ATTRS": {"IS_SENT_START": True}},
         {"LEFT_ID": "a", "REL_OP": ".*", "RIGHT_ID": "b", "RIGHT_ATTRS": {"DEP": "dep"}}],
    ]
    sm, fm = SpacyDependencyMatcher(snlp.vocab), DependencyMatcher(fnlp.vocab)
    for i, pattern in enumerate(patterns):
        sm.add(f"K{i}", [pattern])
        fm.add(f"K{i}", [pattern])
    for start in range(len(sdoc)):
        for end in range(start + 1, len(sdoc) + 1):
            assert _named(fnlp.vocab, fm(fdoc[start:end])) == \
                _named(snlp.vocab, sm(sdoc[start:end])), (start, end)
