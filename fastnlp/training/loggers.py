"""Training loggers: a table row per evaluation, a progress bar between rows."""
import sys

from ..registry import register

# Column titles for the scores the components report.
SCORE_TITLES = {
    "token_acc": "Token %", "tag_acc": "Tag %", "pos_acc": "POS %", "morph_acc": "Morph %",
    "lemma_acc": "Lemma %", "dep_uas": "UAS", "dep_las": "LAS", "ents_p": "NER P",
    "ents_r": "NER R", "ents_f": "NER F", "sents_p": "Sent P", "sents_r": "Sent R",
    "sents_f": "Sent F", "speed": "WPS",
}
LOSS_TITLES = {"tok2vec": "Tok2Vec", "tagger": "Tag", "parser": "Dep", "ner": "NER"}


@register("loggers", "fastnlp.ConsoleLogger.v1", "spacy.ConsoleLogger.v1")
def console_logger(progress_bar: bool = False, columns=None):
    """Print a table row per evaluation; columns: the score keys to show (default: all
    weighted scores plus speed)."""

    def setup(nlp, stdout=sys.stdout, stderr=sys.stderr, *, score_keys, eval_frequency,
              on_gpu=False):
        keys = list(columns) if columns else [k for k in score_keys] + ["speed"]
        keys = [k for k in keys if k in SCORE_TITLES or k in score_keys]
        loss_names = [name for name, comp in nlp.pipeline if getattr(comp, "is_trainable", False)]
        headers = ["E", "#"] + [f"Loss {LOSS_TITLES.get(n, n)}" for n in loss_names]
        headers += [_title(k, on_gpu) for k in keys] + ["Score"]
        widths = [max(len(h), 6) for h in headers]
        widths[0], widths[1] = 3, 6
        state = {"bar": None}

        def line(cells):
            return "  ".join(str(c).rjust(w) for c, w in zip(cells, widths))

        stdout.write(line(headers) + "\n")
        stdout.write(line(["-" * w for w in widths]) + "\n")
        stdout.flush()

        def log_step(info):
            if info is None:
                if progress_bar:
                    if state["bar"] is None:
                        from tqdm import tqdm
                        state["bar"] = tqdm(total=eval_frequency, leave=False, file=stderr, disable=None,
                                            desc="steps to next evaluation")
                    state["bar"].update(1)
                return
            if state["bar"] is not None:
                state["bar"].close()
                state["bar"] = None
            losses = [f"{info['losses'].get(n, 0.0):.2f}" for n in loss_names]
            scores = []
            for key in keys:
                value = info["other_scores"].get(key)
                if value is None:
                    scores.append("")
                elif key == "speed":
                    scores.append(f"{value:.0f}")
                else:
                    scores.append(f"{100 * value:.2f}")
            cells = [info["epoch"], info["step"]] + losses + scores + [f"{info['score']:.2f}"]
            stdout.write(line(cells) + "\n")
            stdout.flush()

        def finalize():
            if state["bar"] is not None:
                state["bar"].close()

        return log_step, finalize

    return setup


def _title(key, on_gpu):
    if key == "speed":
        return "GPU WPS" if on_gpu else "CPU WPS"
    return SCORE_TITLES.get(key, key)
