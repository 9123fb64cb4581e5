# A stub of torch for importing generated split modules without PyTorch: it records every attribute that code
# touches at import time (only torch.nn.Module is expected) in the file named by PIECEWISE_TORCH_LOG.
import os


class _Recorder:
    def __init__(self, path):
        self._path = path

    def __getattr__(self, name):
        dotted = self._path + "." + name
        with open(os.environ["PIECEWISE_TORCH_LOG"], "a") as log:
            log.write(dotted + "\n")
        return _Recorder(dotted)

    def __call__(self, *args, **kwargs):
        with open(os.environ["PIECEWISE_TORCH_LOG"], "a") as log:
            log.write("call " + self._path + "\n")
        return _Recorder(self._path + "()")


class _Nn:
    class Module:
        pass


nn = _Nn()


def __getattr__(name):
    return getattr(_Recorder("torch"), name)
