"""The folder sensor: new, unchanged, removed, changed and duplicated PDFs; a reset cursor."""

import shutil

import dagster as dg

from pipelines.code_version import CODE_VERSION
from pipelines.defs.documents.partitions import DATA_VERSION_TAG, document_partitions
from pipelines.defs.documents.resources import PdfFolder
from pipelines.defs.documents.sensors import FolderCursor, pdf_folder_sensor
from tests.pipelines.conftest import Project, tiny_pdf


def tick(project: Project, instance: dg.DagsterInstance, cursor: str | None) -> dg.SensorResult:
    """One evaluation, then apply its partition requests and events as the daemon would."""
    context = dg.build_sensor_context(instance=instance, cursor=cursor,
                                      resources={"pdfs": PdfFolder(folder=str(project.pdfs))})
    result = pdf_folder_sensor(context)
    for request in result.dynamic_partitions_requests:
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            instance.add_dynamic_partitions(request.partitions_def_name, request.partition_keys)
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)
    for event in result.asset_events:
        instance.report_runless_asset_event(event)
    return result


def run_keys(result: dg.SensorResult) -> list[str]:
    return [r.run_key for r in result.run_requests]


def folder_versions(result: dg.SensorResult) -> list[str]:
    return [e.tags[DATA_VERSION_TAG] for e in result.asset_events]


def test_sensors_register_run_and_forget(project: Project, instance: dg.DagsterInstance):
    a = tiny_pdf(project.pdfs / "a.pdf", "Li7P3S11")
    tiny_pdf(project.pdfs / "b.pdf", "Na3PS4")
    first = tick(project, instance, None)
    keys = instance.get_dynamic_partitions(document_partitions.name)
    assert len(keys) == 2
    assert run_keys(first) == [f"document:{k}:{CODE_VERSION}" for k in sorted(keys)]
    assert [r.partition_key for r in first.run_requests] == sorted(keys)
    assert len(folder_versions(first)) == 1  # pdf_folder observed: the corpus follows it

    unchanged = tick(project, instance, first.cursor)
    assert unchanged.run_requests == []
    assert unchanged.dynamic_partitions_requests == []
    assert unchanged.asset_events == []

    (project.pdfs / "b.pdf").unlink()
    removed = tick(project, instance, unchanged.cursor)
    assert run_keys(removed) == []  # nothing to read; the observation republishes
    assert folder_versions(removed) != folder_versions(first)
    assert len(instance.get_dynamic_partitions(document_partitions.name)) == 1

    old_key = instance.get_dynamic_partitions(document_partitions.name)[0]
    tiny_pdf(a, "Li10GeP2S12")  # same name, new bytes: a new key replaces the old one
    changed = tick(project, instance, removed.cursor)
    (new_key,) = instance.get_dynamic_partitions(document_partitions.name)
    assert new_key != old_key and new_key.startswith("a-")
    assert run_keys(changed) == [f"document:{new_key}:{CODE_VERSION}"]


def test_sensors_byte_identical_copy_is_an_alias_not_a_partition(project: Project,
                                                                 instance: dg.DagsterInstance):
    tiny_pdf(project.pdfs / "a.pdf")
    first = tick(project, instance, None)
    shutil.copy(project.pdfs / "a.pdf", project.pdfs / "z copy.pdf")
    copied = tick(project, instance, first.cursor)
    assert copied.run_requests == [] and copied.dynamic_partitions_requests == []
    assert len(instance.get_dynamic_partitions(document_partitions.name)) == 1
    assert folder_versions(copied) and folder_versions(copied) != folder_versions(first)
    assert copied.asset_events[0].metadata["n_aliases"].value == 1


def test_sensors_old_cursor_layout_reads_as_empty():
    old = '{"code_version": "x", "generation": 3, "files": {"a.pdf": [1, 2, "a-12345678"]}}'
    assert FolderCursor.from_json(old).files == {}
