from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEU = ROOT / "data" / "deu3_public.tsv"

HEADER = ["prnr", "isnr", "proc", "counvte", "intro", "pcom", "pep", "pde", "pfr", "scom", "sep",
          "sde", "sfr", "rp", "out"]  # fmt: skip


def tsv(rows: list[list[str]], header: list[str] | None = None, gdp: bool = True) -> str:
    """Return a small DEU-layout table: header, optional GDP row, then ``rows``."""
    head = header or HEADER
    lines = ["\t".join(head)]
    if gdp:
        g = {"pcom": "4", "pep": "4", "pde": "4", "pfr": "3"}
        lines.append("\t".join(g.get(c, "") for c in head))
    lines += ["\t".join(r) for r in rows]
    return "\n".join(lines) + "\n"


def row(isnr: str = "x01i1", prnr: str = "x01", **cells: str) -> list[str]:
    """Return one issue row of HEADER with sensible defaults, overridden by ``cells``."""
    base = {
        "prnr": prnr, "isnr": isnr, "proc": "COD", "counvte": "QMV", "intro": "26-01-00",
        "pcom": "100", "pep": "80", "pde": "0", "pfr": "50",
        "scom": "50", "sep": "60", "sde": "90", "sfr": "40", "rp": "0", "out": "40",
    }  # fmt: skip
    base.update(cells)
    return [base[c] for c in HEADER]


@pytest.fixture
def write(tmp_path: Path):
    def _write(text: str, name: str = "deu.tsv") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write
