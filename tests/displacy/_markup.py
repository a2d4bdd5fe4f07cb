"""Read displaCy markup back into plain data (for ours and spaCy's alike), so tests compare
what a drawing shows, not its bytes."""
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
_NUM = re.compile(r"-?\d+(?:\.\d+)?")


def _classes(el):
    return (el.get("class") or "").split()


def read_svgs(markup):
    """Each <svg> of the markup as {"words": [(text, tag, lemma)], "arcs": [{label, start_x,
    end_x, head_x, points_left}]}."""
    out = []
    for chunk in re.findall(r"<svg.*?</svg>", markup, flags=re.S):
        root = ET.fromstring(chunk)
        words = []
        for token in root.iter(f"{SVG}text"):
            if "displacy-token" not in _classes(token):
                continue
            parts = {c: (t.text or "").strip() for t in token.iter(f"{SVG}tspan")
                     for c in _classes(t)}
            x = float(next(token.iter(f"{SVG}tspan")).get("x"))
            words.append((parts.get("displacy-word"), parts.get("displacy-tag"),
                          parts.get("displacy-lemma"), x))
        arcs = []
        for group in root.iter(f"{SVG}g"):
            if "displacy-arrow" not in _classes(group):
                continue
            paths = {c: p for p in group.iter(f"{SVG}path") for c in _classes(p)}
            arc = [float(n) for n in _NUM.findall(paths["displacy-arc"].get("d"))]
            head = [float(n) for n in _NUM.findall(paths["displacy-arrowhead"].get("d"))]
            label_el = next(group.iter(f"{SVG}textPath"))
            assert label_el.get(f"{XLINK}href") == "#" + paths["displacy-arc"].get("id")
            arcs.append({"label": label_el.text, "start_x": arc[0], "end_x": arc[-2],
                         "y_curve": arc[3], "head_x": head[0]})
        out.append({"words": words, "arcs": arcs, "id": root.get("id"),
                    "width": float(root.get("width")), "height": float(root.get("height")),
                    "style": root.get("style")})
    return out


class _Entities(HTMLParser):
    """Entities (<mark> text and its label) and span bars (background + top per token)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.ents = []        # [text, label, style]
        self.text = []        # all visible text
        self.tokens = []      # span view: [text, [(top, color)], [labels]]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        style = attrs.get("style") or ""
        self.stack.append((tag, attrs))
        if tag == "mark":
            self.ents.append(["", "", style])
        if tag == "br":
            self.stack.pop()
            self.text.append("\n")
        if tag == "span" and "display: inline-block" in style:
            self.tokens.append(["", [], []])
        elif (tag == "span" and "height: 4px" in style and "radius" not in style
              and self.tokens):  # a bar (slice); a span's first token also has a label tab
            top = int(re.search(r"top: (-?\d+)px", style).group(1))
            color = re.search(r"background: ([^;]+);", style).group(1)
            self.tokens[-1][1].append((top, color))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        self.text.append(data)
        tags = [t for t, _ in self.stack]
        if "mark" in tags:
            if tags[-1] == "span":
                self.ents[-1][1] += data.strip()
            elif tags[-1] == "mark":
                self.ents[-1][0] += data
        if self.tokens and "span" in tags:
            depth = [i for i, (t, a) in enumerate(self.stack)
                     if t == "span" and "display: inline-block" in (a.get("style") or "")]
            if depth:
                if len(self.stack) - 1 == depth[-1]:
                    self.tokens[-1][0] += data.strip()
                elif "z-index" in (self.stack[-1][1].get("style") or ""):
                    self.tokens[-1][2].append(data.strip())


def read_entities(markup):
    parser = _Entities()
    parser.feed(markup)
    ents = [(text.strip(), label) for text, label, _ in parser.ents]
    return {"ents": ents, "styles": [style for *_, style in parser.ents],
            "text": "".join(parser.text)}


def read_spans(markup):
    parser = _Entities()
    parser.feed(markup)
    return [(text, sorted(bars), labels) for text, bars, labels in parser.tokens]
