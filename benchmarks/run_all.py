"""Run every ``bench_*.py`` in this folder, one after the other (``--quick`` is passed on)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    status = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n=== {script.name}", flush=True)
        done = subprocess.run([sys.executable, str(script), *sys.argv[1:]], check=False)
        status = status or done.returncode
    return status


if __name__ == "__main__":
    raise SystemExit(main())
