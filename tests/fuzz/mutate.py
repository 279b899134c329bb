"""Seeded mutations of scenario files: the inputs of the loader fuzz.

The seeds are the five seed cases (``cases/*.yaml``), small YAML scenarios cut from them, and
the CSV layouts written from them (the one-issue table, the wide table and KTAB's layout, with
:func:`accord.scenario.dumps`). :func:`make_input` turns ``(seed, index)`` into one input,
always the same: a seed file with one to three mutations applied, each named, so that a failure
can be rebuilt from its index alone.

The mutations cover what a careless or hostile file can hold: flipped bytes, truncation,
duplicated, deleted or swapped lines, numbers replaced by extremes (0, -1, +/-1e308, nan, inf,
1e-308, huge integers, words), keys renamed or removed, deep nesting, YAML aliases, anchors and
alias bombs, control characters, lone surrogates, very long strings, wrong types, empty files,
byte-order marks, CR LF and CR line ends, tabs, splices of two files and CSV-specific damage
(columns added or dropped, quotes, other delimiters, bad directives).
"""

from __future__ import annotations

import contextlib
import random
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from accord.errors import AccordError, ScenarioWarning
from accord.scenario import Scenario, dumps, loads

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "cases"


@dataclass(frozen=True)
class Seed:
    """A valid scenario file: its name, the format to load it with and its text."""

    name: str
    format: str
    text: str


@dataclass(frozen=True)
class FuzzInput:
    """One fuzz input: what to feed the loader and how it was made."""

    index: int
    seed: str
    format: str
    data: str | bytes
    """Text (which may hold lone surrogates, as JSON can) or bytes (decoded as a file is)."""
    mutations: tuple[str, ...]

    @property
    def source(self) -> str:
        """Return the file name the input is loaded under (errors must name it)."""
        return f"fuzz-{self.index}.{'yaml' if self.format == 'yaml' else 'csv'}"

    def describe(self) -> str:
        """Return how to rebuild the input: its index, seed file and mutations."""
        return f"input #{self.index} ({self.seed}; {', '.join(self.mutations) or 'unchanged'})"


def _quiet_load(text: str, fmt: str) -> Scenario:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ScenarioWarning)
        return loads(text, fmt, "seed")


def _on_scale(issue: dict[str, object], low: float, high: float) -> dict[str, object]:
    """Return an issue's data moved onto the scale ``[low, high]`` (every value mapped)."""
    scale = issue["scale"]
    assert isinstance(scale, dict)
    old_low, old_high = float(scale["min"]), float(scale["max"])

    def move(value: object) -> object:
        if isinstance(value, int | float) and not isinstance(value, bool):
            t = (float(value) - old_low) / (old_high - old_low)
            return min(max(low + t * (high - low), low), high)
        if isinstance(value, list | tuple):
            return [move(v) for v in value]
        if isinstance(value, dict) and "low" in value:
            return [move(value["low"]), move(value["high"])]
        return value

    out = dict(issue, scale={"min": low, "max": high, "unit": scale.get("unit", "points")})
    for key in ("status_quo", "no_deal", "no_deal_range"):
        if out.get(key) is not None:
            out[key] = move(out[key])
    anchors = out.get("anchors") or ()
    assert isinstance(anchors, list | tuple)
    out["anchors"] = [dict(a, value=move(a["value"])) for a in anchors]
    out["_move"] = move
    return out


EXTREME_SCALES = ((-1e15, 1e15), (0.0, 1e-6), (2015.0, 2015.000001), (-1e-9, 1e9))
EXTREME_CAPABILITIES = ("x1e13", "x1e-300", "one 1e15, others 1e-15", "one only")


def extreme(case: Scenario, variant: int) -> Scenario:
    """Return a valid variant of ``case`` with extreme numbers (scales, capabilities ...)."""
    data = case.model_dump()
    low, high = EXTREME_SCALES[variant % len(EXTREME_SCALES)]
    issues = [_on_scale(i, low, high) for i in data["issues"]]
    moves = {i["id"]: i.pop("_move") for i in issues}
    data["issues"] = issues
    for stance in data["stances"]:
        move = moves[stance["issue"]]
        for key in ("position", "position_range", "reservation", "reservation_range"):
            if stance.get(key) is not None:
                stance[key] = move(stance[key])
        if variant % 3 == 0:
            stance["salience"], stance["salience_range"] = 1e-308, None
    how = EXTREME_CAPABILITIES[variant % len(EXTREME_CAPABILITIES)]
    for k, actor in enumerate(data["actors"]):
        cap = actor["capability"]
        if how == "x1e13":
            actor["capability"] = cap * 1e13
        elif how == "x1e-300":
            actor["capability"] = cap * 1e-300
        elif how == "one 1e15, others 1e-15":
            actor["capability"] = 1e15 if k == 0 else 1e-15
        else:
            actor["capability"] = 1.0 if k == 0 else 0.0
        actor["capability_range"] = None
    return Scenario.model_validate(data)


@cache
def seeds() -> tuple[Seed, ...]:
    """Return the seed files: the five cases, small, extreme and CSV versions of each."""
    out: list[Seed] = []
    for path in sorted(CASES.glob("*.yaml")):
        if path.name.endswith((".designs.yaml", ".outcome.yaml")):
            continue
        text = path.read_text(encoding="utf-8")
        case = _quiet_load(text, "yaml")
        out.append(Seed(path.name, "yaml", text))
        actors, issues = case.actor_ids, case.issue_ids
        small = case.subset(actors[:3], issues[:2])
        tiny = case.subset(actors[:2], issues[:1])
        out.append(Seed(f"{path.stem} (3x2).yaml", "yaml", dumps(small, "yaml")))
        out.append(Seed(f"{path.stem} (2x1).yaml", "yaml", dumps(tiny, "yaml")))
        out.append(Seed(f"{path.stem}.wide.csv", "csv", dumps(case, "wide")))
        out.append(Seed(f"{path.stem} (3x2).wide.csv", "csv", dumps(small, "wide")))
        one = case.subset(actors[:5], issues[:1])
        out.append(Seed(f"{path.stem} (5x1).bdm.csv", "csv", dumps(one, "bdm")))
        with contextlib.suppress(AccordError):  # an issue not on 0-100: KTAB cannot hold it
            out.append(Seed(f"{path.stem}.ktab.csv", "csv", dumps(case, "ktab")))
        for variant in range(4):
            strange = extreme(small if variant % 2 else case, variant + len(out))
            layout = "yaml" if variant < 2 else "wide"
            name = f"{path.stem} extreme {variant}.{'yaml' if layout == 'yaml' else 'csv'}"
            out.append(Seed(name, "yaml" if layout == "yaml" else "csv", dumps(strange, layout)))
    return tuple(out)


# ---------------------------------------------------------------------------- the mutations
EXTREMES = (
    "0",
    "-0",
    "-1",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "1e309",
    "nan",
    ".nan",
    "NaN",
    "inf",
    "-inf",
    ".inf",
    "-.inf",
    "1e-308",
    "5e-324",
    "-5e-324",
    "1e15",
    "1.0000001e15",
    "1e16",
    "-1e16",
    "99999999999999999999999999",
    "9" * 400,
    "0x10",
    "0o17",
    "1_000",
    "abc",
    '"12"',
    "''",
    "null",
    "~",
    "true",
    "no",
    "[]",
    "{}",
    "[1, 2, 3]",
    "{a: 1}",
    "1e",
    "--1",
    "+5",
    "2015-13-45",
    "2015-11-14",
    "1.5.2",
    "\u0661\u0662",  # Arabic-Indic digits
)
CONTROL = (
    *(chr(c) for c in range(0, 32)),
    "\x7f",
    *(chr(c) for c in range(0x80, 0xA0)),
    "\u2028",
    "\u2029",
    "\u202e",
    "\u200b",
    "\ufeff",
    "\ufffe",
    "\uffff",
)
ESCAPES = ("\\e", "\\0", "\\x1b", "\\x07", "\\x7f", "\\x85", "\\u0000", "\\t", "\\r", "\\a")
SURROGATES = ("\ud800", "\udfff", "\udc80", "\ud83d")
UNICODE = ("é", "\u0301", "😀", "\u05d0\u05d1", "İ", "ß", "\u3042", "Ω", "\u00a0", "\u3000")
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.])")
KEY = re.compile(r"(?m)^([ \t]*(?:- )?)([A-Za-z_][\w.]*)(\s*:)")
WORDS = ("positon", "Salience", "capabilty", "scale", "actors", "", "x" * 70, "id", "<<", "!!")

Text = str
Mutation = Callable[[random.Random, Text, str], "Text | bytes"]


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _pos(rng: random.Random, text: str) -> int:
    return rng.randrange(len(text) + 1)


def flip_bytes(rng: random.Random, text: str | bytes, fmt: str) -> bytes:
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    data = bytearray(raw)
    for _ in range(rng.choice((1, 1, 2, 5, 20))):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def truncate(rng: random.Random, text: str, fmt: str) -> str:
    return text[: _pos(rng, text)]


def duplicate_line(rng: random.Random, text: str, fmt: str) -> str:
    lines = _lines(text)
    k = rng.randrange(len(lines))
    times = rng.choice((1, 1, 2, 50))
    return "\n".join(lines[: k + 1] + [lines[k]] * times + lines[k + 1 :])


def delete_line(rng: random.Random, text: str, fmt: str) -> str:
    lines = _lines(text)
    del lines[rng.randrange(len(lines))]
    return "\n".join(lines)


def swap_lines(rng: random.Random, text: str, fmt: str) -> str:
    lines = _lines(text)
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def extreme_number(rng: random.Random, text: str, fmt: str) -> str:
    found = list(NUMBER.finditer(text))
    if not found:
        return text + rng.choice(EXTREMES)
    for _ in range(rng.choice((1, 1, 3, 10))):
        m = rng.choice(found)
        value = rng.choice(EXTREMES)
        text = text[: m.start()] + value + text[m.end() :]
        found = list(NUMBER.finditer(text))
        if not found:
            break
    return text


def nudge_number(rng: random.Random, text: str, fmt: str) -> str:
    """Move a few numbers a little (most of these inputs stay valid)."""
    found = list(NUMBER.finditer(text))
    for _ in range(rng.choice((1, 3, 10))):
        if not found:
            break
        m = rng.choice(found)
        value = float(m.group()) * rng.choice((0.0, 0.5, 0.99, 1.01, 1.0 + 1e-15))
        text = text[: m.start()] + repr(value) + text[m.end() :]
        found = list(NUMBER.finditer(text))
    return text


def rename_key(rng: random.Random, text: str, fmt: str) -> str:
    if fmt != "yaml":  # a header cell or a directive word
        lines = _lines(text)
        k = next((i for i, line in enumerate(lines) if line and not line.startswith("#")), 0)
        cells = lines[k].split(",")
        c = rng.randrange(len(cells))
        cells[c] = rng.choice((*WORDS, cells[c].upper(), cells[c] + "x", ""))
        lines[k] = ",".join(cells)
        return "\n".join(lines)
    found = list(KEY.finditer(text))
    if not found:
        return text
    m = rng.choice(found)
    new = rng.choice((*WORDS, m.group(2)[:-1], m.group(2) + "s", m.group(2).upper()))
    return text[: m.start(2)] + new + text[m.end(2) :]


def remove_key(rng: random.Random, text: str, fmt: str) -> str:
    found = list(KEY.finditer(text))
    if fmt != "yaml" or not found:
        return delete_line(rng, text, fmt)
    m = rng.choice(found)
    end = text.find("\n", m.end())
    return text[: m.start()] + (text[end:] if end >= 0 else "")


def _replace_value(rng: random.Random, text: str, value: str) -> str:
    """Replace what follows a random ``key:`` on its line (YAML) or a random cell (CSV)."""
    found = list(KEY.finditer(text))
    if not found:
        lines = _lines(text)
        k = rng.randrange(len(lines))
        cells = lines[k].split(",")
        cells[rng.randrange(len(cells))] = value
        lines[k] = ",".join(cells)
        return "\n".join(lines)
    m = rng.choice(found)
    end = text.find("\n", m.end())
    end = len(text) if end < 0 else end
    return text[: m.end()] + " " + value + text[end:]


def deep_nesting(rng: random.Random, text: str, fmt: str) -> str:
    n = rng.choice((10, 31, 32, 33, 40, 200, 999, 1001, 100_000))
    kind = rng.choice(("[", "{a: ", "- "))
    if kind == "[":
        value = "[" * n + "1" + "]" * n
    elif kind == "{a: ":
        value = "{a: " * n + "1" + "}" * n
    else:
        value = "\n" + "".join("  " * (i + 1) + "- \n" for i in range(min(n, 2000))) + "1"
    return _replace_value(rng, text, value)


def _bomb(levels: int, width: int) -> str:
    out = ["b0: &b0 [x, x]"]
    for i in range(1, levels):
        out.append(f"b{i}: &b{i} [" + ", ".join([f"*b{i - 1}"] * width) + "]")
    return "\n".join(out)


def aliases(rng: random.Random, text: str, fmt: str) -> str:
    choice = rng.randrange(9)
    if choice == 0:  # a billion laughs as extra top-level keys
        return text + "\n" + _bomb(rng.choice((5, 9, 20)), rng.choice((2, 10))) + "\n"
    if choice == 1:  # the nested form: each level holds the previous anchor twice
        value = "&a0 x"
        for i in range(1, rng.choice((10, 17, 22, 30))):
            value = f"&a{i} [{value}, *a{i - 1}]"
        return _replace_value(rng, text, value)
    if choice == 2:  # an alias inside its own anchor
        return _replace_value(rng, text, rng.choice(("&r [*r]", "&r {a: *r}", "&r [1, [*r]]")))
    if choice == 3:
        return _replace_value(rng, text, "*nowhere")
    if choice == 4:  # a chain of anchors that nest deeper through each alias
        chain = "\n".join(
            f"c{i}: &c{i} " + "[" * 8 + (f"*c{i - 1}" if i else "1") + "]" * 8 for i in range(12)
        )
        return text + "\n" + chain + "\n"
    if choice == 5:  # a merge key
        return _replace_value(rng, text, rng.choice(("{<<: *m}", "{<<: [1]}", "{<<: 3}")))
    if choice == 6:  # anchor a real part of the file and use it again elsewhere
        found = list(KEY.finditer(text))
        if len(found) < 2:
            return text
        a, b = rng.sample(found, 2)
        first, second = sorted((a, b), key=lambda m: m.start())
        text = text[: first.end()] + " &z" + text[first.end() :]
        shift = len(" &z")
        end = text.find("\n", second.end() + shift)
        end = len(text) if end < 0 else end
        return text[: second.end() + shift] + " *z" + text[end:]
    if choice == 7:
        return _replace_value(rng, text, "&d x")
    return "x: &same 1\ny: &same 2\n" + text


def control_character(rng: random.Random, text: str, fmt: str) -> str:
    char = rng.choice(CONTROL)
    if fmt == "yaml" and rng.random() < 0.5:  # an escape inside a double-quoted string
        word = "".join(rng.choice(ESCAPES) for _ in range(rng.choice((1, 2))))
        return _replace_value(rng, text, f'"text {word} [2J"')
    if rng.random() < 0.5:  # inside a value
        return _replace_value(rng, text, f"va{char}lue")
    p = _pos(rng, text)
    return text[:p] + char + text[p:]


def surrogate(rng: random.Random, text: str, fmt: str) -> str:
    char = rng.choice(SURROGATES)
    if fmt == "yaml" and rng.random() < 0.3:
        return _replace_value(rng, text, '"a\\ud800b"')
    if rng.random() < 0.5:
        return _replace_value(rng, text, f"name{char}")
    p = _pos(rng, text)
    return text[:p] + char + text[p:]


def unicode_text(rng: random.Random, text: str, fmt: str) -> str:
    word = "".join(rng.choice(UNICODE) for _ in range(rng.randrange(1, 5)))
    return _replace_value(rng, text, word)


def long_string(rng: random.Random, text: str, fmt: str) -> str:
    size = rng.choice((1_000, 100_000, 2_000_000))
    word = rng.choice(("A", "ab ", "é", "1"))
    value = (word * (size // len(word)))[:size]
    if rng.random() < 0.5:
        return _replace_value(rng, text, value)
    p = _pos(rng, text)
    return text[:p] + value + text[p:]


def wrong_type(rng: random.Random, text: str, fmt: str) -> str:
    values = ("[1, 2]", "{a: 1}", "true", "null", "''", '"90"', "- x", "2015-11-14", "[]", "{}")
    return _replace_value(rng, text, rng.choice(values))


def empty(rng: random.Random, text: str, fmt: str) -> str | bytes:
    return rng.choice(("", " ", "\n\n", "\t", "# only a comment\n", "---\n", "...\n", "\ufeff"))


def bom(rng: random.Random, text: str, fmt: str) -> str | bytes:
    kind = rng.randrange(4)
    if kind == 0:
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    if kind == 1:
        return "\ufeff" + text
    if kind == 2:
        p = _pos(rng, text)
        return text[:p] + "\ufeff" + text[p:]
    return b"\xff\xfe" + text.encode("utf-16-le", "surrogatepass")


def line_ends(rng: random.Random, text: str, fmt: str) -> str:
    return text.replace("\n", rng.choice(("\r\n", "\r", "\n\r", "\u2028", "\x85")))


def tabs(rng: random.Random, text: str, fmt: str) -> str:
    lines = _lines(text)
    for _ in range(rng.choice((1, 5))):
        k = rng.randrange(len(lines))
        lines[k] = re.sub(r"^ +", "\t", lines[k])
    return "\n".join(lines)


def splice(rng: random.Random, text: str, fmt: str) -> str:
    other = rng.choice(seeds()).text
    return text[: _pos(rng, text)] + other[_pos(rng, other) :]


def csv_damage(rng: random.Random, text: str, fmt: str) -> str:
    lines = _lines(text)
    k = rng.randrange(len(lines))
    kind = rng.randrange(8)
    if kind == 0:
        lines[k] += "," + rng.choice(("extra", "", "1e308", '"q'))
    elif kind == 1:
        lines[k] = ",".join(lines[k].split(",")[:-1])
    elif kind == 2:
        lines[k] = lines[k].replace(",", ";")
    elif kind == 3:
        lines[k] = '"' + lines[k]
    elif kind == 4:
        directive = rng.choice(
            (
                "# scale: 0 1e308",
                "# scale: -1e308 1e308 points",
                "# scale: 5 5",
                "# scale: 0 1e-300",
                "# scale: nan inf",
                "# salience_scale: 7",
                "# title: \x1b[2J",
                "# date: 2015-02-30",
                "# no_deal: nan",
                "# quota: 0",
                "# status_quo: 1e308",
                "# consent: nobody",
                "# issue a: \x00",
            )
        )
        lines.insert(rng.randrange(len(lines) + 1), directive)
    elif kind == 5:
        lines[k] = lines[k].replace(",", ",,", 1)
    elif kind == 6:  # KTAB: break N or K on the first line
        cells = lines[0].split(",")
        if len(cells) > 3:
            cells[rng.choice((2, 3))] = rng.choice(("0", "-1", "999999999", "x", "1e3"))
        lines[0] = ",".join(cells)
    else:
        lines.insert(k, ",".join(["1e308"] * rng.randrange(1, 12)))
    return "\n".join(lines)


def grow(rng: random.Random, text: str, fmt: str) -> str:
    """Repeat the body many times (a large file, up to a few MB)."""
    return text + ("\n" + text) * rng.choice((2, 20, 60))


MUTATIONS: dict[str, tuple[Mutation, float]] = {
    "flip_bytes": (flip_bytes, 3),
    "truncate": (truncate, 2),
    "duplicate_line": (duplicate_line, 2),
    "delete_line": (delete_line, 2),
    "swap_lines": (swap_lines, 1),
    "extreme_number": (extreme_number, 6),
    "nudge_number": (nudge_number, 6),
    "rename_key": (rename_key, 2),
    "remove_key": (remove_key, 2),
    "deep_nesting": (deep_nesting, 1.5),
    "aliases": (aliases, 2),
    "control_character": (control_character, 3),
    "surrogate": (surrogate, 1.5),
    "unicode_text": (unicode_text, 1),
    "long_string": (long_string, 0.5),
    "wrong_type": (wrong_type, 2),
    "empty": (empty, 0.3),
    "bom": (bom, 1),
    "line_ends": (line_ends, 1),
    "tabs": (tabs, 0.5),
    "splice": (splice, 0.5),
    "csv_damage": (csv_damage, 2),
    "grow": (grow, 0.1),
}
"""Each mutation with its weight (how often it is drawn)."""

_NAMES = list(MUTATIONS)
_WEIGHTS = [MUTATIONS[n][1] for n in _NAMES]
MAX_CHARS = 11 * 1024 * 1024
"""Inputs are cut to this size (a little over the loader's limit, to test that too)."""


def make_input(seed: int, index: int) -> FuzzInput:
    """Return input number ``index`` of the fuzz run ``seed`` (the same every time)."""
    rng = random.Random(seed * 1_000_003 + index)
    pool = seeds()
    base = pool[rng.randrange(len(pool))]
    data: str | bytes = base.text
    applied: list[str] = []
    for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3))):
        name = rng.choices(_NAMES, _WEIGHTS)[0]
        if isinstance(data, bytes):  # after a byte-level mutation only bytes change
            name = "flip_bytes"
            data = flip_bytes(rng, data, base.format)
        else:
            data = MUTATIONS[name][0](rng, data, base.format)
        applied.append(name)
        if len(data) > MAX_CHARS:
            data = data[:MAX_CHARS]
    fmt = base.format if rng.random() < 0.9 else rng.choice(("yaml", "csv", "bdm", "wide", "ktab"))
    return FuzzInput(index, base.name, fmt, data, tuple(applied))
