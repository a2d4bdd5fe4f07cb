"""EntityRecognizer: learning, missing and partial annotation, misaligned and overlapping
gold entities, labels, serialization."""
import warnings

import numpy
import pytest
from thinc.api import fix_random_seed

import fastnlp
from fastnlp.pipeline import transition_parser
from fastnlp.training.example import Example

from parser_helpers import ENTITIES, make_nlp, ner_examples, small_tok2vec, train


def _ents(doc):
    return [(e.text, e.label_) for e in doc.ents]


def _gold_ents(text, spans):
    return [(text[s:e], label) for s, e, label in spans]


@pytest.fixture(scope="module")
def trained():
    nlp = make_nlp("ner")
    examples = ner_examples(nlp)
    train(nlp, examples, 40)
    return nlp


def test_ner_memorizes_tiny_training_set(trained):
    for text, spans in ENTITIES:
        assert _ents(trained(text)) == _gold_ents(text, spans), text


def test_untrained_ner_does_not_match_the_gold():
    """Guards the memorization test: without updates the same check fails."""
    nlp = make_nlp("ner")
    train(nlp, ner_examples(nlp), 0)
    assert [_ents(nlp(text)) for text, _ in ENTITIES] != \
        [_gold_ents(text, spans) for text, spans in ENTITIES]


def test_ner_sets_iob_and_type_per_token(trained):
    doc = trained("I met Anna Smith in Paris today")
    assert [t.ent_iob_ for t in doc] == ["O", "O", "B", "I", "O", "B", "O"]
    assert [t.ent_type_ for t in doc] == ["", "", "PER", "PER", "", "LOC", ""]


def test_missing_annotation_is_not_taught_as_outside():
    """Berlin is LOC once and unannotated ("-") four times: if "-" meant O the model
    would learn O for it."""
    nlp = make_nlp("ner")
    data = [("Anna lives in Berlin", ["U-PER", "O", "O", "U-LOC"])]
    data += [("Anna lives in Berlin", ["U-PER", "O", "O", "-"])] * 4
    data += [("Anna likes Berlin", ["-", "-", "-"]), ("Anna sleeps", ["U-PER", "O"])]
    examples = [Example.from_dict(nlp.make_doc(text), {"entities": tags})
                for text, tags in data]
    examples.append(Example.from_dict(nlp.make_doc("Berlin again"), {}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, losses = train(nlp, examples, 40)
    assert numpy.isfinite(losses["ner"])
    assert _ents(nlp("Anna lives in Berlin")) == [("Anna", "PER"), ("Berlin", "LOC")]


def test_partial_annotation_by_character_offsets_trains():
    nlp = make_nlp("ner")
    examples = ner_examples(nlp)
    reference = Example.from_dict(nlp.make_doc("Paris loves Anna Smith"),
                                  {"entities": [(0, 5, "LOC")]}).reference
    reference.set_ents(list(reference.ents), missing=[reference[2:4]], default="unmodified")
    partial = Example(nlp.make_doc("Paris loves Anna Smith"), reference)
    assert partial.get_aligned_ner() == ["U-LOC", "O", "-", "-"]
    _, losses = train(nlp, examples + [partial], 40)
    assert numpy.isfinite(losses["ner"])
    assert ("Paris", "LOC") in _ents(nlp("Paris loves Anna Smith"))


def test_misaligned_gold_entities_are_skipped_not_a_crash():
    """The reference splits "AnnaSmith" in two and marks only "Anna": the predicted
    token cannot express it, so it is missing; "Berlin" still teaches LOC."""
    nlp = make_nlp("ner")
    misaligned = Example.from_dict(nlp.make_doc("AnnaSmith lives in Berlin"), {
        "words": ["Anna", "Smith", "lives", "in", "Berlin"],
        "spaces": [False, True, True, True, False],
        "entities": ["U-PER", "O", "O", "O", "U-LOC"]})
    assert misaligned.get_aligned_ner() == ["-", "O", "O", "U-LOC"]
    examples = ner_examples(nlp) + [misaligned] * 3
    _, losses = train(nlp, examples, 40)
    assert numpy.isfinite(losses["ner"])
    assert ("Berlin", "LOC") in _ents(nlp("AnnaSmith lives in Berlin"))
    scores = nlp.evaluate([misaligned])
    assert scores["ents_f"] == pytest.approx(1.0)


def test_overlapping_gold_entities_are_a_clear_error():
    nlp = fastnlp.blank("en")
    with pytest.raises(ValueError, match="overlap"):
        Example.from_dict(nlp.make_doc("Anna Smith lives here"),
                          {"entities": [(0, 10, "PER"), (5, 10, "PER")]})
    with pytest.raises(ValueError):
        Example.from_dict(nlp.make_doc("Anna lives"), {"entities": ["B-PER", "U-LOC"]})


def test_gold_label_unseen_at_initialize_is_missing_not_a_crash(trained):
    nlp = make_nlp("ner")
    examples = ner_examples(nlp)
    train(nlp, examples, 2)
    new = Example.from_dict(nlp.make_doc("Acme hired Anna"),
                            {"entities": [(0, 4, "ORG"), (11, 15, "PER")]})
    losses = {}
    nlp.update([new], losses=losses)
    assert numpy.isfinite(losses["ner"])
    assert "ORG" not in nlp.get_pipe("ner").labels


def test_predicted_labels_are_known_labels(trained):
    known = set(trained.get_pipe("ner").labels)
    for text in ["Zebras ate Anna in Paris", "Berlin Berlin Anna Smith Paris"]:
        assert {e.label_ for e in trained(text).ents} <= known


def test_ner_label_added_after_initialize_is_a_clear_error():
    nlp = make_nlp("ner")
    train(nlp, ner_examples(nlp), 1)
    ner = nlp.get_pipe("ner")
    with pytest.raises(ValueError, match="after initialize"):
        ner.add_label("ORG")
    assert "ORG" not in ner.labels
    nlp("Anna lives in Berlin")


def test_ner_labels_added_before_initialize_without_examples():
    nlp = make_nlp("ner")
    ner = nlp.get_pipe("ner")
    for label in ("PER", "LOC", "ORG"):
        ner.add_label(label)
    nlp.initialize()
    assert set(ner.labels) == {"PER", "LOC", "ORG"}
    assert "U-ORG" in ner.moves.move_names
    nlp("Anna lives in Berlin")


@pytest.mark.parametrize("how", ["disk", "bytes"])
def test_ner_save_load_round_trip(trained, tmp_path, how):
    texts = [text for text, _ in ENTITIES] + ["Anna and Anna Smith in Berlin"]
    before = [_ents(doc) for doc in trained.pipe(texts)]
    if how == "disk":
        trained.to_disk(tmp_path / "model")
        loaded = fastnlp.load(tmp_path / "model")
    else:
        loaded = make_nlp("ner", seed=3)
        loaded.from_bytes(trained.to_bytes())
    assert [_ents(doc) for doc in loaded.pipe(texts)] == before


def test_ner_on_empty_docs(trained):
    assert _ents(trained("")) == []
    docs = list(trained.pipe(["", "Anna lives in Berlin", ""]))
    assert _ents(docs[1]) == [("Anna", "PER"), ("Berlin", "LOC")]


def test_no_entity_starts_or_ends_on_whitespace():
    """Even taught entities over whitespace, the recognizer cannot predict one there."""
    nlp = make_nlp("ner")
    examples = ner_examples(nlp)
    for text in ("   ", "\n\n"):
        examples.append(Example.from_dict(nlp.make_doc(text),
                                          {"entities": [(0, len(text), "LOC")]}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        train(nlp, examples, 30)
    assert _ents(nlp("   ")) == [] and _ents(nlp("\n\n")) == []
    for doc in nlp.pipe(["Anna lives in Berlin \n\n", "\n Berlin"]):
        assert not any(ent[0].is_space or ent[-1].is_space for ent in doc.ents)


# extra_state_tokens = true (spaCy's 6 NER feature tokens) --------------------------

def _spacy_ner_extra_config():
    """The model block of a spaCy config with state_type ner and extra state tokens."""
    return {"model": {"@architectures": "spacy.TransitionBasedParser.v2",
                      "state_type": "ner", "extra_state_tokens": True, "hidden_width": 32,
                      "maxout_pieces": 2, "use_upper": True, "nO": None,
                      "tok2vec": small_tok2vec()}}


def test_ner_with_extra_state_tokens_is_built():
    """Regression: this valid spaCy config raised 'nr_feature_tokens=6 is not supported
    for the ner'."""
    nlp = fastnlp.blank("en")
    ner = nlp.add_pipe("ner", config=_spacy_ner_extra_config())
    assert ner.model.get_dim("nF") == 6
    assert ner.moves.templates == ["B0", "E0", "E1", "E2", "E3", "E4"]


@pytest.fixture(scope="module")
def trained_extra():
    fix_random_seed(0)
    nlp = fastnlp.blank("en")
    nlp.add_pipe("ner", config=_spacy_ner_extra_config())
    examples = ner_examples(nlp)
    optimizer = nlp.initialize(lambda: examples)
    losses = []
    for _ in range(50):
        step = {}
        nlp.update(examples, sgd=optimizer, losses=step)
        losses.append(step["ner"])
    return nlp, losses


def test_ner_with_extra_state_tokens_learns(trained_extra):
    nlp, losses = trained_extra
    assert losses[-1] < 0.1 * losses[0]
    for text, spans in ENTITIES:
        assert _ents(nlp(text)) == _gold_ents(text, spans), text


def test_ner_with_extra_state_tokens_round_trips(trained_extra, tmp_path):
    nlp, _ = trained_extra
    texts = [text for text, _ in ENTITIES]
    nlp.to_disk(tmp_path / "model")
    loaded = fastnlp.load(tmp_path / "model")
    assert loaded.get_pipe("ner").moves.templates == ["B0", "E0", "E1", "E2", "E3", "E4"]
    assert [_ents(doc) for doc in loaded.pipe(texts)] == [_ents(doc) for doc in nlp.pipe(texts)]


def test_ner_with_extra_state_tokens_decodes_long_docs_in_windows(monkeypatch):
    """A doc longer than DECODE_TOKENS, decoded window by window, gets the entities of
    one decode over the whole doc, entities longer than a window included (that the
    windows hold the rows of E1..E4 is checked directly in test_features)."""
    fix_random_seed(1)
    nlp = fastnlp.blank("en")
    nlp.add_pipe("ner", config=_spacy_ner_extra_config())
    name = "Anna Maria Lisa Smith Jones Brown"
    text = f"{name} lives in Berlin"
    data = ENTITIES + [(text, [(0, len(name), "PER"), (len(text) - 6, len(text), "LOC")])]
    examples = ner_examples(nlp, data)
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(30):
        nlp.update(examples, sgd=optimizer)
    long_text = " ".join([text] * 6 + [t for t, _ in ENTITIES])
    monkeypatch.setattr(transition_parser, "DECODE_TOKENS", 10 ** 9)
    whole = nlp(long_text)
    monkeypatch.setattr(transition_parser, "DECODE_TOKENS", 4)
    windowed = nlp(long_text)
    assert len(whole) > 10 * 4 and max(len(ent) for ent in whole.ents) > 4
    assert [(e.start, e.end, e.label_) for e in windowed.ents] == \
        [(e.start, e.end, e.label_) for e in whole.ents]
