"""Where the steps of a run execute: forked processes here, or Celery workers anywhere.

``document_job`` (reading PDFs: heavy) uses :func:`executor_from_env`. ``corpus_job`` is a
chain of light steps (gather, reconcile, publish, checks); on one machine it runs them in the
run's own process, which saves a process start (~1 s) per step; under Celery it uses the
workers like every other job.
"""

import os

import dagster as dg

#: Steps of one run executing at once (each is a process forked from a preloaded server).
DEFAULT_MAX_CONCURRENT = 2
DEFAULT_CELERY_BACKEND = "rpc://"


def executor_from_env() -> dg.ExecutorDefinition:
    """The multiprocess executor, or with ``IONLIT_EXECUTOR=celery`` the dagster-celery one.

    Celery sends each step to a worker (any host) through ``IONLIT_CELERY_BROKER``
    (``redis://...`` or ``pyamqp://...``); results come back through ``IONLIT_CELERY_BACKEND``.
    Workers and the run must share the instance and the IO manager's storage (deploy/README.md).
    """
    if os.environ.get("IONLIT_EXECUTOR", "multiprocess") == "celery":
        from dagster_celery import celery_executor

        return celery_executor.configured({
            "broker": os.environ["IONLIT_CELERY_BROKER"],
            "backend": os.environ.get("IONLIT_CELERY_BACKEND", DEFAULT_CELERY_BACKEND)})
    return dg.multiprocess_executor.configured({
        "max_concurrent": int(os.environ.get("IONLIT_MAX_CONCURRENT", DEFAULT_MAX_CONCURRENT)),
        "start_method": {"forkserver": {"preload_modules": ["pipelines.definitions"]}},
    })


def corpus_executor_from_env() -> dg.ExecutorDefinition:
    """The in-process executor, unless ``IONLIT_EXECUTOR=celery``."""
    if os.environ.get("IONLIT_EXECUTOR", "multiprocess") == "celery":
        return executor_from_env()
    return dg.in_process_executor
