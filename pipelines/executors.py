"""Where the steps of a run execute: forked processes here, or Celery workers anywhere.

``document_job`` (reading PDFs: heavy) uses :func:`executor_from_env`. ``corpus_job`` is a
chain of light steps (gather, reconcile, publish, checks); on one machine it runs them in the
run's own process, which saves a process start (~1 s) per step; under Celery it uses the
workers like every other job.

Which executor is a choice made when the code location loads (``IONLIT_EXECUTOR``); the Celery
broker is read by Dagster from ``IONLIT_CELERY_BROKER`` when a run starts (``{"env": ...}``).
"""

import dagster as dg

#: Steps of one run executing at once (each is a process forked from a preloaded server).
DEFAULT_MAX_CONCURRENT = 2
DEFAULT_CELERY_BACKEND = "rpc://"


def uses_celery() -> bool:
    return dg.EnvVar("IONLIT_EXECUTOR").get_value("multiprocess") == "celery"


def executor_from_env() -> dg.ExecutorDefinition:
    """The multiprocess executor, or with ``IONLIT_EXECUTOR=celery`` the dagster-celery one.

    Celery sends each step to a worker (any host) through ``IONLIT_CELERY_BROKER``
    (``redis://...`` or ``pyamqp://...``); results come back through ``IONLIT_CELERY_BACKEND``.
    Workers and the run must share the instance and the IO manager's storage (deploy/README.md).
    """
    if uses_celery():
        from dagster_celery import celery_executor

        return celery_executor.configured({
            "broker": {"env": "IONLIT_CELERY_BROKER"},
            "backend": dg.EnvVar("IONLIT_CELERY_BACKEND").get_value(DEFAULT_CELERY_BACKEND)})
    return dg.multiprocess_executor.configured({
        "max_concurrent": int(dg.EnvVar("IONLIT_MAX_CONCURRENT").get_value(
            str(DEFAULT_MAX_CONCURRENT)) or DEFAULT_MAX_CONCURRENT),
        "start_method": {"forkserver": {"preload_modules": ["pipelines.definitions"]}},
    })


def corpus_executor_from_env() -> dg.ExecutorDefinition:
    """The in-process executor, unless ``IONLIT_EXECUTOR=celery``."""
    if uses_celery():
        return executor_from_env()
    return dg.in_process_executor
