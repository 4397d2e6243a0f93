"""The daily re-run of the corpus-level assets (curated values and decisions change too)."""

import dagster as dg

from pipelines.jobs import corpus_job

daily_corpus = dg.ScheduleDefinition(
    name="daily_corpus", job=corpus_job, cron_schedule="0 3 * * *",
    execution_timezone="UTC",
    description="Reconcile and republish every day at 03:00 UTC; an unchanged dataset gets no "
                "new version.")
