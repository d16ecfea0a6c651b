"""A small, readable training loop for the chapters' PyTorch models.

:func:`fit` is what the chapters use once they have written the loop out by hand
once (chapter 2). It does nothing magic::

    for epoch in range(epochs):
        for xb, yb in train_data:          # one iteration per mini-batch
            loss = loss_fn(model(xb), yb)
            optimizer.zero_grad(); loss.backward(); optimizer.step()
        evaluate on val_data; stop early if it has not improved for `patience` epochs

:mod:`~dlcourse.train.loop` holds :func:`fit`, :func:`evaluate` and :class:`History`;
:mod:`~dlcourse.train.seeds` trains several seeds as one batched model
(:func:`fit_seeds`, :class:`SeedRuns`). Every name is importable from :mod:`dlcourse.train`.
"""
from .loop import History, evaluate, fit
from .seeds import SeedRuns, fit_seeds

__all__ = ["History", "fit", "evaluate", "fit_seeds", "SeedRuns"]
