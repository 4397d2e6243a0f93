"""``ionlit review``: a local web app where curators decide problems from the page itself.

Starlette (with uvicorn and Jinja2, all three already installed with dagster-webserver) and a
small hand-written script for the keyboard: no JavaScript build, no new dependency. The app
reads the committed corpus (:mod:`pipelines.review.queue`) and writes ``decisions.csv`` through
:class:`pipelines.review.store.DecisionStore`.

Safety: it listens on 127.0.0.1 unless told otherwise; the only files it reads for a request
are the corpus's own PDFs, looked up by their sha256 (a request never names a path); Jinja
escapes all text; the guards of :mod:`pipelines.review.guard` set a CSP without inline scripts
or styles and refuse a POST that is too large, comes from another origin or lacks the running
app's CSRF token; the Host header must name the app (no DNS rebinding).
"""

from __future__ import annotations

import math
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from extractors.decisions import DEFAULT_DECISIONS_FILE
from pipelines.review.guard import FormGuard, read_form
from pipelines.review.pages import DEFAULT_ZOOM, page_size, plot_to_svg, render_page
from pipelines.review.queue import (
    SOURCE_FILTERS,
    STATUS_FILTERS,
    Corpus,
    Filters,
    choices,
    problem_view,
    progress,
    queue,
)
from pipelines.review.store import DecisionsChanged, DecisionsRefused, DecisionStore, Verdict

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
#: Units the correction form offers for σ, as factors to S/cm.
SIGMA_UNITS: dict[str, float] = {"S/cm": 1.0, "mS/cm": 1e-3, "µS/cm": 1e-6, "S/m": 1e-2,
                                 "mS/m": 1e-5}
#: Units of the corrected temperature, as offsets to kelvin.
TEMPERATURE_UNITS: dict[str, float] = {"K": 0.0, "°C": 273.15}
CURATOR_COOKIE = "ionlit_curator"
_SHA_RE = re.compile(r"[0-9a-f]{64}")
_PLAIN_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_HERE = Path(__file__).parent


@dataclass
class ReviewConfig:
    """Where the app reads and writes.

    Attributes:
        outputs: The pipeline's outputs folder (``datasets/`` under it).
        seeds: The seeds folder: ``pdfs/`` holds the corpus's PDFs, ``decisions/decisions.csv``
            is what ``ionlit run --seeds`` reads.
        decisions: The decisions file the app writes.
    """

    outputs: Path = Path("outputs")
    seeds: Path = Path("seeds")
    decisions: Path = Path(DEFAULT_DECISIONS_FILE)

    def run_command(self) -> list[str]:
        """The ``ionlit run`` that publishes these decisions."""
        return ["ionlit", "run", "--seeds", str(self.seeds), "--outputs", str(self.outputs)]

    def can_run(self) -> str | None:
        """None when the publish button can run the pipeline itself, else why not."""
        if not os.environ.get("DAGSTER_HOME") and not Path("dagster.yaml").is_file():
            return ("no Dagster instance (DAGSTER_HOME is not set and the current folder holds "
                    "no dagster.yaml): run the command where there is one")
        if self.decisions.resolve() != (self.seeds / "decisions" / "decisions.csv").resolve():
            return (f"the run reads {self.seeds}/decisions/decisions.csv, not {self.decisions}: "
                    "copy the file there and run the command")
        return None


@dataclass
class Publishing:
    """The publish run the app started, if any."""

    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    returncode: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def running(self) -> bool:
        return self.process is not None and self.returncode is None

    def tail(self, lines: int = 15) -> str:
        if self.log is None or not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


class ReviewState:
    """The corpus, the decisions file and the publish run, shared by the requests."""

    def __init__(self, config: ReviewConfig, corpus: Corpus | None = None) -> None:
        self.config = config
        self.csrf = secrets.token_urlsafe(32)
        self.notice = ""
        self.publishing = Publishing()
        self.corpus = Corpus()
        self.store = DecisionStore(config.decisions)
        if corpus is None:
            self.reload()
        else:
            self.corpus, self.store.known = corpus, corpus.known

    def reload(self) -> None:
        """Read the committed corpus again (after a run) and check ids against it."""
        self.corpus = Corpus.load(self.config.outputs / "datasets", self.config.seeds / "pdfs")
        self.store.known = self.corpus.known

    def poll_publishing(self) -> None:
        """Pick up a finished publish run: its status, and the corpus it committed."""
        p = self.publishing
        with p.lock:
            if p.process is None or p.returncode is not None:
                return
            code = p.process.poll()
            if code is None:
                return
            p.returncode = code
        if code == 0:
            self.reload()

    def refresh(self) -> None:
        """Before a page is built: pick up a finished run and a hand edit of the file."""
        self.poll_publishing()
        self.notice = ""
        if self.store.changed_on_disk():  # edited by hand: show the file as it is now
            self.store.reload()
            self.notice = (f"{self.config.decisions} was changed outside the app; it has been "
                           "read again (undo starts afresh)")

    def start_publishing(self) -> None:
        with self.publishing.lock:
            if self.publishing.running:
                return
            fd, log = tempfile.mkstemp(prefix="ionlit-review-run-", suffix=".log")
            command = [sys.executable, "-m", "pipelines.cli", *self.config.run_command()[1:]]
            with os.fdopen(fd, "wb") as out:
                process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                           stdin=subprocess.DEVNULL)
            self.publishing = Publishing(process, Path(log))


def _converted(text: str, factor: float, offset: float = 0.0) -> str:
    """A typed number in the file's unit; text that is no plain number goes through as typed,
    so the checker of ``ionlit decisions check`` says what is wrong with it."""
    text = text.strip()
    if not text or (factor == 1.0 and offset == 0.0) or not _PLAIN_NUMBER_RE.fullmatch(text):
        return text
    value = float(text) * factor + offset
    return f"{value:.6g}" if math.isfinite(value) else text


def form_to_verdict(problem_id: str, fields: Mapping[str, str]) -> Verdict:
    """The decision a submitted form makes (correction fields only for ``corrected``).

    Raises:
        ValueError: a unit the form does not offer (a forged form).
    """
    decision = fields.get("decision", "")
    sigma = temperature = ""
    if decision == "corrected":
        unit, t_unit = fields.get("value_unit", "S/cm"), fields.get("temperature_unit", "K")
        if unit not in SIGMA_UNITS or t_unit not in TEMPERATURE_UNITS:
            raise ValueError(f"unknown unit {unit if unit not in SIGMA_UNITS else t_unit!r}")
        sigma = _converted(fields.get("value", ""), SIGMA_UNITS[unit])
        temperature = _converted(fields.get("temperature", ""), 1.0, TEMPERATURE_UNITS[t_unit])
    return Verdict(problem_id=problem_id, decision=decision, corrected_sigma_S_per_cm=sigma,
                   corrected_temperature_K=temperature,
                   curator=fields.get("curator", "").strip(), note=fields.get("note", "").strip())


def _filters(request: Request) -> Filters:
    q = request.query_params
    status = q.get("status", "all")
    source = q.get("source", "")
    return Filters(status=status if status in STATUS_FILTERS else "all",
                   material=q.get("material", ""), work=q.get("work", ""),
                   source=source if source in SOURCE_FILTERS else "")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_HERE / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    env.globals.update(status_filters=STATUS_FILTERS, source_filters=SOURCE_FILTERS)
    return env


def create_app(config: ReviewConfig, corpus: Corpus | None = None) -> Starlette:
    """The review app over ``config``'s decisions file and committed corpus (``corpus``: one
    already read, e.g. built by a test; a publish run still replaces it)."""
    state = ReviewState(config, corpus)
    env = _environment()

    def render(request: Request, template: str, status_code: int = 200,
               **context: Any) -> HTMLResponse:
        pending = state.store.by_problem()
        decided, total = progress(state.corpus, pending)
        html = env.get_template(template).render(
            csrf=state.csrf, corpus=state.corpus, decided=decided, total=total,
            curator=request.cookies.get(CURATOR_COOKIE, ""), config=config,
            publishing=state.publishing, can_run=config.can_run(),
            notice=context.pop("notice", state.notice),
            command=" ".join(config.run_command()), can_undo=state.store.can_undo,
            **context)
        return HTMLResponse(html, status_code=status_code)

    def problem_page(request: Request, problem_id: str, *, error: str = "",
                     fields: Mapping[str, str] | None = None,
                     status_code: int = 200) -> Response:
        state.refresh()
        filters = _filters(request)
        pending = state.store.by_problem()
        items = queue(state.corpus, pending, filters)
        problem = state.corpus.problem(problem_id)
        if problem is None:
            return render(request, "empty.html", status_code=404, items=items, filters=filters,
                          choices=choices(state.corpus),
                          message=f"no problem {problem_id!r} in the committed corpus")
        here = next((i for i, p in enumerate(items) if p["problem_id"] == problem["problem_id"]),
                    None)
        previous = items[here - 1]["problem_id"] if here else None
        following = items[here + 1]["problem_id"] if here is not None and \
            here + 1 < len(items) else None
        shown = next((p for p in items if p["problem_id"] == problem["problem_id"]), None)
        view = problem_view(state.corpus, problem)
        for s in view["statements"]:
            if s["has_pdf"]:
                s["page_width"], s["page_height"] = page_size(
                    state.corpus.pdfs[s["doc_sha256"]], s["page"])
        return render(request, "problem.html", status_code=status_code, items=items,
                      filters=filters, choices=choices(state.corpus), problem=problem,
                      shown=shown, view=view, plot=plot_to_svg(view["plot"]),
                      previous=previous, following=following, zoom=DEFAULT_ZOOM,
                      decision=pending.get(str(problem["problem_id"]).casefold()),
                      sigma_units=list(SIGMA_UNITS), temperature_units=list(TEMPERATURE_UNITS),
                      error=error, fields=fields or {})

    async def index(request: Request) -> Response:
        state.refresh()
        filters = _filters(request)
        items = queue(state.corpus, state.store.by_problem(), filters)
        if items:
            query = filters.query()
            return RedirectResponse(f"/problem/{items[0]['problem_id']}"
                                    + (f"?{query}" if query else ""), status_code=303)
        return render(request, "empty.html", items=items, filters=filters,
                      choices=choices(state.corpus),
                      message=state.corpus.note or "no problem matches these filters")

    async def show(request: Request) -> Response:
        return problem_page(request, request.path_params["problem_id"])

    def after(request: Request, problem_id: str | None, fields: Mapping[str, str]) -> Response:
        query = fields.get("query", "")
        target = f"/problem/{problem_id}" if problem_id else "/"
        response = RedirectResponse(target + (f"?{query}" if query else ""), status_code=303)
        if fields.get("curator", "").strip():
            response.set_cookie(CURATOR_COOKIE, fields["curator"].strip()[:80],
                                max_age=365 * 86400, samesite="strict", httponly=True)
        return response

    async def decide(request: Request) -> Response:
        problem_id = request.path_params["problem_id"]
        try:
            fields = await read_form(request, state.csrf)
        except PermissionError as exc:
            return PlainTextResponse(str(exc), status_code=403)
        problem = state.corpus.problem(problem_id)
        if problem is None:
            return PlainTextResponse("unknown problem", status_code=404)
        if fields.get("decision") != "skip":
            try:
                verdict = form_to_verdict(str(problem["problem_id"]), fields)
            except ValueError as exc:
                return problem_page(request, problem_id, status_code=422, fields=fields,
                                    error=f"Not written: {exc}")
            try:
                state.store.decide(verdict)
            except DecisionsRefused as exc:
                return problem_page(request, problem_id, status_code=422, fields=fields,
                                    error="Not written: " + "; ".join(
                                        p.message for p in exc.problems))
            except DecisionsChanged as exc:
                return problem_page(request, problem_id, status_code=409, fields=fields,
                                    error=str(exc))
        return after(request, fields.get("next") or problem_id, fields)

    async def bulk(request: Request) -> Response:
        try:
            fields = await read_form(request, state.csrf)
        except PermissionError as exc:
            return PlainTextResponse(str(exc), status_code=403)
        decision = fields.get("decision", "")
        material = fields.get("material", "")
        if decision not in ("accepted", "rejected") or not material:
            return PlainTextResponse("bulk decisions are accepted or rejected, for one material",
                                     status_code=400)
        todo = queue(state.corpus, state.store.by_problem(),
                     Filters(status="open", material=material))
        try:
            state.store.decide(*(Verdict(str(p["problem_id"]), decision,
                                         curator=fields.get("curator", "").strip(),
                                         note=fields.get("note", "").strip()) for p in todo))
        except (DecisionsRefused, DecisionsChanged) as exc:
            return PlainTextResponse(f"Not written: {exc}", status_code=409)
        return after(request, fields.get("next"), fields)

    async def undo(request: Request) -> Response:
        try:
            fields = await read_form(request, state.csrf)
        except PermissionError as exc:
            return PlainTextResponse(str(exc), status_code=403)
        try:
            state.store.undo()
        except DecisionsChanged as exc:
            return PlainTextResponse(str(exc), status_code=409)
        return after(request, fields.get("next"), fields)

    async def publish(request: Request) -> Response:
        if request.method == "POST":
            try:
                await read_form(request, state.csrf)
            except PermissionError as exc:
                return PlainTextResponse(str(exc), status_code=403)
            if config.can_run() is None:
                state.start_publishing()
            return RedirectResponse("/publish", status_code=303)
        state.refresh()
        return render(request, "publish.html", items=[], filters=Filters(),
                      choices=choices(state.corpus))

    async def page_image(request: Request) -> Response:
        sha, page = request.path_params["sha"], request.path_params["page"]
        path = state.corpus.pdfs.get(sha) if _SHA_RE.fullmatch(sha) else None
        if path is None:
            return PlainTextResponse("no such document in the corpus", status_code=404)
        try:
            png = render_page(path, page)
        except IndexError:
            return PlainTextResponse("no such page", status_code=404)
        return Response(png, media_type="image/png",
                        headers={"cache-control": "private, max-age=3600"})

    routes = [
        Route("/", index),
        Route("/problem/{problem_id:str}", show),
        Route("/problem/{problem_id:str}/decide", decide, methods=["POST"]),
        Route("/bulk", bulk, methods=["POST"]),
        Route("/undo", undo, methods=["POST"]),
        Route("/publish", publish, methods=["GET", "POST"]),
        Route("/page/{sha:str}/{page:int}.png", page_image),
        Mount("/static", StaticFiles(directory=_HERE / "static"), name="static"),
    ]
    return Starlette(routes=routes, middleware=[
        Middleware(FormGuard),
        Middleware(TrustedHostMiddleware,
                   allowed_hosts=["127.0.0.1", "localhost", *config_hosts()]),
    ])


def config_hosts() -> list[str]:
    """Extra Host names the app answers to (``IONLIT_REVIEW_HOSTS``, comma-separated), for a
    curator who binds it to another interface on purpose."""
    return [h.strip() for h in os.environ.get("IONLIT_REVIEW_HOSTS", "").split(",") if h.strip()]


def serve(config: ReviewConfig, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Run the app with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_app(config), host=host, port=port, log_level="warning")
