"""The notebook runner's kernel handling."""

import pytest

from ecresearch.pipeline import runner


@pytest.mark.parametrize("reuse_kernel", [False, True])
def test_a_failing_kernel_start_raises_its_own_error(tmp_path, monkeypatch, reuse_kernel):
    def no_kernel():
        raise OSError("no room for the kernel's sockets")

    monkeypatch.setattr(runner, "new_kernel_manager", no_kernel)
    monkeypatch.setattr(runner, "_free", [])
    with pytest.raises(OSError, match="no room for the kernel's sockets"):
        runner.run_notebook(tmp_path / "nb.ipynb", tmp_path / "out.ipynb", {}, reuse_kernel=reuse_kernel)
    assert not (tmp_path / "out.ipynb").exists()
