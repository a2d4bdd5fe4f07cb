"""Gradients that the C kernels add into in place."""
import numpy


def gradient_buffer(model, name):
    """The parameter's gradient as a float32 C-contiguous numpy array that a kernel may
    add into in place: the model's own one, or a new one (zeros plus any gradient the
    model had) set as its gradient."""
    grad = model.get_grad(name) if model.has_grad(name) else None
    if isinstance(grad, numpy.ndarray) and grad.dtype == numpy.float32 \
            and grad.flags.c_contiguous:
        return grad
    buffer = numpy.zeros(model.get_param(name).shape, dtype="float32")
    if grad is not None:
        buffer += model.ops.to_numpy(grad)
    model.set_grad(name, buffer)
    return buffer
