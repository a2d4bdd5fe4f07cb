"""spaCy's Doc JSON (`Doc.to_json` / `Doc.from_json`): text, tokens with their character
offsets and annotation layers, entities, sentences, cats, span groups and extensions.

Reading builds the Doc from words and spaces recovered from the offsets (whitespace
other than one space after a token is a token of its own, as spaCy writes it), then
sets what is given by characters; a value that does not fit is a one-line FormatError
(a ValueError) reading "Doc JSON: <field>: <fault>".
"""
import srsly

from ..errors import FormatError, one_line

JSON_TOKEN_ATTRS = ("tag", "pos", "morph", "lemma", "dep")
DOC_ARGS = (("tag", "tags"), ("pos", "pos"), ("morph", "morphs"), ("lemma", "lemmas"),
            ("dep", "deps"))


def doc_to_json(doc, underscore=None):
    """The JSON of a doc: every annotation layer it has, for every token; the extensions
    named in `underscore` ("_" for the Doc's, "underscore_token"/"underscore_span" for
    values stored on tokens and spans)."""
    data = {"text": doc.text}
    if doc.has_annotation("ENT_IOB"):
        data["ents"] = [{"start": e.start_char, "end": e.end_char, "label": e.label_}
                        for e in doc.ents]
    if doc.has_annotation("SENT_START"):
        data["sents"] = [{"start": s.start_char, "end": s.end_char} for s in doc.sents]
    if doc.cats:
        data["cats"] = dict(doc.cats)
    layers = [name for name in JSON_TOKEN_ATTRS if doc.has_annotation(name.upper())]
    tokens = []
    for token in doc:
        item = {"id": token.i, "start": token.idx, "end": token.idx + len(token)}
        for name in layers:
            item[name] = str(token.morph) if name == "morph" else getattr(token, name + "_")
            if name == "dep":
                item["head"] = token.head.i
        tokens.append(item)
    data["tokens"] = tokens
    if doc.spans:
        data["spans"] = {name: [{"start": s.start_char, "end": s.end_char, "label": s.label_,
                                 "kb_id": s.kb_id_} for s in group]
                         for name, group in doc.spans.items()}
    if underscore:
        _underscore_to_json(doc, list(underscore), data)
    return data


def _underscore_to_json(doc, names, data):
    found = set()
    for name in names:
        if doc.has_extension(name):
            data.setdefault("_", {})[name] = _json_value(name, doc._.get(name))
            found.add(name)
    for key, value in doc.user_data.items():
        if isinstance(key, tuple) and len(key) >= 4 and key[0] == "._." and key[1] in names:
            _, name, start, end = key[:4]
            if start is None:
                continue
            found.add(name)
            if end is None:
                entry, field = {"start": start}, "underscore_token"
            else:
                entry, field = {"start": start, "end": end}, "underscore_span"
            entry["value"] = _json_value(name, value)
            data.setdefault(field, {}).setdefault(name, []).append(entry)
    missing = [name for name in names if name not in found]
    if missing:
        raise ValueError(f"to_json: no extension value for {', '.join(map(repr, missing))} "
                         f"(underscore={names})")


def _json_value(name, value):
    if not srsly.is_json_serializable(value):
        raise ValueError(f"to_json: extension {name!r} holds {value!r}"[:200]
                         + ", which is not JSON-serializable")
    return value


def doc_from_json(make_doc, doc_json):
    """The Doc `make_doc(**json_to_doc_args(doc_json))` with set_json_annotations done;
    any fault of the JSON is a FormatError. Nothing outside the new Doc changes, except
    that an extension the JSON names is registered (default None) if it was not."""
    try:
        return set_json_annotations(make_doc(**json_to_doc_args(doc_json)), doc_json)
    except FormatError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as err:
        raise _bad(f"{type(err).__name__}: {one_line(err, 200)}") from None


def json_to_doc_args(doc_json):
    """The words, spaces and token annotations (Doc() keyword arguments) of Doc JSON."""
    if not isinstance(doc_json, dict) or not isinstance(doc_json.get("text"), str) \
            or not isinstance(doc_json.get("tokens"), list):
        raise _bad("must be a dict with 'text' (a string) and 'tokens' "
                         "(a list), as Doc.to_json writes")
    text, tokens = doc_json["text"], doc_json["tokens"]
    first = tokens[0] if tokens and isinstance(tokens[0], dict) else {}
    layers = {name: [] for name in JSON_TOKEN_ATTRS + ("head",) if name in first}
    words, spaces, pos = [], [], 0
    for i, token in enumerate(tokens):
        where = f"tokens[{i}]"
        if not isinstance(token, dict) or not all(isinstance(token.get(k), int)
                                                  for k in ("start", "end")):
            raise _bad(f"{where} must be a dict with integer 'start' and 'end'")
        start, end = token["start"], token["end"]
        if not pos <= start < end <= len(text):
            raise _bad(f"{where}: characters [{start}, {end}) do not follow the "
                             f"previous token in a text of {len(text)} characters")
        _add_gap(text[pos:start], spaces, where)
        words.append(text[start:end])
        spaces.append(False)
        pos = end
        for name, values in layers.items():
            if name not in token:
                raise _bad(f"{where} has no {name!r}, which tokens[0] has; a layer "
                                 "is given for every token or for none")
            value = token[name]
            if not isinstance(value, int if name == "head" else str) \
                    or isinstance(value, bool):
                raise _bad(f"{where}: {name!r} is {value!r}"[:200] + ", not "
                           + ("an integer" if name == "head" else "a string"))
            values.append(value)
        extra = [name for name in JSON_TOKEN_ATTRS + ("head",)
                 if name in token and name not in layers]
        if extra:
            raise _bad(f"{where} has {extra[0]!r}, which tokens[0] has not")
    _add_gap(text[pos:], spaces, "the text after the last token")
    args = {"words": words, "spaces": spaces}
    args.update({key: layers[name] for name, key in DOC_ARGS if name in layers})
    if "head" in layers:
        if "dep" not in layers:
            raise _bad("tokens have 'head' but no 'dep'")
        args["heads"] = layers["head"]
    elif "dep" in layers:
        args["heads"] = list(range(len(words)))  # labels without a tree: each its own head
    return args


def _add_gap(gap, spaces, where):
    """Text between tokens: nothing, or the previous token's one trailing space."""
    if gap == "":
        return
    if gap != " " or not spaces:
        raise _bad(f"{where}: the text before it is {gap!r}, which no token covers "
                         "(whitespace other than one space after a token is a token)")
    spaces[-1] = True


def set_json_annotations(doc, doc_json):
    """The sentences (when the doc has no parse), span groups, entities, cats and
    extensions of Doc JSON, set on the Doc built from json_to_doc_args. Everything is
    checked before anything is set."""
    def char_span(field, item, label=0, kb_id=0):
        fits = isinstance(item, dict) and isinstance(item.get("start"), int) \
            and isinstance(item.get("end"), int)
        for name, value in (("label", label), ("kb_id", kb_id)):
            if not (isinstance(value, str) or value == 0
                    or isinstance(value, int) and value in doc.vocab.strings):
                raise _bad(f"{field}: {name} {value!r}"[:200] + " is not a string (nor "
                           "the id of one in the vocab)")
        span = doc.char_span(item["start"], item["end"], label, kb_id=kb_id) if fits else None
        if span is None:
            raise _bad(f"{field}: {item!r}"[:200] + " does not cover whole "
                             "tokens")
        return span

    for field, shape in (("sents", list), ("ents", list), ("spans", dict), ("cats", dict),
                         ("_", dict), ("underscore_token", dict), ("underscore_span", dict)):
        value = doc_json.get(field)
        if value is not None and not isinstance(value, shape):
            raise _bad(f"{field} is a {type(value).__name__}, not a {shape.__name__}")
    sents = [char_span("sents", item) for item in doc_json.get("sents") or []]
    groups = {name: [char_span(f"spans[{name!r}]", item, item.get("label", ""),
                               item.get("kb_id", "")) for item in items]
              for name, items in (doc_json.get("spans") or {}).items()}
    ents = None
    if "ents" in doc_json:
        ents = [char_span("ents", item, item.get("label", ""))
                for item in doc_json["ents"] or []]
    values = [(type(doc), doc, name, value)
              for name, value in (doc_json.get("_") or {}).items()]
    for field in ("underscore_token", "underscore_span"):
        for name, entries in (doc_json.get(field) or {}).items():
            for entry in entries:
                if field == "underscore_token":
                    span = char_span(field, {"start": entry.get("start"),
                                             "end": _token_end(doc, entry.get("start"))})
                    target = doc[span.start]
                else:
                    target = char_span(field, entry)
                values.append((type(target), target, name, entry.get("value")))
    if sents and not doc.has_annotation("DEP"):
        for sent in sents:
            for token in sent:
                token.is_sent_start = token.i == sent.start
    for name, spans in groups.items():
        doc.spans[name] = spans
    if ents is not None:
        doc.ents = ents
    doc.cats = dict(doc_json.get("cats") or {})
    for owner, target, name, value in values:
        if not owner.has_extension(name):
            owner.set_extension(name, default=None)
        target._.set(name, value)
    return doc


def _token_end(doc, start_char):
    """The end character of the token starting at `start_char` (None if none does)."""
    for token in doc:
        if token.idx == start_char:
            return token.idx + len(token)
    return None


def _bad(message):
    return FormatError(message, "Doc JSON")
