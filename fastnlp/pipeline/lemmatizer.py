"""lemmatizer: lemmas from lookup tables, as spaCy's rule-based Lemmatizer.

Modes (each a `<mode>_lemmatize(token) -> [lemmas]` method; the first lemma is set):
- "lookup": the table `lemma_lookup` maps a token's text to its lemma;
- "rule": suffix rules per coarse POS (`lemma_rules`), checked against the known
  lemmas (`lemma_index`) and exceptions (`lemma_exc`); needs token.pos_ (from a
  morphologizer, or a tagger with an attribute_ruler) and uses token.morph;
- "pos_lookup": a table per coarse POS, `lemma_lookup_<pos>`, then `lemma_lookup`;
- a subclass's own `<mode>_lemmatize` for any other mode.
Tables come from `initialize(lookups=...)`, else from the spacy-lookups-data package,
and are saved with the pipeline (`lookups/lookups.bin`, spaCy's file). English
pipelines get the English lemmatizer (mode "rule", with spaCy's base-form shortcut).

The loop over the tokens is C (LemmaCache): a built-in mode's lemma depends only on
the text (lookup), text and POS (pos_lookup) or text, POS and morphology (rule), so it
is worked out once per distinct key.
"""
import contextlib
import warnings
from pathlib import Path

from ..factories import register_factory
from ..lookups import Lookups, load_lookups
from ..registry import registry
from ..scorer import Scorer
from .lemma_cache import KEY_ORTH, KEY_ORTH_POS, KEY_ORTH_POS_MORPH, LemmaCache

LOOKUPS_DIR = "lookups"
# What each built-in mode's lemma depends on.
MODE_KEYS = {"lookup": KEY_ORTH, "pos_lookup": KEY_ORTH_POS, "rule": KEY_ORTH_POS_MORPH}
POS_LOOKUP_TABLES = [f"lemma_lookup_{pos}" for pos in (
    "adj", "adp", "adv", "aux", "cconj", "det", "intj", "noun", "num", "part", "pron",
    "propn", "punct", "sconj", "sym", "verb", "x", "other")]


def lemmatizer_score(examples, **kwargs):
    return Scorer.score_token_attr(examples, "lemma", **kwargs)


registry.scorers.register("spacy.lemmatizer_scorer.v1", func=lambda: lemmatizer_score)
registry.scorers.register("fastnlp.lemmatizer_scorer.v1", func=lambda: lemmatizer_score)


def _factory_config(mode):
    return {"model": None, "mode": mode, "overwrite": False,
            "scorer": {"@scorers": "spacy.lemmatizer_scorer.v1"}}


@register_factory("lemmatizer", default_config=_factory_config("lookup"),
                  default_score_weights={"lemma_acc": 1.0},
                  files={f"{LOOKUPS_DIR}/lookups.bin": "msgpack"}, assigns=["token.lemma"])
def make_lemmatizer(nlp, name, model, mode: str, overwrite: bool, scorer):
    return Lemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite, scorer=scorer)


@register_factory("lemmatizer", default_config=_factory_config("rule"),
                  default_score_weights={"lemma_acc": 1.0},
                  files={f"{LOOKUPS_DIR}/lookups.bin": "msgpack"}, assigns=["token.lemma"],
                  lang="en")
def make_english_lemmatizer(nlp, name, model, mode: str, overwrite: bool, scorer):
    return EnglishLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite,
                             scorer=scorer)


class Lemmatizer:
    """Sets token.lemma_ from lookup tables (on tokens without one, unless overwrite)."""

    is_trainable = False

    @classmethod
    def get_lookups_config(cls, mode):
        """(required, optional) table names for a mode."""
        if mode == "lookup":
            return ["lemma_lookup"], []
        if mode == "rule":
            return ["lemma_rules"], ["lemma_exc", "lemma_index"]
        if mode == "pos_lookup":
            return ["lemma_lookup"], list(POS_LOOKUP_TABLES)
        return [], []

    def __init__(self, vocab, model=None, name="lemmatizer", *, mode="lookup",
                 overwrite=False, scorer=lemmatizer_score):
        self.vocab = vocab
        self.model = model
        self.name = name
        self._mode = mode
        self.overwrite = overwrite
        self.scorer = scorer
        self.lookups = Lookups()
        self._index_sets = {}
        self._validated = False
        method = getattr(self, f"{mode}_lemmatize", None)
        if not callable(method):
            raise ValueError(f"{name}: unknown mode {mode!r}; the modes are lookup, rule, "
                             "pos_lookup, or one a subclass adds as <mode>_lemmatize")
        self.lemmatize = method
        self.cache = {}  # rule_lemmatize's, as spaCy's: (orth, pos, morph) -> lemmas
        # A built-in mode's method, not overridden, depends only on its key.
        own = getattr(type(self), f"{mode}_lemmatize", None)
        builtin = getattr(Lemmatizer, f"{mode}_lemmatize", None)
        self._lemma_cache = LemmaCache(MODE_KEYS[mode]) \
            if mode in MODE_KEYS and own is builtin else None

    @property
    def mode(self):
        return self._mode

    def __repr__(self):
        return f"<{type(self).__name__} {self.name!r} mode={self.mode!r}>"

    def __call__(self, doc):
        if not self._validated:
            self._validate_tables()
        if self._lemma_cache is not None:
            self._lemma_cache.annotate(doc, self.overwrite, self._lemma_id)
        else:
            for token in doc:
                if self.overwrite or token.lemma == 0:
                    token.lemma_ = self.lemmatize(token)[0]
        return doc

    def _lemma_id(self, doc, i):
        return self.vocab.strings.add(self.lemmatize(doc[i])[0])

    def pipe(self, docs, *, batch_size=128):
        for doc in docs:
            yield self(doc)

    def initialize(self, get_examples=None, *, nlp=None, lookups=None):
        """Take `lookups` (a Lookups) or load the mode's tables from spacy-lookups-data."""
        required, optional = self.get_lookups_config(self.mode)
        if lookups is None:
            lookups = load_lookups(self.vocab.lang, required)
            extra = load_lookups(self.vocab.lang, optional, strict=False)
            for table in extra.tables:
                lookups.set_table(table, extra.get_table(table))
        elif not isinstance(lookups, Lookups):
            raise TypeError(f"{self.name}.initialize: lookups must be a Lookups, got "
                            f"{type(lookups).__name__}")
        self._set_lookups(lookups)
        self._validate_tables()

    @contextlib.contextmanager
    def memory_zone(self, mem=None):
        """Lemma strings made in a zone go with it, so the lemma cache is emptied after."""
        try:
            yield mem
        finally:
            if self._lemma_cache is not None:
                self._lemma_cache.clear()

    def _set_lookups(self, lookups):
        self.lookups = lookups
        self.cache = {}
        self._index_sets = {}
        if self._lemma_cache is not None:
            self._lemma_cache.clear()

    def _validate_tables(self):
        required, _ = self.get_lookups_config(self.mode)
        missing = [table for table in required if table not in self.lookups]
        if missing:
            raise ValueError(f"{self.name}: mode {self.mode!r} needs the lookup tables "
                             f"{required}, it has {self.lookups.tables}: call "
                             "nlp.initialize() (it reads spacy-lookups-data) or pass "
                             "lookups to initialize")
        self._validated = True

    # Modes ------------------------------------------------------------------------

    def lookup_lemmatize(self, token):
        """[the lemma_lookup entry for the token's text, else the text]."""
        result = self.lookups.get_table("lemma_lookup", {}).get(token.text, token.text)
        return [result] if isinstance(result, str) else result

    def pos_lookup_lemmatize(self, token):
        """The token's POS table (PROPN keeps its case; others are lower-cased), then
        lemma_lookup_other, then lemma_lookup, else the (lower-cased) text."""
        text = token.text if token.pos_ == "PROPN" else token.text.lower()
        pos = token.pos_.lower() or "other"
        for name in (f"lemma_lookup_{pos}", "lemma_lookup_other"):
            lemma = self.lookups.get_table(name, {}).get(text)
            if lemma:
                return [lemma] if isinstance(lemma, str) else list(lemma)
        lemma = self.lookups.get_table("lemma_lookup", {}).get(token.text, text)
        return [lemma] if isinstance(lemma, str) else list(lemma)

    def rule_lemmatize(self, token):
        """Lemmas by spaCy's suffix rules for the token's coarse POS: rule outputs that
        are known lemmas (lemma_index) first, then other non-alphabetic outputs; the
        exceptions for the word go first; failing all, unknown rule outputs, else the
        word itself."""
        key = (token.orth, token.pos, token.morph.key)
        if key in self.cache:
            return self.cache[key]
        text = token.text
        pos = token.pos_.lower()
        if pos in ("", "eol", "space"):
            if pos == "":
                warnings.warn(f"{self.name}: a token has no POS, so rule mode gives its "
                              "lower-cased text; put a morphologizer, or a tagger and an "
                              "attribute_ruler, before the lemmatizer", stacklevel=2)
            return [text.lower()]
        if self.is_base_form(token):
            return [text.lower()]
        index = self.lookups.get_table("lemma_index", {}).get(pos, {})
        exceptions = self.lookups.get_table("lemma_exc", {}).get(pos, {})
        rules = self.lookups.get_table("lemma_rules", {}).get(pos, {})
        if not (index or exceptions or rules):
            return [text] if pos == "propn" else [text.lower()]
        index = self._index_set(pos, index)
        lower = text.lower()
        forms, unknown = [], []
        for old, new in rules:
            if lower.endswith(old):
                form = lower[:len(lower) - len(old)] + new
                if not form:
                    continue
                if form in index:
                    forms.insert(0, form)
                elif not form.isalpha():
                    forms.append(form)
                else:
                    unknown.append(form)
        forms = list(dict.fromkeys(forms))
        for form in exceptions.get(lower, []):
            if form not in forms:
                forms.insert(0, form)
        forms = forms or unknown or [text]
        self.cache[key] = forms
        return forms

    def _index_set(self, pos, index):
        """lemma_index's lemmas for a POS (a list in the tables) as a set, made once."""
        if pos not in self._index_sets:
            self._index_sets[pos] = frozenset(index)
        return self._index_sets[pos]

    def is_base_form(self, token):
        """Whether the token is already its lemma (the rule mode then lower-cases it)."""
        return False

    def score(self, examples, **kwargs):
        return self.scorer(examples, **kwargs) if self.scorer is not None else {}

    # Serialization ----------------------------------------------------------------

    def to_bytes(self, *, exclude=()):
        return self.lookups.to_bytes()

    def from_bytes(self, data, *, exclude=()):
        self._set_lookups(Lookups().from_bytes(data))
        self._validate_tables()
        return self

    def to_disk(self, path, *, exclude=()):
        self.lookups.to_disk(Path(path) / LOOKUPS_DIR)

    def from_disk(self, path, *, exclude=()):
        self._set_lookups(Lookups().from_disk(Path(path) / LOOKUPS_DIR))
        self._validate_tables()
        return self


class EnglishLemmatizer(Lemmatizer):
    """The English rule lemmatizer: a token the tagger marks as a base form (singular
    noun, infinitive, positive degree, ...) is its own lower-cased lemma."""

    def is_base_form(self, token):
        pos = token.pos_.lower()
        morph = token.morph.to_dict()
        if pos == "noun" and morph.get("Number") == "Sing":
            return True
        if pos == "verb" and morph.get("VerbForm") == "Inf":
            return True
        if pos == "verb" and morph.get("VerbForm") == "Fin" and \
                morph.get("Tense") == "Pres" and morph.get("Number") is None:
            return True
        if pos == "adj" and morph.get("Degree") == "Pos":
            return True
        return morph.get("VerbForm") in ("Inf", "None") or morph.get("Degree") == "Pos"
