"""The sensor that evaluates the automation conditions (``pipelines/automation.py``), on by
default: with ``make dev`` the corpus follows whatever materialised a document."""

import dagster as dg

DEFAULT_INTERVAL_SECONDS = 30

ionlit_automation = dg.AutomationConditionSensorDefinition(
    "ionlit_automation", target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=DEFAULT_INTERVAL_SECONDS,
    run_tags={"ionlit/stage": "corpus", "dagster/priority": "-1"},
    description="Gathers, reconciles and publishes the corpus once after documents change, "
                "and daily (decisions and curated sheets).")
