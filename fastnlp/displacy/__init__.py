"""displaCy: dependency parses, entities and spans drawn as SVG/HTML (spaCy 3.8's API).

`render` returns the markup (or, in a Jupyter notebook, displays it); `serve` serves it
as a page on a local port with the standard library's wsgiref. `parse_deps`,
`parse_ents` and `parse_spans` turn a Doc into the dicts that `render(..., manual=True)`
takes, so data from elsewhere can be drawn in the same shapes.
"""
import socket
import sys
import threading
import warnings
from typing import Any, Callable, Dict, Iterable, Optional, Union

from ..errors import DisplacyError
from ..tokens import Doc, Span
from .render import DependencyRenderer, EntityRenderer, SpanRenderer

__all__ = ["render", "serve", "parse_deps", "parse_ents", "parse_spans",
           "set_render_wrapper", "DependencyRenderer", "EntityRenderer", "SpanRenderer"]

STYLES = {"dep": DependencyRenderer, "ent": EntityRenderer, "span": SpanRenderer}
# The markup `serve` answers with (the last render), as spaCy keeps it.
_html: Dict[str, str] = {}
RENDER_WRAPPER: Optional[Callable[[str], str]] = None

NO_PARSE = ("Doc has no dependency parse, so displacy draws its words without arcs. "
            "Run a pipeline with a parser, or set Token.head and Token.dep_ by hand.")
NO_ENTS = ("Doc has no entities to show. Run a pipeline with an entity recognizer, "
           "set Doc.ents by hand, or check the `ents` option's labels.")
NO_SPANS = ("Doc has no spans under spans_key '{key}' (its span keys: {keys}). "
            "Pass options={{'spans_key': ...}} naming one of them.")
SERVE_IN_JUPYTER = ("displacy.serve blocks a notebook's kernel; use displacy.render "
                    "there, which shows the markup in the cell.")


def is_in_jupyter() -> bool:
    """True inside a Jupyter notebook or qtconsole (an IPython ZMQ kernel)."""
    ipython = sys.modules.get("IPython")
    get_ipython = getattr(ipython, "get_ipython", None)
    if get_ipython is None:
        return False
    try:
        shell = get_ipython()
    except Exception:
        return False
    if shell is None:
        return False
    return type(shell).__name__ == "ZMQInteractiveShell" or "IPKernelApp" in getattr(
        shell, "config", {})


def _check_style(style):
    if style not in STYLES:
        raise DisplacyError(f"Unknown displacy style: {style!r} (use 'dep', 'ent' or 'span')")


def _as_list(docs):
    if isinstance(docs, (Doc, Span, dict)):
        return [docs]
    try:
        return list(docs)
    except TypeError:
        raise DisplacyError(f"displacy can draw a Doc, a Span or (manual=True) a dict, or a "
                            f"list of them; got {type(docs).__name__}") from None


def render(docs: Union[Iterable[Union[Doc, Span, dict]], Doc, Span, dict], style: str = "dep",
           page: bool = False, minify: bool = False, jupyter: Optional[bool] = None,
           options: Dict[str, Any] = {}, manual: bool = False):
    """The SVG (style "dep") or HTML ("ent", "span") of `docs`; with `page`, a whole HTML
    page. With `manual`, `docs` are dicts in the shapes parse_deps/parse_ents/parse_spans
    return. In a notebook (or with `jupyter=True`) the markup is displayed instead."""
    _check_style(style)
    options = options or {}
    items = _as_list(docs)
    for item in items:
        if manual and not isinstance(item, dict):
            raise DisplacyError(f"displacy with manual=True expects dicts, got "
                                f"{type(item).__name__}")
        if not manual and not isinstance(item, (Doc, Span)):
            raise DisplacyError(f"displacy can only draw a Doc or a Span (or dicts with "
                                f"manual=True); got {type(item).__name__}")
    if manual:
        parsed = items
    else:
        parse = {"dep": parse_deps, "ent": parse_ents, "span": parse_spans}[style]
        parsed = [parse(item, options) for item in items]
    html = STYLES[style](options).render(parsed, page=page, minify=minify).strip()
    _html["parsed"] = html
    if RENDER_WRAPPER is not None:
        html = RENDER_WRAPPER(html)
    if jupyter or (jupyter is None and is_in_jupyter()):
        from IPython.display import HTML, display
        # The wrapper keeps MathJax from reading `$` in the text as mathematics.
        return display(HTML(f'<span class="tex2jax_ignore">{html}</span>'))
    return html


def _port_in_use(port: int, host: str) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def find_available_port(start: int, host: str, auto_select: bool = False) -> int:
    """`start` if it is free on `host`; else, with `auto_select`, the next free port above
    it, and without, an error naming the port."""
    if not _port_in_use(start, host):
        return start
    if not auto_select:
        raise DisplacyError(f"Port {start} is already in use on {host}; pass another port or "
                            f"auto_select_port=True")
    for port in range(start + 1, 65536):
        if not _port_in_use(port, host):
            warnings.warn(f"Port {start} is in use; serving on port {port} instead.")
            return port
    raise DisplacyError(f"No free port above {start} on {host}")


def app(environ, start_response):
    """The WSGI app `serve` runs: every path answers with the last rendered markup."""
    start_response("200 OK", [("Content-type", "text/html; charset=utf-8")])
    return [_html.get("parsed", "").encode("utf8")]


def serve(docs: Union[Iterable[Union[Doc, Span]], Doc, Span], style: str = "dep",
          page: bool = True, minify: bool = False, options: Dict[str, Any] = {},
          manual: bool = False, port: int = 5000, host: str = "0.0.0.0",
          auto_select_port: bool = False) -> None:
    """Render `docs` and serve the page at http://host:port until Ctrl-C (blocks)."""
    from wsgiref import simple_server

    _check_style(style)
    port = find_available_port(port, host, auto_select_port)
    if is_in_jupyter():
        warnings.warn(SERVE_IN_JUPYTER)
    render(docs, style=style, page=page, minify=minify, options=options, manual=manual,
           jupyter=False)
    httpd = simple_server.make_server(host, port, app)
    print(f"\nUsing the '{style}' visualizer")
    print(f"Serving on http://{host}:{port} ...\n", flush=True)
    # The server runs on a thread so that Ctrl-C always reaches this wait: raised inside a
    # request, wsgiref would log the KeyboardInterrupt and keep serving.
    server = threading.Thread(target=httpd.serve_forever, daemon=True)
    server.start()
    try:
        while server.is_alive():
            server.join(0.5)
    except KeyboardInterrupt:
        print(f"Shutting down server on port {port}.")
    finally:
        httpd.shutdown()
        httpd.server_close()


def _settings(doc) -> Dict[str, Any]:
    vocab = doc.vocab
    writing = getattr(vocab, "writing_system", None) or {}
    return {"lang": getattr(vocab, "lang", "") or "en",
            "direction": writing.get("direction", "ltr")}


def _is_punct(doc, start, end):
    if end - start == 1:
        return doc[start].is_punct
    return doc.vocab[doc[start:end].text].is_punct


def _root(doc, start, end, has_kids):
    """The merged word's root, chosen as spaCy's Span.root chooses it: a sentence root in the
    span, else the token outside-headed with the fewest steps to its sentence root, where a
    childless punctuation or space token counts as farthest (so "billion !" keeps
    "billion"); ties go to the first."""
    best, best_steps = None, len(doc)
    for i in range(start, end):
        token = doc[i]
        if token.head.i == i:
            return token
    for i in range(start, end):
        token = doc[i]
        if start <= token.head.i < end:
            continue
        if (token.is_punct or token.is_space) and not has_kids[i]:
            steps = len(doc) - 1
        else:
            steps = sum(1 for _ in token.ancestors)
        if steps < best_steps:
            best, best_steps = token, steps
    return doc[start] if best is None else best


def _groups(doc, options):
    """The words displacy draws, as (start, end, tag, pos, lemma) over the Doc's tokens:
    noun chunks merged (collapse_phrases), then each word merged with the punctuation
    right after it (collapse_punct, on by default). A merged word takes its root's part of
    speech; its tag and lemma are its root's (phrases) or its first word's (punctuation),
    as spaCy's retokenizer does it."""
    fine = options.get("fine_grained")
    groups = []
    covered = 0
    chunks = list(doc.noun_chunks) if options.get("collapse_phrases", False) else []
    for chunk in sorted(chunks, key=lambda c: c.start):
        if chunk.start < covered:
            continue
        groups += [(i, i + 1, doc[i].tag_, doc[i].lemma_) for i in range(covered, chunk.start)]
        root = chunk.root
        groups.append((chunk.start, chunk.end, root.tag_, root.lemma_))
        covered = chunk.end
    groups += [(i, i + 1, doc[i].tag_, doc[i].lemma_) for i in range(covered, len(doc))]
    if options.get("collapse_punct", True):
        punct = [_is_punct(doc, g[0], g[1]) for g in groups]
        merged = []
        k = 0
        while k < len(groups):
            j = k + 1
            if not punct[k]:
                while j < len(groups) and punct[j]:
                    j += 1
            start, _, tag, lemma = groups[k]
            merged.append((start, groups[j - 1][1], tag, lemma))
            k = j
        groups = merged
    has_kids = [False] * len(doc)
    for token in doc:
        if token.head.i != token.i:
            has_kids[token.head.i] = True
    out = []
    for start, end, tag, lemma in groups:
        root = _root(doc, start, end, has_kids) if end - start > 1 else doc[start]
        out.append((start, end, tag if fine else root.pos_, lemma, root))
    return out


def parse_deps(orig_doc: Union[Doc, Span], options: Dict[str, Any] = {}) -> Dict[str, Any]:
    """The Doc's parse as {"words": [{text, tag, lemma}], "arcs": [{start, end, label,
    dir}], "settings"}: `tag` is the coarse part of speech (or, with fine_grained, the
    tag), `lemma` is set with add_lemma, and an arc's `dir` says where the dependent is
    ("left": at `start`, "right": at `end`)."""
    options = options or {}
    if not isinstance(orig_doc, (Doc, Span)):
        raise DisplacyError(f"parse_deps expects a Doc or a Span, got "
                            f"{type(orig_doc).__name__}")
    doc = orig_doc.as_doc() if isinstance(orig_doc, Span) else orig_doc
    if not doc.has_annotation("DEP"):
        warnings.warn(NO_PARSE, UserWarning, stacklevel=2)
    groups = _groups(doc, options)
    group_of = {}
    for g, (start, end, *_) in enumerate(groups):
        for i in range(start, end):
            group_of[i] = g
    add_lemma = options.get("add_lemma")
    words = [{"text": doc[start:end].text, "tag": tag, "lemma": lemma if add_lemma else None}
             for start, end, tag, lemma, _ in groups]
    arcs = []
    for g, (_, _, _, _, root) in enumerate(groups):
        head = group_of[root.head.i]
        if head == g:
            continue
        if g < head:
            arcs.append({"start": g, "end": head, "label": root.dep_, "dir": "left"})
        else:
            arcs.append({"start": head, "end": g, "label": root.dep_, "dir": "right"})
    return {"words": words, "arcs": arcs, "settings": _settings(doc)}


def _kb(span, template):
    kb_id = span.kb_id_ or ""
    return {"kb_id": kb_id, "kb_url": template.format(kb_id) if template else "#"}


def parse_ents(doc: Doc, options: Dict[str, Any] = {}) -> Dict[str, Any]:
    """The Doc's entities as {"text", "ents": [{start, end, label, kb_id, kb_url}],
    "title", "settings"}, with character offsets."""
    options = options or {}
    if isinstance(doc, Span):
        doc = doc.as_doc()
    template = options.get("kb_url_template")
    ents = [{"start": ent.start_char, "end": ent.end_char, "label": ent.label_,
             **_kb(ent, template)} for ent in doc.ents]
    if not ents:
        warnings.warn(NO_ENTS, UserWarning, stacklevel=2)
    return {"text": doc.text, "ents": ents, "title": doc.user_data.get("title"),
            "settings": _settings(doc)}


def parse_spans(doc: Doc, options: Dict[str, Any] = {}) -> Dict[str, Any]:
    """The spans of `doc.spans[options["spans_key"]]` ("sc" by default) as {"text",
    "spans": [{start, end, start_token, end_token, label, kb_id, kb_url}], "tokens",
    "title", "settings"}."""
    options = options or {}
    if isinstance(doc, Span):
        doc = doc.as_doc()
    key = options.get("spans_key", "sc")
    template = options.get("kb_url_template")
    spans = [{"start": span.start_char, "end": span.end_char, "start_token": span.start,
              "end_token": span.end, "label": span.label_, **_kb(span, template)}
             for span in doc.spans.get(key, [])]
    if not spans:
        warnings.warn(NO_SPANS.format(key=key, keys=list(doc.spans)), UserWarning,
                      stacklevel=2)
    return {"text": doc.text, "spans": spans, "title": doc.user_data.get("title"),
            "settings": _settings(doc), "tokens": [token.text for token in doc]}


def set_render_wrapper(func: Callable[[str], str]) -> None:
    """Call `func` on the markup of every later `render`, and return what it returns."""
    global RENDER_WRAPPER
    if not callable(func):
        raise DisplacyError(f"set_render_wrapper expects a function, got "
                            f"{type(func).__name__}")
    RENDER_WRAPPER = func
