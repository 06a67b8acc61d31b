"""The load and scale benchmarks are scripts, run by hand; here their help is checked, and
how they read CPU time."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.cpu import children, cpu_seconds, machine_cpu

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.mark.parametrize("script", ["load_bench.py", "scale_bench.py"])
def test_a_bench_explains_itself_and_its_goals(script: str) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "Goals:" in done.stdout


@pytest.mark.skipif(not Path("/proc/stat").exists(), reason="reads Linux's /proc")
def test_the_benches_read_a_process_and_its_children_and_the_machine_cpu_time() -> None:
    machine_before, mine_before = machine_cpu(), cpu_seconds(os.getpid())
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:  # 0.3 s of this process's CPU
        pass
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in children(os.getpid())
        assert cpu_seconds(os.getpid()) - mine_before >= 0.25
        assert (machine_cpu() or 0) - (machine_before or 0) >= 0.25
    finally:
        child.kill()
        child.wait()
    assert cpu_seconds(child.pid) == 0.0  # gone
