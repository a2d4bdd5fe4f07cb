"""nlp.memory_zone(): what is made inside is dropped at the end, what was there stays."""
import random

import pytest
from cymem.cymem import Pool

import fastnlp
from fastnlp.strings import StringStore
from fastnlp.training import Example
from fastnlp.vocab import Vocab


def test_vocab_zone_drops_new_word_types_and_keeps_old_ones():
    vocab = Vocab()
    vocab["dog"]
    n_strings, n_lexemes = len(vocab.strings), len(vocab)
    with vocab.memory_zone():
        assert vocab.in_memory_zone
        assert vocab["Horse"].lower_ == "horse"
        vocab["dog"]
        assert "Horse" in vocab and "horse" in vocab.strings
    assert not vocab.in_memory_zone
    assert "dog" in vocab and "Horse" not in vocab and "Horse" not in vocab.strings
    assert (len(vocab.strings), len(vocab)) == (n_strings, n_lexemes)
    assert vocab["Horse"].shape_ == "Xxxxx"      # made again, permanent this time
    assert "Horse" in vocab


def test_strings_added_with_allow_transient_false_stay():
    strings = StringStore(["label"])
    with strings.memory_zone() as mem:
        assert isinstance(mem, Pool)
        gone = strings.add("gone")
        kept = strings.add("kept", allow_transient=False)
        strings.add("promoted")
        strings.add("promoted", allow_transient=False)
        assert set(strings) == {"label", "gone", "kept", "promoted"}
        assert len(strings) == 4
    assert list(strings) == ["label", "kept", "promoted"]
    assert strings[kept] == "kept" and strings["promoted"] in strings
    with pytest.raises(KeyError):
        strings[gone]


def test_given_pool_is_used_and_nested_zone_joins_outer():
    vocab = Vocab()
    pool = Pool()
    with vocab.memory_zone(pool) as mem:
        assert mem is pool
        with vocab.memory_zone() as inner:
            assert inner is pool
            vocab["inner"]
        assert "inner" in vocab and vocab.in_memory_zone
    assert "inner" not in vocab and not vocab.in_memory_zone


def test_exception_inside_the_zone_still_cleans_up():
    nlp = fastnlp.blank("en")
    n_strings = len(nlp.vocab.strings)
    with pytest.raises(ZeroDivisionError):
        with nlp.memory_zone():
            nlp("Unheardof wordz")
            1 / 0
    assert len(nlp.vocab.strings) == n_strings and not nlp.vocab.in_memory_zone
    assert [t.text for t in nlp("Unheardof wordz")] == ["Unheardof", "wordz"]


def random_words(rng, n):
    return " ".join("".join(rng.choice("abcdefghij") for _ in range(rng.randint(3, 9)))
                    + rng.choice(["", ".", ",", "'s"]) for _ in range(n))


def test_many_zones_keep_sizes_flat_and_tokenization_unchanged():
    nlp = fastnlp.blank("en")
    rng = random.Random(0)
    texts = [random_words(rng, 40) for _ in range(50)]
    expected = [[t.text for t in nlp.make_doc(text)] for text in texts]
    sizes = len(nlp.vocab.strings), len(nlp.vocab)
    for round_ in range(30):                     # enough to copy the tables a few times
        with nlp.memory_zone():
            for text, tokens in zip(texts, expected):
                doc = nlp(text)
                assert [t.text for t in doc] == tokens
                assert [t.lower_ for t in doc] == [w.lower() for w in tokens]
            nlp(random_words(rng, 200))
        assert (len(nlp.vocab.strings), len(nlp.vocab)) == sizes, round_
    for text, tokens in zip(texts, expected):  # the cache is right outside a zone too
        assert [t.text for t in nlp(text)] == tokens


def test_tokenizer_rules_cannot_change_inside_a_zone():
    nlp = fastnlp.blank("en")
    with nlp.memory_zone():
        with pytest.raises(RuntimeError, match="memory zone"):
            nlp.tokenizer.add_special_case("gimme", [{"ORTH": "gim"}, {"ORTH": "me"}])
    nlp.tokenizer.add_special_case("gimme", [{"ORTH": "gim"}, {"ORTH": "me"}])
    with nlp.memory_zone():
        assert [t.text for t in nlp("gimme that")] == ["gim", "me", "that"]
    assert [t.text for t in nlp("gimme that")] == ["gim", "me", "that"]


def train_small_pipeline():
    nlp = fastnlp.blank("en")
    nlp.add_pipe("tok2vec")
    nlp.add_pipe("tagger")
    nlp.add_pipe("ner")
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    data = [("Alice lives in Paris .", ["PROPN", "VERB", "ADP", "PROPN", "PUNCT"],
             [(0, 5, "PERSON"), (15, 20, "GPE")]),
            ("Bob visited London today .", ["PROPN", "VERB", "PROPN", "NOUN", "PUNCT"],
             [(0, 3, "PERSON"), (12, 18, "GPE")])]
    examples = [Example.from_dict(nlp.make_doc(text), {"tags": tags, "entities": ents})
                for text, tags, ents in data]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(30):
        nlp.update(examples, sgd=optimizer, drop=0.0)
    ruler.add_patterns([{"label": "PRODUCT", "pattern": [{"LOWER": "fastnlp"}]}])
    return nlp


def test_pipeline_in_a_zone_annotates_as_outside_and_keeps_labels():
    nlp = train_small_pipeline()
    texts = ["Alice visited Paris .", "Zyxwv used fastnlp in Qwrtz ."]

    def annotate(doc):
        return ([(t.text, t.tag_, t.ent_type_, t.ent_iob_) for t in doc],
                [(e.text, e.label_) for e in doc.ents])

    outside = [annotate(doc) for doc in nlp.pipe(texts)]
    n_strings = len(nlp.vocab.strings)
    with nlp.memory_zone():
        inside = [annotate(doc) for doc in nlp.pipe(texts)]
        json = [doc.to_json() for doc in nlp.pipe(texts)]
    assert inside == outside
    assert ("fastnlp", "PRODUCT") in outside[1][1]
    assert len(nlp.vocab.strings) <= n_strings
    assert [annotate(doc) for doc in nlp.pipe(texts)] == outside
    assert json[1]["text"] == texts[1] and json[1]["ents"]
    for label in ("PERSON", "GPE", "PRODUCT", "PROPN"):
        assert label in nlp.vocab.strings
