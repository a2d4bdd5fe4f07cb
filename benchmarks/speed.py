"""Inference, training, `.spacy` and memory speed: fastnlp vs spaCy 3.8, same texts, one run.

Usage: python benchmarks/speed.py --fastnlp-model DIR --spacy-model DIR
       [--data ../shared/data/ud-en-ewt/en_ewt-dev.conllu] [--limit 0] [--batch-size 32]
       [--repeats 3] [--n-process 2] [--threads 1] [--train-steps 30]
       [--train-batch-words 1000] [--train-data .../en_ewt-train.conllu]

The two pipelines must come from one config trained on the same data, e.g. the
`model-last` dirs that `python benchmarks/accuracy.py --pipeline tagger,parser,ner
--epochs 8` writes under its --work dir (out-fastnlp/, out-spacy/).

Texts: the `# text =` lines of --data, 10 sentences to a text. Every figure comes from
a fresh child process (this script, `--child LIB MODE`), the libraries alternating, BLAS
at --threads threads; each is the median over --repeats children.
- nlp.pipe words/sec (each library's own token count), after a warm-up pass: the
  tokenizer alone, each pipeline prefix, and the full pipeline with n_process=N and
  (fastnlp, when its pipe() takes it) n_threads=N.
- training words/sec: --train-steps nlp.update calls on batches of about
  --train-batch-words reference words (EWT train, 10 sentences a doc), after one warm-up
  step, with the optimizer and dropout of each pipeline's own [training] config.
- .spacy save/load words/sec: DocBin of the annotated texts to_disk; from_disk and
  get_docs into a fresh vocab.
- peak RSS: ru_maxrss of a child that only loads the pipeline and runs it on the texts.
- compute: FLOPs/word from the fastnlp model's dims (fastnlp/cli/benchmark.py) against
  this machine's one-core float32 GEMM rate (numpy's BLAS), the compute limit.
Ratios are fastnlp / spaCy.
"""
import argparse
import gc
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from accuracy import thread_env  # noqa: E402
from fastnlp.cli.benchmark import (  # noqa: E402
    DEFAULT_BATCH_SIZE, SENTS_PER_DOC, measure_parallel, measure_stages, median,
    read_texts, warm_up)

EWT = ROOT.parent / "shared" / "data" / "ud-en-ewt"
LIBS = ("fastnlp", "spacy")
NAMES = {"fastnlp": "fastnlp", "spacy": "spaCy"}
MARK = "SPEED-RESULT "
GEMM_SIZE = 1024
HOW_TO = """speed.py needs --fastnlp-model and --spacy-model: two pipelines trained from one
config on the same data. To make them (under /tmp/fastnlp-accuracy-full/out-*/):

    python benchmarks/accuracy.py --pipeline tagger,parser,ner --epochs 8

then pass --fastnlp-model /tmp/fastnlp-accuracy-full/out-fastnlp/model-last
           --spacy-model /tmp/fastnlp-accuracy-full/out-spacy/model-last"""
# (target name, result key, comparison, goal)
TARGETS = [("full pipeline vs spaCy", "full", ">=", 2.0),
           ("tokenizer vs spaCy", "tokenizer", ">=", 2.0),
           ("training vs spaCy", "train", ">=", 1.5),
           ("peak RSS vs spaCy", "rss", "<=", 1.0),
           ("n_process=N vs own 1 process", "scaling", ">=", 1.7)]


# Children ---------------------------------------------------------------------------

def load(lib, args):
    if lib == "fastnlp":
        import fastnlp
        return fastnlp.load(args.fastnlp_model)
    import spacy
    return spacy.load(args.spacy_model)


def library_classes(lib):
    """(DocBin, Example, a fresh English vocab) of one library."""
    if lib == "fastnlp":
        import fastnlp
        from fastnlp.tokens.docbin import DocBin
        from fastnlp.training.example import Example
        return DocBin, Example, fastnlp.blank("en").vocab
    import spacy
    from spacy.tokens import DocBin
    from spacy.training import Example
    return DocBin, Example, spacy.blank("en").vocab


def child_infer(lib, nlp, texts, args):
    warm_up(nlp, texts, batch_size=args.batch_size)
    result = {"stages": measure_stages(nlp, texts, batch_size=args.batch_size)}
    result.update(docbin_speed(lib, nlp, texts, args))
    return result


def docbin_speed(lib, nlp, texts, args):
    """words/sec of writing the annotated texts to a .spacy file and reading them back."""
    docs = list(nlp.pipe(texts, batch_size=args.batch_size))
    words = sum(len(doc) for doc in docs)
    DocBin, _, vocab = library_classes(lib)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "docs.spacy"
        gc.collect()
        start = time.perf_counter()
        DocBin(docs=docs).to_disk(path)
        save = time.perf_counter() - start
        gc.collect()
        start = time.perf_counter()
        loaded = list(DocBin().from_disk(path).get_docs(vocab))
        load_seconds = time.perf_counter() - start
    assert sum(len(doc) for doc in loaded) == words
    return {"save": words / save, "load": words / load_seconds}


def child_parallel(lib, nlp, texts, args):
    warm_up(nlp, texts, batch_size=args.batch_size)
    # Starting the workers is a fixed cost (~0.1 s); on one pass of 25k words it would be
    # an eighth of the run, so the parallel rows read the texts --parallel-copies times.
    return measure_parallel(nlp, texts * args.parallel_copies, batch_size=args.batch_size,
                            workers=args.n_process)


def child_train(lib, nlp, texts, args):
    """Training words/sec: the pipeline's own optimizer and dropout, fixed batches."""
    from thinc.api import fix_random_seed, registry
    fix_random_seed(0)
    DocBin, Example, _ = library_classes(lib)
    refs = list(DocBin().from_disk(args.train_file).get_docs(nlp.vocab))
    batches = word_batches([Example(nlp.make_doc(doc.text), doc) for doc in refs],
                           args.train_batch_words)[:args.train_steps + 1]
    if len(batches) <= args.train_steps:
        raise SystemExit(f"{args.train_file} has words for {len(batches)} batches, "
                         f"{args.train_steps + 1} needed")
    training = nlp.config["training"]
    optimizer = registry.resolve({"optimizer": dict(training["optimizer"])})["optimizer"]
    nlp.update(batches[0], drop=training["dropout"], sgd=optimizer)
    words = sum(len(eg.reference) for batch in batches[1:] for eg in batch)
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    for batch in batches[1:]:
        nlp.update(batch, drop=training["dropout"], sgd=optimizer, losses={})
    return {"train": words / (time.perf_counter() - start),
            "train_cpu": words / (time.process_time() - cpu), "train_words": words}


def word_batches(examples, size):
    """Consecutive examples in batches of at least `size` reference words."""
    batches, batch, words = [], [], 0
    for eg in examples:
        batch.append(eg)
        words += len(eg.reference)
        if words >= size:
            batches.append(batch)
            batch, words = [], 0
    return batches


def child_rss(lib, nlp, texts, args):
    """RSS after loading, and peak RSS after one pass of the full pipeline (MB, Linux).

    Reads /proc itself: importing fastnlp's helpers would add to spaCy's figure."""
    def high_water_mb():
        status = Path("/proc/self/status").read_text().splitlines()
        fields = dict(line.split(":", 1) for line in status if ":" in line)
        return int(fields["VmHWM"].split()[0]) / 1024

    loaded = high_water_mb()
    for _ in nlp.pipe(texts, batch_size=args.batch_size):
        pass
    return {"load_mb": loaded, "peak_mb": high_water_mb()}


def child_compute(lib, nlp, texts, args):
    """FLOPs per word of each stage (fastnlp's model) and one-core float32 GEMM GFLOP/s."""
    import numpy

    from fastnlp.cli.benchmark import flops_per_word, stage_flops
    a = numpy.random.rand(GEMM_SIZE, GEMM_SIZE).astype("float32")
    b = numpy.random.rand(GEMM_SIZE, GEMM_SIZE).astype("float32")
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return {"components": flops_per_word(nlp), "stages": stage_flops(nlp),
            "gemm_gflops": 2 * GEMM_SIZE ** 3 / best / 1e9}


CHILDREN = {"infer": child_infer, "parallel": child_parallel, "train": child_train,
            "rss": child_rss, "compute": child_compute}


def run_child_mode(args):
    lib, mode = args.child
    texts = json.loads(Path(args.texts_file).read_text(encoding="utf8"))
    nlp = load(lib, args)
    if lib == "spacy":
        nlp.max_length = max(nlp.max_length, max(len(t) for t in texts) + 1)
    print(MARK + json.dumps(CHILDREN[mode](lib, nlp, texts, args)), flush=True)


# Parent -----------------------------------------------------------------------------

def child(lib, mode, args, work):
    """Run one measurement in a fresh process; returns its JSON result."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", lib, mode,
           "--fastnlp-model", str(args.fastnlp_model), "--spacy-model", str(args.spacy_model),
           "--texts-file", str(work / "texts.json"), "--batch-size", str(args.batch_size),
           "--n-process", str(args.n_process), "--train-steps", str(args.train_steps),
           "--parallel-copies", str(args.parallel_copies),
           "--train-batch-words", str(args.train_batch_words),
           "--train-file", str(work / "train.spacy")]
    env = thread_env(args.threads, FASTNLP_BLAS_THREADS=str(args.threads))
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    lines = [line for line in proc.stdout.splitlines() if line.startswith(MARK)]
    if proc.returncode != 0 or not lines:
        sys.exit(f"{lib} {mode} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    print(f"  {lib:8} {mode:9} {time.perf_counter() - start:6.1f}s", file=sys.stderr,
          flush=True)
    return json.loads(lines[-1][len(MARK):])


def write_train_file(args, path):
    """The first docs of --train-data (10 sentences each) with the words the steps need."""
    from fastnlp.tokens.docbin import DocBin
    from fastnlp.training.converters import conllu_to_records, record_to_doc
    from fastnlp.vocab import Vocab
    needed = 2 * (args.train_steps + 1) * args.train_batch_words
    if args.train_data.suffix == ".spacy":
        docs = DocBin().from_disk(args.train_data).get_docs(Vocab())
    else:
        vocab = Vocab()
        records = conllu_to_records(args.train_data.read_text(encoding="utf8"),
                                    n_sents=SENTS_PER_DOC)
        docs = (record_to_doc(vocab, record) for record in records)
    kept, words = [], 0
    for doc in docs:
        if words >= needed:
            break
        kept.append(doc)
        words += len(doc)
    DocBin(docs=kept).to_disk(path)


def measure(args, texts):
    """{lib: {mode: [result per repeat]}}, plus the RSS and compute results."""
    runs = {lib: {} for lib in LIBS}
    modes = ["infer", "parallel"] + (["train"] if args.train_steps else [])
    with tempfile.TemporaryDirectory(prefix="fastnlp-speed-") as tmp:
        work = Path(tmp)
        (work / "texts.json").write_text(json.dumps(texts), encoding="utf8")
        if args.train_steps:
            write_train_file(args, work / "train.spacy")
        for repeat in range(args.repeats):
            print(f"repeat {repeat + 1}/{args.repeats}", file=sys.stderr, flush=True)
            order = LIBS if repeat % 2 == 0 else LIBS[::-1]
            for mode in modes:
                for lib in order:
                    runs[lib].setdefault(mode, []).append(child(lib, mode, args, work))
        rss = {lib: child(lib, "rss", args, work) for lib in LIBS}
        compute = child("fastnlp", "compute", args, work)
    return runs, rss, compute


def summarize(runs):
    """Medians: {lib: {figure: value}}, figures named as in the report."""
    out = {}
    for lib, modes in runs.items():
        fig = {}
        infers = modes["infer"]
        for label in infers[0]["stages"]:
            fig[label] = median(r["stages"][label] for r in infers)
        for key in ("save", "load"):
            fig[key] = median(r[key] for r in infers)
        for key in modes["parallel"][0]:
            values = [r[key] for r in modes["parallel"]]
            fig[key] = None if None in values else median(values)
        for key in ("train", "train_cpu", "train_words"):
            if "train" in modes:
                fig[key] = median(r[key] for r in modes["train"])
        out[lib] = fig
    return out


def report(args, texts, figs, rss, compute):
    fast, spacy = figs["fastnlp"], figs["spacy"]
    stage_labels = [label for label in fast if label == "tokenizer" or label[:1] == "+"]
    full = stage_labels[-1]
    n = args.n_process
    print(f"\n{args.data.name}: {len(texts):,} texts ({SENTS_PER_DOC} sentences each), "
          f"words fastnlp {fast['words']:,.0f} / spaCy {spacy['words']:,.0f}; batch size "
          f"{args.batch_size}; median of {args.repeats} process(es); {args.threads} BLAS "
          f"thread(s)")
    header = f"{'':34}{'fastnlp':>14}{'spaCy':>14}{'ratio':>9}"
    print(header + "\n" + "-" * len(header))
    rows = [("nlp.pipe words/sec", None)]
    rows += [(f"  {label}" + (" (full)" if label == full else ""), label)
             for label in stage_labels]
    copies = f" (texts x{args.parallel_copies})" if args.parallel_copies > 1 else ""
    rows += [(f"  full, n_process={n}{copies}", f"n_process={n}"),
             (f"  full, n_threads={n}{copies}", f"n_threads={n}")]
    if "train" in fast:
        rows += [(f"training words/sec ({args.train_steps} steps of "
                  f"~{args.train_batch_words} words)", None),
                 ("  wall", "train"), ("  CPU", "train_cpu")]
    rows += [(".spacy words/sec", None), ("  save (DocBin.to_disk)", "save"),
             ("  load (from_disk + get_docs)", "load")]
    for title, key in rows:
        if key is None:
            print(title)
            continue
        if key.startswith("n_threads") and fast.get(key) is None:
            print(f"{title:34}{'n/a (not available)':>28}")
            continue
        print(f"{title:34}{_cell(fast.get(key))}{_cell(spacy.get(key))}"
              f"{_ratio(fast.get(key), spacy.get(key))}")
    print(f"{'peak RSS, MB (load + full pipe)':34}{rss['fastnlp']['peak_mb']:14,.0f}"
          f"{rss['spacy']['peak_mb']:14,.0f}"
          f"{_ratio(rss['fastnlp']['peak_mb'], rss['spacy']['peak_mb'])}")
    print(f"{'RSS after load, MB':34}{rss['fastnlp']['load_mb']:14,.0f}"
          f"{rss['spacy']['load_mb']:14,.0f}"
          f"{_ratio(rss['fastnlp']['load_mb'], rss['spacy']['load_mb'])}")
    scaling = {lib: {key: figs[lib][key] / figs[lib][full]
                     for key in (f"n_process={n}", f"n_threads={n}") if figs[lib].get(key)}
               for lib in LIBS}
    print(f"\nScaling over own single process (full pipeline, {n} workers): " + "; ".join(
        f"{NAMES[lib]} " + (", ".join(f"{k} {v:.2f}x" for k, v in s.items()) or "-")
        for lib, s in scaling.items()))
    measured = {"full": _div(fast[full], spacy[full]),
                "tokenizer": _div(fast["tokenizer"], spacy["tokenizer"]),
                "train": _div(fast.get("train"), spacy.get("train")),
                "rss": _div(rss["fastnlp"]["peak_mb"], rss["spacy"]["peak_mb"]),
                "scaling": scaling["fastnlp"].get(f"n_process={n}")}
    print(f"\n{'target (issue #6)':34}{'measured':>10}{'goal':>10}")
    for name, key, op, goal in TARGETS:
        value = measured[key]
        if value is None:
            print(f"{name.replace('=N', f'={n}'):34}{'-':>10}{op + f' {goal:.1f}x':>10}")
            continue
        met = value >= goal if op == ">=" else value <= goal
        print(f"{name.replace('=N', f'={n}'):34}{value:9.2f}x{op + f' {goal:.1f}x':>10}  "
              f"{'met' if met else 'NOT met'}")
    report_compute(compute, figs, full)


def report_compute(compute, figs, full):
    flops = compute["stages"]
    gemm = compute["gemm_gflops"]
    parts = ", ".join(f"{name} {value / 1e6:.3f}" for name, value in
                      compute["components"].items())
    print(f"\nCompute (DESIGN.md section 7): {flops[full] / 1e6:.3f} MFLOP/word ({parts}), "
          f"from the fastnlp model's dims")
    if not flops[full]:  # e.g. a BOW text classifier: no dense layers to count
        print("  (no dense layers: no GEMM limit)")
        return
    print(f"one-core float32 GEMM ({GEMM_SIZE}^3, numpy BLAS): {gemm:.1f} GFLOP/s -> limit "
          f"{gemm * 1e9 / flops[full]:,.0f} words/sec for the full pipeline")
    for label in (label for label in flops if flops[label]):
        achieved = ", ".join(
            f"{NAMES[lib]} {figs[lib][label] * flops[label] / 1e9:.1f} GFLOP/s "
            f"({100 * figs[lib][label] * flops[label] / 1e9 / gemm:.0f}%)"
            for lib in LIBS if figs[lib].get(label))
        print(f"  {label:<10} {flops[label] / 1e6:.3f} MFLOP/word: {achieved}")


def _div(a, b):
    return a / b if a and b else None


def _cell(value):
    return f"{'n/a':>14}" if value is None else f"{value:14,.0f}"


def _ratio(a, b):
    value = _div(a, b)
    return f"{value:8.2f}x" if value is not None else f"{'-':>9}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fastnlp-model", type=Path)
    parser.add_argument("--spacy-model", type=Path)
    parser.add_argument("--data", type=Path, default=EWT / "en_ewt-dev.conllu",
                        help=".conllu, .spacy or one text per line")
    parser.add_argument("--limit", type=int, default=0, help="texts to use (0: all)")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--n-process", type=int, default=2)
    parser.add_argument("--parallel-copies", type=int, default=4,
                        help="passes over the texts in the n_process/n_threads rows")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads")
    parser.add_argument("--train-data", type=Path, default=EWT / "en_ewt-train.conllu")
    parser.add_argument("--train-steps", type=int, default=30, help="0: no training")
    parser.add_argument("--train-batch-words", type=int, default=1000)
    parser.add_argument("--child", nargs=2, metavar=("LIB", "MODE"), help=argparse.SUPPRESS)
    parser.add_argument("--texts-file", help=argparse.SUPPRESS)
    parser.add_argument("--train-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child_mode(args)
        return
    if args.fastnlp_model is None or args.spacy_model is None:
        sys.exit(HOW_TO)
    texts = read_texts(args.data, limit=args.limit)
    runs, rss, compute = measure(args, texts)
    report(args, texts, summarize(runs), rss, compute)


if __name__ == "__main__":
    main()
