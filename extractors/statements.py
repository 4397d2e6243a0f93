"""From records to statements: what a work says about a material, however many PDFs say it.

A statement is one value of one material in one work, as written (same source kind, value and
temperature): the two replicas of a review give two records of ``0.79 S cm^-1 at 550 K`` but one
statement, compared once and decided once. Materials are matched on a key: the reduced
formula, the components of a composite, or the normalised name; values about a class
("solid electrolytes", "PEO-based", ``Li^+``) are statements about no material at all.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import pandas as pd

from extractors.citations import citation_keys
from extractors.comparison import Value, written_figures
from extractors.conditions import Conditions, strip_conditions, text_to_conditions
from extractors.curated import cell_text
from extractors.materials import (
    material_class_nouns,
    normalise_material_text,
    reduced_formula,
    resolve_material,
)
from extractors.schemas import CLASS_STATEMENT_FLAG, MATERIAL_UNLINKED_FLAG

#: Shortest spelling for which one dropped subscript digit is taken as a typo, not a material.
DEFAULT_MIN_TYPO_LENGTH = 5
_ION = re.compile(r"^[A-Z][a-z]?(?:\^?\d*[+-]|\s*ions?)$")
_COMPOSITE = re.compile(r"composite|\bwt\s*\.?\s*%|\bvol\s*\.?\s*%|\bCSEs?\b|\bfiller", re.I)
_COMPONENT_SPLIT = re.compile(r"[\s/,;:+–]+|-")


@cache
def _class_words() -> tuple[frozenset[str], frozenset[str]]:
    """(class nouns, the words of hosts and solvents that make up composites and solutions).

    Class nouns are package data (``data/material_classes.txt``); host and solvent words are
    the ones the mention patterns name (``patterns/materials.jsonl``), so both read one list.
    """
    nouns = material_class_nouns()
    components: set[str] = set()
    patterns = files("extractors").joinpath("patterns/materials.jsonl").read_text("utf-8")
    for line in patterns.splitlines():
        entry = json.loads(line) if line.strip() else {}
        if entry.get("label") in ("POLYMER_HOST", "SOLVENT"):
            for token in entry["pattern"]:
                words = token.get("LOWER", {})
                components.update(words.get("IN", []) if isinstance(words, dict) else [])
    return nouns, frozenset(components - nouns)


def is_class_statement(material_raw: str, material_formula: str | None,
                       flags: str | None = None) -> bool:
    """A value about a class of materials or an ion, not about one material; a value no
    structure ties to a material (``material_unlinked``) is compared with nothing either."""
    if flags and not {CLASS_STATEMENT_FLAG, MATERIAL_UNLINKED_FLAG}.isdisjoint(flags.split(",")):
        return True
    raw = material_raw.strip()
    if _ION.match(raw):
        return True
    if material_formula:
        return False
    nouns, hosts = _class_words()
    words = re.findall(r"[a-z][a-z-]*", raw.casefold())
    if not words:
        return False
    if words[-1] in nouns or words[-1].endswith("-based"):
        return True
    return " ".join(words).removesuffix("-based") in hosts


def _components(material_raw: str) -> list[str]:
    """The parts a composite, solution or polymer electrolyte names: reduced formulas of the
    salts and fillers, and the host, plasticizer and solvent words."""
    nouns, hosts = _class_words()
    found = []
    for token in _COMPONENT_SPLIT.split(material_raw.replace("(", " ").replace(")", " ")):
        token = token.strip(".").removesuffix("-based")
        if token.casefold() in hosts:
            found.append(token.casefold())
            continue
        if len(token) < 2 or not token[0].isupper() or token.casefold() in nouns:
            continue
        formula = resolve_material(token).formula
        reduced = reduced_formula(formula) if formula else None
        if reduced and len(re.findall(r"[A-Z]", reduced)) >= 2:
            found.append(reduced)
    return sorted(set(found))


def material_key(material_raw: str, material_formula: str | None,
                 flags: str | None = None) -> str:
    """The key materials are matched on: ``class:``, ``composite:``, ``formula:`` or ``name:``.

    A material written with its sample's description (``NaCB11H12 as-prepared``) is keyed by
    its formula; the description stays in the statement's conditions.
    """
    raw = str(material_raw or "")
    if not material_formula and strip_conditions(raw) != raw:
        material_formula = resolve_material(strip_conditions(raw)).formula
    if is_class_statement(raw, material_formula, flags):
        return f"class:{normalise_material_text(raw)}"
    parts = _components(raw) if _COMPOSITE.search(raw) or not material_formula else []
    named_host = any(not part[0].isupper() for part in parts)  # a host or solvent word
    if parts and (_COMPOSITE.search(raw) or (len(parts) >= 2 and named_host)):
        return f"composite:{'+'.join(parts)}"
    if _COMPOSITE.search(raw):
        return f"name:{normalise_material_text(raw)}"
    reduced = reduced_formula(material_formula) if material_formula else None
    return f"formula:{reduced}" if reduced else f"name:{normalise_material_text(raw)}"


def dropped_digit(short: str, long: str, *, min_length: int = DEFAULT_MIN_TYPO_LENGTH) -> bool:
    """``long`` is ``short`` with one more digit: a subscript lost in typesetting.

    ``β''-Al2O`` vs ``β''-Al2O3``, ``Mg(en)1(BH4)`` vs ``Mg(en)1(BH4)2``. Substitutions
    (``Li6PS5Cl`` vs ``Li5PS5Cl``) are different materials and do not count.
    """
    if len(long) != len(short) + 1 or len(short) < min_length:
        return False
    return any(long[i].isdigit() and long[:i] + long[i + 1:] == short
               for i in range(len(long)))


@dataclass(frozen=True)
class Statement:
    """One value of one material in one work, with every record that states it."""

    statement_id: str
    work_id: str
    source: str
    material_key: str
    material_raw: str
    material_formula: str | None
    is_class: bool
    value_raw: str
    value: Value
    conductivity_kind: str
    record_ids: tuple[str, ...]
    doc_sha256: str
    page: int
    table_id: str | None
    citations: tuple[str, ...]
    cited_dois: tuple[str, ...]
    spellings: frozenset[str]
    conditions: Conditions = frozenset()
    table_name: str | None = None
    column_header: str | None = None

    def where(self) -> str:
        """``Table 2 (p. 12)`` (as the caption names it; else ``the table p11-t1 (p. 12)``) /
        ``the text on p. 9``: where a curator looks."""
        if self.source == "table":
            if self.table_name:
                return f"{self.table_name} (p. {self.page})"
            return f"the table {self.table_id} (p. {self.page})" if self.table_id else (
                f"a table on p. {self.page}")
        return f"the text on p. {self.page}"

    def as_printed(self) -> str:
        """``“0.00079 (280 °C)” under “Ionic Conductivity (mS cm^-1)”``: the value and, for a
        table cell, the column header that gives its unit."""
        header = f" under “{self.column_header}”" if self.column_header else ""
        return f"“{self.value_raw}”{header}"


def _float(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def _rounded(value: object) -> str:
    number = _float(value)
    return "" if number is None else f"{number:.6g}"


def _statement_key(r: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """Work, source kind, material, value (or range) and temperature: what is stated, not
    where or how it is spelled (``RT`` and ``room temperature`` say the same)."""
    value = "/".join(_rounded(r.get(c)) for c in (
        "sigma_S_per_cm", "sigma_low_S_per_cm", "sigma_high_S_per_cm"))
    if value == "//":
        value = " ".join(str(r["value_raw"]).split())
    return (str(r.get("work_id") or f"sha256:{r['doc_sha256']}"), str(r["source"]), key, value,
            _rounded(r.get("temperature_K")), str(r.get("conductivity_kind") or "unspecified"))


def _statement(group: Sequence[Mapping[str, Any]], key: str) -> Statement:
    first = group[0]
    parts = _statement_key(first, key)
    sigma = _float(first.get("sigma_S_per_cm"))
    citations = citation_keys(cell_text(first.get("reference")), cell_text(first.get("evidence")))
    dois = tuple(dict.fromkeys(d for r in group
                               for d in (cell_text(r.get("cited_doi")) or "").split("|") if d))
    raw = str(first["material_raw"])
    table_name = cell_text(first.get("table_name"))
    label = table_name or ("the table" if first["source"] == "table" else "the text")
    return Statement(
        statement_id=hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:20],
        work_id=parts[0], source=str(first["source"]), material_key=key, material_raw=raw,
        material_formula=cell_text(first.get("material_formula")),
        is_class=key.startswith("class:"), value_raw=" ".join(str(first["value_raw"]).split()),
        value=Value(sigma, _float(first.get("sigma_low_S_per_cm")),
                    _float(first.get("sigma_high_S_per_cm")), _float(first.get("temperature_K")),
                    cell_text(first.get("temperature_raw")),
                    written_figures(str(first["value_raw"]), sigma),
                    f"{label} (p. {int(first['page'])})"),
        conductivity_kind=parts[5], record_ids=tuple(str(r["record_id"]) for r in group),
        doc_sha256=str(first["doc_sha256"]), page=int(first["page"]),
        table_id=cell_text(first.get("table_id")), citations=citations, cited_dois=dois,
        spellings=frozenset({normalise_material_text(raw), key.partition(":")[2].casefold()}),
        conditions=text_to_conditions(raw, cell_text(first.get("evidence"))),
        table_name=table_name, column_header=cell_text(first.get("column_header")),
    )


def records_to_statements(records: pd.DataFrame) -> list[Statement]:
    """Records grouped into statements, in the order of their first record."""
    groups: dict[tuple[str, ...], tuple[str, list[Mapping[str, Any]]]] = {}
    for r in records.to_dict("records"):
        key = material_key(str(r["material_raw"]), cell_text(r.get("material_formula")),
                           cell_text(r.get("flags")))
        groups.setdefault(_statement_key(r, key), (key, []))[1].append(r)
    return [_statement(rows, key) for key, rows in groups.values()]


def composite_aliases(keys: Iterable[str]) -> dict[str, str]:
    """A composite named by some of its parts ("CSEs containing 30 wt.% NZSP") is the one
    composite of the work whose parts include them, when exactly one does."""
    parts = {k: set(k.removeprefix("composite:").split("+")) for k in keys
             if k.startswith("composite:")}
    aliases = {}
    for key, mine in parts.items():
        wider = [other for other, theirs in parts.items() if other != key and mine < theirs]
        if len(wider) == 1:
            aliases[key] = wider[0]
    return aliases


def typo_aliases(spellings_by_key: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Keys to merge into another key whose spelling has one more subscript digit."""
    keys = sorted(spellings_by_key)
    aliases: dict[str, str] = {}
    for a in keys:
        for b in keys:
            if a != b and a not in aliases and not a.startswith("class:") and any(
                    dropped_digit(s, t) for s in spellings_by_key[a]
                    for t in spellings_by_key[b]):
                aliases[a] = aliases.get(b, b)
    return aliases
