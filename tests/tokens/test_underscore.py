"""Extensions under `._`: defaults, getters, setters, methods, the errors, and their
values through Doc.to_bytes and DocBin, read by spaCy 3.8 and back."""
import pytest

import fastnlp
from fastnlp.tokens import Doc, DocBin, Span, Token


@pytest.fixture
def nlp():
    yield fastnlp.blank("en")
    for cls in (Doc, Span, Token):
        for name in ("tag_x", "upper", "shout", "items", "score"):
            if cls.has_extension(name):
                cls.remove_extension(name)


def test_default_getter_setter_and_method(nlp):
    Token.set_extension("tag_x", default="none")
    Token.set_extension("upper", getter=lambda t: t.text.upper(),
                        setter=lambda t, v: t.doc.user_data.__setitem__("set", (t.i, v)))
    Doc.set_extension("shout", method=lambda doc, n: doc.text.upper() + "!" * n)
    doc = nlp("hi there")
    assert doc[0]._.tag_x == "none"
    doc[1]._.tag_x = "X"
    assert [t._.tag_x for t in doc] == ["none", "X"]
    assert doc[1]._.upper == "THERE" and doc[1]._.get("upper") == "THERE"
    doc[0]._.upper = "v"
    assert doc.user_data["set"] == (0, "v")
    assert doc._.shout(2) == "HI THERE!!"
    assert Token.get_extension("tag_x") == ("none", None, None, None)
    assert doc[0]._.has("tag_x") and not doc[0]._.has("nope")


def test_mutable_defaults_are_per_object(nlp):
    Span.set_extension("items", default=[])
    doc = nlp("a b c")
    doc[0:2]._.items.append(1)
    assert doc[0:2]._.items == [1] and doc[1:3]._.items == []
    assert ("._.", "items", 0, 3) in doc.user_data


def test_errors(nlp):
    Token.set_extension("tag_x", default=None)
    with pytest.raises(ValueError, match="'tag_x' already exists; pass force=True"):
        Token.set_extension("tag_x", default=1)
    Token.set_extension("tag_x", default=1, force=True)
    with pytest.raises(ValueError, match="exactly one of default=, getter= or method="):
        Token.set_extension("upper", getter=len, default=1)
    with pytest.raises(ValueError, match="a setter needs a getter"):
        Token.set_extension("upper", setter=len)
    with pytest.raises(ValueError, match="no extension 'nope'"):
        Token.remove_extension("nope")
    doc = nlp("a")
    with pytest.raises(AttributeError, match="no extension 'nope'"):
        doc[0]._.nope
    with pytest.raises(AttributeError, match="no extension 'nope'"):
        doc._.nope = 1


def test_values_round_trip_with_spacy(nlp):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import Doc as SpacyDoc, DocBin as SpacyDocBin, Token as SpacyToken

    Token.set_extension("score", default=0.0)
    SpacyToken.set_extension("score", default=0.0, force=True)
    doc = nlp("good bad")
    doc[0]._.score = 0.9
    ours = SpacyDoc(spacy.blank("en").vocab).from_bytes(doc.to_bytes())
    assert ours[0]._.score == 0.9 and ours[1]._.score == 0.0
    ours[1]._.score = -0.5
    back = Doc(nlp.vocab).from_bytes(ours.to_bytes())
    assert [t._.score for t in back] == [0.9, -0.5]
    theirs = SpacyDocBin(store_user_data=True, docs=[ours]).to_bytes()
    (read,) = DocBin().from_bytes(theirs).get_docs(nlp.vocab)
    assert [t._.score for t in read] == [0.9, -0.5]
    SpacyToken.remove_extension("score")
