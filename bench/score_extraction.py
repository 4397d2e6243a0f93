"""Score extracted conductivity records against hand-checked gold (tests/gold/<pdf-stem>.csv).

A record matches a gold row when both sit on the same page and the values agree: single values
within 2 % (relative to the larger), or ranges/bounds with both ends equal within 2 % (a missing
end must be missing on both sides). Matching is one-to-one and greedy: of all candidate pairs, the
ones that also agree on temperature, kind and formula go first, then the closer values.

Per paper: n_gold, n_records, recall (matched / gold), precision (matched / records), and among the
matched pairs the temperature accuracy (where gold states a temperature: |ΔT| <= 1 K), the kind
accuracy and the formula accuracy (where gold gives a formula). Macro averages are taken over the
real papers and, separately, over the review replicas.

Beside our own gold, each real paper is scored with the independent gold of ../shared/gold and its
own scorer (``score.py``, imported as it is: recall over core rows, precision, temperature right
within 1.6 K). The papers listed in ``bench/blind.txt`` are the blind split of issue 16: they are
left out unless ``--blind`` is given, and then averaged apart from the developed ones.

    .venv/bin/python bench/score_extraction.py [--corpus ../shared/corpus/real]
        [--records-cache DIR] [--only STEM ...] [--blind] [--jobs N]
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
GOLD_DIR = ROOT / "tests" / "gold"
REPLICA_DIR = ROOT / "seeds" / "pdfs"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "real"
SHARED_GOLD_DIR = ROOT.parent / "shared" / "gold"
BLIND_LIST = ROOT / "bench" / "blind.txt"
if str(ROOT) not in sys.path:  # run as a script: bench/ is on the path, the repo root is not
    sys.path.insert(0, str(ROOT))

GOLD_COLUMNS = ("page", "source", "material", "material_formula", "sigma_S_per_cm",
                "sigma_low_S_per_cm", "sigma_high_S_per_cm", "temperature_K",
                "conductivity_kind", "note")
from extractors.schemas import CONDUCTIVITY_KINDS, SOURCES  # noqa: E402  (after the path)

KINDS = frozenset(CONDUCTIVITY_KINDS)
REL_TOL = 0.02
Row = dict[str, Any]  # one record or gold row, as from DataFrame.to_dict("records")
KELVIN_TOL = 1.0


# --------------------------------------------------------------------------- reading gold


def load_gold(path: Path | str) -> pd.DataFrame:
    """A gold CSV with typed columns; raises ValueError on a malformed row."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in GOLD_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}")
    out = pd.DataFrame({
        "page": pd.to_numeric(frame["page"]).astype(int),
        "source": frame["source"].str.strip(),
        "material": frame["material"],
        "material_formula": frame["material_formula"].str.strip().replace("", None),
        "conductivity_kind": frame["conductivity_kind"].str.strip(),
        "note": frame["note"],
    })
    for col in ("sigma_S_per_cm", "sigma_low_S_per_cm", "sigma_high_S_per_cm", "temperature_K"):
        out[col] = pd.to_numeric(frame[col].replace("", None), errors="raise").astype(float)
    for i, row in out.iterrows():
        where = f"{path}: row {i + 2}"
        if row["source"] not in SOURCES:
            raise ValueError(f"{where}: source {row['source']!r}")
        if row["conductivity_kind"] not in KINDS:
            raise ValueError(f"{where}: kind {row['conductivity_kind']!r}")
        single = not math.isnan(row["sigma_S_per_cm"])
        ends = not (math.isnan(row["sigma_low_S_per_cm"])
                    and math.isnan(row["sigma_high_S_per_cm"]))
        if single == ends:
            raise ValueError(f"{where}: give either sigma_S_per_cm or low/high, not both or none")
    return out[list(GOLD_COLUMNS)]


# --------------------------------------------------------------------------- matching


def _num(x: object) -> float | None:
    if x is None:
        return None
    try:
        f = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def close(a: float | None, b: float | None, rel: float = REL_TOL) -> bool:
    """Both missing, or both present and within ``rel`` of the larger magnitude."""
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= rel * max(abs(a), abs(b))


def value_distance(record: Row, gold: Row, rel: float = REL_TOL) -> float | None:
    """Relative distance of a record's value from a gold value, or None when they don't match.

    A gold single value is compared with the record's ``sigma_S_per_cm``; a gold range/bound
    with the record's two ends (both must agree, a missing end with a missing end).
    """
    g = _num(gold.get("sigma_S_per_cm"))
    if g is not None:
        r = _num(record.get("sigma_S_per_cm"))
        if r is None or not close(r, g, rel):
            return None
        return abs(r - g) / max(abs(r), abs(g), 1e-300)
    glo, ghi = _num(gold.get("sigma_low_S_per_cm")), _num(gold.get("sigma_high_S_per_cm"))
    rlo, rhi = _num(record.get("sigma_low_S_per_cm")), _num(record.get("sigma_high_S_per_cm"))
    if _num(record.get("sigma_S_per_cm")) is not None and rlo is None and rhi is None:
        rlo = rhi = _num(record.get("sigma_S_per_cm"))
    if not (close(rlo, glo, rel) and close(rhi, ghi, rel)):
        return None
    return max((abs(a - b) / max(abs(a), abs(b), 1e-300)
                for a, b in ((rlo, glo), (rhi, ghi)) if a is not None and b is not None),
               default=0.0)


def temperature_right(record: Row, gold: Row) -> bool | None:
    """None when gold states no temperature; else whether the record's is within 1 K."""
    g = _num(gold.get("temperature_K"))
    if g is None:
        return None
    r = _num(record.get("temperature_K"))
    return r is not None and abs(r - g) <= KELVIN_TOL


def kind_right(record: Row, gold: Row) -> bool:
    return str(record.get("conductivity_kind") or "unspecified") == str(gold["conductivity_kind"])


def _formula_key(s: str) -> str:
    from extractors.materials import canonical_formula

    try:
        canon = canonical_formula(s)
    except Exception:  # a malformed formula compares as written
        canon = None
    return canon or "".join(s.split())


def formula_right(record: Row, gold: Row) -> bool | None:
    """None when gold gives no formula; else whether the record's formula is the same."""
    g = gold.get("material_formula")
    if g is None or (isinstance(g, float) and math.isnan(g)) or not str(g).strip():
        return None
    r = record.get("material_formula")
    if r is None or (isinstance(r, float) and math.isnan(r)) or not str(r).strip():
        return False
    return _formula_key(str(r)) == _formula_key(str(g))


def match(records: pd.DataFrame, gold: pd.DataFrame,
          rel: float = REL_TOL) -> list[tuple[int, int]]:
    """One-to-one greedy matching; returns (record position, gold position) pairs.

    Candidates: same page and matching value. Pairs that also agree on temperature, kind and
    formula are taken first, then the closer values, then document order.
    """
    recs = records.to_dict("records")
    golds = gold.to_dict("records")
    by_page: dict[int, list[int]] = {}
    for ri, r in enumerate(recs):
        page = _num(r.get("page"))
        if page is not None:
            by_page.setdefault(int(page), []).append(ri)
    candidates = []
    for gi, g in enumerate(golds):
        for ri in by_page.get(int(g["page"]), []):
            r = recs[ri]
            d = value_distance(r, g, rel)
            if d is None:
                continue
            disagreements = sum((temperature_right(r, g) is False, not kind_right(r, g),
                                 formula_right(r, g) is False))
            candidates.append((disagreements, d, gi, ri))
    candidates.sort()
    used_r: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, _, gi, ri in candidates:
        if gi in used_g or ri in used_r:
            continue
        used_g.add(gi)
        used_r.add(ri)
        pairs.append((ri, gi))
    return sorted(pairs, key=lambda p: p[1])


# --------------------------------------------------------------------------- scores


@dataclass(frozen=True)
class PaperScore:
    paper: str
    n_gold: int
    n_records: int
    n_matched: int
    recall: float | None
    precision: float | None
    temperature_accuracy: float | None  # among matches where gold has a temperature
    n_temperature: int
    kind_accuracy: float | None  # among all matches
    formula_accuracy: float | None  # among matches where gold has a formula
    n_formula: int


def _ratio(n: int, d: int) -> float | None:
    return n / d if d else None


def score_records(records: pd.DataFrame, gold: pd.DataFrame, paper: str = "",
                  rel: float = REL_TOL) -> PaperScore:
    """The scores of one paper's records against its gold."""
    pairs = match(records, gold, rel)
    recs = records.to_dict("records")
    golds = gold.to_dict("records")
    temps = [t for ri, gi in pairs if (t := temperature_right(recs[ri], golds[gi])) is not None]
    kinds = [kind_right(recs[ri], golds[gi]) for ri, gi in pairs]
    forms = [f for ri, gi in pairs if (f := formula_right(recs[ri], golds[gi])) is not None]
    return PaperScore(
        paper=paper, n_gold=len(golds), n_records=len(recs), n_matched=len(pairs),
        recall=_ratio(len(pairs), len(golds)), precision=_ratio(len(pairs), len(recs)),
        temperature_accuracy=_ratio(sum(temps), len(temps)), n_temperature=len(temps),
        kind_accuracy=_ratio(sum(kinds), len(kinds)),
        formula_accuracy=_ratio(sum(forms), len(forms)), n_formula=len(forms))


def unmatched(records: pd.DataFrame, gold: pd.DataFrame,
              rel: float = REL_TOL) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(records matching no gold row, gold rows matched by no record): for looking at misses."""
    pairs = match(records, gold, rel)
    used_r = {ri for ri, _ in pairs}
    used_g = {gi for _, gi in pairs}
    return (records.iloc[[i for i in range(len(records)) if i not in used_r]],
            gold.iloc[[i for i in range(len(gold)) if i not in used_g]])


MACRO_FIELDS = ("recall", "precision", "temperature_accuracy", "kind_accuracy",
                "formula_accuracy")


def macro(scores: Iterable[PaperScore]) -> dict[str, float | None]:
    """Unweighted mean of each ratio over the papers where it is defined."""
    scores = list(scores)
    out: dict[str, float | None] = {}
    for name in MACRO_FIELDS:
        values = [getattr(s, name) for s in scores if getattr(s, name) is not None]
        out[name] = sum(values) / len(values) if values else None
    return out


# --------------------------------------------------------------------------- records


def read_records(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, dtype={"material_formula": str, "conductivity_kind": str})


def records_for(pdf: Path, cache: Path | None, nlp: object = None) -> pd.DataFrame:
    """The records of ``pdf``: from ``cache/<stem>.parquet`` or ``.csv`` when there, else
    extracted (and written to the cache as parquet when a cache folder is given)."""
    if cache is not None:
        for suffix in (".parquet", ".csv"):
            hit = cache / f"{pdf.stem}{suffix}"
            if hit.exists():
                return read_records(hit)
    from extractors.extraction import extract_document

    records = extract_document(pdf, nlp).records
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        records.to_parquet(cache / f"{pdf.stem}.parquet", index=False)
    return records


# --------------------------------------------------------------------------- ../shared/gold


def blind_stems(path: Path = BLIND_LIST) -> frozenset[str]:
    """The stems of the blind split (comment lines and blanks skipped)."""
    if not path.exists():
        return frozenset()
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def shared_scorer(gold_dir: Path = SHARED_GOLD_DIR) -> Any:
    """../shared/gold/score.py as a module, or None where ../shared is absent."""
    import importlib.util

    path = gold_dir / "score.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("shared_gold_score", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shared_score(records: pd.DataFrame, gold_csv: Path, scorer: Any) -> dict[str, Any]:
    """The independent scorer's result for one paper (it reads a file: the records go through
    a temporary parquet, exactly as ``score.py GOLD PRED`` would read them)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "records.parquet"
        records.to_parquet(pred, index=False)
        return dict(scorer.score(scorer.load_gold(str(gold_csv)), scorer.load_pred(str(pred))))


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def shared_macro_line(label: str, results: list[dict[str, Any]]) -> str:
    zero = sum(1 for r in results if r["gold_core"] and not r["matched_core"])
    return (f"../shared/gold, macro over {len(results)} {label}: recall "
            f"{_fmt(_mean(r['recall'] for r in results))}  precision "
            f"{_fmt(_mean(r['precision'] for r in results))}  temperature "
            f"{_fmt(_mean(r['temperature_ok'] for r in results))}  papers at zero {zero}")


def paper_scores(own: Sequence[PaperScore], shared_results: Sequence[dict[str, Any]],
                 shared: dict[str, dict[str, Any]]) -> list[tuple[float | None, float | None,
                                                                  float | None]]:
    """One (recall, precision, temperature) per paper: the independent gold's where the paper
    has one, else ours; so a split's papers are averaged once each, whichever gold they have."""
    out = [(r["recall"], r["precision"], r["temperature_ok"]) for r in shared_results]
    out += [(s.recall, s.precision, s.temperature_accuracy) for s in own
            if s.paper not in shared]
    return out


def one_score_line(label: str, per_paper: Sequence[tuple[float | None, ...]]) -> str:
    recall, precision, temperature = (_mean(p[i] for p in per_paper) for i in range(3))
    return (f"one gold per paper (../shared/gold first), macro over {len(per_paper)} {label}: "
            f"recall {_fmt(recall)}  precision {_fmt(precision)}  temperature "
            f"{_fmt(temperature)}")


# --------------------------------------------------------------------------- table


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def format_table(rows: Sequence[PaperScore | str | tuple[str, int, dict[str, Any]]],
                 headers: bool = True, shared: dict[str, dict[str, Any]] | None = None) -> str:
    """One aligned table; a ``str`` row is printed as a paper without gold, a tuple as a paper
    with only ../shared/gold; ``shared`` adds the independent scores of each paper."""
    head = ("paper", "n_gold", "n_rec", "match", "recall", "prec", "temp(n)", "kind",
            "formula(n)", "shared R", "P", "T")
    lines: list[tuple[str, ...]] = [head] if headers else []
    for s in rows:
        if isinstance(s, str):
            lines.append((s, "no gold yet", *[""] * (len(head) - 2)))
            continue
        if isinstance(s, tuple):  # (paper, n_records, shared result): no gold of our own
            paper, n_records, sh = s
            lines.append((paper, "-", str(n_records), "-", "-", "-", "-", "-", "-",
                          _fmt(sh["recall"]), _fmt(sh["precision"]),
                          _fmt(sh["temperature_ok"])))
            continue
        sh = shared.get(s.paper) if shared else None
        lines.append((s.paper, str(s.n_gold), str(s.n_records), str(s.n_matched),
                      _fmt(s.recall), _fmt(s.precision),
                      f"{_fmt(s.temperature_accuracy)} ({s.n_temperature})",
                      _fmt(s.kind_accuracy),
                      f"{_fmt(s.formula_accuracy)} ({s.n_formula})",
                      *((_fmt(sh["recall"]), _fmt(sh["precision"]), _fmt(sh["temperature_ok"]))
                        if sh else ("", "", ""))))
    widths = [max(len(line[i]) for line in lines if len(line) > i) for i in range(len(head))]
    out = []
    for line in lines:
        if line[1] == "no gold yet":
            out.append(f"{line[0]:<{widths[0]}}  no gold yet")
            continue
        cells = [line[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(line[1:], widths[1:],
                                                                         strict=True)]
        out.append("  ".join(cells))
    return "\n".join(out)


def _macro_line(label: str, scores: list[PaperScore]) -> str:
    m = macro(scores)
    return (f"macro over {len(scores)} {label}: recall {_fmt(m['recall'])}  precision "
            f"{_fmt(m['precision'])}  temperature {_fmt(m['temperature_accuracy'])}  kind "
            f"{_fmt(m['kind_accuracy'])}  formula {_fmt(m['formula_accuracy'])}")


def score_pdf(pdf: Path, gold_dir: Path = GOLD_DIR, cache: Path | None = None,
              nlp: object = None) -> PaperScore | None:
    """The score of one PDF, or None when it has no gold yet."""
    gold_path = gold_dir / f"{pdf.stem}.csv"
    if not gold_path.exists():
        return None
    return score_records(records_for(pdf, cache, nlp), load_gold(gold_path), pdf.stem)


def _extract_to_cache(pdf: Path, cache: Path) -> None:
    """Worker of ``--jobs``: extract one PDF into the cache (spaCy loaded once per worker)."""
    records_for(pdf, cache, _worker_nlp())


_NLP: list[object] = []


def _worker_nlp() -> object:
    if not _NLP:
        from extractors.mentions import load_nlp

        _NLP.append(load_nlp())
    return _NLP[0]


def fill_cache(pdfs: Sequence[Path], cache: Path, jobs: int) -> None:
    """Extract every PDF not yet in ``cache``, ``jobs`` at a time."""
    from concurrent.futures import ProcessPoolExecutor

    todo = [p for p in pdfs
            if not any((cache / f"{p.stem}{s}").exists() for s in (".parquet", ".csv"))]
    if not todo:
        return
    import multiprocessing

    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        for pdf, future in [(p, pool.submit(_extract_to_cache, p, cache)) for p in todo]:
            future.result()
            print(f"  extracted {pdf.stem}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="folder of real PDFs (default ../shared/corpus/real)")
    parser.add_argument("--records-cache", type=Path, default=None,
                        help="read records from DIR/<stem>.parquet|.csv, write missing ones there")
    parser.add_argument("--gold", type=Path, default=GOLD_DIR, help="folder of gold CSVs")
    parser.add_argument("--shared-gold", type=Path, default=SHARED_GOLD_DIR,
                        help="folder of the independent gold and its score.py (../shared/gold)")
    parser.add_argument("--only", nargs="+", metavar="STEM", help="only these PDF stems")
    parser.add_argument("--blind", action="store_true",
                        help="also score the blind split (bench/blind.txt), averaged apart")
    parser.add_argument("--jobs", type=int, default=1,
                        help="extract N PDFs at once (needs --records-cache)")
    parser.add_argument("--misses", action="store_true",
                        help="also list unmatched gold rows and unmatched records")
    args = parser.parse_args(argv)

    blind = blind_stems()
    replicas = sorted(REPLICA_DIR.glob("replica-*.pdf"))
    if args.corpus.is_dir():
        real = sorted(args.corpus.glob("*.pdf"))
    else:
        print(f"corpus {args.corpus} is absent: scoring the replicas only", file=sys.stderr)
        real = []
    if not args.blind:
        real = [p for p in real if p.stem not in blind]
    if args.only:
        wanted = set(args.only)
        replicas = [p for p in replicas if p.stem in wanted]
        real = [p for p in real if p.stem in wanted]
    scorer = shared_scorer(args.shared_gold)

    def has_gold(p: Path) -> bool:
        return (args.gold / f"{p.stem}.csv").exists() or (
            scorer is not None and (args.shared_gold / f"{p.stem}.csv").exists())

    scored = [p for p in replicas + real if has_gold(p)]
    if args.records_cache is not None and args.jobs > 1:
        fill_cache(scored, args.records_cache, args.jobs)
    nlp = None
    if args.records_cache is None or any(
            not any((args.records_cache / f"{p.stem}{s}").exists() for s in (".parquet", ".csv"))
            for p in scored):
        from extractors.mentions import load_nlp

        nlp = load_nlp()

    groups: dict[str, list[PaperScore]] = {"replicas": [], "developed papers": [],
                                           "blind papers": []}
    shared_groups: dict[str, list[dict[str, Any]]] = {"developed papers": [], "blind papers": []}
    shared: dict[str, dict[str, Any]] = {}
    sections: dict[str, list[PaperScore | str | tuple[str, int, dict[str, Any]]]] = {
        label: [] for label in groups}
    for pdf in replicas + real:
        label = ("replicas" if pdf in replicas
                 else "blind papers" if pdf.stem in blind else "developed papers")
        if not has_gold(pdf):
            sections[label].append(pdf.stem)
            continue
        records = records_for(pdf, args.records_cache, nlp)
        own_gold = args.gold / f"{pdf.stem}.csv"
        shared_gold = args.shared_gold / f"{pdf.stem}.csv"
        if scorer is not None and shared_gold.exists() and label != "replicas":
            shared[pdf.stem] = shared_score(records, shared_gold, scorer)
            shared_groups[label].append(shared[pdf.stem])
        if own_gold.exists():
            s = score_records(records, load_gold(own_gold), pdf.stem)
            sections[label].append(s)
            groups[label].append(s)
        else:
            sections[label].append((pdf.stem, len(records), shared[pdf.stem]))
        if args.misses and own_gold.exists():
            extra, missed = unmatched(records, load_gold(own_gold))
            for _, g in missed.iterrows():
                print(f"  MISSED {pdf.stem} p{g['page']} {g['material']}: "
                      f"{g['sigma_S_per_cm']} [{g['sigma_low_S_per_cm']}, "
                      f"{g['sigma_high_S_per_cm']}] {g['temperature_K']}", file=sys.stderr)
            for _, r in extra.iterrows():
                print(f"  EXTRA  {pdf.stem} p{r['page']} {r['material_raw']}: "
                      f"{r['value_raw']}", file=sys.stderr)
    first = True
    for label, rows in sections.items():
        if not rows:
            continue
        if not first:
            print()
        print(f"# {label}")
        print(format_table(rows, shared=shared))
        first = False
    print()
    for label, scores in groups.items():
        if scores:
            print(_macro_line(label + " (tests/gold)", scores))
    for label, results in shared_groups.items():
        if results:
            print(shared_macro_line(label, results))
    for label in ("developed papers", "blind papers"):
        per_paper = paper_scores(groups[label], shared_groups[label], shared)
        if per_paper:
            print(one_score_line(label, per_paper))
    if not args.blind and blind:
        print(f"({len(blind)} blind papers left out: bench/blind.txt; --blind scores them)")
    return 0


__all__ = [
    "GOLD_COLUMNS",
    "PaperScore",
    "blind_stems",
    "close",
    "format_table",
    "load_gold",
    "macro",
    "main",
    "match",
    "records_for",
    "score_pdf",
    "score_records",
    "shared_score",
    "unmatched",
    "value_distance",
]

if __name__ == "__main__":
    sys.exit(main())
