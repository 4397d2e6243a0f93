"""``ionlit review`` without a browser: queue order, the decisions store, and the app's safety
(path traversal, oversized and cross-origin forms, escaped PDF text, CSP, loopback default)."""

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from extractors.decisions import KnownIds, check_decisions, load_decisions
from extractors.layout import sha256_of
from pipelines.cli import build_parser
from pipelines.review.app import ReviewConfig, create_app, form_to_verdict
from pipelines.review.guard import CSP, MAX_FORM_BYTES
from pipelines.review.queue import Corpus, Filters, TableHeader, progress, queue
from pipelines.review.store import DecisionsChanged, DecisionsRefused, DecisionStore, Verdict
from tests.pdfbuild import Page, sup, write_pdf

BASE = "http://127.0.0.1:8765"
SLIP, OUTLIER, OTHER = "p1111111111111111", "p2222222222222222", "p3333333333333333"
HOSTILE = "<script>alert('pdf')</script>"


def _record(record_id: str, sha: str, source: str, value_raw: str, sigma: float,
            top: float, evidence: str) -> dict:
    return {"record_id": record_id, "doc_sha256": sha, "doc_name": "paper.pdf",
            "source": source, "page": 1, "x0": 72.0, "top": top, "x1": 200.0,
            "bottom": top + 12, "table_id": "p1-t1" if source == "table" else None,
            "material_raw": "Li7P3S11", "material_formula": "Li7P3S11", "value_raw": value_raw,
            "sigma_S_per_cm": sigma, "temperature_raw": "RT", "temperature_K": 298.15,
            "conductivity_kind": "total", "reference": "[12]", "cited_doi": None,
            "evidence": evidence, "flags": None}


def _problem(pid: str, kind: str, verdict: str, material: str, statements: list[str],
             records: list[str], curated: list[str]) -> dict:
    return {"problem_id": pid, "problem_kind": kind, "verdict": verdict, "status": "open",
            "material_key": f"formula:{material}", "material_raw": material,
            "material_formula": material, "work_id": "doi:10.1/x",
            "explanation": f"{material}: {HOSTILE} disagrees", "statement_ids": statements,
            "suspect_statement_ids": statements[:1], "record_ids": records,
            "suspect_record_ids": records[:1], "curated_ids": curated,
            "reconciliation_ids": ["r1"] if pid == SLIP else [],
            "suggested_sigma_S_per_cm": 1.7e-2 if verdict == "unit_slip" else None,
            "suggested_temperature_K": None, "corrected_sigma_S_per_cm": None,
            "corrected_temperature_K": None, "decision": None}


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    """One PDF whose text holds a script tag; a unit slip (table vs text), an outlier of
    another material and a problem of a third, all open."""
    page = Page().text(72, 100, f"{HOSTILE} The conductivity of Li7P3S11 is 1.7 × 10",
                       sup("-2"), " S cm", sup("-1"), ".")
    (tmp_path / "seeds" / "pdfs").mkdir(parents=True)
    pdf = write_pdf(tmp_path / "seeds" / "pdfs" / "paper.pdf", [page])
    sha = sha256_of(pdf)
    records = {
        "t1": _record("t1", sha, "table", "17", 1.7e-5, 100, f"Li7P3S11 | 17 | {HOSTILE}"),
        "x1": _record("x1", sha, "text", "1.7 × 10^-2 S cm^-1", 1.7e-2, 100,
                      f"{HOSTILE} The conductivity of Li7P3S11 is 1.7 × 10^-2 S cm^-1."),
    }
    comparisons = {"r1": {"reconciliation_id": "r1", "statement_id": "s1", "record_ids": ["t1"],
                          "other_statement_id": "s2", "other_record_ids": ["x1"],
                          "curated_source": None}}
    return Corpus(
        versions={"problems": "version=0001"}, records=records, comparisons=comparisons,
        statement_of={"t1": "s1", "x1": "s2"}, pdfs={sha: pdf},
        headers={(sha, "p1-t1"): TableHeader("Material | σ (mS cm^-1)", 1, 80.0)},
        consensus=[{"material_key": "formula:Li7P3S11", "window_low_K": 287.5,
                    "window_high_K": 312.5, "conditions": "", "median_sigma_S_per_cm": 1.7e-2,
                    "median_log10_sigma": -1.77, "mad_log10_sigma": 0.1, "n_works": 2,
                    "n_records": 2}],
        problems=[_problem(OUTLIER, "outlier", "outlier", "LiPON", ["s9"], [], ["C1"]),
                  _problem(SLIP, "error_candidate", "unit_slip", "Li7P3S11", ["s1", "s2"],
                           ["t1", "x1"], []),
                  _problem(OTHER, "error_candidate", "value_conflict", "LiPON", ["s8"], [], [])],
        known=KnownIds(problem_ids=frozenset({SLIP, OUTLIER, OTHER}), source="the test corpus"))


@pytest.fixture
def decisions(tmp_path: Path) -> Path:
    return tmp_path / "seeds" / "decisions" / "decisions.csv"


@pytest.fixture
def client(corpus: Corpus, decisions: Path, tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.chdir(tmp_path)  # no dagster.yaml here: publish only tells the command
    config = ReviewConfig(outputs=tmp_path / "outputs", seeds=tmp_path / "seeds",
                          decisions=decisions)
    return TestClient(create_app(config, corpus), base_url=BASE)


def _csrf(client: TestClient, path: str = f"/problem/{SLIP}") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found
    return found.group(1)


def _post(client: TestClient, path: str, data: dict, **headers: str):
    return client.post(path, data=data, headers={"origin": BASE, **headers},
                       follow_redirects=False)


# --- queue --------------------------------------------------------------------------------------

def test_review_queue_open_error_candidates_first_then_outliers(corpus: Corpus) -> None:
    order = [p["problem_id"] for p in queue(corpus, {}, Filters())]
    assert order == [SLIP, OTHER, OUTLIER]
    decided = {OTHER: {"problem_id": OTHER, "decision": "rejected"}}
    assert [p["problem_id"] for p in queue(corpus, decided, Filters())] == [SLIP, OUTLIER, OTHER]
    assert progress(corpus, decided) == (1, 3)


@pytest.mark.parametrize(("filters", "expected"), [
    (Filters(material="LiPON"), [OUTLIER, OTHER]),  # OTHER is decided
    (Filters(source="table"), [SLIP]),
    (Filters(source="curated"), [OUTLIER]),
    (Filters(status="decided"), [OTHER]),
    (Filters(status="open", work="doi:10.1/none"), []),
])
def test_review_queue_filters(corpus: Corpus, filters: Filters, expected: list[str]) -> None:
    decided = {OTHER: {"problem_id": OTHER, "decision": "rejected"}}
    assert [p["problem_id"] for p in queue(corpus, decided, filters)] == expected


# --- the decisions store ------------------------------------------------------------------------

def test_review_store_writes_what_the_checker_accepts(decisions: Path) -> None:
    store = DecisionStore(decisions, KnownIds(problem_ids=frozenset({SLIP, OTHER})))
    store.decide(Verdict(SLIP, "corrected", corrected_sigma_S_per_cm="0.017", curator="Doe, J.",
                         note='the "RT" value,\nin mS/cm'))
    store.decide(Verdict(SLIP.upper(), "rejected"), Verdict(OTHER, "accepted"))
    assert check_decisions(decisions) == []
    frame = load_decisions(decisions)
    assert list(frame["problem_id"]) == [SLIP.upper(), OTHER]  # one row per problem
    assert list(frame["decision"]) == ["rejected", "accepted"]
    assert not list(decisions.parent.glob(".decisions.csv.*"))  # no temp file left


def test_review_store_adds_problem_id_to_an_old_header(decisions: Path) -> None:
    decisions.parent.mkdir(parents=True)
    decisions.write_text("reconciliation_id,record_id,curated_id,decision,corrected_sigma_S_per_cm"
                         ",corrected_temperature_K,curator,decided_at,note\n"
                         "r9,,,accepted,,,jd,2026-11-20,kept\n", encoding="utf-8")
    DecisionStore(decisions).decide(Verdict(SLIP, "accepted"))
    frame = load_decisions(decisions)
    assert list(frame["reconciliation_id"].fillna("")) == ["r9", ""]
    assert list(frame["problem_id"].fillna("")) == ["", SLIP]


@pytest.mark.parametrize(("verdict", "reason"), [
    (Verdict(SLIP, "corrected", corrected_sigma_S_per_cm="1,5"), "decimal separator"),
    (Verdict(SLIP, "corrected", corrected_sigma_S_per_cm="-2"), "must be > 0"),
    (Verdict(SLIP, "corrected"), "needs corrected_sigma_S_per_cm"),
    (Verdict("p9999999999999999", "accepted"), "names nothing"),
])
def test_review_store_refuses_what_the_checker_refuses(decisions: Path, verdict: Verdict,
                                                       reason: str) -> None:
    store = DecisionStore(decisions, KnownIds(problem_ids=frozenset({SLIP}), source="corpus"))
    store.decide(Verdict(SLIP, "accepted"))
    before = decisions.read_bytes()
    with pytest.raises(DecisionsRefused, match=reason):
        store.decide(verdict)
    assert decisions.read_bytes() == before
    assert not list(decisions.parent.glob(".decisions.csv.*"))


def test_review_store_never_overwrites_a_hand_edit(decisions: Path) -> None:
    store = DecisionStore(decisions)
    store.decide(Verdict(SLIP, "accepted"))
    edited = decisions.read_text() + "r7,,,rejected,,,me,2026-12-01,by hand,\n"
    decisions.write_text(edited)
    assert store.changed_on_disk()
    with pytest.raises(DecisionsChanged, match="changed on disk"):
        store.decide(Verdict(OTHER, "accepted"))
    assert decisions.read_text() == edited
    store.decide(Verdict(OTHER, "accepted"))  # read again: the next write keeps the hand edit
    assert list(load_decisions(decisions)["note"].fillna("")) == ["", "by hand", ""]


def test_review_store_undo_restores_the_file_before_the_last_write(decisions: Path) -> None:
    store = DecisionStore(decisions)
    assert not store.undo()
    store.decide(Verdict(SLIP, "accepted"))
    first = decisions.read_bytes()
    store.decide(Verdict(OTHER, "rejected"))
    assert store.undo()
    assert decisions.read_bytes() == first
    assert store.undo()
    assert not decisions.exists()


def test_review_form_converts_units_and_keeps_bad_text_for_the_checker() -> None:
    v = form_to_verdict(SLIP, {"decision": "corrected", "value": "17", "value_unit": "mS/cm",
                               "temperature": "25", "temperature_unit": "°C"})
    assert (v.corrected_sigma_S_per_cm, v.corrected_temperature_K) == ("0.017", "298.15")
    assert form_to_verdict(SLIP, {"decision": "corrected", "value": "1,5",
                                  "value_unit": "mS/cm"}).corrected_sigma_S_per_cm == "1,5"
    assert form_to_verdict(SLIP, {"decision": "accepted", "value": "17"}) \
        .corrected_sigma_S_per_cm == ""
    with pytest.raises(ValueError, match="unknown unit 'kS/cm'"):
        form_to_verdict(SLIP, {"decision": "corrected", "value": "17", "value_unit": "kS/cm"})


# --- the app ------------------------------------------------------------------------------------

def test_review_app_shows_the_problem_with_its_page_and_escapes_pdf_text(
        client: TestClient, corpus: Corpus) -> None:
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/problem/{SLIP}"
    page = client.get(f"/problem/{SLIP}")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == CSP
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&#39;pdf&#39;)&lt;/script&gt;" in page.text
    assert re.findall(r"<script\b[^>]*>", page.text) == ['<script src="/static/review.js" defer>']
    assert "0 of 3 decided" in page.text
    sha = next(iter(corpus.pdfs))
    assert f'href="/page/{sha}/1.png"' in page.text
    assert '<rect class="box" x="70.0" y="98.0"' in page.text
    assert "Material | σ (mS cm^-1)" in page.text and 'data-header-top="80.0"' in page.text
    assert "Consensus of Li7P3S11" in page.text and "287.5–312.5 K" in page.text
    assert page.text.count('<circle class="') == 3  # suspect, other side, consensus median
    image = client.get(f"/page/{sha}/1.png")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")


@pytest.mark.parametrize("path", [
    "/page/../../../etc/passwd", "/page/%2e%2e%2f%2e%2e%2fetc%2fpasswd/1.png",
    "/page/" + "0" * 64 + "/1.png", "/static/../app.py", "/static/%2e%2e/app.py",
    "/static/..%2fstore.py", "/problem/..%2f..%2fetc%2fpasswd",
])
def test_review_app_serves_no_path_a_request_names(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert "DecisionStore" not in r.text and "root:" not in r.text


def test_review_app_refuses_a_page_the_pdf_lacks(client: TestClient, corpus: Corpus) -> None:
    assert client.get(f"/page/{next(iter(corpus.pdfs))}/2.png").status_code == 404


def test_review_app_decides_with_a_correction_and_remembers_the_curator(
        client: TestClient, decisions: Path) -> None:
    csrf = _csrf(client)
    r = _post(client, f"/problem/{SLIP}/decide",
              {"csrf": csrf, "decision": "corrected", "value": "17", "value_unit": "mS/cm",
               "curator": "jdoe", "next": OTHER})
    assert r.status_code == 303 and r.headers["location"] == f"/problem/{OTHER}"
    assert "ionlit_curator=jdoe" in r.headers["set-cookie"]
    assert check_decisions(decisions) == []
    row = load_decisions(decisions).iloc[0]
    assert (row["problem_id"], row["decision"], row["corrected_sigma_S_per_cm"],
            row["curator"]) == (SLIP, "corrected", 0.017, "jdoe")
    page = client.get(f"/problem/{SLIP}")
    assert "1 of 3 decided" in page.text and 'value="jdoe"' in page.text
    assert "not yet published" in page.text


@pytest.mark.parametrize(("value", "unit", "reason"), [
    ("1,7e-2", "S/cm", "is not a number"), ("0", "mS/cm", "must be &gt; 0"),
    ("17", "kS/cm", "unknown unit"),
])
def test_review_app_refuses_a_bad_value_in_the_form_with_the_reason(
        client: TestClient, decisions: Path, value: str, unit: str, reason: str) -> None:
    r = _post(client, f"/problem/{SLIP}/decide", {"csrf": _csrf(client), "decision": "corrected",
                                                  "value": value, "value_unit": unit})
    assert r.status_code == 422
    assert reason in r.text and f'value="{value}"' in r.text
    assert not decisions.exists()


def test_review_app_detects_a_hand_edit(client: TestClient, decisions: Path) -> None:
    csrf = _csrf(client)
    _post(client, f"/problem/{SLIP}/decide", {"csrf": csrf, "decision": "accepted"})
    decisions.write_text(decisions.read_text().replace("accepted", "rejected"))
    edited = decisions.read_text()
    r = _post(client, f"/problem/{OTHER}/decide", {"csrf": csrf, "decision": "accepted"})
    assert r.status_code == 409 and "changed on disk" in r.text
    assert decisions.read_text() == edited
    assert "changed outside the app" not in client.get(f"/problem/{SLIP}").text  # read again
    decisions.write_text(edited.replace("rejected", "accepted"))
    page = client.get(f"/problem/{SLIP}")
    assert "changed outside the app" in page.text and "<strong>accepted</strong>" in page.text


def test_review_app_bulk_and_undo(client: TestClient, decisions: Path) -> None:
    csrf = _csrf(client)
    r = _post(client, "/bulk", {"csrf": csrf, "decision": "rejected", "material": "LiPON"})
    assert r.status_code == 303
    assert sorted(load_decisions(decisions)["problem_id"]) == [OUTLIER, OTHER]
    assert _post(client, "/undo", {"csrf": csrf}).status_code == 303
    assert not decisions.exists()


@pytest.mark.parametrize(("headers", "why"), [
    ({"origin": "http://evil.example"}, "cross-origin"),
    ({"origin": "null"}, "cross-origin"),
    ({"origin": BASE, "sec-fetch-site": "cross-site"}, "cross-site"),
])
def test_review_app_refuses_cross_origin_posts(client: TestClient, decisions: Path,
                                               headers: dict, why: str) -> None:
    r = client.post(f"/problem/{SLIP}/decide", data={"csrf": _csrf(client),
                                                     "decision": "accepted"},
                    headers=headers, follow_redirects=False)
    assert r.status_code == 403 and why in r.text
    assert r.headers["content-security-policy"] == CSP
    assert not decisions.exists()


def test_review_app_refuses_a_post_without_the_csrf_token(client: TestClient,
                                                          decisions: Path) -> None:
    for data in ({"decision": "accepted"}, {"csrf": "guess", "decision": "accepted"}):
        r = _post(client, f"/problem/{SLIP}/decide", data)
        assert r.status_code == 403 and "CSRF" in r.text
    assert not decisions.exists()


def test_review_app_refuses_an_oversized_form(client: TestClient, decisions: Path) -> None:
    r = _post(client, f"/problem/{SLIP}/decide", {"csrf": _csrf(client), "decision": "accepted",
                                                  "note": "x" * (MAX_FORM_BYTES + 1)})
    assert r.status_code == 413
    assert not decisions.exists()


def test_review_app_refuses_a_foreign_host_header(client: TestClient) -> None:
    assert client.get(f"/problem/{SLIP}", headers={"host": "evil.example"}).status_code == 400


def test_review_app_tells_the_publish_command_without_an_instance(client: TestClient) -> None:
    page = client.get("/publish")
    assert "ionlit run --seeds" in page.text and "no Dagster instance" in page.text
    assert _post(client, "/publish", {"csrf": _csrf(client)}).status_code == 303


def test_review_cli_listens_on_loopback_by_default() -> None:
    args = build_parser().parse_args(["review"])
    assert (args.host, args.port, args.outputs) == ("127.0.0.1", 8765, "outputs")


def test_review_app_without_a_corpus_tells_how_to_make_one(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = ReviewConfig(outputs=tmp_path / "outputs", seeds=tmp_path / "seeds",
                          decisions=tmp_path / "decisions.csv")
    page = TestClient(create_app(config), base_url=BASE).get("/")
    assert page.status_code == 200
    assert "no committed corpus" in page.text and "0 of 0 decided" in page.text
    assert f"ionlit run --seeds {tmp_path}/seeds --outputs {tmp_path}/outputs" in page.text
