"""`fastnlp evaluate`: score a trained pipeline on a `.spacy` corpus."""
import re
import warnings
from pathlib import Path
from typing import Optional

import srsly
import typer

from .. import displacy
from ..errors import ConfigError, FastNLPError
from ..gpu import GPUUnavailable, require_gpu
from ..loading import load
from ..training.corpus import Corpus
from ._util import user_errors
from .train import SCORE_FORMATS


def evaluate(model, data_path, *, gold_preproc=False, use_gpu=-1, displacy_path=None,
             displacy_limit=25):
    """Load a pipeline, run it on the corpus' texts and return spaCy-style scores. With
    `displacy_path` (an existing directory), also draw the pipeline's analyses of the first
    `displacy_limit` texts there, as spaCy's evaluate does (see render_parses)."""
    if displacy_path is not None and not Path(displacy_path).is_dir():
        raise FileNotFoundError(f"Visualization output directory not found: {displacy_path}")
    if use_gpu >= 0:
        require_gpu(use_gpu)
    nlp = load(model)
    corpus = Corpus(data_path, gold_preproc=gold_preproc)
    examples = list(corpus(nlp))
    scores = nlp.evaluate(examples)
    if displacy_path is not None:
        components = nlp.config["components"]
        factories = {components[name].get("factory") for name in nlp.pipe_names
                     if name in components}
        texts = [eg.reference.text for eg in examples[:max(displacy_limit, 0)]]
        render_parses(list(nlp.pipe(texts)), Path(displacy_path), model_name=str(model),
                      limit=displacy_limit, deps="parser" in factories,
                      ents="ner" in factories, spans="spancat" in factories)
    return scores


def render_parses(docs, output_path, *, model_name="", limit=25, deps=True, ents=True,
                  spans=False):
    """Write parses.html (dependency parses, compact), entities.html and spans.html for
    the first `limit` docs, the first titled with the pipeline's name (spaCy's files)."""
    docs = docs[:limit]
    if not docs:
        return []
    docs[0].user_data["title"] = model_name
    written = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a doc without entities is fine here
        for wanted, style, name, options in ((ents, "ent", "entities.html", {}),
                                             (deps, "dep", "parses.html", {"compact": True}),
                                             (spans, "span", "spans.html", {})):
            if wanted:
                html = displacy.render(docs, style=style, page=True, options=options,
                                       jupyter=False)
                (output_path / name).write_text(html, encoding="utf8")
                written.append(output_path / name)
    return written


def evaluate_cli(
    model: str = typer.Argument(..., help="Pipeline directory or installed package"),
    data_path: Path = typer.Argument(..., help=".spacy file or directory of them"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write metrics as JSON"),
    gold_preproc: bool = typer.Option(False, "--gold-preproc", "-G",
                                      help="Use the gold tokenization and sentences"),
    gpu_id: int = typer.Option(-1, "--gpu-id", "-g", help="GPU id, or -1 for the CPU"),
    displacy_path: Optional[Path] = typer.Option(
        None, "--displacy-path", "-dp",
        help="Directory to write rendered parses and entities to as HTML"),
    displacy_limit: int = typer.Option(25, "--displacy-limit", "-dl",
                                       help="Limit of parses to render as HTML"),
):
    """Evaluate a pipeline: token, tag, parse, entity and sentence scores."""
    with user_errors(ConfigError, FastNLPError, GPUUnavailable, FileNotFoundError):
        scores = evaluate(model, data_path, gold_preproc=gold_preproc, use_gpu=gpu_id,
                          displacy_path=displacy_path, displacy_limit=displacy_limit)
        for key, (title, kind) in SCORE_FORMATS.items():
            if scores.get(key) is None:
                continue
            value = scores[key]
            if key == "cats_score" and scores.get("cats_score_desc"):
                title = f"{title} ({scores['cats_score_desc']})"
            typer.echo(f"{title:<10} {value:.0f}" if kind == "count" else
                       f"{title:<10} {100 * value:.2f}")
        groups = sorted({m.group(1) for m in map(re.compile(r"spans_(.+)_[prf]").fullmatch,
                                                 scores) if m})
        for group in groups:  # span groups: spans_<key>_p / _r / _f
            for part in "prf":
                value = scores.get(f"spans_{group}_{part}")
                if value is not None:
                    typer.echo(f"{f'Spans {group} {part.upper()}':<10} {100 * value:.2f}")
        _print_prf_table("NER per type", scores.get("ents_per_type"))
        for key in sorted(scores):
            if key.startswith("spans_") and key.endswith("_per_type"):
                _print_prf_table(f"Spans {key[6:-9]} per type", scores[key])
        _print_prf_table("Textcat per label", scores.get("cats_f_per_type"))
        auc = {label: value for label, value in (scores.get("cats_auc_per_type") or {}).items()
               if value is not None}
        if auc:
            typer.echo(f"\n{'Textcat ROC AUC':<20} {'AUC':>7}")
            for label, value in auc.items():
                typer.echo(f"{label:<20} {value:7.3f}")
        if displacy_path is not None:
            typer.echo(f"\nGenerated {displacy_limit} parses as HTML in {displacy_path}")
        if output is not None:
            srsly.write_json(output, scores)
            typer.echo(f"\nSaved metrics to {output}")


def _print_prf_table(title, per_label):
    """A P/R/F table (percentages), one row per label, if there are any."""
    if not per_label:
        return
    typer.echo(f"\n{title:<20} {'P':>7} {'R':>7} {'F':>7}")
    for label, prf in sorted(per_label.items()):
        typer.echo(f"{label:<20} {100 * prf['p']:7.2f} {100 * prf['r']:7.2f} "
                   f"{100 * prf['f']:7.2f}")
