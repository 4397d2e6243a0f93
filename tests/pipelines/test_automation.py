"""The corpus follows its per-document parents by automation condition, once, however the
documents were materialised; unchanged documents are not extracted again; copies add nothing.

The automation condition sensor is driven with ``dg.evaluate_automation_conditions`` (what
``ionlit_automation`` evaluates each tick), and what it requests is materialised in process.
"""

import shutil

import dagster as dg

from extractors.publish import PublishSettings, list_versions, read_dataset
from extractors.schemas import SCHEMAS
from pipelines.defs.documents.partitions import PER_DOCUMENT
from tests.pipelines.conftest import (
    CORPUS,
    Project,
    materialize,
    project_defs,
    register,
    tiny_pdf,
)
from tests.pipelines.test_sensors import tick

DATASETS = tuple(SCHEMAS)


class Automation:
    """Successive ticks of the automation condition sensor over one instance."""

    def __init__(self, project: Project, instance: dg.DagsterInstance):
        self.project, self.instance = project, instance
        self.defs = project_defs(project)
        self.keys = self.defs.resolve_asset_graph().get_all_asset_keys()
        self.cursor = None

    def tick(self) -> set[str]:
        """The asset names the tick requests."""
        result = dg.evaluate_automation_conditions(defs=self.defs, instance=self.instance,
                                                   cursor=self.cursor)
        self.cursor = result.cursor
        return {k.to_user_string() for k in self.keys if result.get_num_requested(k)}

    def run_requested(self) -> set[str]:
        """One tick, and a run of what it requested (as the sensor's run would); its names."""
        requested = self.tick()
        if requested:
            assert materialize(self.project, self.instance, sorted(requested)).success
        return requested


def materialized(result: dg.ExecuteInProcessResult) -> list[str]:
    return [e.asset_key.to_user_string() for e in result.get_asset_materialization_events()]


def test_automation_backfill_of_documents_publishes_corpus_once(project: Project,
                                                                instance: dg.DagsterInstance):
    tiny_pdf(project.pdfs / "a.pdf", "Li7P3S11")
    tiny_pdf(project.pdfs / "b.pdf", "Na3PS4")
    keys = register(instance, project.pdfs)
    automation = Automation(project, instance)
    assert automation.tick() == set()  # conditions start from here

    backfill = {"dagster/backfill": "docs"}  # the tag of a backfill's runs, one per partition
    for key in keys:
        assert materialize(project, instance, list(PER_DOCUMENT), key, tags=backfill).success
    assert automation.run_requested() == set(CORPUS)  # the whole corpus, in one run
    assert automation.tick() == set()  # once
    settings = PublishSettings(root=str(project.outputs / "datasets"))
    for name in DATASETS:
        assert list_versions(name, settings) == ["version=0001"]

    # A UI launch of an unchanged partition: nothing read, nothing extracted, nothing follows.
    again = materialize(project, instance, list(PER_DOCUMENT), keys[0])
    assert again.success
    assert materialized(again) == []
    assert any("nothing extracted" in entry.user_message
               for entry in instance.all_logs(again.run_id))
    assert automation.tick() == set()


def test_automation_sensor_cursor_reset_new_pdf_republishes(project: Project,
                                                            instance: dg.DagsterInstance):
    settings = PublishSettings(root=str(project.outputs / "datasets"))
    automation = Automation(project, instance)
    automation.tick()
    tiny_pdf(project.pdfs / "a.pdf", "Li7P3S11")

    def sensor_then_runs(cursor: str | None) -> dg.SensorResult:
        result = tick(project, instance, cursor)
        for request in result.run_requests:
            assert materialize(project, instance, list(PER_DOCUMENT),
                               request.partition_key).success
        assert automation.run_requested() == set(CORPUS)
        assert automation.tick() == set()
        return result

    sensor_then_runs(None)
    assert list(read_dataset("documents", settings)["doc_name"]) == ["a.pdf"]

    tiny_pdf(project.pdfs / "b.pdf", "Na3PS4")
    reset = sensor_then_runs(None)  # the cursor was reset: a.pdf is current, b.pdf is new
    assert [r.partition_key[:2] for r in reset.run_requests] == ["b-"]
    assert list(read_dataset("documents", settings)["doc_name"]) == ["a.pdf", "b.pdf"]
    for name in ("documents", "conductivity"):
        assert list_versions(name, settings) == ["version=0001", "version=0002"]

    (project.pdfs / "b.pdf").unlink()  # no document runs: the pdf_folder observation follows
    tick(project, instance, reset.cursor)
    assert automation.run_requested() == set(CORPUS)
    assert list(read_dataset("documents", settings)["doc_name"]) == ["a.pdf"]


def test_automation_byte_identical_copy_adds_a_row_and_no_records(project: Project,
                                                                  instance: dg.DagsterInstance):
    settings = PublishSettings(root=str(project.outputs / "datasets"))
    tiny_pdf(project.pdfs / "a.pdf", "Li7P3S11")
    automation = Automation(project, instance)
    automation.tick()
    first = tick(project, instance, None)
    (key,) = [r.partition_key for r in first.run_requests]
    assert materialize(project, instance, list(PER_DOCUMENT), key).success
    assert automation.run_requested() == set(CORPUS)
    records = read_dataset("conductivity", settings)
    assert len(records) > 0

    shutil.copy(project.pdfs / "a.pdf", project.pdfs / "a (copy).pdf")
    copied = tick(project, instance, first.cursor)
    assert copied.run_requests == []  # not read, not extracted
    assert automation.run_requested() == set(CORPUS)
    documents = read_dataset("documents", settings).set_index("doc_name")
    assert documents.loc["a (copy).pdf", "doc_sha256"] == documents.loc["a.pdf", "doc_sha256"]
    assert documents.loc["a (copy).pdf", "status"] == "ok"
    assert documents.loc["a (copy).pdf", "n_records"] == 0
    assert documents.loc["a.pdf", "n_records"] == len(records)
    assert list_versions("conductivity", settings) == ["version=0001"]  # no record added
    assert read_dataset("conductivity", settings)["record_id"].is_unique
