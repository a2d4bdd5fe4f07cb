"""Choosing the device: CuPy on an NVIDIA GPU, or numpy on the CPU."""


class GPUUnavailable(RuntimeError):
    """The GPU was asked for but a piece it needs is missing."""


def _cupy():
    try:
        import cupy
    except ImportError:
        raise GPUUnavailable("no cupy: install the GPU extra, e.g. pip install "
                             "'fastnlp[gpu]' (a cupy wheel matching your CUDA)") from None
    return cupy


def gpu_count():
    cupy = _cupy()
    try:
        return cupy.cuda.runtime.getDeviceCount()
    except Exception as err:  # cupy raises CUDARuntimeError without a driver
        raise GPUUnavailable(f"cupy is installed but CUDA is not usable (no NVIDIA driver or "
                             f"device?): {err}") from None


def require_gpu(gpu_id=0):
    """Use GPU `gpu_id` for all models from now on; a clear error if it can't be had."""
    n = gpu_count()
    if n == 0:
        raise GPUUnavailable("CUDA reports no GPU device")
    if not 0 <= gpu_id < n:
        raise GPUUnavailable(f"--gpu-id {gpu_id}: this machine has {n} GPU(s), ids 0..{n - 1}")
    from thinc.api import require_gpu as thinc_require_gpu
    thinc_require_gpu(gpu_id)
    return True


def prefer_gpu(gpu_id=0):
    """Use the GPU if one is usable; returns whether it is."""
    try:
        return require_gpu(gpu_id)
    except GPUUnavailable:
        return False
