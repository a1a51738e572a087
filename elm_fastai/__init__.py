__version__ = "0.0.1"

import warnings
# fastai 2.8 applies `torch.jit.script` to a layer when it is imported, and torch 2.14 deprecates that with a
# FutureWarning on every run; nothing a user of this package can act on, so it is silenced (that message only).
warnings.filterwarnings('ignore', message=r'`torch\.jit\.script` is deprecated', category=FutureWarning)
