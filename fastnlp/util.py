"""Small helpers shared across the package: atomic writes with ordinary permissions."""
import os
import tempfile
from pathlib import Path


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
