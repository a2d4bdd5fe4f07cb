"""The three displaCy renderers: dependency parses as SVG, entities and spans as HTML.

Each takes the visualizer's options when built and `render(parsed, page, minify)` turns
a list of parsed dicts (the shapes `parse_deps`, `parse_ents` and `parse_spans` return, or
manual data in the same shapes) into markup. The layout arithmetic (word x positions, arc
levels and heights, arrowheads) gives the same coordinates as spaCy 3.8's renderer, so a
drawing of the same input has the same geometry.
"""
import re
import uuid
from html import escape
from typing import Any, Dict, List, Tuple

from ..errors import DisplacyError
from ..registry import registry
from . import templates as tpl

DEFAULT_LANG = "en"
DEFAULT_DIR = "ltr"
DEFAULT_ENTITY_COLOR = "#ddd"
# Colours of the entity types of the OntoNotes scheme, as spaCy's views use them.
DEFAULT_LABEL_COLORS = {
    "ORG": "#7aecec", "PRODUCT": "#bfeeb7", "GPE": "#feca74", "LOC": "#ff9561",
    "PERSON": "#aa9cfc", "NORP": "#c887fb", "FAC": "#9cc9cc", "EVENT": "#ffeb80",
    "LAW": "#ff8197", "LANGUAGE": "#ff8197", "WORK_OF_ART": "#f0d0ff",
    "DATE": "#bfe1d9", "TIME": "#bfe1d9", "MONEY": "#e4e7d2", "QUANTITY": "#e4e7d2",
    "ORDINAL": "#e4e7d2", "CARDINAL": "#e4e7d2", "PERCENT": "#e4e7d2",
}

_BETWEEN_TAGS = re.compile(r">\s+<")


def escape_html(text: str) -> str:
    """Text safe inside an element or an attribute (quotes escaped too)."""
    return escape(text, quote=True)


def minify_html(markup: str) -> str:
    """The markup without line breaks and indentation (whitespace between tags dropped)."""
    markup = _BETWEEN_TAGS.sub("><", markup.strip())
    return "".join(line.strip() for line in markup.splitlines())


def _require(item, keys, style):
    """A manual dict must have the keys its style reads: one line naming the first missing."""
    if not isinstance(item, dict):
        raise DisplacyError(f"displacy style '{style}' expects a dict here, got "
                            f"{type(item).__name__}: {item!r:.80}")
    for key in keys:
        if key not in item:
            raise DisplacyError(f"displacy style '{style}': manual data is missing key "
                                f"'{key}' in {item!r:.120}")


def label_colors(options: Dict[str, Any]) -> Dict[str, str]:
    """Upper-cased label -> colour: defaults, then registered displacy_colors, then options."""
    colors = dict(DEFAULT_LABEL_COLORS)
    for name, value in registry.displacy_colors.get_all().items():
        if callable(value):
            value = value()
        if not isinstance(value, dict):
            raise DisplacyError(f"displacy_colors entry '{name}' must be a dict of label -> "
                                f"colour (or a function returning one), got "
                                f"{type(value).__name__}")
        colors.update(value)
    colors.update(options.get("colors") or {})
    return {label.upper(): color for label, color in colors.items()}


class _Renderer:
    style = ""

    def __init__(self, options: Dict[str, Any] = {}) -> None:
        self.options = dict(options or {})
        self.direction = DEFAULT_DIR
        self.lang = DEFAULT_LANG

    def _settings(self, parsed: List[Dict[str, Any]]) -> None:
        # The first document's language and writing direction apply to the whole output.
        settings = (parsed[0].get("settings") or {}) if parsed else {}
        self.direction = settings.get("direction", DEFAULT_DIR)
        self.lang = settings.get("lang", DEFAULT_LANG)

    def render_one(self, index: int, item: Dict[str, Any]) -> str:
        raise NotImplementedError

    def render(self, parsed: List[Dict[str, Any]], page: bool = False,
               minify: bool = False) -> str:
        """Markup of every parsed dict, joined, or as one HTML page (`page`)."""
        self._settings(parsed)
        self.prefix = uuid.uuid4().hex  # keeps element ids apart between renders
        rendered = []
        for index, item in enumerate(parsed):
            markup = self.render_one(index, item)
            if item.get("title"):
                markup = tpl.TITLE.format(title=escape_html(str(item["title"]))) + markup
            rendered.append(markup)
        if page:
            figures = "".join(tpl.FIGURE.format(content=markup) for markup in rendered)
            markup = tpl.PAGE.format(content=figures, lang=self.lang, dir=self.direction)
        else:
            markup = "".join(rendered)
        return minify_html(markup) if minify else markup


class DependencyRenderer(_Renderer):
    """Dependency parses as SVG: words along a line, arcs from heads to dependents above."""
    style = "dep"

    def __init__(self, options: Dict[str, Any] = {}) -> None:
        super().__init__(options)
        get = self.options.get
        self.compact = get("compact", False)
        self.word_spacing = get("word_spacing", 45)
        self.arrow_spacing = get("arrow_spacing", 12 if self.compact else 20)
        self.arrow_width = get("arrow_width", 6 if self.compact else 10)
        self.arrow_stroke = get("arrow_stroke", 2)
        self.distance = get("distance", 150 if self.compact else 175)
        self.offset_x = get("offset_x", 50)
        self.color = get("color", "#000000")
        self.bg = get("bg", "#ffffff")
        self.font = get("font", "Arial")

    def render_one(self, index: int, item: Dict[str, Any]) -> str:
        _require(item, ("words", "arcs"), self.style)
        return self.render_svg(f"{self.prefix}-{index}", item["words"], item["arcs"])

    def render_svg(self, render_id, words: List[Dict[str, Any]],
                   arcs: List[Dict[str, Any]]) -> str:
        """The SVG of one parse: `words` ({text, tag, lemma?}) and `arcs` ({start, end,
        label, dir})."""
        for word in words:
            _require(word, ("text", "tag"), self.style)
        for arc in arcs:
            _require(arc, ("start", "end", "label", "dir"), self.style)
            if arc["dir"] not in ("left", "right"):
                raise DisplacyError(f"displacy arc direction must be 'left' or 'right', got "
                                    f"{arc['dir']!r} in {arc!r}")
            if arc["start"] < 0 or arc["end"] < 0:
                raise DisplacyError(f"displacy arc start and end must not be negative: "
                                    f"{arc!r}")
        self.id = render_id
        self.levels = self.get_levels(arcs)
        self.highest_level = max(self.levels.values(), default=0)
        self.offset_y = self.distance / 2 * self.highest_level + self.arrow_stroke
        self.width = self.offset_x + len(words) * self.distance
        self.height = self.offset_y + 3 * self.word_spacing
        parts = [self.render_word(w["text"], w["tag"], w.get("lemma"), i)
                 for i, w in enumerate(words)]
        parts += [self.render_arrow(a["label"], a["start"], a["end"], a["dir"], i)
                  for i, a in enumerate(arcs)]
        return tpl.DEP_SVG.format(
            id=self.id, width=self.width, height=self.height, color=escape_html(self.color),
            bg=escape_html(self.bg), font=escape_html(self.font), content="".join(parts),
            dir=self.direction, lang=self.lang)

    def _x(self, x):
        return self.width - x if self.direction == "rtl" else x

    def render_word(self, text: str, tag: str, lemma, i: int) -> str:
        x = self._x(self.offset_x + i * self.distance)
        y = self.offset_y + self.word_spacing
        lemma_line = "" if lemma is None else tpl.DEP_LEMMA.format(
            x=x, lemma=escape_html(str(lemma)))
        return tpl.DEP_WORD.format(x=x, y=y, text=escape_html(str(text)),
                                   tag=escape_html(str(tag)), lemma_line=lemma_line)

    def render_arrow(self, label: str, start: int, end: int, direction: str, i: int) -> str:
        level = self.levels[(start, end, label)]
        x_start = self._x(self.offset_x + start * self.distance + self.arrow_spacing)
        # Lower arcs end a little further left, so arrowheads meeting at a word stay apart.
        x_end = self._x(self.offset_x + end * self.distance
                        - self.arrow_spacing * (self.highest_level - level) / 4)
        y = self.offset_y
        y_curve = self.offset_y - level * self.distance / (6 if self.compact else 2)
        if y_curve == 0 and self.highest_level > 5:
            y_curve = -self.distance
        return tpl.DEP_ARC.format(
            id=self.id, i=i, stroke=self.arrow_stroke, label=escape_html(str(label)),
            arc=self.get_arc(x_start, y, y_curve, x_end),
            head=self.get_arrowhead(direction, x_start, y, x_end),
            label_side="right" if self.direction == "rtl" else "left")

    def get_arc(self, x_start, y, y_curve, x_end) -> str:
        """The arc's path: a cubic curve, or three straight segments in compact mode."""
        joint = " " if self.compact else " C"
        return (f"M{x_start},{y}{joint}{x_start},{y_curve} {x_end},{y_curve} "
                f"{x_end},{y}")

    def get_arrowhead(self, direction: str, x, y, end) -> str:
        """A triangle pointing down at the dependent: the arc's start for a left arc,
        its end for a right one."""
        half = self.arrow_width - 2
        tip = x if direction == "left" else end
        left, right = (tip - half, tip + half) if direction == "left" else (tip + half,
                                                                           tip - half)
        top = y - self.arrow_width
        return f"M{tip},{y + 2} L{left},{top} {right},{top}"

    def get_levels(self, arcs: List[Dict[str, Any]]) -> Dict[Tuple[int, int, str], int]:
        """(start, end, label) -> height level: shorter arcs first, each one above the
        highest arc already drawn under any of the words it spans."""
        unique = {(a["start"], a["end"], a["label"]): a for a in arcs}
        length = max((start_end[1] for start_end in unique), default=0)
        floor = [0] * length
        levels = {}
        for start, end, label in sorted(unique, key=lambda k: k[1] - k[0]):
            level = max(floor[start:end], default=0) + 1
            floor[start:end] = [level] * (end - start)
            levels[(start, end, label)] = level
        return levels


class EntityRenderer(_Renderer):
    """Entities as HTML: the text with each entity in a coloured box followed by its label."""
    style = "ent"

    def __init__(self, options: Dict[str, Any] = {}) -> None:
        super().__init__(options)
        self.colors = label_colors(self.options)
        self.default_color = DEFAULT_ENTITY_COLOR
        ents = self.options.get("ents")
        self.ents = None if ents is None else {label.upper() for label in ents}
        self.template = self.options.get("template")

    def render_one(self, index: int, item: Dict[str, Any]) -> str:
        _require(item, ("text", "ents"), self.style)
        return self.render_ents(item["text"], item["ents"], None)

    @staticmethod
    def _plain(text: str) -> str:
        return "<br>".join(escape_html(part) for part in text.split("\n"))

    def render_ents(self, text: str, spans: List[Dict[str, Any]], title=None) -> str:
        for span in spans:
            _require(span, ("start", "end", "label"), self.style)
        template = self.template or (tpl.ENT_RTL if self.direction == "rtl" else tpl.ENT)
        out = []
        offset = 0
        for span in sorted(spans, key=lambda s: (s["start"], s["end"])):
            start, end, label = span["start"], span["end"], span["label"]
            if start < offset:  # overlaps the previous entity: spaCy's view has no room
                continue
            out.append(self._plain(text[offset:start]))
            entity = escape_html(text[start:end])
            if self.ents is None or label.upper() in self.ents:
                kb_id = span.get("kb_id", "")
                kb_link = tpl.KB_LINK.format(kb_id=escape_html(kb_id), kb_url=escape_html(
                    span.get("kb_url", "#"))) if kb_id else ""
                fields = {"label": escape_html(label), "text": entity,
                          "bg": self.colors.get(label.upper(), self.default_color),
                          "kb_link": kb_link}
                fields.update(span.get("params", {}))
                out.append(template.format(**fields))
            else:
                out.append(entity)
            offset = end
        out.append(self._plain(text[offset:]))
        markup = tpl.ENTS.format(content="".join(out), dir=self.direction)
        if title:
            markup = tpl.TITLE.format(title=escape_html(title)) + markup
        return markup


class SpanRenderer(_Renderer):
    """Possibly overlapping spans as HTML: each token underlined by one bar per span it
    is in, the bars of overlapping spans stacked at their own levels, and each span's
    label on its bar at its first token."""
    style = "span"

    def __init__(self, options: Dict[str, Any] = {}) -> None:
        super().__init__(options)
        get = self.options.get
        self.colors = label_colors(self.options)
        self.default_color = DEFAULT_ENTITY_COLOR
        self.top_offset = get("top_offset", 40)
        self.span_label_offset = get("span_label_offset", 20)
        self.offset_step = get("top_offset_step", 17)
        # spaCy's code reads "template", its docs say "templates": take either.
        self.templates = get("template") or get("templates")
        if self.templates is not None:
            _require(self.templates, ("span", "slice", "start"), "span (template)")

    def render_one(self, index: int, item: Dict[str, Any]) -> str:
        _require(item, ("spans", "tokens"), self.style)
        return self.render_spans(item["tokens"], item["spans"], None)

    @staticmethod
    def assign_slots(tokens: List[str], spans: List[Dict[str, Any]]) -> List[List[tuple]]:
        """Per token, the (slot, span) pairs covering it, lowest slot first. Spans are taken
        by start, longer first, then label; a span's slot is one above the highest slot
        among the spans already open at its first token that were placed before it."""
        order = sorted(spans, key=lambda s: (s["start_token"],
                                             -(s["end_token"] - s["start_token"]), s["label"]))
        slots = {}
        per_token = []
        for i in range(len(tokens)):
            covering = []
            for n, span in enumerate(order):
                if not span["start_token"] <= i < span["end_token"]:
                    continue
                if i == span["start_token"]:
                    slots[n] = covering[-1][0] + 1 if covering else 1
                covering.append((slots[n], span))
            per_token.append(covering)
        return per_token

    def render_spans(self, tokens: List[str], spans: List[Dict[str, Any]], title=None) -> str:
        for span in spans:
            _require(span, ("start_token", "end_token", "label"), self.style)
        if self.templates is not None:
            token_tpl, slice_tpl, start_tpl = (self.templates["span"],
                                               self.templates["slice"],
                                               self.templates["start"])
        else:
            token_tpl, slice_tpl = tpl.SPAN_TOKEN, tpl.SPAN_SLICE
            start_tpl = tpl.SPAN_START_RTL if self.direction == "rtl" else tpl.SPAN_START
        out = []
        for i, (text, covering) in enumerate(zip(tokens, self.assign_slots(tokens, spans))):
            # A whitespace token has no line height to hang bars on: drawn plain.
            if not covering or not str(text).strip():
                out.append(escape_html(str(text)) + " ")
                continue
            slices, starts = [], []
            for slot, span in sorted(covering, key=lambda pair: pair[0]):
                color = self.colors.get(span["label"].upper(), self.default_color)
                top = self.top_offset + self.offset_step * (slot - 1)
                slices.append(slice_tpl.format(bg=color, top_offset=top))
                if i == span["start_token"]:
                    kb_id = span.get("kb_id", "")
                    kb_link = tpl.KB_LINK.format(
                        kb_id=escape_html(kb_id),
                        kb_url=escape_html(span.get("kb_url", "#"))) if kb_id else ""
                    starts.append(start_tpl.format(bg=color, top_offset=top, kb_link=kb_link,
                                                   label=escape_html(span["label"])))
            height = (self.top_offset + self.span_label_offset
                      + self.offset_step * (len(covering) - 1))
            out.append(token_tpl.format(text=escape_html(str(text)), span_slices="".join(slices),
                                        span_starts="".join(starts), total_height=height))
        markup = tpl.SPANS.format(content="".join(out), dir=self.direction)
        if title:
            markup = tpl.TITLE.format(title=escape_html(title)) + markup
        return markup
