"""trainable_lemmatizer and its edit trees: trees identical to spaCy's (ids, nodes,
application, bytes both ways), the component's labels, top_k, backoff, saving."""
import random

import pytest

import fastnlp
from fastnlp.pipeline.edit_trees import NULL_TREE, EditTrees
from fastnlp.strings import StringStore
from fastnlp.tokens import Doc
from fastnlp.training import Example
from train_data import EWT

spacy = pytest.importorskip("spacy")
from spacy.pipeline._edit_tree_internals.edit_trees import EditTrees as SpacyEditTrees  # noqa: E402,E501

PAIRS = [("gegooid", "gooien"), ("running", "run"), ("geese", "goose"), ("was", "be"),
         ("Cats", "cat"), ("", ""), ("a", ""), ("", "b"), ("better", "good")]


def ewt_pairs(limit):
    pairs = []
    path = EWT / "en_ewt-train.conllu"
    if not path.exists():
        pytest.skip(f"UD English EWT not found at {EWT}")
    with open(path, encoding="utf8") as file:
        for line in file:
            cols = line.split("\t")
            if len(cols) == 10 and cols[0].isdigit():
                pairs.append((cols[1], cols[2]))
                if len(pairs) >= limit:
                    break
    return pairs


def test_trees_are_spacys_on_ewt():
    ours, theirs = EditTrees(StringStore()), SpacyEditTrees(spacy.strings.StringStore())
    pairs = ewt_pairs(20000) + PAIRS
    for form, lemma in pairs:
        assert ours.add(form, lemma) == theirs.add(form, lemma), (form, lemma)
    assert len(ours) == len(theirs) > 300
    forms = [form for form, _ in pairs[:400]] + ["", "x", "Überflüssiges"]
    for tree_id in random.Random(0).sample(range(len(ours)), 100):
        assert ours[tree_id] == theirs[tree_id]
        assert ours.tree_to_str(tree_id) == theirs.tree_to_str(tree_id)
        for form in forms:
            assert ours.apply(tree_id, form) == theirs.apply(tree_id, form), (tree_id, form)


def test_tree_structure_and_application():
    trees = EditTrees(StringStore())
    tree = trees.add("gegooid", "gooien")
    assert trees.tree_to_str(tree) == "(m 2 1 (s 'ge' '') (s 'd' 'en'))"
    assert trees.apply(tree, "gespeeld") == "speelen"
    assert trees.apply(tree, "gd") is None  # shorter than prefix + suffix
    assert trees.apply(tree, "xxgooid") is None  # "xx" is not "ge"
    empty = trees.add("", "")
    assert trees[empty] == {"prefix_len": 0, "suffix_len": 0, "prefix_tree": NULL_TREE,
                            "suffix_tree": NULL_TREE}
    assert trees.add("gegooid", "gooien") == tree and trees.apply(empty, "") == ""
    with pytest.raises(IndexError, match="no tree 99"):
        trees.apply(99, "x")


def test_trees_bytes_both_ways():
    ours_strings, their_strings = StringStore(), spacy.strings.StringStore()
    ours, theirs = EditTrees(ours_strings), SpacyEditTrees(their_strings)
    for form, lemma in PAIRS:
        ours.add(form, lemma)
        theirs.add(form, lemma)
    for string in their_strings:
        ours_strings.add(string)
    back = EditTrees(ours_strings).from_bytes(theirs.to_bytes())
    assert [back[i] for i in range(len(back))] == [theirs[i] for i in range(len(theirs))]
    loaded = SpacyEditTrees(their_strings).from_bytes(ours.to_bytes())
    assert [loaded.tree_to_str(i) for i in range(len(loaded))] == \
        [ours.tree_to_str(i) for i in range(len(ours))]


@pytest.mark.parametrize("nodes, match", [
    ([{"prefix_len": 0, "suffix_len": 0, "prefix_tree": 3, "suffix_tree": NULL_TREE}],
     "edit tree 0: its prefix_tree 3 is not an earlier tree"),
    ([{"orig": 12345, "subst": 1}], "edit tree 0: string id 12345 is not in the vocab"),
    ([{"orig": "a"}], "is neither a match node"),
    ([{"prefix_len": -1, "suffix_len": 0, "prefix_tree": 0, "suffix_tree": 0}],
     "needs non-negative 32-bit integers"),
])
def test_bad_tree_data_is_a_value_error(nodes, match):
    with pytest.raises(ValueError, match=match):
        EditTrees(StringStore()).from_json(nodes)


WORDS = ["The", "cats", "were", "running", "and", "the", "dogs", "were", "walking", "."]
LEMMAS = ["the", "cat", "be", "run", "and", "the", "dog", "be", "walk", "."]


def trained(steps=40, **config):
    nlp = fastnlp.blank("en")
    lemmatizer = nlp.add_pipe("trainable_lemmatizer", config={
        "min_tree_freq": 1, **config,
        "model": {"@architectures": "spacy.Tagger.v2", "nO": None, "tok2vec": {
            "@architectures": "spacy.HashEmbedCNN.v2", "pretrained_vectors": None,
            "width": 32, "depth": 1, "embed_size": 500, "window_size": 1,
            "maxout_pieces": 2, "subword_features": True}}})
    egs = [Example.from_dict(Doc(nlp.vocab, words=WORDS), {"lemmas": LEMMAS})] * 2
    optimizer = nlp.initialize(lambda: egs)
    for _ in range(steps):
        nlp.update(egs, sgd=optimizer)
    return nlp, lemmatizer


def test_learns_lemmas_and_round_trips(tmp_path):
    nlp, lemmatizer = trained()
    doc = nlp(" ".join(WORDS))
    assert [t.lemma_ for t in doc] == LEMMAS
    assert all(isinstance(label, int) for label in lemmatizer.labels)
    assert lemmatizer.hide_labels and set(lemmatizer.label_data) == {"trees", "labels"}
    nlp.to_disk(tmp_path)
    loaded = fastnlp.load(tmp_path)
    assert [t.lemma_ for t in loaded(" ".join(WORDS))] == LEMMAS
    config = {k: v for k, v in nlp.config["components"]["trainable_lemmatizer"].items()
              if k != "factory"}
    fresh = fastnlp.blank("en")
    again = fresh.add_pipe("trainable_lemmatizer", config=config).from_bytes(
        lemmatizer.to_bytes())
    assert [t.lemma_ for t in fresh(" ".join(WORDS))] == LEMMAS
    assert again.labels == lemmatizer.labels and len(again.trees) == len(lemmatizer.trees)


def test_label_data_initializes_the_same_labels():
    _, lemmatizer = trained(steps=1)
    nlp = fastnlp.blank("en")
    other = nlp.add_pipe("trainable_lemmatizer")
    other.initialize(lambda: [Example.from_dict(Doc(nlp.vocab, words=WORDS),
                                                {"lemmas": LEMMAS})],
                     labels=lemmatizer.label_data)
    assert other.labels == lemmatizer.labels
    assert [other.trees.tree_to_str(t) for t in other.labels] == \
        [lemmatizer.trees.tree_to_str(t) for t in lemmatizer.labels]
    with pytest.raises(ValueError, match="labels must be label_data"):
        other.initialize(lambda: [], labels=["x"])


def test_min_tree_freq_and_unknown_trees_are_left_out():
    nlp = fastnlp.blank("en")
    lemmatizer = nlp.add_pipe("trainable_lemmatizer", config={"min_tree_freq": 2})
    egs = [Example.from_dict(Doc(nlp.vocab, words=WORDS), {"lemmas": LEMMAS})]
    nlp.initialize(lambda: egs)
    # "were" -> "be" occurs twice, so it is a label; "running" -> "run" only once.
    be = lemmatizer.trees.add("were", "be")
    assert be in lemmatizer.labels and lemmatizer.trees.add("running", "run") not in \
        lemmatizer.labels
    assert lemmatizer._truth(egs[0].predicted[3], nlp.vocab.strings["run"]) == -1
    assert lemmatizer.n_unknown_trees == 1
    assert lemmatizer._truth(egs[0].predicted[2], nlp.vocab.strings["be"]) == \
        lemmatizer.tree2label[be]
    with pytest.raises(ValueError, match="no edit tree occurs 5 or more times"):
        fastnlp.blank("en").add_pipe("trainable_lemmatizer", config={
            "min_tree_freq": 5}).initialize(lambda: egs)


def test_top_k_and_backoff():
    nlp, lemmatizer = trained(steps=5)
    doc = Doc(nlp.vocab, words=["xyz"])
    # a tree that cannot apply to "xyz" (it needs a longer word)
    bad = lemmatizer.trees.add("running", "run")
    import numpy
    lemmatizer.set_annotations([doc], [numpy.asarray([-1])])
    assert doc[0].lemma_ == "xyz"  # backoff "orth"
    lemmatizer.backoff = None
    lemmatizer.overwrite = True
    fresh = Doc(nlp.vocab, words=["xyz"])
    lemmatizer.set_annotations([fresh], [numpy.asarray([-1])])
    assert fresh[0].lemma == 0
    chosen = lemmatizer.trees.first_applicable(
        fresh, numpy.asarray([[bad, lemmatizer.trees.add("xyz", "x")]], dtype="int64"))
    assert chosen.tolist() == [lemmatizer.trees.add("xyz", "x")]
    lemmatizer.top_k = 3
    assert len(lemmatizer.predict([nlp.make_doc("cats were")])[0]) == 2


def test_lemmas_survive_a_memory_zone():
    nlp, _ = trained()
    with nlp.memory_zone():  # "zebras" and its lemma are new strings, freed at the end
        inside = [t.lemma_ for t in nlp("The zebras were running and the cats .")]
    after = [t.lemma_ for t in nlp("The zebras were running and the cats .")]
    assert inside == after and after[2:4] + after[6:] == ["be", "run", "cat", "."]
