"""Pipeline accuracy and training speed: fastnlp vs spaCy 3.8, same config, same budget.

Usage: python benchmarks/accuracy.py [--pipeline tagger | tagger,parser,ner |
                                      morphologizer,senter | trainable_lemmatizer |
                                      spancat | textcat | textcat_multilabel]
       [--epochs 3] [--seed 0] [--limit 0] [--dev-limit 0] [--max-steps 0] [--threads 1]
       [--work /tmp/fastnlp-accuracy] [--data DIR] [--only LIB | --report]

--pipeline picks the reference config: `tagger` (default) trains
benchmarks/configs/tagger_efficiency.cfg, `tagger,parser,ner` trains
benchmarks/configs/full_efficiency.cfg (`spacy init config -p tagger,parser,ner -o
efficiency`), `morphologizer,senter` trains benchmarks/configs/morph_senter_efficiency.cfg
(`spacy init config -p morphologizer,senter -o efficiency`: UPOS+FEATS and sentence
starts); entities come from the `NE=` tags in the CoNLL-U MISC column.
`trainable_lemmatizer` trains benchmarks/configs/lemmatizer_efficiency.cfg (`spacy init
config -p trainable_lemmatizer -o efficiency`: edit trees over a tok2vec). `spancat`
trains benchmarks/configs/spancat_efficiency.cfg (`... -p spancat -o efficiency`) on EWT
with its entities as the span group "sc" (benchmarks/span_corpus.py). `textcat` trains
benchmarks/configs/textcat_efficiency.cfg (`spacy init config -p textcat -o efficiency`:
the BOW model) and `textcat_multilabel` benchmarks/configs/textcat_multilabel_ensemble.cfg
(`... -p textcat_multilabel -o efficiency` without its model block, so each library fills
in its default: TextCatEnsemble.v2 over a tok2vec of width 64; the `-o accuracy` config,
width 256 and depth 8, collapsed to constant scores in both libraries here) on EWT
sentences classified by genre (benchmarks/genre_corpus.py; the multilabel corpus adds
ENTITY, "has a named entity"). The full
pipeline reports Tag %, UAS, LAS, sentence F and entity P/R/F, each scored on raw text
and again with the gold tokenization and sentences (`evaluate -G`).

1. Converts UD English-EWT train/dev CoNLL-U (10 sentences per doc) with each
   library's converter (text classification: one genre corpus for both).
2. Trains both on the --pipeline's config (spaCy 3.8.18's `init config ... -o
   efficiency` output), with the same overrides:
   epochs, max steps, no evaluation inside the loop (it would be timed), no patience.
   fastnlp gets the file unchanged if it accepts it; if not, the exact error is printed,
   and the sections it rejects (only ones without effect on training, listed in
   DROPPABLE) are removed from a copy.
3. Scores each `model-last` on EWT dev with its own library's `evaluate` (raw text,
   each library's tokenizer; for the full pipeline also `-G`, gold tokenization) and
   prints the scores, training words/sec and the differences / ratios.

Training words/sec ("loop"): words of the training batches / seconds from the second
batch to the end of the last step, timed by benchmarks/configs/train_timer.py (the first
step is left out: spaCy evaluates after it). "wall": words of all training batches
(words in the training data x epochs) / wall time of the whole `train` command
(start-up, initialization, one dev evaluation included). "CPU wps": loop words / the
process's CPU time over the same steps (one BLAS thread: the figure least moved by other
work on a shared machine). Both commands run one after the other with BLAS threads set
to --threads, never at the same time.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = {"tagger": ROOT / "benchmarks" / "configs" / "tagger_efficiency.cfg",
           "tagger,parser,ner": ROOT / "benchmarks" / "configs" / "full_efficiency.cfg",
           "morphologizer,senter":
               ROOT / "benchmarks" / "configs" / "morph_senter_efficiency.cfg",
           "trainable_lemmatizer":
               ROOT / "benchmarks" / "configs" / "lemmatizer_efficiency.cfg",
           "spancat": ROOT / "benchmarks" / "configs" / "spancat_efficiency.cfg",
           "textcat": ROOT / "benchmarks" / "configs" / "textcat_efficiency.cfg",
           "textcat_multilabel":
               ROOT / "benchmarks" / "configs" / "textcat_multilabel_ensemble.cfg"}
# Text classification trains on genre_corpus.py's texts (genre from the sent_id).
TEXTCAT_PIPELINES = {"textcat": False, "textcat_multilabel": True}  # -> multilabel cats
# (score key, column title) per pipeline; all are fractions printed as percentages.
COLUMNS = {"tagger": [("tag_acc", "Tag %")],
           "tagger,parser,ner": [("tag_acc", "Tag %"), ("dep_uas", "UAS"),
                                 ("dep_las", "LAS"), ("sents_f", "Sent F"),
                                 ("ents_p", "NER P"), ("ents_r", "NER R"),
                                 ("ents_f", "NER F")],
           "morphologizer,senter": [("pos_acc", "POS %"), ("morph_acc", "Morph %"),
                                    ("morph_micro_f", "Feats F"), ("sents_f", "Sent F")],
           "trainable_lemmatizer": [("lemma_acc", "Lemma %")],
           "spancat": [("spans_sc_p", "Span P"), ("spans_sc_r", "Span R"),
                       ("spans_sc_f", "Span F")],
           "textcat": [("cats_score", "Macro F"), ("cats_micro_f", "Micro F"),
                       ("cats_macro_auc", "AUC")],
           "textcat_multilabel": [("cats_macro_f", "Macro F"), ("cats_micro_f", "Micro F"),
                                  ("cats_macro_auc", "AUC")]}
TIMER = ROOT / "benchmarks" / "configs" / "train_timer.py"
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "ud-en-ewt"
SENTS_PER_DOC = 10
# Config sections fastnlp may reject that do not change what a tagger learns.
DROPPABLE = {"nlp.vectors"}
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
               "BLIS_NUM_THREADS")


def run(cmd, *, env=None, log=None):
    """Run a command, tee its output to `log`; return (output, seconds). Fail loudly."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    seconds = time.perf_counter() - start
    if log is not None:
        Path(log).write_text(proc.stdout, encoding="utf8")
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(map(str, cmd))}\n"
                 f"{proc.stdout[-3000:]}")
    return proc.stdout, seconds


def convert(data, work, pipeline):
    """(fastnlp train, dev), (spaCy train, dev) .spacy paths, converted once per work dir
    (for text classification, one genre corpus both libraries read)."""
    if pipeline == "spancat":
        sys.path.insert(0, str(ROOT))
        from benchmarks.span_corpus import write_span_corpus
        paths = [work / "corpus-spans" / f"en_ewt-{part}.spacy" for part in ("train", "dev")]
        for part, path in zip(("train", "dev"), paths):
            if not path.exists():
                write_span_corpus(data / f"en_ewt-{part}.conllu", path)
        return {"fastnlp": paths, "spacy": paths}
    if pipeline in TEXTCAT_PIPELINES:
        sys.path.insert(0, str(ROOT))
        from benchmarks.genre_corpus import write_genre_corpus
        paths = [work / "corpus-genre" / f"en_ewt-{part}.spacy" for part in ("train", "dev")]
        for part, path in zip(("train", "dev"), paths):
            if not path.exists():
                write_genre_corpus(data / f"en_ewt-{part}.conllu", path,
                                   multilabel=TEXTCAT_PIPELINES[pipeline])
        return {"fastnlp": paths, "spacy": paths}
    out = {}
    for lib in ("fastnlp", "spacy"):
        target = work / f"corpus-{lib}"
        target.mkdir(parents=True, exist_ok=True)
        paths = [target / f"en_ewt-{part}.spacy" for part in ("train", "dev")]
        for part, path in zip(("train", "dev"), paths):
            if path.exists():
                continue
            source = data / f"en_ewt-{part}.conllu"
            if lib == "fastnlp":
                sys.path.insert(0, str(ROOT))
                from fastnlp.cli.convert import convert as fastnlp_convert
                fastnlp_convert(source, target, n_sents=SENTS_PER_DOC)
            else:
                run([sys.executable, "-m", "spacy", "convert", str(source), str(target),
                     "-n", str(SENTS_PER_DOC)])
        out[lib] = paths
    return out


def fastnlp_config(work, reference):
    """The config path fastnlp trains on, and a note on what (if anything) was changed."""
    sys.path.insert(0, str(ROOT))
    from thinc.api import Config

    from fastnlp.config import load_config
    from fastnlp.errors import ConfigError
    from fastnlp.loading import fill_config
    text = reference.read_text(encoding="utf8")
    dropped = []
    while True:
        path = work / "config-fastnlp.cfg"
        path.write_text(text, encoding="utf8")
        try:
            fill_config(load_config(path, {}), path=path)
            break
        except ConfigError as err:
            section = getattr(err, "section", None) or _section_of(str(err))
            if section not in DROPPABLE or section in dropped:
                sys.exit(f"fastnlp cannot train {reference.name}: {err}")
            print(f"! fastnlp rejects {reference.name} unchanged: {err}", flush=True)
            config = Config().from_str(text, interpolate=False)
            head, _, key = section.rpartition(".")
            del config[head][key]
            text = config.to_str()
            dropped.append(section)
    if dropped:
        print(f"! fastnlp trains a copy without [{'], ['.join(dropped)}]", flush=True)
    return path, dropped


def _section_of(message):
    match = re.search(r"\[([\w.]+)\]", message)
    return match.group(1) if match else None


def thread_env(threads, **extra):
    env = dict(os.environ)
    env.update({name: str(threads) for name in THREAD_VARS})
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep)
    env.update(extra)
    return env


def train(lib, config, corpus, work, args):
    """Train one library; returns timing figures and the output directory."""
    out_dir = work / f"out-{lib}"
    timing = work / f"timing-{lib}.jsonl"
    timing.unlink(missing_ok=True)
    overrides = ["--system.seed", str(args.seed), "--training.max_epochs", str(args.epochs),
                 "--training.max_steps", str(args.max_steps),
                 "--training.eval_frequency", str(10**9), "--training.patience", "0",
                 "--corpora.train.limit", str(args.limit),
                 "--corpora.dev.limit", str(args.dev_limit)]
    if lib == "fastnlp":
        cmd = [sys.executable, "-m", "fastnlp", "train", str(corpus[0]), str(corpus[1]),
               str(config)]
    else:
        cmd = [sys.executable, "-m", "spacy", "train", str(config), "--paths.train",
               str(corpus[0]), "--paths.dev", str(corpus[1])]
    cmd += ["--output", str(out_dir), "--code", str(TIMER)] + overrides
    env = thread_env(args.threads, BENCH_LIBRARY=lib, BENCH_TIMING_FILE=str(timing))
    print(f"training {lib}: {' '.join(cmd[1:])}", flush=True)
    _, wall = run(cmd, env=env, log=work / f"train-{lib}.log")
    events = [json.loads(line) for line in timing.read_text(encoding="utf8").splitlines()]
    steps = [e for e in events if "words" in e]
    if len(steps) < 3:
        sys.exit(f"{lib}: fewer than three training steps; raise --epochs or --limit")
    # A step ends when the loop asks for the next batch; the last one, if max_steps cut
    # the epoch short, has no recorded end and is left out.
    timed = steps[1:] if "end" in events[-1] else steps[1:-1]
    loop_seconds = events[-1]["t"] - steps[1]["t"]
    cpu_seconds = events[-1]["cpu"] - steps[1]["cpu"]
    words = sum(e["words"] for e in steps)
    timed_words = sum(e["words"] for e in timed)
    return {"out": out_dir, "wall": wall, "steps": len(steps),
            "epochs": sum(1 for e in events if "end" in e),
            "loop_wps": timed_words / loop_seconds, "cpu_wps": timed_words / cpu_seconds,
            "loop_seconds": loop_seconds, "wall_wps": words / wall, "words": words}


def evaluate(lib, model, dev, work, args, *, gold_preproc=False):
    """Each library's own `evaluate` on the dev corpus; returns its scores."""
    suffix = "-gold" if gold_preproc else ""
    metrics = work / f"metrics-{lib}{suffix}.json"
    module = "fastnlp" if lib == "fastnlp" else "spacy"
    cmd = [sys.executable, "-m", module, "evaluate", str(model), str(dev),
           "--output", str(metrics)] + (["-G"] if gold_preproc else [])
    run(cmd, env=thread_env(args.threads), log=work / f"evaluate-{lib}{suffix}.log")
    return json.loads(metrics.read_text(encoding="utf8"))


def report(results, args, dropped, note=None):
    fast, spacy = results["fastnlp"], results["spacy"]
    columns = COLUMNS[args.pipeline]
    budget = f"{args.epochs} epoch(s)" + (f", max {args.max_steps} steps" if args.max_steps
                                          else "")
    print(f"\nUD English-EWT, {args.pipeline} ({CONFIGS[args.pipeline].name}), {budget}, limit "
          f"{args.limit or 'none'}, {args.threads} BLAS thread(s)")
    if dropped:
        print(f"fastnlp config: reference without [{'], ['.join(dropped)}]")
    scores = "".join(f"{title:>8}" for _, title in columns)
    header = (f"{'':14}{scores}{'steps':>7}{'loop wps':>10}{'CPU wps':>10}"
              f"{'wall wps':>10}{'wall s':>8}")
    print(header)
    print("-" * len(header))
    for lib, r in (("fastnlp", fast), ("spaCy", spacy)):
        print(f"{lib:14}" + "".join(f"{_pct(r['scores'], key):>8}" for key, _ in columns)
              + f"{r['steps']:7d}{r['loop_wps']:10.0f}{r['cpu_wps']:10.0f}"
              f"{r['wall_wps']:10.0f}{r['wall']:8.1f}")
    ratios = [fast[key] / spacy[key] for key in ("loop_wps", "cpu_wps", "wall_wps")]
    print(f"{'diff / ratio':14}"
          + "".join(f"{_diff(fast['scores'], spacy['scores'], key):>8}" for key, _ in columns)
          + f"{'':7}" + "".join(f"{ratio:9.2f}x" for ratio in ratios))
    if all("scores_gold" in r for r in (fast, spacy)):
        for lib, r in (("fastnlp -G", fast), ("spaCy -G", spacy)):
            print(f"{lib:14}" + "".join(f"{_pct(r['scores_gold'], key):>8}"
                                        for key, _ in columns))
        print(f"{'diff -G':14}" + "".join(
            f"{_diff(fast['scores_gold'], spacy['scores_gold'], key):>8}"
            for key, _ in columns))
    print("(score diff rows: fastnlp minus spaCy, in points; -G: gold tokenization and "
          "sentences)")
    if note:
        print(note)


def _pct(scores, key):
    value = scores.get(key)
    return "-" if value is None else f"{100 * value:.2f}"


def _diff(fast, spacy, key):
    if fast.get(key) is None or spacy.get(key) is None:
        return "-"
    return f"{100 * (fast[key] - spacy[key]):+.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--pipeline", choices=sorted(CONFIGS), default="tagger",
                        help="components to train (picks the reference config)")
    parser.add_argument("--work", type=Path, default=None,
                        help="default /tmp/fastnlp-accuracy (tagger), "
                             "/tmp/fastnlp-accuracy-full (tagger,parser,ner), "
                             "/tmp/fastnlp-accuracy-morphologizer-senter")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0,
                        help="[system] seed for both (work dir gets -seedN unless 0)")
    parser.add_argument("--max-steps", type=int, default=0)
    parser.add_argument("--limit", type=int, default=0, help="training docs (0: all)")
    parser.add_argument("--dev-limit", type=int, default=0, help="dev docs (0: all)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads for both")
    parser.add_argument("--only", choices=["fastnlp", "spacy"], default=None,
                        help="train one library; its results are added to the work "
                             "dir's results.json")
    parser.add_argument("--report", action="store_true",
                        help="train nothing: print the comparison saved in the work dir "
                             "by two --only runs")
    args = parser.parse_args()
    if args.work is None:
        suffix = {"tagger": "", "tagger,parser,ner": "-full"}.get(
            args.pipeline, "-" + args.pipeline.replace(",", "-"))
        args.work = Path("/tmp/fastnlp-accuracy" + suffix
                         + (f"-seed{args.seed}" if args.seed else ""))
    args.work.mkdir(parents=True, exist_ok=True)
    corpora = convert(args.data, args.work, args.pipeline)
    reference = CONFIGS[args.pipeline]
    config, dropped = fastnlp_config(args.work, reference)
    configs = {"fastnlp": config, "spacy": reference}
    columns = COLUMNS[args.pipeline]
    results = {}
    saved = args.work / "results.json"
    if args.report:
        results = json.loads(saved.read_text(encoding="utf8"))
        missing = {"fastnlp", "spacy"} - set(results)
        if missing:
            sys.exit(f"{saved} has no results for {', '.join(sorted(missing))}")
        report(results, args, dropped, note=f"(both read from {saved}: the libraries "
                                            "were trained by separate --only runs)")
        return
    for lib in ("fastnlp", "spacy"):
        if args.only not in (None, lib):
            continue
        result = train(lib, configs[lib], corpora[lib], args.work, args)
        model = result["out"] / "model-last"
        scores = evaluate(lib, model, corpora[lib][1], args.work, args)
        result["scores"] = {key: scores.get(key) for key, _ in columns}
        if "parser" in args.pipeline:  # -G gives the senter the gold sentences
            gold = evaluate(lib, model, corpora[lib][1], args.work, args, gold_preproc=True)
            result["scores_gold"] = {key: gold.get(key) for key, _ in columns}
        results[lib] = result
        shown = ", ".join(f"{title} {_pct(scores, key)}" for key, title in columns)
        print(f"  {lib}: {shown}, {result['steps']} steps, "
              f"loop {result['loop_wps']:.0f} wps, wall {result['wall']:.1f}s", flush=True)
    # --only runs add to what an earlier run of the other library saved here.
    stored = json.loads(saved.read_text(encoding="utf8")) if args.only and saved.exists() \
        else {}
    stored.update({lib: {k: v for k, v in r.items() if k != "out"}
                   for lib, r in results.items()})
    saved.write_text(json.dumps(stored, indent=2), encoding="utf8")
    if len(results) == 2:
        report(results, args, dropped)


if __name__ == "__main__":
    main()
