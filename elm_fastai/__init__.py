__version__ = "0.0.1"

import warnings
# fastai 2.8 applies `torch.jit.script` to a layer when it is imported, and torch 2.14 deprecates that with a
# FutureWarning; nothing a user of this package can act on. fastai is imported here with that message silenced,
# for this import only (no filter stays installed).
with warnings.catch_warnings():
    warnings.filterwarnings('ignore', message=r'`torch\.jit\.script` is deprecated', category=FutureWarning)
    import fastai.layers
