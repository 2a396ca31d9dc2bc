"""BLAS held to one thread while analysis runs, shared by nested and concurrent users: every block
runs with one thread, the last out restores the library's own thread count."""

import threading

import numpy as np
from threadpoolctl import ThreadpoolController

from amp.analysis import blas


def _blas_threads() -> int:
    return min(info["num_threads"] for info in ThreadpoolController().info() if info["user_api"] == "blas")


def test_one_thread_nests_and_restores_the_default() -> None:
    np.ones((4, 4)) @ np.ones((4, 4))  # BLAS loaded
    default = _blas_threads()
    with blas.one_thread():
        assert _blas_threads() == 1
        with blas.one_thread():
            assert _blas_threads() == 1
        assert _blas_threads() == 1  # the inner block's exit leaves the outer one's limit
    assert _blas_threads() == default


def test_the_main_threads_limit_holds_for_other_threads() -> None:
    # What QA's stage relies on: its main thread holds the limit, its analysis thread's products
    # run under it.
    np.ones((4, 4)) @ np.ones((4, 4))
    default = _blas_threads()
    seen: list[int] = []

    def read() -> None:
        with blas.one_thread():
            seen.append(_blas_threads())

    with blas.one_thread():
        worker = threading.Thread(target=read)
        worker.start()
        worker.join()
        assert _blas_threads() == 1
    assert seen == [1]
    assert _blas_threads() == default
