"""dlcourse: the reference implementations behind the deep-learning textbook.

Every chapter of the book imports its algorithms from here, and the test suite
checks each of them against the library a professional would use (torch.nn,
torch.autograd, scikit-learn, statsmodels, gensim, Captum).

``import dlcourse`` is light: submodules that need heavy libraries import them
when first used. Core helpers are available at the top level:

>>> import dlcourse
>>> dlcourse.seed_everything(0)
0
"""
from __future__ import annotations

from .core import device, seed_everything, show_source
from .reporting import record

__version__ = "0.1.0"

__all__ = ["seed_everything", "device", "show_source", "record", "__version__"]
