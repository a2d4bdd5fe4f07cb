"""English noun chunks from a dependency parse (UD and ClearNLP label sets)."""
from ...symbols import SYMBOL_IDS

# Dependents that head a base noun phrase, in UD (EWT) and ClearNLP (OntoNotes) labels.
NP_LABELS = ("nsubj", "nsubj:pass", "nsubjpass", "obj", "dobj", "iobj", "dative", "obl",
             "obl:npmod", "obl:tmod", "nmod", "nmod:poss", "nmod:tmod", "nmod:npmod", "pobj",
             "pcomp", "appos", "attr", "oprd", "expl", "ROOT", "root")
NOMINAL_POS = (SYMBOL_IDS["NOUN"], SYMBOL_IDS["PROPN"], SYMBOL_IDS["PRON"])


def noun_chunks(doc):
    """Yield (start, end, label) for each base noun phrase, left to right, no overlaps."""
    if not doc.has_annotation("DEP"):
        raise ValueError("noun_chunks: the doc has no dependency parse; run a parser first")
    strings = doc.vocab.strings
    np_deps = {strings.add(label) for label in NP_LABELS}
    conj = strings.add("conj")
    np_label = strings.add("NP")
    prev_end = -1
    for token in doc:
        if token.pos not in NOMINAL_POS or token.i <= prev_end:
            continue
        head = token
        while head.dep == conj and head.head.i != head.i:
            head = head.head
        if head.dep not in np_deps:
            continue
        start = token.left_edge.i
        if start <= prev_end:
            start = prev_end + 1
        yield start, token.i + 1, np_label
        prev_end = token.i
