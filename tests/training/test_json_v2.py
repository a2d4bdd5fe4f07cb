import json

import pytest

from fastnlp.errors import FormatError
from fastnlp.training.converters import json_v2_to_records
from train_data import JSON_V2_DOC


def test_json_v2_paragraph_to_record():
    (rec,) = json_v2_to_records(json.dumps([JSON_V2_DOC]))
    assert rec.words == ["I", "like", "London", "."]
    assert rec.spaces == [True, True, False, False]
    assert rec.heads == [1, 1, 1, 1]
    assert rec.deps == ["nsubj", "ROOT", "dobj", "punct"]
    assert rec.ents == ["O", "O", "B-GPE", None]
    assert rec.lemmas is None and rec.pos is None
    assert rec.cats == {"TRAVEL": 1.0}


def test_json_v2_errors_name_the_file():
    with pytest.raises(FormatError, match=r"t.json:2: invalid JSON"):
        list(json_v2_to_records('[\n{"id": 0,,}]', source="t.json"))
    with pytest.raises(FormatError, match='t.json: document 0: no "paragraphs"'):
        list(json_v2_to_records('[{"id": 0}]', source="t.json"))
    bad = json.loads(json.dumps(JSON_V2_DOC))
    bad["paragraphs"][0]["sentences"][0]["tokens"][0]["head"] = 9
    with pytest.raises(FormatError, match="document 0, paragraph 0: head 9"):
        list(json_v2_to_records(json.dumps([bad]), source="t.json"))


@pytest.mark.parametrize("token, match", [
    ({"orth": ""}, r"t.json: document 0, paragraph 0: token 0 has the word form ''"),
    ({"orth": 5}, r"t.json: document 0, paragraph 0: token 0 has the word form 5"),
    ({"orth": "a", "pos": "NOPE"}, r"t.json: document 0, paragraph 0: UPOS 'NOPE' of token 0"),
    ({"orth": "a", "morph": "a=b|"},
     r"t.json: document 0, paragraph 0: FEATS of token 0: Morphology: feature ''"),
    ({"orth": "a", "ner": "X-PER"}, r"t.json: document 0, paragraph 0: entity tag 'X-PER' of "
                                    "token 0 is not"),
    ({"orth": "a", "ner": 3}, r"t.json: document 0, paragraph 0: entity tag 3 of token 0"),
    ({"orth": "a", "head": -1}, r"t.json: document 0, paragraph 0: head -1 of token 0 is out "
                                r"of range \(sentence has 1 words\)"),
    ({"orth": "a", "head": 0.5}, r"t.json: document 0, paragraph 0: head 0.5 of token 0 is out"),
])
def test_json_v2_tokens_no_doc_can_hold_name_the_file(token, match):
    # Found with the fuzz suite: each was a ValueError from Doc() naming no file.
    token = dict({"id": 0, "head": 0, "dep": "ROOT"}, **token)
    text = json.dumps([{"id": 0, "paragraphs": [{"sentences": [{"tokens": [token]}]}]}])
    with pytest.raises(FormatError, match=match):
        list(json_v2_to_records(text, "t.json"))


def test_json_v2_head_cycle_names_the_file():
    # Found by the long fuzz run: a ValueError from Doc() naming no file.
    tokens = [{"id": 0, "orth": "a", "head": 1, "dep": "x"},
              {"id": 1, "orth": "b", "head": -1, "dep": "x"}]
    text = json.dumps([{"id": 0, "paragraphs": [{"sentences": [{"tokens": tokens}]}]}])
    with pytest.raises(FormatError, match=r"t.json: document 0, paragraph 0: heads form a cycle"):
        list(json_v2_to_records(text, "t.json"))


def test_json_v2_cycle_names_a_token_on_the_cycle():
    # Heads [1, 2, 1]: token 0 only leads into the cycle {1, 2}.
    tokens = [{"id": i, "orth": w, "head": h, "dep": "x"}
              for i, (w, h) in enumerate([("a", 1), ("b", 1), ("c", -1)])]
    text = json.dumps([{"id": 0, "paragraphs": [{"sentences": [{"tokens": tokens}]}]}])
    with pytest.raises(FormatError, match=r"paragraph 0: heads form a cycle through token 1$"):
        list(json_v2_to_records(text, "t.json"))


def test_json_v2_missing_entity_tags_stay_missing():
    tokens = [{"orth": w, "ner": t} for w, t in [("a", "U-X"), ("b", "-"), ("c", ""),
                                                 ("d", "B-Y"), ("e", "L-Y"), ("f", "O")]]
    text = json.dumps([{"id": 0, "paragraphs": [{"sentences": [{"tokens": tokens}]}]}])
    (rec,) = json_v2_to_records(text)
    assert rec.ents == ["B-X", None, None, "B-Y", "I-Y", "O"]
