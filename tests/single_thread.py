"""A module-scoped fixture that runs a test module's small fits on one thread.

Import it into a test module (``from single_thread import one_thread  # noqa: F401``) to
apply it to every test there: small NumPy/PyTorch fits run fastest on one thread, and on a
shared machine extra BLAS threads only spin.
"""
import pytest


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """torch and every BLAS pool limited to one thread for the module; restored afterwards."""
    import torch
    from threadpoolctl import threadpool_limits

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    with threadpool_limits(1):
        yield
    torch.set_num_threads(before)
