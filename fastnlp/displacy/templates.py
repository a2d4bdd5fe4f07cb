"""Markup templates of the displaCy views (str.format strings).

The class names (`displacy`, `displacy-word`, `displacy-tag`, `displacy-arc`,
`displacy-label`, `entities`, `entity`, `spans`) are those spaCy's output carries, so
stylesheets written for spaCy's views apply to ours. The SVG sets its own height and
`max-width: none`, which Jupyter needs to size the cell.
"""

DEP_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xml:lang="{lang}" id="{id}" class="displacy" width="{width}" height="{height}" '
    'direction="{dir}" style="max-width: none; height: {height}px; color: {color}; '
    'background: {bg}; font-family: {font}; direction: {dir}">\n{content}</svg>\n'
)

# One word: its text, optionally its lemma, then its tag, each a line lower.
DEP_WORD = (
    '<text class="displacy-token" fill="currentColor" text-anchor="middle" y="{y}">\n'
    '  <tspan class="displacy-word" fill="currentColor" x="{x}">{text}</tspan>\n'
    '{lemma_line}'
    '  <tspan class="displacy-tag" dy="2em" fill="currentColor" x="{x}">{tag}</tspan>\n'
    '</text>\n'
)
DEP_LEMMA = ('  <tspan class="displacy-lemma" dy="2em" fill="currentColor" '
             'x="{x}">{lemma}</tspan>\n')

# One arc: the curve, its label written along it, and the arrowhead at the dependent.
DEP_ARC = (
    '<g class="displacy-arrow">\n'
    '  <path class="displacy-arc" id="arrow-{id}-{i}" stroke-width="{stroke}px" d="{arc}" '
    'fill="none" stroke="currentColor"/>\n'
    '  <text dy="1.25em" style="font-size: 0.8em; letter-spacing: 1px">\n'
    '    <textPath xlink:href="#arrow-{id}-{i}" class="displacy-label" startOffset="50%" '
    'side="{label_side}" fill="currentColor" text-anchor="middle">{label}</textPath>\n'
    '  </text>\n'
    '  <path class="displacy-arrowhead" d="{head}" fill="currentColor"/>\n'
    '</g>\n'
)

FIGURE = '<figure style="margin-bottom: 6rem">{content}</figure>\n'
TITLE = '<h2 style="margin: 0">{title}</h2>\n'

ENTS = '<div class="entities" style="line-height: 2.5; direction: {dir}">{content}</div>\n'
# An entity: its text with the label after it (before it, right to left), in one box.
# A custom `template` option may use {bg}, {text}, {label} and {kb_link}.
ENT = (
    '<mark class="entity" style="background: {bg}; padding: 0.45em 0.6em; '
    'margin: 0 0.25em; line-height: 1; border-radius: 0.35em;">\n{text}\n'
    '<span style="font-size: 0.8em; font-weight: bold; line-height: 1; '
    'border-radius: 0.35em; vertical-align: middle; margin-left: 0.5rem">'
    '{label}{kb_link}</span></mark>\n'
)
ENT_RTL = ENT.replace("margin-left: 0.5rem", "margin-right: 0.5rem")
KB_LINK = (' <a style="text-decoration: none; color: inherit; font-weight: normal" '
           'href="{kb_url}">{kb_id}</a>')

SPANS = '<div class="spans" style="line-height: 2.5; direction: {dir}">{content}</div>\n'
# A token under one or more spans: its text, then one bar per span at the span's level
# (`slice`), and at the span's first token a label tag on that bar (`start`).
SPAN_TOKEN = (
    '<span style="font-weight: bold; display: inline-block; position: relative; '
    'height: {total_height}px;">{text}{span_slices}{span_starts}</span> '
)
SPAN_SLICE = (
    '<span style="background: {bg}; top: {top_offset}px; height: 4px; left: -1px; '
    'width: calc(100% + 2px); position: absolute;"></span>'
)
SPAN_START = (
    '<span style="background: {bg}; top: {top_offset}px; height: 4px; '
    'border-top-left-radius: 3px; border-bottom-left-radius: 3px; left: -1px; '
    'width: calc(100% + 2px); position: absolute;">'
    '<span style="background: {bg}; z-index: 10; color: #000; top: -0.5em; padding: 2px 3px; '
    'position: absolute; font-size: 0.6em; font-weight: bold; line-height: 1; '
    'border-radius: 3px">{label}{kb_link}</span></span>'
)
SPAN_START_RTL = SPAN_START.replace("border-top-left-radius", "border-top-right-radius") \
    .replace("border-bottom-left-radius", "border-bottom-right-radius")

PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>displaCy</title>
</head>
<body style="font-size: 16px; font-family: -apple-system, BlinkMacSystemFont, 'Segoe UI',
 Helvetica, Arial, sans-serif; padding: 4rem 2rem; direction: {dir}">
{content}
</body>
</html>
"""
