"""CPU ops for fastnlp's models: Thinc's NumpyOps with numpy's BLAS doing the matrix products.

Thinc's NumpyOps multiplies matrices with BLIS. Where BLIS finds no kernel for the CPU
(a VM that hides AVX2, or a CPU it does not know) it falls back to a generic one,
~3.5x slower than numpy's OpenBLAS on the same core; the Maxout and Softmax layers are
most of a tagger's training time, so the architectures here put their layers on
NumpyBlasOps, which hands gemm to numpy and makes dropout masks in float32 (the same
masks as Thinc's, from the same random numbers, ~3x faster). Every other op is Thinc's.
Set FASTNLP_GEMM=blis to keep Thinc's default. GPU (CuPy) ops are never touched.
"""
import os

import numpy
from thinc.api import Model, NumpyOps

GEMM_ENV = "FASTNLP_GEMM"


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


_NUMPY_BLAS_OPS = NumpyBlasOps()


def cpu_ops_for_gemm():
    """The ops object the architectures move CPU layers to (None: leave them alone)."""
    if os.environ.get(GEMM_ENV, "numpy").lower() == "blis":
        return None
    return _NUMPY_BLAS_OPS


def use_numpy_blas(model: Model) -> Model:
    """Move every layer of `model` on Thinc's BLIS NumpyOps to NumpyBlasOps."""
    ops = cpu_ops_for_gemm()
    if ops is None:
        return model
    for node in model.walk():
        if type(node.ops) is NumpyOps and getattr(node.ops, "use_blis", False):
            node.ops = ops
    return model
