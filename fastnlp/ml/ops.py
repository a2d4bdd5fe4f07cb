"""CPU ops for fastnlp's models: Thinc's NumpyOps with numpy's BLAS doing the matrix products.

Thinc's NumpyOps multiplies matrices with BLIS. Where BLIS finds no kernel for the CPU
(a VM that hides AVX2, or a CPU it does not know) it falls back to a generic one,
~3.5x slower than numpy's OpenBLAS on the same core; the Maxout and Softmax layers are
most of a tagger's training time, so the architectures here put their layers on
NumpyBlasOps, which hands gemm to numpy and makes dropout masks in float32 (the same
masks as Thinc's, from the same random numbers, ~3x faster). Every other op is Thinc's.
Which backend a pipeline's CPU layers use is the `[system] cpu_gemm` setting ("numpy" or
"blis"), saved with the pipeline; the FASTNLP_GEMM environment variable overrides it, and
the pipeline's config then records the override. GPU (CuPy) ops are never touched.
"""
import os

import numpy
from thinc.api import Model, NumpyOps

from ..errors import ConfigError

CPU_GEMM_ENV = "FASTNLP_GEMM"
CPU_GEMM_BACKENDS = ("numpy", "blis")


class NumpyBlasOps(NumpyOps):
    """NumpyOps(use_blis=False) with a float32 dropout mask."""

    def __init__(self, **kwargs):
        kwargs["use_blis"] = False
        super().__init__(**kwargs)

    def get_dropout_mask(self, shape, drop):
        """Thinc's mask, (uniform >= drop) / (1 - drop), without float64 temporaries."""
        if drop is None or drop <= 0 or drop >= 1.0:
            return super().get_dropout_mask(shape, drop)
        coinflips = numpy.random.uniform(0.0, 1.0, shape)
        mask = numpy.empty(coinflips.shape, dtype=numpy.float32)
        numpy.multiply(coinflips >= drop, numpy.float32(1.0 / (1.0 - drop)), out=mask)
        return mask


_CPU_OPS = {"numpy": NumpyBlasOps(), "blis": NumpyOps()}


def resolve_cpu_gemm(configured, path=None):
    """The CPU GEMM backend to use: FASTNLP_GEMM if set, else `configured` (the [system]
    cpu_gemm of the config file `path`, which an error names)."""
    override = os.environ.get(CPU_GEMM_ENV)
    if override:
        value, where = override.lower(), {"key": CPU_GEMM_ENV}
    else:
        value, where = configured, {"path": path, "section": "system", "key": "cpu_gemm"}
    if value not in CPU_GEMM_BACKENDS:
        raise ConfigError(f"unknown CPU GEMM backend {value!r}; choose one of "
                          f"{', '.join(CPU_GEMM_BACKENDS)}", **where)
    return value


def set_cpu_gemm(model: Model, backend: str) -> Model:
    """Put every CPU (NumpyOps) layer of `model` on `backend`'s ops; returns the model."""
    ops = _CPU_OPS[backend]
    for node in model.walk():
        # exact types: Thinc's AppleOps and MPSOps subclass NumpyOps and stay as they are
        if type(node.ops) in (NumpyOps, NumpyBlasOps) and node.ops is not ops:
            node.ops = ops
    return model
