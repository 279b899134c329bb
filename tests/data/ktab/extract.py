"""Extract compact SMP reference fixtures from KTAB's own ``smpc`` logs.

Usage (from the repository root)::

    .venv/bin/python tests/data/ktab/extract.py shared/data/ktab_ref_SOE-Pol-Comp.txt \
        tests/data/ktab/soe_pol_comp.json

The log is KTAB's (KAPSARC, MIT licence) reference run of its ``smpc`` program. Everything the
fixture holds is copied from the log as printed; nothing is computed here except grouping:

- ``positions``: every state's positions on KTAB's 0-100 scale. State 0 is the echoed input
  (``pos[i, k] =``, 3 decimals); states 1.. come from the ``postn i , 0 :`` lines printed after
  each step (4 decimals, i.e. exact, since moved positions lie on a 0.01 grid).
- ``history_positions``: the final "History of actor positions" table, (states, actors, dims),
  1 decimal. ``probabilities``: the "History of actors' winning probabilities", (states, actors).
- ``risk_attitudes``: the "Inferred risk attitudes" of every state, 3 decimals.
- ``fractional_change``: the "Fractional change compared to first step" of every step.
- ``turns``: for every turn and initiator, in log order: target, the four "Est by" lines (phi
  and expected gain to the initiator, as estimated by the initiator and by the target, plus the
  expected gains to the target) and the bargains from both perspectives and their compromise.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

NUM = r"[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?"
EST = re.compile(
    rf"^Est by\s+(\d+) of prob ({NUM}) that \[\s*(\d+)>\s*(\d+)\],"
    rf" with expected gain to\s+(\d+) of ({NUM})"
)
TARGET = re.compile(r"^In turn (\d+) actor (\d+) has most advantageous target (\d+) worth")
BARGAIN = re.compile(r"^\s*(?:compromise|\d+) proposes (\d+) adopt:\s*(.*)$")


def floats(text: str) -> list[float]:
    """Return every number on a line."""
    return [float(v) for v in re.findall(NUM, text)]


def parse(path: Path) -> dict[str, Any]:
    """Parse one ``smpc`` log into the fixture dictionary."""
    lines = path.read_text().splitlines()
    out: dict[str, Any] = {"source": path.name}
    n = k = 0
    names: list[str] = []
    dims: list[str] = []
    pos0: dict[tuple[int, int], float] = {}
    risk: list[list[float]] = []
    frac: list[float] = []
    postn: list[list[float]] = []
    turns: list[dict[str, Any]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        s = line.strip()
        if s.startswith("Number of actors:") and not n:
            n = int(s.split(":")[1])
        elif s.startswith("Number of dimensions:") and not k:
            k = int(s.split(":")[1])
        elif re.match(r"^Dimension \d+ :", s) and len(dims) < k:
            dims.append(s.split(":", 1)[1].strip())
        elif re.match(r"^Actor: \d+ name:", s) and len(names) < n:
            names.append(s.split("name:", 1)[1].strip())
        elif m := re.match(rf"^pos\[(\d+), (\d+)\] =\s*({NUM})", s):
            pos0[(int(m[1]), int(m[2]))] = float(m[3])
        elif s.startswith("Inferred risk attitudes"):
            risk.append([float(lines[i + 1 + a].strip()) for a in range(n)])
            i += n
        elif s.startswith("Fractional change compared to first step"):
            frac.append(float(re.findall(NUM, s.split(":", 1)[1])[0]))
        elif re.match(r"^postn \d+ , \d+ :", s):
            postn.append(floats(lines[i + 1]))
            i += 1
        elif m := TARGET.match(s):
            turn, a, j = int(m[1]), int(m[2]), int(m[3])
            while len(turns) <= turn:
                turns.append({"turn": len(turns), "challenges": []})
            near = [EST.match(x.strip()) for x in lines[i + 1 : i + 12]]
            est = [e for e in near if e is not None and (int(e[3]), int(e[4])) == (a, j)][:4]
            if len(est) != 4:
                raise ValueError(f"{path.name}:{i + 1}: expected four 'Est by' lines")
            ch: dict[str, Any] = {"initiator": a, "target": j}
            for e in est:
                by, gain_to = int(e[1]), int(e[5])
                view = "by_initiator" if by == a else "by_target"
                ch[f"phi_{view}"] = float(e[2])
                who = "initiator" if gain_to == a else "target"
                ch[f"gain_to_{who}_{view}"] = float(e[6])
            turns[turn]["challenges"].append(ch)
        elif m := re.match(r"^In turn (\d+) Actor (\d+) has no advantageous targets", s):
            turn = int(m[1])
            while len(turns) <= turn:
                turns.append({"turn": len(turns), "challenges": []})
            turns[turn].setdefault("no_target", []).append(int(m[2]))
        elif s.startswith("Bargain [") or s.startswith("Power-weighted compromise ["):
            m = re.search(r"\[\d+, (\d+):(\d+)\]", s)
            assert m is not None
            a, j = int(m[1]), int(m[2])
            if s.startswith("Power"):
                key = "bargain_compromise"
            else:
                persp = int(re.search(r"from (\d+)'s perspective", s)[1])  # type: ignore[index]
                key = "bargain_initiator_view" if persp == a else "bargain_target_view"
            got: dict[int, list[float]] = {}
            for x in lines[i + 1 : i + 5]:  # threads may interleave a foreign line
                bm = BARGAIN.match(x)
                if bm is not None and int(bm[1]) in (a, j) and len(got) < 2:
                    got[int(bm[1])] = floats(bm[2])
            if len(got) != 2:
                raise ValueError(f"{path.name}:{i + 1}: bargain lines not found")
            found = [c for c in turns[-1]["challenges"] if (c["initiator"], c["target"]) == (a, j)]
            if not found:
                raise ValueError(f"{path.name}:{i + 1}: bargain for an unexpected pair")
            ch = found[-1]
            ch[key] = [got[a], got[j]]
        elif m := re.match(r"^There were (\d+) states", s):
            out["states"] = int(m[1])
        elif s.startswith("History of actor positions"):
            hist = [floats(lines[i + 1 + r].split(":", 1)[1]) for r in range(n * k)]
            out["history_positions"] = [
                [[hist[a * k + d][t] for d in range(k)] for a in range(n)]
                for t in range(out["states"])
            ]
            i += n * k
        elif s.startswith("History of actors' winning probabilities"):
            probs = [floats(lines[i + 1 + a].split(":", 1)[1]) for a in range(n)]
            out["probabilities"] = [[probs[a][t] for a in range(n)] for t in range(out["states"])]
            i += n
        elif m := re.match(rf"^Elapsed time: ({NUM}) seconds", s):
            out["elapsed_s"] = float(m[1])
        i += 1

    states = out["states"]
    if len(postn) != n * (states - 1) or len(risk) != states or len(frac) != states - 1:
        raise ValueError(f"{path.name}: inconsistent number of states")
    positions = [[[pos0[(a, d)] for d in range(k)] for a in range(n)]]
    for t in range(states - 1):
        positions.append(postn[t * n : (t + 1) * n])
    for t, state in enumerate(positions):  # the exact positions agree with the 1-dp table
        for a in range(n):
            for d in range(k):
                if abs(state[a][d] - out["history_positions"][t][a][d]) > 0.051:
                    raise ValueError(f"{path.name}: state {t} actor {a} disagrees with history")
    for turn in turns:
        turn["challenges"].sort(key=lambda c: c["initiator"])
        if "no_target" in turn:
            turn["no_target"].sort()
    out.update(
        actors=names,
        dimensions=dims,
        positions=positions,
        risk_attitudes=risk,
        fractional_change=frac,
        turns=turns,
    )
    order = ["source", "actors", "dimensions", "states", "elapsed_s", "fractional_change"]
    return {key: out[key] for key in order} | {
        key: out[key] for key in sorted(out) if key not in order
    }


def dump(data: dict[str, Any]) -> str:
    """Return compact JSON with one top-level key (and one turn) per line."""
    parts = []
    for key, value in data.items():
        if key == "turns":
            inner = ",\n  ".join(json.dumps(t, separators=(",", ":")) for t in value)
            parts.append(f'"{key}": [\n  {inner}\n]')
        else:
            parts.append(f'"{key}": {json.dumps(value, separators=(",", ":"))}')
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main(argv: list[str]) -> None:
    """Extract ``argv[0]`` (a KTAB log) into ``argv[1]`` (a JSON fixture)."""
    src, dst = Path(argv[0]), Path(argv[1])
    Path(dst).write_text(dump(parse(src)))


if __name__ == "__main__":
    main(sys.argv[1:])
