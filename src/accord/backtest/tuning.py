"""How the ``bicameral`` model was fitted: a grid on the train split, then finalists on dev.

Run ``python -m accord.backtest.tuning`` to repeat the train fit (grid search with nested,
proposal-grouped cross-validation inside train) and ``--dev`` to score the finalists on dev with
paired bootstrap intervals against the compromise model. Dev was used once, to choose among the
finalists fixed here; it never entered the grid.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable, Sequence

import numpy as np

from accord.backtest.deu import DeuData, read_deu
from accord.backtest.metrics import Resamples, summary
from accord.backtest.run import run_model
from accord.backtest.split import load_split
from accord.backtest.weights import all_capabilities

Config = tuple[float | None, float, float]
"""(co-legislator share or None, salience power, snap)."""
SHARES: tuple[float | None, ...] = (None, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)
POWERS = (1.0, 2.0, 3.0, 4.0)
SNAPS = (0.0, 0.05, 0.1, 0.15, 0.2)
FAMILIES: dict[str, Callable[[Config], bool]] = {
    "share": lambda c: c[1] == 1.0 and c[2] == 0.0,
    "share+power": lambda c: c[2] == 0.0,
    "share+snap": lambda c: c[1] == 1.0,
    "share+power+snap": lambda c: True,
}
FINALISTS: dict[str, Config] = {  # the in-sample train optimum of each family but the last
    "F1 share": (0.2, 1.0, 0.0),
    "F2 share+power": (0.25, 4.0, 0.0),
    "F3 share+snap": (0.2, 1.0, 0.15),
}


def _part(data: DeuData, part: str) -> DeuData:
    split = load_split()
    return data.select({p for p, s in split.items() if s == part})


def errors(data: DeuData, configs: Sequence[Config]) -> tuple[dict[Config, np.ndarray], np.ndarray]:
    """Return the absolute errors of each configuration on scored issues, and their proposals."""
    _, caps = all_capabilities(data, "votes")
    y = np.array([np.nan if i.outcome is None else i.outcome for i in data.issues])
    ok = np.isfinite(y)
    out = {}
    for share, power, snap in configs:
        params: dict[str, float | None] = {"salience_power": power, "snap": snap}
        if share is None:
            params["co_legislator"] = None
        else:
            params["share"] = share
        run = run_model("bicameral", data.issues, caps, params=params)
        out[(share, power, snap)] = np.abs(run.forecast - y)[ok]
    return out, np.array([i.proposal for i in data.issues])[ok]


def nested_cv(err: dict[Config, np.ndarray], groups: np.ndarray, reps: int = 20) -> float:
    """Return the MAE of 'pick the best configuration on 4/5 of the proposals', averaged."""
    names = np.unique(groups)
    maes = []
    for seed in range(reps):
        perm = np.random.default_rng(seed).permutation(len(names))
        fold = dict(zip(names, perm % 5, strict=True))
        f = np.array([fold[g] for g in groups])
        out = np.empty(len(groups))
        for k in range(5):
            best = min(err, key=lambda c: float(err[c][f != k].mean()))
            out[f == k] = err[best][f == k]
        maes.append(out.mean())
    return float(np.mean(maes))


def fit_train(data: DeuData) -> None:
    """Print, per family, the in-sample optimum on train and its nested-CV MAE."""
    train = _part(data, "train")
    err, groups = errors(train, list(itertools.product(SHARES, POWERS, SNAPS)))
    base = err[(None, 1.0, 0.0)]
    print(f"train: {base.size} issues; compromise MAE {base.mean():.2f}")
    for name, keep in FAMILIES.items():
        sub = {c: e for c, e in err.items() if keep(c)}
        best = min(sub, key=lambda c: float(sub[c].mean()))
        print(
            f"{name:18s} best {best} in-sample MAE {sub[best].mean():.2f}; "
            f"nested CV MAE {nested_cv(sub, groups):.2f}"
        )


def score_dev(data: DeuData, seed: int = 0, n_boot: int = 2000) -> None:
    """Print each finalist's dev MAE and its paired difference to the compromise model."""
    dev = _part(data, "dev")
    configs = [(None, 1.0, 0.0), *FINALISTS.values()]
    err, groups = errors(dev, configs)
    rs = Resamples.draw(groups, n_boot, [seed, 0])
    base = err[(None, 1.0, 0.0)]
    print(f"dev: {base.size} issues; compromise MAE {base.mean():.2f}")
    for name, cfg in FINALISTS.items():
        d = summary(err[cfg], rs, base_ae=base)["mae"]
        print(
            f"{name:18s} {cfg} MAE {err[cfg].mean():.2f}; "
            f"ΔMAE {d['value']:+.2f} [{d['lo']:+.2f}, {d['hi']:+.2f}]"
        )


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dev", action="store_true", help="score the finalists on dev")
    args = parser.parse_args(argv)
    data = read_deu()
    score_dev(data) if args.dev else fit_train(data)


if __name__ == "__main__":
    main()
