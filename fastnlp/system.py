"""Small helpers shared across the package: atomic writes with ordinary permissions, the
BLAS thread limit."""
import os
import tempfile
from pathlib import Path

from threadpoolctl import threadpool_limits

from .errors import ConfigError

BLAS_THREADS_ENV = "FASTNLP_BLAS_THREADS"


def blas_threads():
    """Threads the BLAS library may use: FASTNLP_BLAS_THREADS, default 1.

    Our matrices are small: spreading each product over threads costs more CPU than it
    saves (several times more on two cores), and N workers each driving BLAS's own
    thread pool oversubscribe the cores.
    """
    value = os.environ.get(BLAS_THREADS_ENV, "1")
    try:
        return max(1, int(value))
    except ValueError:
        raise ConfigError(f"{BLAS_THREADS_ENV}={value!r} is not a number of threads") from None


def limit_blas():
    """Limit BLAS to blas_threads() threads: in force at once, until the returned object
    is used as a context manager and exits (or its restore_original_limits is called)."""
    return threadpool_limits(limits=blas_threads(), user_api="blas")


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path, data):
    """Write bytes to a temp file beside `path`, then rename it over `path`.

    A failure leaves whatever was at `path` untouched and no temp file behind. The file
    gets the permissions a plain open() would give it (mkstemp's are owner-only).
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file_:
            file_.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def make_temp_dir(beside, prefix):
    """A temp directory next to `beside`, with the permissions mkdir would give it."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=Path(beside).parent))
    os.chmod(path, 0o777 & ~_umask())
    return path


def batched(items, size):
    """Lists of `size` consecutive items (the last may be shorter)."""
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
