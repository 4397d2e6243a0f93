"""When corpus assets run (automation conditions), who owns them, and how fresh they must be.

Per-document assets are launched (by ``pdf_folder_sensor``, the UI, a backfill or ``ionlit
run``); every corpus asset follows its parents through :data:`FOLLOW_PARENTS`, so whatever
launched a document, one automation tick later the corpus is gathered, reconciled and
published once. ``decisions`` has no parent: it runs on :data:`DAILY_CRON` (the curated sheets
and decisions change outside Dagster), and the rest follows it.
"""

from datetime import timedelta

import dagster as dg

from pipelines.defs.documents.partitions import PER_DOCUMENT

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


#: Parents a corpus asset never waits for when missing: a PDF that cannot be read never gets
#: its ``layout`` / records partitions, and ``pdf_folder`` is only observed by the sensor.
NEVER_WAIT_FOR = dg.AssetSelection.assets("pdf_folder", *PER_DOCUMENT)


def _follow(trigger: dg.AutomationCondition, label: str) -> dg.AutomationCondition:
    """``trigger`` remembered until the asset is requested or updated, or a parent updated on
    this very tick; and no parent or grandparent in progress (a document run materialises
    ``document`` long before its records: ``documents`` must wait for ``conductivity``'s
    parents too), no corpus parent missing, the asset itself not in progress.

    ``since_last_handled`` alone drops a trigger that lands on the tick that also sees the
    previous request (``newly_requested``) or its materialisation: a PDF added while the corpus
    run is going would then wait for the next change. ``| any_deps_updated`` keeps it; a corpus
    run does not trigger its own assets again (``any_deps_updated`` ignores parents updated by a
    run that also targeted the asset).
    """
    return (
        (trigger.since_last_handled() | dg.AutomationCondition.any_deps_updated())
        & ~dg.AutomationCondition.any_deps_in_progress()
        & ~dg.AutomationCondition.any_deps_match(
            dg.AutomationCondition.any_deps_in_progress()).with_label("any_grandparents_in_progress")
        & ~dg.AutomationCondition.any_deps_missing().ignore(NEVER_WAIT_FOR)
        & ~dg.AutomationCondition.in_progress()
    ).with_label(label)


#: Like ``AutomationCondition.eager()``, but not waiting for missing per-document parents (the
#: corpus reads every partition that exists) and waiting for grandparents in progress. Also
#: recomputes on a code version change.
FOLLOW_PARENTS = _follow(
    dg.AutomationCondition.newly_missing() | dg.AutomationCondition.any_deps_updated()
    | dg.AutomationCondition.code_version_changed(), "follow_parents")

#: For ``decisions``: :data:`FOLLOW_PARENTS`, and every day at :data:`DAILY_CRON`.
FOLLOW_PARENTS_AND_DAILY = _follow(
    dg.AutomationCondition.newly_missing() | dg.AutomationCondition.any_deps_updated()
    | dg.AutomationCondition.code_version_changed()
    | dg.AutomationCondition.cron_tick_passed(DAILY_CRON),
    f"follow_parents_and_daily({DAILY_CRON})")

#: On every ``*_dataset``: republished (a new version or "unchanged") at least daily.
DATASET_FRESHNESS = dg.FreshnessPolicy.time_window(fail_window=DEFAULT_FRESHNESS_FAIL,
                                                    warn_window=DEFAULT_FRESHNESS_WARN)
