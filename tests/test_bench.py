"""The benchmark suite runs (tiny sizes) and its page is part of the book."""
from __future__ import annotations

import subprocess
import sys

from tools import nbtools


def test_bench_quick_run_writes_every_table(tmp_path):
    out = tmp_path / "performance.md"
    result = subprocess.run([sys.executable, "tools/bench.py", "--quick", "--out", str(out)], cwd=nbtools.ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    page = out.read_text(encoding="utf-8")
    for heading in ("## The machine", "## From scratch against the library", "## Word2Vec and TF-IDF", "## On a GPU"):
        assert heading in page
    for layer in ("RNN forward", "LSTM forward", "GRU forward", "multi-head self-attention", "im2col"):
        assert layer in page, f"{layer} missing from the benchmark table"


def test_performance_page_is_in_the_book():
    assert "book/performance" in nbtools.toc_files()
    page = (nbtools.ROOT / "book" / "performance.md").read_text(encoding="utf-8")
    assert "## Notebooks" in page and "Total:" in page, "run `make bench` to regenerate the page"
