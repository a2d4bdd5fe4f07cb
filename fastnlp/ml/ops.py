"""CPU ops for fastnlp's models: Thinc's NumpyOps with numpy's BLAS doing the matrix products.

Thinc's NumpyOps multiplies matrices with BLIS. Where BLIS finds no kernel for the CPU
(a VM that hides AVX2, or a CPU it does not know) it falls back to a generic one,
~3.5x slower than numpy's OpenBLAS on the same core; the Maxout and Softmax layers are
most of a tagger's training time, so the architectures here put their layers on
NumpyOps(use_blis=False), which hands gemm to numpy. Every other op is the same.
Set FASTNLP_GEMM=blis to keep Thinc's default. GPU (CuPy) ops are never touched.
"""
import os

from thinc.api import Model, NumpyOps

GEMM_ENV = "FASTNLP_GEMM"
_NUMPY_BLAS_OPS = NumpyOps(use_blis=False)


def cpu_ops_for_gemm():
    """The ops object the architectures move CPU layers to (None: leave them alone)."""
    if os.environ.get(GEMM_ENV, "numpy").lower() == "blis":
        return None
    return _NUMPY_BLAS_OPS


def use_numpy_blas(model: Model) -> Model:
    """Move every layer of `model` on Thinc's BLIS NumpyOps to numpy-BLAS NumpyOps."""
    ops = cpu_ops_for_gemm()
    if ops is None:
        return model
    for node in model.walk():
        if type(node.ops) is NumpyOps and getattr(node.ops, "use_blis", False):
            node.ops = ops
    return model
