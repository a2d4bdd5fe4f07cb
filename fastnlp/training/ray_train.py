"""Data-parallel training on a Ray cluster: `fastnlp ray train`.

Every worker is a Ray actor holding a full replica of the pipeline, built from the same
config and seed; worker 0's initial weights are copied to the others, so all replicas
start identical. Every worker reads the same shuffled batch stream (it depends only on
the seed and the epoch) and trains on its shard of each batch: examples rank, rank + N,
... Over an epoch each worker so sees a different 1/N of the corpus.

A step: each worker runs forward and backward on its shard without applying anything,
and returns its gradients. The taggers' and parsers' losses are sums over tokens, so the
sum of the shards' gradients is the gradient one process would get on the whole batch;
the driver adds them up and sends the sum back, and every worker applies the same
optimizer step to it. The replicas stay identical, and with dropout 0 the run matches
single-process training on the same config up to float rounding.

Every worker drives its replica with a `loop.TrainingRun`, the object `fastnlp train`'s
loop drives: worker 0 evaluates on the dev set every `eval_frequency` steps and writes
`model-best` and `model-last` (with `training-state/`) with the same methods. A worker
that dies, raises, or does not answer within the step timeout stops the run with
WorkerFailed naming it; the other workers are killed and the last checkpoint worker 0
wrote is kept.
"""
import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import numpy

from ..errors import ConfigError
from ..system import limit_blas
from .checkpoint import BEST_DIR, LAST_DIR, checkpoint_file
from .loop import TrainingRun, count_words
from .train import corpus_at, import_code, initialize_or_resume, prepare

INSTALL_HINT = "install the ray extra: pip install fastnlp[ray]"
DEFAULT_STEP_TIMEOUT = 600.0
CONNECT_TIMEOUT = 5.0
# Seconds the join probe may spend importing Ray, on top of CONNECT_TIMEOUT.
PROBE_START_SECONDS = 5.0
# Gradients of 2-d parameters with this many rows (hash-embedding tables) travel as rows.
SPARSE_MIN_ROWS = 1024
JOIN_PROBE = """
import sys
import ray
ray.init(address=sys.argv[1], log_to_driver=False, configure_logging=False)
ray.shutdown()
"""
# Ray's default ports: the GCS of a `ray start --head` cluster, and the Ray Client server.
GCS_PORT = 6379
CLIENT_PORT = 10001


class RayUnavailable(ConfigError):
    """Ray is not installed, or the cluster at --address does not answer."""


class WorkerFailed(RuntimeError):
    """A Ray worker died, raised, or did not answer in time; the run was stopped."""

    def __init__(self, rank, message):
        super().__init__(f"Ray worker {rank}: {message}")
        self.rank = rank


def import_ray():
    try:
        import ray
    except ImportError:
        raise RayUnavailable(f"Ray is not installed; {INSTALL_HINT}") from None
    return ray


def parse_address(address):
    """(host, port) of a Ray address, or None for `auto` (found by Ray itself)."""
    if address in (None, "", "auto", "local"):
        return None
    text = address if "://" in address else f"tcp://{address}"
    parts = urlsplit(text)
    default = CLIENT_PORT if parts.scheme == "ray" else GCS_PORT
    try:
        port = parts.port or default
    except ValueError:
        raise RayUnavailable(f"--address {address!r}: the port is not a number") from None
    if not parts.hostname:
        raise RayUnavailable(f"--address {address!r}: expected HOST:PORT or ray://HOST:PORT")
    return parts.hostname, port


def probe_address(address, timeout=CONNECT_TIMEOUT):
    """Fail within about `timeout` seconds unless a Ray cluster answers at the address.

    First a TCP connect (nothing listening, unknown host: an error at once), then a
    throw-away process joins the cluster and leaves: something that accepts connections
    but is not Ray would otherwise keep ray.init retrying for twenty seconds or more, and
    a join that hangs is killed with its process.
    """
    target = parse_address(address)
    if target is None:
        return
    try:
        with socket.create_connection(target, timeout=timeout):
            pass
    except OSError as err:
        raise RayUnavailable(f"no Ray cluster answers at {address} ({target[0]}:{target[1]}): "
                             f"{err.strerror or err}") from None
    env = dict(os.environ, RAY_NUM_REDIS_GET_RETRIES=str(max(1, int(timeout))))
    try:
        done = subprocess.run([sys.executable, "-c", JOIN_PROBE, address], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              timeout=timeout + PROBE_START_SECONDS)
    except subprocess.TimeoutExpired:
        raise RayUnavailable(f"no Ray cluster answers at {address}: joining it took more than "
                             f"{timeout + PROBE_START_SECONDS:g} s") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.decode("utf8", "replace").splitlines()
                 if line.strip()]
        reason = lines[-1] if lines else f"exit status {done.returncode}"
        raise RayUnavailable(f"no Ray cluster answers at {address}: {reason}")


def connect(ray, address, n_workers):
    """Join the cluster at `address`, or start a local one; True when we started it.

    In a process already connected to Ray (ray.init called by the caller) that
    connection is used, after checking that a given address answers.
    """
    if address not in (None, "", "local"):
        probe_address(address)
    if ray.is_initialized():
        return False
    if address in (None, "", "local"):
        ray.init(address="local", num_cpus=n_workers, include_dashboard=False,
                 log_to_driver=True,
                 configure_logging=False)
        return True
    try:
        ray.init(address=address, log_to_driver=True, configure_logging=False)
    except (ConnectionError, RuntimeError) as err:
        raise RayUnavailable(f"could not join the Ray cluster at {address}: {err}") from None
    return True


class Replica:
    """One worker: a pipeline replica and its TrainingRun, fed its shard of each batch.

    Ray sends the class by reference (module and name): each worker imports this module,
    and so the package modules it imports at the top; Ray itself is imported only inside
    functions, and this module imports without it.
    """

    def __init__(self, rank, n_workers, config_path, overrides, code, output_path,
                 resume=None):
        # Actors live as long as the run: the limit stays in force for all their calls.
        self._blas = limit_blas()
        import_code(code)
        self.rank = rank
        self.n_workers = n_workers
        _, nlp, T, corpora = prepare(Path(config_path), overrides)
        self.nlp = nlp
        train_corpus = corpus_at(corpora, T["train_corpus"], "train_corpus", config_path)
        dev_corpus = corpus_at(corpora, T["dev_corpus"], "dev_corpus", config_path)
        # Every worker reads a checkpoint: weights, optimizer moments, stream position.
        initialize_or_resume(nlp, T, train_corpus, resume)
        self.run = TrainingRun(nlp, T, train_corpus, dev_corpus, output_path,
                               resume_from=resume)
        self.log = io.StringIO()
        self._index_params()

    def _index_params(self):
        """Every trained parameter, in an order all replicas share."""
        self.params = []
        for _, component in self.run.trained_components():
            for node in component.model.walk():
                for param in node.param_names:
                    self.params.append((node, param))

    # Set-up ------------------------------------------------------------------------

    def get_weights(self):
        return self.nlp.to_bytes()

    def set_weights(self, data):
        self.nlp.from_bytes(data)
        self._index_params()  # loading may rebuild output layers
        return len(self.params)

    def start_logging(self):
        """Set up worker 0's logger; returns the table header it printed."""
        self.run.start_logging(self.log, self.log, on_gpu=False)
        return self._drain()

    def _drain(self):
        text = self.log.getvalue()
        self.log.seek(0)
        self.log.truncate()
        return text

    # A step --------------------------------------------------------------------------

    def compute(self):
        """Forward and backward on this worker's shard of the next batch.

        Returns None at the end of the stream (max_epochs), else the gradients by
        parameter index, the shard's losses and its number of words.
        """
        batch = self.run.next_batch()
        if batch is None:
            return None
        shard = batch[self.rank::self.n_workers]
        losses = {}
        self.run.compute_gradients(shard, losses)
        grads = {}
        for i, (node, param) in enumerate(self.params):
            if node.has_grad(param):
                grads[i] = pack_gradient(node.get_grad(param))
        return {"grads": grads, "losses": losses, "epoch": self.run.state.epoch,
                "words": count_words(shard)}

    def apply(self, grads, losses, words):
        """Apply the summed gradients, as every replica does; worker 0 also evaluates."""
        for i, packed in grads.items():
            node, param = self.params[i]
            if not node.has_grad(param):
                node.set_grad(param, node.ops.alloc(node.get_param(param).shape,
                                                    dtype="float32"))
            unpack_gradient(packed, node.get_grad(param))
        run = self.run
        if self.rank == 0:
            for name, value in losses.items():
                run.state.losses[name] = run.state.losses.get(name, 0.0) + value
        run.apply_gradients(words)
        stop = run.reached_max_steps()
        eval_seconds = 0.0
        if self.rank == 0 and run.evaluation_due():
            start = time.perf_counter()
            run.evaluate_and_save()
            eval_seconds = time.perf_counter() - start
            stop = stop or run.out_of_patience()
        return {"stop": stop, "log": self._drain() if self.rank == 0 else "",
                "eval_seconds": eval_seconds}

    def step(self, grads, losses, words):
        """apply, then compute on the next batch unless the run stops: one round trip."""
        reply = self.apply(grads, losses, words)
        reply["shard"] = None if reply["stop"] else self.compute()
        return reply

    def finish(self):
        """Worker 0: the last evaluation and save, as `fastnlp train` ends."""
        run = self.run
        run.evaluate_last_step()
        run.finalize()
        state = run.state
        return {"log": self._drain(), "step": state.step, "epoch": state.epoch,
                "best_score": state.best_score, "best_step": state.best_step,
                "history": list(state.history), "finished": state.finished}

    def param_arrays(self):
        """The trained parameters in the shared order (for checks that replicas agree)."""
        return [node.get_param(param).copy() for node, param in self.params]


def pack_gradient(grad):
    """A gradient to send: hash-embedding tables as (touched rows, their values).

    A batch touches a fraction of a table's rows; the others are zero and need not
    travel. Smaller arrays go as they are.
    """
    if grad.ndim != 2 or grad.shape[0] < SPARSE_MIN_ROWS:
        return grad
    rows = numpy.flatnonzero(grad.any(axis=1))
    if rows.size > grad.shape[0] // 2:
        return grad
    return (grad.shape, rows, grad[rows])


def unpack_gradient(packed, out):
    """Write a packed gradient into `out`, replacing what it held."""
    if isinstance(packed, tuple):
        _, rows, values = packed
        out[...] = 0
        out[rows] = values
    else:
        out[...] = packed


def sum_gradients(replies):
    """Add up the workers' packed gradients, parameter by parameter; packed again."""
    total = {}
    for reply in replies:
        for i, packed in reply["grads"].items():
            if i not in total:
                shape = packed[0] if isinstance(packed, tuple) else packed.shape
                total[i] = (numpy.zeros(shape, dtype="float32"), set())
            dense, touched = total[i]
            if isinstance(packed, tuple):
                _, rows, values = packed
                dense[rows] += values
                touched.update(rows.tolist())
            else:
                dense += packed
                touched.add(None)
    out = {}
    for i, (dense, touched) in total.items():
        if None in touched or dense.ndim != 2:
            out[i] = dense
        else:
            rows = numpy.array(sorted(touched), dtype="int64")
            out[i] = (dense.shape, rows, dense[rows])
    return out


def gather(ray, refs, timeout):
    """ray.get on one call per worker, failing as soon as any worker fails or stalls."""
    index = {ref: rank for rank, ref in enumerate(refs)}
    results = [None] * len(refs)
    pending = list(refs)
    deadline = time.monotonic() + timeout
    while pending:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            late = ", ".join(str(index[ref]) for ref in pending)
            raise WorkerFailed(late, f"no answer within {timeout:g} s (--timeout)")
        ready, pending = ray.wait(pending, num_returns=1, timeout=remaining)
        for ref in ready:
            rank = index[ref]
            try:
                results[rank] = ray.get(ref)
            except ray.exceptions.RayActorError as err:
                raise WorkerFailed(rank, f"the worker process died ({_first_line(err)})") \
                    from None
            except ray.exceptions.RayTaskError as err:
                cause = getattr(err, "cause", None) or err
                raise WorkerFailed(rank, f"{type(cause).__name__}: {cause}") from cause
    return results


def _first_line(err):
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


def ray_train(config_path, output_path=None, *, overrides=None, n_workers=2, address=None,
              code=None, timeout=DEFAULT_STEP_TIMEOUT, resume=None, stdout=sys.stdout,
              stderr=sys.stderr):
    """Train the pipeline a config describes on `n_workers` Ray workers.

    Returns a summary: steps, best score and step, the evaluation history, words trained
    on and words per second of training (evaluation time left out).
    """
    if n_workers < 1:
        raise ConfigError(f"--n-workers must be at least 1, got {n_workers}")
    ray = import_ray()
    # Check the config and corpora here, before any worker starts.
    import_code(code)
    _, nlp, _, _ = prepare(Path(config_path), overrides)
    pipe_names = list(nlp.pipe_names)
    del nlp
    if resume is not None:
        resume = Path(resume).resolve()
        checkpoint_file(resume)  # before any worker starts
        output_path = output_path or resume
    if output_path is not None:
        output_path = Path(output_path).resolve()
        output_path.mkdir(parents=True, exist_ok=True)
    started = connect(ray, address, n_workers)
    cpus = ray.cluster_resources().get("CPU", 0)
    if cpus < n_workers:
        if started:
            ray.shutdown()
        raise RayUnavailable(f"the Ray cluster has {cpus:g} CPUs; {n_workers} workers need one "
                             "each (lower --n-workers)")
    actor = ray.remote(num_cpus=1, max_restarts=0, max_task_retries=0)(Replica)
    workers = []
    try:
        code_path = str(Path(code).resolve()) if code is not None else None
        workers = [actor.remote(rank, n_workers, str(Path(config_path).resolve()),
                                dict(overrides or {}), code_path,
                                str(output_path) if output_path is not None else None,
                                str(resume) if resume is not None else None)
                   for rank in range(n_workers)]
        # Worker 0's initial weights go to the others: identical replicas from step 0.
        weights = gather(ray, [workers[0].get_weights.remote()], timeout)[0]
        if n_workers > 1:
            ref = ray.put(weights)
            gather(ray, [w.set_weights.remote(ref) for w in workers[1:]], timeout)
        stdout.write(f"Pipeline: {pipe_names}\nRay workers: {n_workers}\n")
        stdout.write(gather(ray, [workers[0].start_logging.remote()], timeout)[0])
        stdout.flush()
        words = 0
        train_seconds = 0.0
        start = time.perf_counter()
        shards = gather(ray, [w.compute.remote() for w in workers], timeout)
        while not any(shard is None for shard in shards):
            losses = {}
            for shard in shards:
                for name, value in shard["losses"].items():
                    losses[name] = losses.get(name, 0.0) + value
            step_words = sum(shard["words"] for shard in shards)
            grads_ref = ray.put(sum_gradients(shards))
            del shards
            replies = gather(ray, [w.step.remote(grads_ref, losses, step_words)
                                   for w in workers], timeout)
            del grads_ref
            words += step_words
            train_seconds -= replies[0]["eval_seconds"]
            stdout.write(replies[0]["log"])
            stdout.flush()
            if replies[0]["stop"]:
                break
            shards = [reply["shard"] for reply in replies]
        train_seconds += time.perf_counter() - start
        summary = gather(ray, [workers[0].finish.remote()], timeout)[0]
        stdout.write(summary.pop("log"))
        wps = words / train_seconds if train_seconds > 0 else 0.0
        summary.update({"words": words, "train_seconds": train_seconds, "wps": wps,
                        "n_workers": n_workers})
        stdout.write(f"Trained {summary['step']} steps on {n_workers} Ray workers: "
                     f"{wps:.0f} words/sec\n")
        if output_path is not None:
            stdout.write(f"Saved pipeline to {output_path / LAST_DIR} (best: "
                         f"{output_path / BEST_DIR})\n")
        return summary
    except (WorkerFailed, KeyboardInterrupt) as err:
        if output_path is not None and (output_path / LAST_DIR).exists():
            how = "Interrupted" if isinstance(err, KeyboardInterrupt) else "The run stopped"
            stderr.write(f"\n{how}; the last checkpoint in {output_path / LAST_DIR} "
                         "is kept.\n")
        raise
    finally:
        for worker in workers:
            try:
                ray.kill(worker)
            except Exception:  # already gone
                pass
        if started:
            ray.shutdown()
