"""KTAB's CSV scenario layout (the input of KTAB's ``smpc --csv``).

::

    China Policy; scen 0,Scenario-000; Appetite for reform, 26, 1,
    Actor,Description,Influence,Policy Position,Policy Salience,
    XJ,Xi Jinping,100,30,30,

Line 1 holds the scenario name, its description, N (actors) and K (dimensions); fields after
the fourth are ignored. Line 2 is the header: ``Actor, Description, <Power|Influence>`` then a
position and a salience column per dimension. Then exactly N actor rows. Fields are separated by
commas and trimmed of spaces and double quotes; ``$$`` inside a field stands for a comma; a
trailing comma is optional. Positions and saliences are on 0-100: every dimension becomes an
issue on a 0-100 scale and saliences are divided by 100.
"""

from __future__ import annotations

from typing import Any

from accord.errors import AccordError
from accord.scenario.io_common import (
    Places,
    SourceName,
    number_text,
    parse_number,
    slugify,
    split_lines,
    title_from,
)
from accord.scenario.model import Scenario
from accord.scenario.validate import RawScenario

_SUFFIX = " position"


def _fields(line: str) -> list[str]:
    """Split one KTAB line into trimmed fields, dropping trailing empty ones."""
    out = [f.strip().strip('"').strip().replace("$$", ",") for f in line.split(",")]
    while out and not out[-1]:
        out.pop()
    return out


def sniff(text: str) -> bool:
    """Return whether ``text`` looks like a KTAB CSV (line 2 starts with ``Actor,Description``)."""
    lines = split_lines(text[:4096])
    if len(lines) < 2:
        return False
    head = [f.lower() for f in _fields(lines[1])[:2]]
    return head == ["actor", "description"]


def dimension_id(column: str) -> str:
    """Return the issue id of a KTAB position column: ``"Policy Position"`` -> ``"policy"``."""
    base = column[: -len(_SUFFIX)] if column.lower().endswith(_SUFFIX) else column
    return slugify(base)


def _count(value: str, what: str, source: SourceName) -> int:
    where = "row 1"
    try:
        number = int(value)
    except ValueError:
        raise AccordError(
            f"{what} must be a whole number, got {value!r}", source=source, where=where
        ) from None
    if number < 1:
        raise AccordError(f"{what} must be at least 1, got {number}", source=source, where=where)
    return number


def parse_ktab(text: str, source: SourceName = None) -> RawScenario:
    """Read a KTAB CSV scenario.

    Parameters
    ----------
    text:
        The file's text.
    source:
        The file it came from (for messages; its stem is the title when line 1 has no name).

    Returns
    -------
    RawScenario
        Raw data for :func:`accord.scenario.validate.build`, with row/column locations.

    """
    lines = [(n, _fields(line)) for n, line in enumerate(split_lines(text), start=1)]
    lines = [(n, f) for n, f in lines if f]
    if not lines or lines[0][0] != 1:
        raise AccordError(
            "the first line must be: scenario name, description, N actors, K dimensions",
            source=source,
            where="row 1",
        )
    first = lines[0][1]
    if len(first) < 4:
        raise AccordError(
            f"the first line has {len(first)} fields; it must be: scenario name, description, "
            "N actors, K dimensions",
            source=source,
            where="row 1",
        )
    name, description = first[0], first[1]
    n_actors = _count(first[2], "N (field 3, the number of actors)", source)
    n_dims = _count(first[3], "K (field 4, the number of dimensions)", source)
    if len(lines) < 2 or lines[1][0] != 2:
        raise AccordError(
            "the second line must be the header: Actor, Description, Power, then a "
            "position and a salience column per dimension",
            source=source,
            where="row 2",
        )
    header = lines[1][1]
    if [h.lower() for h in header[:2]] != ["actor", "description"]:
        raise AccordError(
            "the header must start with Actor, Description", source=source, where="row 2"
        )
    if len(header) < 3:
        raise AccordError(
            "the header has no power column (Actor, Description, Power, ...)",
            source=source,
            where="row 2",
        )
    dims = header[3:]
    if len(dims) != 2 * n_dims:
        raise AccordError(
            f"the first line says K = {n_dims} dimensions, which need {2 * n_dims} "
            f"position/salience columns after '{header[2]}', but the header has {len(dims)}",
            source=source,
            where="row 2",
        )
    rows = lines[2:]
    if len(rows) != n_actors:
        raise AccordError(
            f"the first line says N = {n_actors} actors but {len(rows)} actor rows follow the "
            "header",
            source=source,
            where="row 1",
        )
    places = Places()
    places.add(("title",), "row 1")
    places.add(("description",), "row 1")
    issues: list[dict[str, Any]] = []
    seen_dims: dict[str, str] = {}
    for k in range(n_dims):
        column = dims[2 * k]
        issue_id = dimension_id(column) or f"dim{k + 1}"
        if issue_id in seen_dims:
            raise AccordError(
                f"dimensions '{seen_dims[issue_id]}' and '{column}' both become the issue id "
                f"'{issue_id}'",
                source=source,
                where="row 2",
            )
        seen_dims[issue_id] = column
        issues.append(
            {"id": issue_id, "name": column, "scale": {"min": 0.0, "max": 100.0, "unit": "points"}}
        )
        places.add(("issues", k), f"row 2, column {column}")
    width = 3 + 2 * n_dims
    actors: list[dict[str, Any]] = []
    values: list[list[float]] = []
    ids: dict[str, tuple[int, str]] = {}
    for j, (row, cells) in enumerate(rows):
        if len(cells) != width:
            raise AccordError(
                f"expected {width} values (actor, description, {header[2]} and a position and a "
                f"salience for each of {n_dims} dimensions), got {len(cells)}",
                source=source,
                where=f"row {row}",
            )
        actor_id = slugify(cells[0])
        if not actor_id:
            raise AccordError(
                f"cannot make an actor id from {cells[0]!r}",
                source=source,
                where=f"row {row}, column {header[0]}",
            )
        if actor_id in ids:
            first_row, first_name = ids[actor_id]
            raise AccordError(
                f"duplicate actor: {first_name!r} (row {first_row}) and {cells[0]!r} (row {row})"
                f" both become the id '{actor_id}'",
                source=source,
                where=f"row {row}, column {header[0]}",
            )
        ids[actor_id] = (row, cells[0])
        numbers = [
            parse_number(cells[c], source, f"row {row}, column {header[c]}")
            for c in range(2, width)
        ]
        values.append(numbers[1:])
        actors.append(
            {"id": actor_id, "name": cells[1], "capability": numbers[0], "_code": cells[0]}
        )
        places.add(("actors", j), f"row {row}")
        places.add(("actors", j, "id"), f"row {row}, column {header[0]}")
        places.add(("actors", j, "capability"), f"row {row}, column {header[2]}")
    descriptions = [a["name"] for a in actors]
    distinct = all(descriptions) and len(set(descriptions)) == len(descriptions)
    for actor in actors:
        code = actor.pop("_code")
        if not distinct:
            actor["notes"] = actor["name"] or None
            actor["name"] = code
        if actor.get("notes") is None:
            actor.pop("notes", None)
    stances: list[dict[str, Any]] = []
    for k, issue in enumerate(issues):
        for j, actor in enumerate(actors):
            row = rows[j][0]
            idx = len(stances)
            stances.append(
                {
                    "actor": actor["id"],
                    "issue": issue["id"],
                    "position": values[j][2 * k],
                    "salience": values[j][2 * k + 1],
                }
            )
            places.add(("stances", idx), f"row {row}")
            places.add(("stances", idx, "position"), f"row {row}, column {dims[2 * k]}")
            places.add(("stances", idx, "salience"), f"row {row}, column {dims[2 * k + 1]}")
    data: dict[str, Any] = {
        "title": name or title_from(source),
        "description": description,
        "salience_scale": 100,
        "actors": actors,
        "issues": issues,
        "stances": stances,
    }
    return RawScenario(data, places)


def _escape(text: str) -> str:
    return " ".join(text.split()).replace(",", "$$").strip('"')


def _position_column(issue_id: str, name: str) -> str:
    """Return a position column name that reads back as ``issue_id`` (the name if possible)."""
    for candidate in (_escape(name), f"{_escape(name)} Position"):
        if dimension_id(candidate.replace("$$", ",")) == issue_id:
            return candidate
    return f"{issue_id} Position"


def dump_ktab(scenario: Scenario) -> str:
    """Return a scenario in KTAB's CSV layout.

    Every issue must be on a 0-100 scale. Actor ids go in the Actor column and display names
    in Description; saliences are written on 0-100. Ranges, blocs, sources and ``why`` are not
    written.
    """
    for issue in scenario.issues:
        if (issue.scale.min, issue.scale.max) != (0.0, 100.0):
            raise AccordError(
                f"KTAB files hold issues on a 0-100 scale; issue '{issue.id}' is on "
                f"{issue.scale.min:g}-{issue.scale.max:g}"
            )
    lines = [
        f"{_escape(scenario.title)},{_escape(scenario.description)},"
        f"{len(scenario.actors)},{len(scenario.issues)},"
    ]
    header = ["Actor", "Description", "Power"]
    for issue in scenario.issues:
        position = _position_column(issue.id, issue.name)
        base = position[: -len(_SUFFIX)] if position.lower().endswith(_SUFFIX) else position
        header += [position, f"{base} Salience"]
    lines.append(",".join(header) + ",")
    for actor in scenario.actors:
        cells = [actor.id, _escape(actor.name), number_text(actor.capability)]
        for issue in scenario.issues:
            stance = scenario.stance(actor.id, issue.id)
            cells += [number_text(stance.position), f"{stance.salience * 100:.15g}"]
        lines.append(",".join(cells) + ",")
    return "\n".join(lines) + "\n"
