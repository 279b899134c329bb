"""The gazetteer: the names by which articles refer to actors, and a fast matcher for them.

States come from pycountry (ISO 3166-1) completed by ``gazetteer.yaml`` with the short names
articles use, capitals, demonyms and other names (``the Kremlin``); the same file lists
international organisations, armed groups, parties and authorities, the leaders, ministers and
envoys who speak for an actor (``Lavrov`` -> Russia), and the generic words for a conflict's
parties (``the regime``, ``the opposition``, ``rebels``), which :mod:`accord.draft.actors`
resolves against the article's country. Every entry names its source.

Matching works on word tokens (``U.S.`` is one token, a possessive ``'s`` is dropped, hyphens
split words): at each token the longest known name wins, case-sensitively, so ``Syrian National
Coalition`` beats ``Syrian``. The work is a few dictionary look-ups per token: a 1 MB article
is matched in well under a second.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from accord.errors import AccordError
from accord.scenario.io_common import slugify

Kind = Literal["state", "organisation", "armed_group", "party", "authority", "candidate"]
Via = Literal["name", "alias", "capital", "demonym", "person", "role"]
Role = Literal["government", "opposition", "rebels"]

TOKEN = re.compile(r"[A-Z](?:\.[A-Z])+\.?|[^\W_]+(?:['’][^\W_]+)*")
"""A word: a dotted abbreviation (``U.S.``, ``U.N``) or letters and digits with apostrophes."""


_COMPOUND_ONLY = frozenset({"government", "administration"})
"""Role words that name a party only after a state or leader (``Syrian government``)."""


def tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield ``(token, start, end)``: words with a possessive ``'s`` dropped, ``’`` as ``'``."""
    for m in TOKEN.finditer(text):
        word = m.group().replace("’", "'")
        if word.endswith("'s") and len(word) > 2:
            word = word[:-2]
        elif word.endswith("."):  # U.S. and U.S are one name
            word = word[:-1]
        yield word, m.start(), m.end()


def _key(alias: str) -> tuple[str, ...]:
    words = tuple(w for w, _, _ in tokens(alias))
    if len(words) > 1 and words[0] in ("the", "The"):
        words = words[1:]
    return words


@dataclass(frozen=True)
class Entry:
    """An actor the gazetteer knows."""

    id: str
    name: str
    kind: Kind
    source: str
    iso3: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    """A name found in a text: which actor, how it was named, and where."""

    actor: str
    """The actor's id; for a generic role word without a country, ``role:<role>``."""
    start: int
    end: int
    text: str
    via: Via
    token: int
    """The index of its first token (its last is ``token + length - 1``)."""
    length: int
    role: Role | None = None


@dataclass
class Gazetteer:
    """Actors and the names that refer to them."""

    entries: dict[str, Entry] = field(default_factory=dict)
    names: dict[tuple[str, ...], tuple[str, Via]] = field(default_factory=dict)
    roles: dict[tuple[str, ...], Role] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    longest: int = 1
    firsts: frozenset[str] = frozenset()
    role_firsts: frozenset[str] = frozenset()
    prefixes: frozenset[tuple[str, ...]] = frozenset()
    """Every prefix of a name or role (to stop looking for longer names early)."""

    def add_name(self, alias: str, actor: str, via: Via) -> None:
        """Index one name of an actor (the first entry to claim a name keeps it)."""
        key = _key(alias)
        if key and key not in self.names:
            self.names[key] = (actor, via)

    def freeze(self) -> None:
        """Prepare the look-up tables after the last name is added."""
        keys = list(self.names) + list(self.roles)
        self.longest = max((len(k) for k in keys), default=1)
        self.firsts = frozenset(k[0] for k in self.names)
        self.role_firsts = frozenset(k[0] for k in self.roles)
        self.prefixes = frozenset(k[:j] for k in keys for j in range(1, len(k) + 1))

    def entry(self, actor: str) -> Entry:
        """Return the entry of an actor id."""
        return self.entries[actor]

    def match(self, text: str) -> list[Hit]:
        """Return the names and role words in ``text``, longest first, left to right.

        A state (or its leader, capital or demonym) followed by a role word is one hit:
        ``Syrian government`` and ``Assad's regime`` are the state (the role ``government``),
        ``Syrian opposition`` is the role ``opposition`` of Syria (actor ``syria_opposition``).
        """
        toks = list(tokens(text))
        hits: list[Hit] = []
        n = len(toks)
        i = 0
        names, roles, longest = self.names, self.roles, self.longest
        while i < n:
            word = toks[i][0]
            lower = word.lower()
            found = None
            if word in self.firsts or lower in self.role_firsts:
                # how far a known name could reach from here (prefixes of names and roles)
                reach = 1
                prefixes = self.prefixes
                while reach < min(longest, n - i):
                    nxt = toks[i : i + reach + 1]
                    if (
                        tuple(t[0] for t in nxt) not in prefixes
                        and tuple(t[0].lower() for t in nxt) not in prefixes
                    ):
                        break
                    reach += 1
                for length in range(reach, 0, -1):
                    key = tuple(t[0] for t in toks[i : i + length])
                    named = names.get(key)
                    if named is not None:
                        found = Hit(
                            named[0],
                            toks[i][1],
                            toks[i + length - 1][2],
                            text[toks[i][1] : toks[i + length - 1][2]],
                            named[1],
                            i,
                            length,
                        )
                        break
                    role = roles.get(tuple(w.lower() for w in key))
                    following = toks[i + length][0] if i + length < n else ""
                    if (
                        role is not None
                        and all(w.islower() for w in key[1:])
                        and following not in ("to", "of")  # "opposition to", not a party
                    ):
                        found = Hit(
                            f"role:{role}",
                            toks[i][1],
                            toks[i + length - 1][2],
                            text[toks[i][1] : toks[i + length - 1][2]],
                            "role",
                            i,
                            length,
                            role,
                        )
                        break
            if found is None:
                i += 1
                continue
            previous = hits[-1] if hits else None
            if (
                found.via == "role"
                and previous is not None
                and previous.via != "role"
                and previous.token + previous.length == i
                and not text[previous.end : found.start].strip()
            ):
                hits[-1] = self._with_role(previous, found, text)
            elif found.via != "role" or found.text.lower() not in _COMPOUND_ONLY:
                hits.append(found)
            i += found.length
        return hits

    def _with_role(self, actor: Hit, role: Hit, text: str) -> Hit:
        entry = self.entries.get(actor.actor)
        target = actor.actor
        if entry is not None and entry.kind == "state" and role.role in ("opposition", "rebels"):
            target = f"{actor.actor}_{role.role}"
        return Hit(
            target,
            actor.start,
            role.end,
            text[actor.start : role.end],
            actor.via,
            actor.token,
            actor.length + role.length,
            role.role,
        )


def _load_yaml(path: Path | None) -> dict[str, Any]:
    if path is None:
        text = resources.files("accord.draft").joinpath("gazetteer.yaml").read_text("utf-8")
        source = "gazetteer.yaml"
    else:
        text = Path(path).read_text("utf-8")
        source = str(path)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(text, Loader=loader)
    if not isinstance(data, dict):
        raise AccordError("a gazetteer is a mapping (states, organisations ...)", source=source)
    return data


def build_gazetteer(path: Path | None = None) -> Gazetteer:
    """Build a gazetteer from ``gazetteer.yaml`` (or another file of the same layout)."""
    import pycountry

    data = _load_yaml(path)
    gaz = Gazetteer(sources=dict(data.get("sources") or {}))
    iso_source = gaz.sources.get("iso", "ISO 3166-1 via pycountry")
    factbook = gaz.sources.get("factbook", "CIA World Factbook")
    record = gaz.sources.get("record", "the public record")
    org = gaz.sources.get("org", "the organisation")
    states: dict[str, dict[str, Any]] = data.get("states") or {}
    by_iso: dict[str, str] = {}
    for country in pycountry.countries:
        extra = states.get(country.alpha_3, {})
        name = extra.get("name") or getattr(country, "common_name", None) or country.name
        actor = extra.get("id") or slugify(name)
        by_iso[country.alpha_3] = actor
        aliases = [name, country.name, getattr(country, "official_name", "") or ""]
        aliases += list(extra.get("aliases") or [])
        aliases = [a for a in dict.fromkeys(aliases) if a and "," not in a]
        gaz.entries[actor] = Entry(
            actor,
            name,
            "state",
            f"{iso_source}; {factbook}" if extra else iso_source,
            country.alpha_3,
            tuple(aliases),
        )
    for iso, extra in states.items():  # states ISO 3166-1 lacks (Kosovo)
        if iso in by_iso:
            continue
        actor = extra.get("id") or slugify(extra["name"])
        by_iso[iso] = actor
        aliases = [extra["name"], *(extra.get("aliases") or [])]
        gaz.entries[actor] = Entry(actor, extra["name"], "state", factbook, iso, tuple(aliases))
    # Names first (they win a name two entries share), then capitals, demonyms, people.
    for entry in gaz.entries.values():
        for alias in entry.aliases:
            gaz.add_name(alias, entry.id, "name" if alias == entry.name else "alias")
    for item in data.get("organisations") or []:
        entry = Entry(item["id"], item["name"], "organisation", org, None, tuple(item["aliases"]))
        gaz.entries[entry.id] = entry
        for alias in (entry.name, *entry.aliases):
            gaz.add_name(alias, entry.id, "name" if alias == entry.name else "alias")
    for item in data.get("groups") or []:
        target = by_iso.get(item.get("actor", ""))
        if target is not None:  # a state's own force (IRGC -> Iran)
            for alias in (item["name"], *item["aliases"]):
                gaz.add_name(alias, target, "alias")
            continue
        entry = Entry(
            item["id"], item["name"], item.get("kind", "armed_group"), record, None,
            tuple(item["aliases"]),
        )  # fmt: skip
        gaz.entries[entry.id] = entry
        for alias in (entry.name, *entry.aliases):
            gaz.add_name(alias, entry.id, "name" if alias == entry.name else "alias")
    for iso, extra in states.items():
        actor = by_iso[iso]
        if extra.get("capital"):
            gaz.add_name(extra["capital"], actor, "capital")
        for demonym in extra.get("demonyms") or []:
            gaz.add_name(demonym, actor, "demonym")
    for owner, people in (data.get("people") or {}).items():
        actor = by_iso.get(owner, owner)
        if actor not in gaz.entries:
            raise AccordError(f"people of unknown actor '{owner}'", source="gazetteer.yaml")
        for person in people:
            gaz.add_name(person, actor, "person")
    for role, words in (data.get("roles") or {}).items():
        for word in words:  # as written: "the government" is a role, "government" is not
            gaz.roles.setdefault(tuple(w.lower() for w, _, _ in tokens(word)), role)
    gaz.freeze()
    return gaz


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """Return the shipped gazetteer (built once per process)."""
    return build_gazetteer()
