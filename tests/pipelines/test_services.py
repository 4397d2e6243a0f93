"""Beyond one machine, for real: PostgreSQL instance storage (deploy/dagster.yaml), and a run
whose steps execute on a dagster-celery worker this test starts (Redis broker and backend,
the same PostgreSQL instance: SQLite is not meant for writers in several processes at once).

Both skip, saying which service is missing, where nothing listens on 127.0.0.1.
"""

import os
import shutil
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import dagster as dg
import pytest

from extractors.publish import PublishSettings, read_dataset
from pipelines.defs.documents.partitions import PER_DOCUMENT
from tests.conftest import ROOT
from tests.pipelines.conftest import (
    CORPUS,
    Project,
    broken_pdf,
    materialize,
    register,
    service_open,
    tiny_pdf,
)

pytestmark = pytest.mark.services

BIN = Path(sys.executable).parent
PG_ADMIN_URL = "postgresql://{user}@127.0.0.1:5432/test"
REDIS = "redis://127.0.0.1:6379"
CELERY_DB = 11
RUN_TIMEOUT_SECONDS = 420


@pytest.fixture
def postgres_db():
    """A fresh database for this test (trust auth, user postgres or root), dropped after."""
    service_open(5432, "PostgreSQL")
    import psycopg2

    name = f"ionlit_{uuid.uuid4().hex[:12]}"
    for user in ("postgres", "root"):
        try:
            admin = psycopg2.connect(PG_ADMIN_URL.format(user=user))
            break
        except psycopg2.OperationalError as exc:
            error = exc
    else:
        pytest.skip(f"PostgreSQL on 127.0.0.1:5432 refuses users postgres and root: {error}")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    try:
        yield f"postgresql://{user}@127.0.0.1:5432/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def deploy_env(postgres_db: str, tmp_path: Path) -> dict[str, str]:
    """DAGSTER_HOME with deploy/dagster.yaml, and the variables it reads."""
    home = tmp_path / "pg_home"
    home.mkdir()
    shutil.copy(ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")
    return {"DAGSTER_HOME": str(home),
            "DAGSTER_PG_URL": postgres_db.replace("postgresql://", "postgresql+psycopg2://"),
            "IONLIT_ARTIFACTS": str(tmp_path / "shared" / "artifacts"),
            "IONLIT_COMPUTE_LOGS": str(tmp_path / "shared" / "logs")}


def test_services_postgres_instance_storage(project: Project, postgres_db: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch):
    import psycopg2

    for name, value in deploy_env(postgres_db, tmp_path).items():
        monkeypatch.setenv(name, value)
    tiny_pdf(project.pdfs / "good.pdf")
    broken_pdf(project.pdfs / "broken.pdf")

    with dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        broken_key, good_key = register(instance, project.pdfs)
        assert materialize(project, instance, list(PER_DOCUMENT), good_key).success
        assert not materialize(project, instance, list(PER_DOCUMENT), broken_key).success
        assert materialize(project, instance, CORPUS).success
    with dg.DagsterInstance.get() as reopened:  # a new process would see the same
        assert reopened.get_dynamic_partitions("documents") == [broken_key, good_key]
        assert reopened.get_materialized_partitions(dg.AssetKey("layout")) == {good_key}
    with psycopg2.connect(postgres_db) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT status, count(*) FROM runs GROUP BY status ORDER BY status")
        assert cursor.fetchall() == [("FAILURE", 1), ("SUCCESS", 2)]


def test_services_celery_run_on_a_started_worker(project: Project, postgres_db: str,
                                                 tmp_path: Path):
    """The deployment of deploy/README.md on one host: PostgreSQL, Redis, a Celery worker."""
    service_open(6379, "Redis")
    tiny_pdf(project.pdfs / "good.pdf")
    broken_pdf(project.pdfs / "broken.pdf")
    worker_config = tmp_path / "celery.yaml"
    worker_config.write_text(f"execution:\n  config:\n    broker: {REDIS}/{CELERY_DB}\n"
                             f"    backend: {REDIS}/{CELERY_DB + 1}\n")
    env = {**os.environ, **deploy_env(postgres_db, tmp_path), "IONLIT_EXECUTOR": "celery",
           "IONLIT_CELERY_BROKER": f"{REDIS}/{CELERY_DB}",
           "IONLIT_CELERY_BACKEND": f"{REDIS}/{CELERY_DB + 1}"}
    worker_log = tmp_path / "worker.log"
    with worker_log.open("w") as log:
        worker = subprocess.Popen(
            [str(BIN / "dagster-celery"), "worker", "start", "-A", "dagster_celery.app",
             "-y", str(worker_config), "-n", f"ionlit-test-{uuid.uuid4().hex[:6]}",
             "--loglevel", "INFO", "--", "--concurrency", "2"],
            cwd=ROOT, env={**env, "PATH": f"{BIN}:{os.environ['PATH']}"}, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        run = subprocess.run(
            [str(BIN / "ionlit"), "run", "--seeds", str(project.seeds),
             "--outputs", str(project.outputs)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)  # the session of the worker this test started
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "execute_plan" in worker_log.read_text()  # the steps ran on the worker
    documents = read_dataset("documents", PublishSettings(root=str(project.outputs / "datasets")))
    assert sorted(documents["status"]) == ["failed", "ok"]
