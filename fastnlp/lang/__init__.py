"""Language data: one subpackage per language code."""
import importlib


def get_lang_class(lang):
    """The Language subclass for a language code, e.g. "en" -> English."""
    try:
        module = importlib.import_module(f".{lang}", __name__)
    except ImportError as err:
        raise ValueError(f"No language data for {lang!r} (looked for fastnlp.lang.{lang})") from err
    return module.LANGUAGE


def get_syntax_iterator(lang):
    """The noun-chunk iterator of a language, or None if it has none."""
    if not lang:
        return None
    try:
        module = importlib.import_module(f".{lang}.syntax_iterators", __name__)
    except ImportError:
        return None
    return getattr(module, "noun_chunks", None)
