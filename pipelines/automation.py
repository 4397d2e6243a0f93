"""When corpus assets run (automation conditions), who owns them, and how fresh they must be.

Per-document assets are launched (by ``pdf_folder_sensor``, the UI, a backfill or ``ionlit
run``); every corpus asset follows its parents through :data:`FOLLOW_PARENTS`, so whatever
launched a document, one automation tick later the corpus is gathered, reconciled and
published once. ``decisions`` has no parent: it runs on :data:`DAILY_CRON` (the curated sheets
and decisions change outside Dagster), and the rest follows it.
"""

from datetime import timedelta

import dagster as dg

#: Daily pick-up of curated sheets and decisions (UTC).
DAILY_CRON = "0 3 * * *"
#: A published dataset older than this fails its freshness (the daily publish plus slack).
DEFAULT_FRESHNESS_FAIL = timedelta(hours=26)
DEFAULT_FRESHNESS_WARN = timedelta(hours=25)

OWNERS = ["team:data-engineering"]
PER_DOCUMENT_TAGS = {"ionlit/scope": "document"}
CORPUS_TAGS = {"ionlit/scope": "corpus"}


def stage_tags(stage: str, scope: dict[str, str]) -> dict[str, str]:
    """The tags of an asset of ``stage`` (the ``defs/`` folder it lives in)."""
    return {"ionlit/stage": stage, **scope}


#: Like ``AutomationCondition.eager()``, without "no dependency is missing": a PDF that cannot
#: be read never gets its ``layout`` / records partitions, and that must not stop the corpus
#: from being published (the corpus reads every partition that exists). Also recomputes on a
#: code version change.
FOLLOW_PARENTS = (
    (dg.AutomationCondition.newly_missing()
     | dg.AutomationCondition.any_deps_updated()
     | dg.AutomationCondition.code_version_changed()).since_last_handled()
    & ~dg.AutomationCondition.any_deps_in_progress()
    & ~dg.AutomationCondition.in_progress()
).with_label("follow_parents")

#: For ``decisions`` (no parents): once when missing, then every day at :data:`DAILY_CRON`.
DAILY = (
    (dg.AutomationCondition.newly_missing()
     | dg.AutomationCondition.cron_tick_passed(DAILY_CRON)
     | dg.AutomationCondition.code_version_changed()).since_last_handled()
    & ~dg.AutomationCondition.in_progress()
).with_label(f"daily({DAILY_CRON})")

#: On every ``*_dataset``: republished (a new version or "unchanged") at least daily.
DATASET_FRESHNESS = dg.FreshnessPolicy.time_window(fail_window=DEFAULT_FRESHNESS_FAIL,
                                                    warn_window=DEFAULT_FRESHNESS_WARN)
