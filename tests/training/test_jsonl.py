import pytest

from fastnlp.errors import FormatError
from fastnlp.training.converters import jsonl_to_records


def whitespace_tokenize(text):
    words = text.split(" ")
    return words, [True] * (len(words) - 1) + [False]


def test_jsonl_entities_spans_cats():
    text = ('{"text": "Apple is in Cupertino", "entities": [[0, 5, "ORG"], '
            '{"start": 12, "end": 21, "label": "GPE"}], "spans": [[0, 8, "X"], [6, 21, "Y"]], '
            '"cats": {"TECH": 1}}\n\n')
    (rec,) = jsonl_to_records(text, tokenize=whitespace_tokenize)
    assert rec.words == ["Apple", "is", "in", "Cupertino"]
    assert rec.ents == ["B-ORG", "O", "O", "B-GPE"]
    assert rec.spans == {"sc": [(0, 2, "X"), (1, 4, "Y")]}
    assert rec.cats == {"TECH": 1.0}


def test_jsonl_given_words_and_guessed_spaces():
    line = '{"text": "Hi, you.", "words": ["Hi", ",", "you", "."], "entities": []}'
    (rec,) = jsonl_to_records(line)
    assert rec.spaces == [False, True, False, False]
    assert rec.ents == ["O"] * 4


@pytest.mark.parametrize("line,match", [
    ('{"text": "Apple is", "entities": [[0, 3, "ORG"]]}', "does not match token boundaries"),
    ('{"text": "a b c", "entities": [[0, 3, "A"], [2, 5, "B"]]}', "overlap"),
    ('{"text": "a b", "entities": [[0, "x", "A"]]}', "expected \\[int, int, str\\]"),
    ('{"txt": "a"}', 'a "text" string'),
    ('{"text": "a b", ', "invalid JSON"),
])
def test_jsonl_bad_lines_name_file_and_line(line, match):
    text = '{"text": "fine"}\n' + line + "\n"
    with pytest.raises(FormatError, match=match) as info:
        list(jsonl_to_records(text, source="d.jsonl", tokenize=whitespace_tokenize))
    assert str(info.value).startswith("d.jsonl:2: ")


def test_jsonl_without_words_needs_a_tokenizer():
    with pytest.raises(FormatError, match="no tokenizer"):
        list(jsonl_to_records('{"text": "a b"}', source="d.jsonl"))


def test_jsonl_empty_word_names_the_line():
    # Found with the fuzz suite: a ValueError from Doc() when the record was built.
    text = '{"text": "a", "words": ["a"]}\n{"text": "a", "words": ["", "a"]}\n'
    with pytest.raises(FormatError, match=r"t.jsonl:2: token 0 has the word form ''"):
        list(jsonl_to_records(text, "t.jsonl"))


def test_jsonl_empty_entity_label_names_the_line():
    text = '{"text": "a b", "words": ["a", "b"], "entities": [[2, 3, ""]]}\n'
    with pytest.raises(FormatError, match=r"^t.jsonl:1: entity tag 'B-' of token 1 is not"):
        list(jsonl_to_records(text, "t.jsonl"))
