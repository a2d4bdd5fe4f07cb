"""displacy's pages in a real browser: headless Chromium loads a parse and an entity view
rendered from a Doc; the DOM it builds holds the SVG with every arc and label (measured by
the browser's own layout), and its screenshot is not blank. Skipped without a chromium."""
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _markup import read_entities, read_svgs  # noqa: E402

import fastnlp  # noqa: E402
from fastnlp import displacy  # noqa: E402
from fastnlp.tokens import Doc, Span  # noqa: E402

CHROMIUM = next((found for name in ("chromium", "chromium-browser", "google-chrome")
                 if (found := shutil.which(name))), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH "
                                "(apt-get install -y chromium)")

WORDS = ["Anna", "saw", "the", "big", "ship", "in", "Oslo", "."]
HEADS = [1, 1, 4, 4, 1, 1, 5, 1]
DEPS = ["nsubj", "ROOT", "det", "amod", "dobj", "prep", "pobj", "punct"]
POS = ["PROPN", "VERB", "DET", "ADJ", "NOUN", "ADP", "PROPN", "PUNCT"]
# Run after load: the browser's measure of what it drew, written into the DOM it dumps.
MEASURE = """<script>
window.addEventListener("load", () => {
  const svg = document.querySelector("svg.displacy");
  const out = document.createElement("pre");
  out.id = "measured";
  if (svg) {
    const box = svg.getBoundingClientRect();
    const labels = [...svg.querySelectorAll("textPath")].map(t => t.getComputedTextLength());
    const arcs = [...svg.querySelectorAll("path.displacy-arc")].map(p => p.getTotalLength());
    out.textContent = JSON.stringify({width: box.width, height: box.height, labels, arcs});
  } else {
    const marks = [...document.querySelectorAll("mark.entity")];
    out.textContent = JSON.stringify({marks: marks.map(m => m.getBoundingClientRect().width)});
  }
  document.body.appendChild(out);
});
</script>"""


def chromium(tmp_path, page, *args):
    html = tmp_path / "page.html"
    html.write_text(page.replace("</body>", MEASURE + "</body>"), encoding="utf8")
    command = [CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox",
               f"--user-data-dir={tmp_path / 'profile'}", "--hide-scrollbars", *args,
               html.as_uri()]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180,
                            cwd=tmp_path, env=dict(os.environ, HOME=str(tmp_path)))
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def measured(dom):
    import json
    return json.loads(re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S).group(1)
                      .replace("&quot;", '"'))


def decode_png(data):
    """(width, height, rows of pixel tuples) of an 8-bit RGB or RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (2, 6), (depth, color)
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, channels)])
        previous = line
    return width, height, rows


@pytest.fixture(scope="module")
def doc():
    nlp = fastnlp.blank("en")
    doc = Doc(nlp.vocab, words=WORDS, heads=HEADS, deps=DEPS, pos=POS,
              spaces=[True] * 6 + [False, False])
    doc.ents = [Span(doc, 0, 1, label="PERSON"), Span(doc, 6, 7, label="GPE")]
    return doc


def test_parse_in_browser(doc, tmp_path):
    page = displacy.render(doc, style="dep", page=True)
    dom = chromium(tmp_path, page, "--dump-dom")
    (drawn,) = read_svgs(dom)
    expected = displacy.parse_deps(doc)
    assert [w[:2] for w in drawn["words"]] == [(w["text"], w["tag"]) for w in expected["words"]]
    assert [a["label"] for a in drawn["arcs"]] == [a["label"] for a in expected["arcs"]]
    # Each arrowhead sits over the dependent: the arc's start for "left", its end for "right".
    for arc, want in zip(drawn["arcs"], expected["arcs"]):
        assert arc["head_x"] == (arc["start_x"] if want["dir"] == "left" else arc["end_x"])
    sizes = measured(dom)
    assert sizes["width"] == drawn["width"] and sizes["height"] == drawn["height"]
    # Every label was laid out along its arc, and every arc has length.
    assert len(sizes["labels"]) == len(expected["arcs"]) == 6
    assert all(length > 0 for length in sizes["labels"] + sizes["arcs"])

    shot = tmp_path / "parse.png"
    chromium(tmp_path, page, f"--screenshot={shot}", "--window-size=1000,500")
    width, height, rows = decode_png(shot.read_bytes())
    assert (width, height) == (1000, 500)
    colours = {pixel for row in rows for pixel in row}
    assert len(colours) > 1
    dark = sum(1 for row in rows for pixel in row if max(pixel) < 100)
    assert dark > 500  # words and arcs in black on white


def test_entities_in_browser(doc, tmp_path):
    page = displacy.render(doc, style="ent", page=True)
    dom = chromium(tmp_path, page, "--dump-dom")
    got = read_entities(dom[:dom.index('<pre id="measured">')])
    assert got["ents"] == [("Anna", "PERSON"), ("Oslo", "GPE")]
    assert "Anna PERSON saw the big ship in Oslo GPE ." in " ".join(got["text"].split())
    assert all(width > 0 for width in measured(dom)["marks"])

    shot = tmp_path / "ents.png"
    chromium(tmp_path, page, f"--screenshot={shot}", "--window-size=800,300")
    _, _, rows = decode_png(shot.read_bytes())
    colours = {pixel for row in rows for pixel in row}
    assert len(colours) > 1
    # The PERSON box's colour (#aa9cfc) is on screen.
    assert any(abs(r - 0xaa) < 6 and abs(g - 0x9c) < 6 and abs(b - 0xfc) < 6
               for r, g, b in colours)
