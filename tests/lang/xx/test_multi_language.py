"""blank("xx"): a language-neutral tokenizer; the same tokens as spaCy 3.8's
MultiLanguage on text in several scripts, and no English special cases."""
import pytest

import fastnlp

TEXTS = [
    "Der Hund, der (angeblich) bellte: „Wuff!“ :-) https://example.de/x?y=1",
    "C'est l'été... 5km, 3.5% et 10!",
    "Привет, мир! Как дела? «Хорошо» — сказал он.",
    "¿Dónde está el baño? ¡Aquí! [nota] {x} 3-4 años",
    "Ο σκύλος έτρεξε. Η γάτα; Ναι!",
    "Email me at a.b@example.org, or call +49 30 1234.",
]


def test_no_english_special_cases():
    nlp = fastnlp.blank("xx")
    assert nlp.lang == "xx"
    assert [t.text for t in nlp("don't I'm gonna")] == ["don't", "I'm", "gonna"]
    assert [t.is_stop for t in nlp("the a")] == [False, False]
    # a degree unit stays whole (spaCy splits "°" from "C")
    assert [t.text for t in nlp("10°C")] == ["10", "°C"]


@pytest.mark.parametrize("text", TEXTS)
def test_same_tokens_as_spacy(text):
    spacy = pytest.importorskip("spacy")
    assert [t.text for t in fastnlp.blank("xx")(text)] == \
        [t.text for t in spacy.blank("xx")(text)]
