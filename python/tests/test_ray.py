"""vanban.ray on a local Ray instance with 2 CPUs: the records equal the command's, and a corrupt
file is an error row while the job succeeds."""

from __future__ import annotations

import json

import pytest
from conftest import DAMAGED, OVERLAY, SCAN_DOCUMENTS, SEEDS, records_of

ray = pytest.importorskip("ray")
pq = pytest.importorskip("pyarrow.parquet")

import vanban.ray  # noqa: E402 - needs ray

INPUTS = [*SCAN_DOCUMENTS, DAMAGED / "truncated.png", SEEDS / "003_026306599e5846c8.txt"]


@pytest.fixture(scope="module")
def local_ray():
    vanban.ray.init_local(
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=256 * 1024 * 1024,
        log_to_driver=False,
        configure_logging=False,
    )
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def rows(local_ray):
    files = ray.data.read_binary_files([str(p) for p in INPUTS], include_paths=True)
    return vanban.ray.process_dataset(files).take_all()


def test_records_equal_the_command(rows, cli):
    lines = cli("process", "-q", "--jobs", "2", *INPUTS)
    expected = {json.loads(line)["source"]["path"]: line for line in records_of(lines, "document")}
    documents = {row["path"]: row for row in rows if row["record_type"] == "document"}
    assert sorted(documents) == sorted(expected)
    assert len(documents) == len(INPUTS) - 1
    for path, row in documents.items():
        assert row["json"] == expected[path], path
        record = json.loads(row["json"])
        assert row["document_id"] == record["document_id"]
        meta = record["document"]
        for column in ("number", "doc_type", "issue_date", "issuer"):
            assert row[column] == (meta[column]["value"] if column in meta else None)


def test_the_corrupt_file_is_an_error_row(rows, cli):
    [expected] = records_of(cli("process", "-q", DAMAGED / "truncated.png"), "error")
    [error] = [row for row in rows if row["record_type"] == "error"]
    assert error["json"] == expected
    assert error["path"] == str(DAMAGED / "truncated.png")
    assert (error["error_kind"], error["document_id"]) == ("image", None)
    assert error["error_message"] == json.loads(expected)["message"]


def test_main_fields_are_columns(rows):
    by_name = {row["path"].rsplit("/", 1)[-1]: row for row in rows}
    seed = by_name["003_026306599e5846c8.txt"]
    assert seed["number"] and seed["doc_type"] and seed["issue_date"]
    scan = by_name["s003-clean-p001.png"]
    assert (scan["number"], scan["issue_date"]) == (seed["number"], seed["issue_date"])


def test_output_goes_through_write_parquet(local_ray, overlay, tmp_path):
    # The pipeline options reach the actors: here an overlay, which changes the restoration.
    text = OVERLAY / "input.txt"
    files = ray.data.read_binary_files([str(text), str(DAMAGED / "truncated.tiff")], include_paths=True)
    vanban.ray.process_dataset(files, concurrency=1, overlay=str(overlay)).write_parquet(str(tmp_path))
    table = pq.read_table(tmp_path).sort_by("record_type")
    assert table.schema.equals(vanban.ray.SCHEMA)
    assert table.column("record_type").to_pylist() == ["document", "error"]
    record = table.column("json")[0].as_py()
    assert record == vanban.Pipeline(overlay=overlay).process_json(text.read_bytes(), name=str(text))
    assert record != vanban.Pipeline().process_json(text.read_bytes(), name=str(text))
    assert table.column("error_kind")[1].as_py() == "image"
