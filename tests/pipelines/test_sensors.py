"""The folder sensor: new, unchanged, removed and changed PDFs, with deterministic run keys."""

import dagster as dg

from pipelines.code_version import CODE_VERSION
from pipelines.ingest.partitions import document_partitions
from pipelines.ingest.resources import PdfFolder
from pipelines.ingest.sensors import pdf_folder_sensor
from tests.pipelines.conftest import Project, tiny_pdf


def tick(project: Project, instance: dg.DagsterInstance, cursor: str | None) -> dg.SensorResult:
    """One evaluation, then apply its partition requests as the daemon would."""
    context = dg.build_sensor_context(instance=instance, cursor=cursor,
                                      resources={"pdfs": PdfFolder(folder=str(project.pdfs))})
    result = pdf_folder_sensor(context)
    for request in result.dynamic_partitions_requests:
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            instance.add_dynamic_partitions(request.partitions_def_name, request.partition_keys)
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)
    return result


def run_keys(result: dg.SensorResult) -> list[str]:
    return [r.run_key for r in result.run_requests]


def test_sensors_register_run_and_forget(project: Project, instance: dg.DagsterInstance):
    a = tiny_pdf(project.pdfs / "a.pdf", "Li7P3S11")
    tiny_pdf(project.pdfs / "b.pdf", "Na3PS4")
    first = tick(project, instance, None)
    keys = instance.get_dynamic_partitions(document_partitions.name)
    assert len(keys) == 2
    assert run_keys(first) == [f"document:{k}:{CODE_VERSION}" for k in sorted(keys)] + \
        ["corpus:1"]
    assert [r.partition_key for r in first.run_requests[:2]] == sorted(keys)

    unchanged = tick(project, instance, first.cursor)
    assert unchanged.run_requests == []
    assert unchanged.dynamic_partitions_requests == []

    (project.pdfs / "b.pdf").unlink()
    removed = tick(project, instance, unchanged.cursor)
    assert run_keys(removed) == ["corpus:2"]
    assert len(instance.get_dynamic_partitions(document_partitions.name)) == 1

    old_key = instance.get_dynamic_partitions(document_partitions.name)[0]
    tiny_pdf(a, "Li10GeP2S12")  # same name, new bytes: a new key replaces the old one
    changed = tick(project, instance, removed.cursor)
    (new_key,) = instance.get_dynamic_partitions(document_partitions.name)
    assert new_key != old_key and new_key.startswith("a-")
    assert run_keys(changed) == [f"document:{new_key}:{CODE_VERSION}", "corpus:3"]
