"""A default capability for states from a published national-capability index (optional).

The index is the Correlates of War Project's Composite Index of National Capability (CINC),
from its National Material Capabilities data set: each state's share of the world's military
expenditure and personnel, energy consumption, iron and steel production, urban and total
population, in one year (the shares sum to 1 over the state system).

    Singer, J. David, Stuart Bremer and John Stuckey (1972). "Capability Distribution,
    Uncertainty, and Major Power War, 1820-1965." In Bruce Russett (ed.), Peace, War, and
    Numbers, 19-48. Beverly Hills: Sage. Data: National Material Capabilities v6.0 (Greig and
    Enterline 2021), https://correlatesofwar.org/data-sets/national-material-capabilities/

accord does not ship the data (it could not be fetched where this was written; see
docs/draft.md): ``accord draft --capability-table NMC-60-abridged.csv`` reads the published
CSV (columns ``stateabb``, ``ccode``, ``year``, ``cinc``) and takes each state's latest year
up to the articles' year. States are matched to the CSV by their CoW code
(``cow_codes.tsv``, a crosswalk from ISO 3166-1 codes to the CoW state list). A default
capability is ``100 × CINC`` (a percentage of the world's material capability), always marked
draft: material capability is not clout at a negotiating table.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from accord.errors import AccordError

CITATION = (
    "Correlates of War Project, National Material Capabilities v6.0, CINC score (Singer, "
    "Bremer and Stuckey 1972; Greig and Enterline 2021), "
    "https://correlatesofwar.org/data-sets/national-material-capabilities/"
)


@dataclass(frozen=True)
class Capability:
    """A state's CINC score in one year."""

    iso3: str
    cinc: float
    year: int

    @property
    def value(self) -> float:
        """Return the default capability: the CINC score as a percentage (3 significant)."""
        return float(f"{self.cinc * 100:.3g}")


@lru_cache(maxsize=1)
def cow_codes() -> dict[str, int]:
    """Return the crosswalk ISO 3166-1 alpha-3 -> Correlates of War state code."""
    text = resources.files("accord.draft").joinpath("cow_codes.tsv").read_text("utf-8")
    out: dict[str, int] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        iso3, code, _abb = line.split("\t")[:3]
        out[iso3] = int(code)
    return out


def load_cinc(path: str | Path, year: int | None = None) -> dict[str, Capability]:
    """Read a National Material Capabilities CSV; return each state's latest CINC by ISO code.

    ``year``: take no year after it (the articles' year); default: the latest in the file.
    """
    source = str(path)
    by_code = {code: iso for iso, code in cow_codes().items()}
    best: dict[str, Capability] = {}
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            fields = {f.lower() for f in reader.fieldnames or []}
            if not {"ccode", "year", "cinc"} <= fields:
                raise AccordError(
                    "a capability table needs the columns ccode, year and cinc (the National "
                    "Material Capabilities CSV)",
                    source=source,
                )
            for n, row in enumerate(reader, start=2):
                row = {k.lower(): v for k, v in row.items() if k is not None}
                try:
                    code, when = int(row["ccode"]), int(row["year"])
                    cinc = float(row["cinc"])
                except (TypeError, ValueError):
                    raise AccordError(
                        "expected numbers in ccode, year and cinc", source=source, where=f"row {n}"
                    ) from None
                iso = by_code.get(code)
                if iso is None or cinc < 0 or (year is not None and when > year):
                    continue
                if iso not in best or when > best[iso].year:
                    best[iso] = Capability(iso, cinc, when)
    except FileNotFoundError:
        raise AccordError("file not found", source=source) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AccordError(f"cannot read the capability table: {exc}", source=source) from None
    return best
