"""Language: a tokenizer plus a pipeline of components over one Vocab."""
from .lang import get_lang_class
from .vocab import Vocab


class Language:
    """Text in, annotated Doc out. Subclasses set `lang` and `Defaults`."""

    lang = ""

    class Defaults:
        lex_attr_getters = None

        @staticmethod
        def create_tokenizer(vocab):
            from .tokenizer import Tokenizer
            return Tokenizer(vocab)

    def __init__(self, vocab=None, *, tokenizer=None):
        if vocab is None:
            vocab = Vocab(lex_attr_getters=self.Defaults.lex_attr_getters, lang=self.lang)
        self.vocab = vocab
        self.tokenizer = tokenizer if tokenizer is not None else self.Defaults.create_tokenizer(vocab)
        self._components = []

    @property
    def pipe_names(self):
        return [name for name, _ in self._components]

    @property
    def pipeline(self):
        return list(self._components)

    def make_doc(self, text):
        return self.tokenizer(text)

    def __call__(self, text):
        doc = self.make_doc(text) if isinstance(text, str) else text
        for _, component in self._components:
            doc = component(doc)
        return doc

    def pipe(self, texts, *, batch_size=1000):
        for text in texts:
            yield self(text)


def blank(lang):
    """An empty pipeline (tokenizer only) for a language code such as "en"."""
    return get_lang_class(lang)()
