"""The rule readers: Matcher and DependencyMatcher patterns, the saved pattern files of
entity_ruler, span_ruler and attribute_ruler, and Doc.from_json. Each ends in success or
one fastnlp error line naming the rule key, the pipeline file or "Doc JSON"."""
import atexit
import copy
import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import given, strategies as st

import fastnlp
from fastnlp.matcher import DependencyMatcher, Matcher
from fastnlp.tokens import Doc, Span, Token
from fuzzing import LEAVES, check_case, damaged_copy, fuzz, mutated_bytes

NLP = fastnlp.blank("en")
WORDS = ["Apple", "is", "buying", "a", "U.K.", "startup", "for", "$", "1", "billion", "."]
DOC = Doc(NLP.vocab, words=WORDS,
          tags=["NNP", "VBZ", "VBG", "DT", "NNP", "NN", "IN", "$", "CD", "CD", "."],
          pos=["PROPN", "AUX", "VERB", "DET", "PROPN", "NOUN", "ADP", "SYM", "NUM", "NUM",
               "PUNCT"],
          lemmas=["Apple", "be", "buy", "a", "U.K.", "startup", "for", "$", "1", "billion",
                  "."],
          morphs=["Number=Sing", "Mood=Ind|Tense=Pres", "VerbForm=Ger", "Definite=Ind", "",
                  "Number=Sing", "", "", "NumType=Card", "NumType=Card", ""],
          heads=[2, 2, 2, 5, 5, 2, 2, 9, 9, 6, 2],
          deps=["nsubj", "aux", "ROOT", "det", "compound", "dobj", "prep", "quantmod",
                "compound", "pobj", "punct"],
          ents=["B-ORG", "O", "O", "O", "B-GPE", "O", "O", "B-MONEY", "I-MONEY", "I-MONEY",
                "O"])
if not Token.has_extension("fuzz_flag"):
    Token.set_extension("fuzz_flag", default=False)

ATTRS = ["ORTH", "TEXT", "LOWER", "NORM", "LEMMA", "POS", "TAG", "MORPH", "DEP", "ENT_TYPE",
         "ENT_IOB", "ENT_ID", "SHAPE", "PREFIX", "SUFFIX", "LENGTH", "IS_ALPHA", "IS_DIGIT",
         "IS_PUNCT", "LIKE_NUM", "IS_SENT_START", "SENT_START", "lower", "OP", "_", "FOO", ""]
PREDICATES = ["IN", "NOT_IN", "REGEX", "FUZZY", "FUZZY2", "INTERSECTS", "IS_SUBSET",
              "IS_SUPERSET", "==", "!=", ">=", "<=", ">", "<", "BAD"]
OPS = ["1", "!", "?", "+", "*", "{2}", "{1,3}", "{,2}", "{2,}", "{0}", "{3,1}", "{x}", "",
       "++", 1]
VALUE_TEXT = st.sampled_from(WORDS + ["apple", "Xxxxx", "d", "NNP", "PROPN", "ORG", "B", "I",
                                      "O", "Number=Sing", "(", "[a-z]+", "\\", "*", ""])


STRING_ATTRS = ["ORTH", "TEXT", "LOWER", "NORM", "LEMMA", "POS", "TAG", "MORPH", "DEP",
                "ENT_TYPE", "ENT_IOB", "ENT_ID", "SHAPE", "PREFIX", "SUFFIX"]
FLAG_ATTRS = ["IS_ALPHA", "IS_DIGIT", "IS_PUNCT", "LIKE_NUM", "IS_SENT_START", "SENT_START"]
STRINGS = st.lists(VALUE_TEXT, max_size=3)


def typed_value(draw, key):
    """A value of the right type for `key`: what a pattern author would write."""
    if key in FLAG_ATTRS:
        return draw(st.booleans())
    if key == "LENGTH":
        return draw(st.one_of(st.integers(0, 8), st.dictionaries(
            st.sampled_from(["==", "!=", ">=", "<=", ">", "<", "IN", "NOT_IN"]),
            st.one_of(st.integers(0, 8), st.lists(st.integers(0, 8), max_size=3)),
            min_size=1, max_size=2)))
    predicate = draw(st.sampled_from([None, None, "IN", "NOT_IN", "REGEX", "FUZZY", "FUZZY1",
                                      "INTERSECTS", "IS_SUBSET", "IS_SUPERSET"]))
    if predicate is None:
        return draw(VALUE_TEXT)
    if predicate in ("REGEX", "FUZZY", "FUZZY1"):
        return {predicate: draw(VALUE_TEXT)}
    return {predicate: draw(STRINGS)}


def any_value(draw):
    return draw(st.one_of(VALUE_TEXT, LEAVES, STRINGS, st.dictionaries(
        st.sampled_from(PREDICATES), st.one_of(VALUE_TEXT, LEAVES, STRINGS), max_size=2)))


@st.composite
def token_spec(draw):
    """Mostly well-typed specs, so the C loop runs on many patterns; now and then an
    unknown key, a wrong type or a bad operator."""
    spec = {}
    for _ in range(draw(st.integers(0, 3))):
        wild = draw(st.integers(0, 9)) == 0
        key = draw(st.sampled_from(ATTRS if wild else STRING_ATTRS + FLAG_ATTRS
                                   + ["LENGTH", "OP", "OP", "_"]))
        if key == "OP":
            spec[key] = draw(st.sampled_from(OPS if wild else OPS[:9]))
        elif key == "_":
            spec[key] = draw(LEAVES) if wild else draw(st.dictionaries(
                st.sampled_from(["fuzz_flag"]), st.one_of(st.booleans(), st.builds(
                    lambda v: {"IN": v}, st.lists(st.booleans(), max_size=2))),
                min_size=1))
        else:
            spec[key] = any_value(draw) if wild else typed_value(draw, key)
    return spec


@st.composite
def mostly(draw, common, rare, rare_share=0.15):
    """`common`, or now and then `rare`. (st.one_of's choice and a Random drawn with
    use_true_random=False both lean hard on their first options; a Random seeded
    from the draw does not.)"""
    rnd = draw(st.randoms(use_true_random=True))
    return draw(rare if rnd.random() < rare_share else common)


TOKEN_PATTERN = mostly(st.lists(token_spec(), min_size=1, max_size=4),
                       st.one_of(st.lists(st.one_of(token_spec(), LEAVES), max_size=3),
                                 LEAVES))


def _match_all(matcher):
    for matches in (matcher(DOC), matcher(DOC[2:9]), matcher(DOC, as_spans=True),
                    matcher(DOC, with_alignments=True)):
        for match in matches:
            start, end = (match.start, match.end) if isinstance(match, Span) else match[1:3]
            assert 0 <= start <= end <= len(DOC)


@fuzz(400)
@given(st.lists(TOKEN_PATTERN, min_size=1, max_size=3), st.sampled_from([None, "FIRST", "LONGEST"]))
def test_matcher_patterns(patterns, greedy):
    def add_and_match():
        matcher = Matcher(NLP.vocab, validate=True)
        matcher.add("RULE", patterns, greedy=greedy)
        _match_all(matcher)
    check_case("Matcher.add", "'RULE'", add_and_match)


NODE_IDS = st.sampled_from(["anchor", "verb", "subject", "x", "", 3])
REL_OPS = st.sampled_from(["<", ">", "<<", ">>", ".", ";", "$+", "$-", ".*", ";*", "$++",
                           "$--", ">+", "<-", "??"])


@st.composite
def dependency_node(draw):
    node = {}
    for key in draw(st.lists(st.sampled_from(["RIGHT_ID", "LEFT_ID", "REL_OP", "RIGHT_ATTRS",
                                              "RIGHT_ATTRS", "RIGHT_ATTRS", "OTHER"]),
                             max_size=4)):
        if key in ("RIGHT_ID", "LEFT_ID"):
            node[key] = draw(NODE_IDS)
        elif key == "REL_OP":
            node[key] = draw(st.one_of(REL_OPS, LEAVES))
        elif key == "RIGHT_ATTRS":
            node[key] = draw(st.one_of(token_spec(), LEAVES))
        else:
            node[key] = draw(LEAVES)
    return node


@st.composite
def dependency_pattern(draw):
    """Mostly well-formed chains (anchor first, each later node tied to an earlier one),
    with parts dropped or replaced so the checks are reached deep in the pattern."""
    names = ["anchor", "n1", "n2", "n3"][:draw(st.integers(1, 4))]
    pattern = [{"RIGHT_ID": "anchor", "RIGHT_ATTRS": draw(token_spec())}]
    for i, name in enumerate(names[1:], 1):
        pattern.append({"LEFT_ID": draw(st.sampled_from(names[:i])), "REL_OP": draw(REL_OPS),
                        "RIGHT_ID": name, "RIGHT_ATTRS": draw(token_spec())})
    rnd = draw(st.randoms(use_true_random=True))
    if rnd.random() < 0.25:
        pattern[rnd.randrange(len(pattern))] = draw(dependency_node())
    return pattern


@fuzz(300)
@given(st.lists(mostly(dependency_pattern(), st.one_of(
    st.lists(dependency_node(), max_size=3), LEAVES)), min_size=1, max_size=2))
def test_dependency_matcher_patterns(patterns):
    def add_and_match():
        matcher = DependencyMatcher(NLP.vocab)
        matcher.add("RULE", patterns)
        for _, token_ids in matcher(DOC):
            assert all(0 <= i < len(DOC) for i in token_ids)
    check_case("DependencyMatcher.add", "'RULE'", add_and_match)


# -- saved rulers ----------------------------------------------------------------------

WORK = Path(tempfile.mkdtemp(prefix="fastnlp-fuzz-patterns-"))
atexit.register(shutil.rmtree, WORK, True)


def _save_rulers(path):
    nlp = fastnlp.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns([
        {"label": "ORG", "pattern": "Apple", "id": "apple"},
        {"label": "GPE", "pattern": [{"LOWER": "san"}, {"LOWER": "francisco"}]},
        {"label": "MONEY", "pattern": [{"ORTH": "$"}, {"LIKE_NUM": True, "OP": "+"}]}])
    spans = nlp.add_pipe("span_ruler")
    spans.add_patterns([{"label": "BUY", "pattern": [{"LOWER": {"IN": ["buy", "buying"]}}]},
                        {"label": "CO", "pattern": "startup"}])
    attributes = nlp.add_pipe("attribute_ruler")
    attributes.add([[{"ORTH": "is"}]], {"LEMMA": "be", "POS": "AUX"})
    attributes.add([[{"LOWER": "the"}]], {"TAG": "DT", "MORPH": "PronType=Art"}, index=0)
    nlp.to_disk(path)
    return path


SAVED = _save_rulers(WORK / "saved")
FILES = sorted(str(p.relative_to(SAVED)) for p in SAVED.rglob("*") if p.is_file()
               and p.parts[len(SAVED.parts)] in ("entity_ruler", "span_ruler",
                                                 "attribute_ruler"))
ORIGINAL = {rel: (SAVED / rel).read_bytes() for rel in FILES}
JSONL_FILES = [rel for rel in FILES if rel.endswith(("patterns.jsonl", "span_ruler/patterns"))]


@st.composite
def damaged_ruler_file(draw):
    """(file, new bytes or None to remove it): bytes damaged, or one JSONL line's pattern
    replaced by a random one."""
    rel = draw(st.sampled_from(FILES))
    kind = draw(st.sampled_from(["remove", "mutate", "random", "pattern", "pattern"]))
    if kind == "remove":
        return rel, None
    if kind == "mutate":
        return rel, draw(mutated_bytes(ORIGINAL[rel]))
    if kind == "random":
        return rel, draw(st.binary(max_size=64))
    rel = draw(st.sampled_from(JSONL_FILES))
    lines = ORIGINAL[rel].decode("utf8").splitlines()
    at = draw(st.integers(0, len(lines) - 1))
    entry = json.loads(lines[at])
    field = draw(st.sampled_from(["pattern", "label", "id"]))
    entry[field] = draw(st.one_of(TOKEN_PATTERN, VALUE_TEXT, LEAVES))
    lines[at] = json.dumps(entry, default=lambda value: value.hex())  # bytes leaves
    return rel, "\n".join(lines).encode("utf8")


def test_the_saved_rulers_load_and_match():
    nlp = fastnlp.load(SAVED)
    doc = nlp("Apple is buying a startup in San Francisco for $ 1 billion")
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Apple", "ORG"), ("San Francisco", "GPE"), ("$ 1 billion", "MONEY")]
    assert [s.label_ for s in doc.spans["ruler"]] == ["BUY", "CO"]
    assert doc[1].lemma_ == "be"


@fuzz(200)
@given(damaged_ruler_file())
def test_damaged_ruler_file(case):
    rel, data = case
    path = damaged_copy(SAVED, WORK / "copy", rel, data)

    loaded = []
    check_case("load rulers", path, lambda: loaded.append(fastnlp.load(path)))
    if loaded:
        try:
            loaded[0]("Apple is buying a startup in San Francisco")
        except ValueError as err:  # spaCy's error too: a pattern needs what no pipe sets
            assert "but the doc has none" in str(err)


# -- Doc.from_json ---------------------------------------------------------------------

DOC.spans["things"] = [DOC[0:1], DOC[4:6]]
DOC.cats = {"TECH": 1.0, "SPORT": 0.0}
DOC_JSON = DOC.to_json()


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, prefix + (i,))


@st.composite
def mutated_json(draw, value):
    """A deep copy of `value` with one to three nodes removed, replaced or duplicated."""
    value = copy.deepcopy(value)
    rnd = draw(st.randoms(use_true_random=True))
    for _ in range(rnd.randint(1, 3)):
        paths = [p for p in _paths(value) if p]
        if not paths:
            return draw(LEAVES)
        path = rnd.choice(paths)
        parent = value
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        kind = rnd.choice(["remove", "replace", "replace", "duplicate"])
        if kind == "remove":
            del parent[key]
        elif kind == "replace":
            parent[key] = draw(st.one_of(LEAVES, st.integers(-3, 80), VALUE_TEXT,
                                         st.lists(LEAVES, max_size=2)))
        elif isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        else:
            parent[draw(st.sampled_from(["start", "end", "label", "head", "x", "_"]))] = \
                copy.deepcopy(parent[key])
    return value


@fuzz(400)
@given(mostly(mutated_json(DOC_JSON), LEAVES, rare_share=0.05))
def test_doc_from_json(doc_json):
    def read():
        doc = Doc(NLP.vocab).from_json(doc_json)
        assert doc.text == doc_json["text"]
        doc.to_json()
    check_case("Doc.from_json", "Doc JSON", read)
