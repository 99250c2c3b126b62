"""The Python API against the `vanban` command: same records, byte for byte, same errors."""

from __future__ import annotations

import json
import pickle
import threading

import pytest
from conftest import DAMAGED, OVERLAY, REPO, SCANS, SEEDS, compact, records_of, strip_marks

import vanban

TEXT_LAYER_PDF = SCANS / "s003-text-layer.pdf"


def test_restore_prints_the_accented_line():
    assert vanban.restore("tang cuong quan ly bao chi") == "tăng cường quản lý báo chí"


def test_restore_equals_the_command(cli, tmp_path):
    text = (SEEDS / "000_ac36b2be699df4a8.txt").read_text()
    stripped = strip_marks(text)
    source = tmp_path / "stripped.txt"
    source.write_text(stripped)
    for kind, tone in [("auto", "new"), ("stripped", "old")]:
        expected = "\n".join(cli("restore", "--input-kind", kind, "--tone", tone, source))
        assert vanban.restore(stripped, input_kind=kind, tone=tone).rstrip("\n") == expected


def test_restore_detailed_tokens_point_at_their_text():
    text = "Can cu Ke hoach so 24-KH/TU, tang cuong cong tac quan ly bao chi."
    detailed = vanban.restore_detailed(text)
    assert detailed["text"] == vanban.restore(text)
    assert detailed["input_kind"] == "stripped"
    assert detailed["tokens"], "a stripped sentence has restored tokens"
    for token in detailed["tokens"]:
        assert text[token["input_start"] : token["input_end"]] == token["input"]
        assert detailed["text"][token["output_start"] : token["output_end"]] == token["output"]
    assert "24-KH/TU" in detailed["text"]


def test_parse_equals_the_command(cli, tmp_path):
    text = (
        "Căn cứ Kế hoạch số 156-KH/BTGTW ngày 14 tháng 6 năm 2022 của Ban Tuyên giáo Trung ương"
        " về tăng cường công tác báo chí.\n"
    )
    source = tmp_path / "ex.txt"
    source.write_text(text)
    [line] = cli("parse", "--no-restore", source)
    expected = json.loads(line)
    parsed = vanban.parse(text)
    assert list(parsed) == ["document", "dates", "references", "entities"]
    for section in parsed:
        assert parsed[section] == expected[section], section
    assert parsed["references"][0]["number"]["value"] == "156-KH/BTGTW"


# Each Pipeline option and the `vanban process` flag that asks for the same.
OPTIONS = [
    ({}, []),
    ({"tone": "old"}, ["--tone", "old"]),
    ({"restore": False}, ["--no-restore"]),
    ({"keep_lines": True}, ["--keep-lines"]),
]


@pytest.mark.parametrize(("options", "flags"), OPTIONS, ids=lambda o: str(o))
def test_process_many_equals_the_command(cli, options, flags):
    inputs = [SEEDS, TEXT_LAYER_PDF, DAMAGED / "truncated.png", REPO / "no-such-file.txt"]
    expected = [
        line for line in cli("process", "-q", "--jobs", "2", *flags, *inputs)
        if json.loads(line)["type"] in ("document", "error")
    ]
    records = vanban.Pipeline(**options).process_many(inputs, jobs=2)
    assert [compact(r) for r in records] == expected
    assert len(records_of(expected, "document")) == 6
    assert len(records_of(expected, "error")) == 2


def test_process_equals_the_command_for_paths_and_bytes(cli):
    pipeline = vanban.Pipeline()
    for path in sorted(SEEDS.iterdir()):
        [expected] = records_of(cli("process", "-q", path), "document")
        assert pipeline.process_json(path) == expected
        assert compact(pipeline.process(str(path))) == expected
        assert pipeline.process_json(path.read_bytes(), name=str(path)) == expected


def test_dumps_writes_floats_as_the_command_does(cli):
    # Regression: json.dumps writes the alternatives' small confidences as 1.9118956e-07 where
    # the command writes 1.9118956e-7, so records compared through json.dumps differed.
    path = SEEDS / "002_a158e5844dad4d3e.txt"
    [expected] = records_of(cli("process", "-q", path), "document")
    record = vanban.Pipeline().process(path)
    assert vanban.dumps(record) == expected
    assert json.dumps(record, ensure_ascii=False, separators=(",", ":")) != expected


def test_pretty_dumps_equals_the_out_file(cli, tmp_path):
    path = SEEDS / "001_6545ed3fafa3d3a4.txt"
    cli("process", "-q", "--out", tmp_path, path)
    record = vanban.Pipeline().process(path)
    del record["type"]  # the files hold the record alone; the line tags its type
    assert vanban.dumps(record, pretty=True) + "\n" == (tmp_path / f"{path.name}.json").read_text()


def test_bytes_are_named_as_standard_input(cli):
    data = (SEEDS / "003_026306599e5846c8.txt").read_bytes()
    [expected] = records_of(cli("process", "-q", "-", stdin=data), "document")
    assert vanban.Pipeline().process_json(data) == expected


def test_errors_carry_the_command_error_record(cli):
    pipeline = vanban.Pipeline()
    cases = [
        (DAMAGED / "truncated.png", vanban.ImageError),
        (DAMAGED / "encrypted.pdf", vanban.PdfError),
        (DAMAGED / "zero-pages.pdf", vanban.PdfError),
        (REPO / "no-such-file.png", vanban.NotFoundError),
    ]
    for path, error_class in cases:
        [expected] = records_of(cli("process", "-q", path), "error")
        with pytest.raises(error_class) as raised:
            pipeline.process(path)
        error = raised.value
        assert isinstance(error, vanban.VanbanError)
        assert compact(error.record()) == expected
        assert str(error) == error.message
        copy = pickle.loads(pickle.dumps(error))
        assert (type(copy), copy.path, copy.kind, copy.message) == (
            error_class, error.path, error.kind, error.message
        )


def test_empty_bytes_raise_with_the_given_name():
    with pytest.raises(vanban.EmptyInputError) as raised:
        vanban.Pipeline().process(b"", name="upload-17")
    assert (raised.value.path, raised.value.kind) == ("upload-17", "empty")


@pytest.mark.parametrize(
    "options",
    [{"tone": "older"}, {"lang": "vie/../x"}],
    ids=lambda o: next(iter(o)),
)
def test_bad_options_are_value_errors(options):
    with pytest.raises(ValueError):
        vanban.Pipeline(**options)
    with pytest.raises(ValueError):
        vanban.restore("tang cuong", input_kind="garbled")


def test_overlay_records_equal_the_command(cli, overlay):
    # Regression: Pipeline(overlay=...) was refused with a ValueError.
    pipeline = vanban.Pipeline(overlay=overlay)
    inputs = [OVERLAY / "input.txt", SEEDS / "000_ac36b2be699df4a8.txt"]
    for path in inputs:
        [expected] = records_of(cli("process", "-q", "--overlay", overlay, path), "document")
        assert pipeline.process_json(path) == expected
    adapted = pipeline.process(OVERLAY / "input.txt")
    assert adapted["text"]["content"].startswith("công chứng hồ sơ công chứng")
    plain = vanban.Pipeline().process(OVERLAY / "input.txt")
    assert plain["text"]["content"].startswith("công chúng hồ sơ công chúng")
    expected = records_of(cli("process", "-q", "--jobs", "2", "--overlay", overlay, *inputs), "document")
    assert [compact(r) for r in pipeline.process_many(inputs, jobs=2)] == expected
    copy = pickle.loads(pickle.dumps(pipeline))
    assert repr(copy) == repr(pipeline) and str(overlay) in repr(copy)
    assert copy.process_json(OVERLAY / "input.txt") == pipeline.process_json(OVERLAY / "input.txt")


def test_a_bad_overlay_raises_the_command_error_record(cli, overlay, tmp_path):
    truncated = tmp_path / "truncated.vbo"
    truncated.write_bytes(overlay.read_bytes()[:-10])
    not_an_overlay = tmp_path / "model.vbo"
    not_an_overlay.write_bytes(b"VNBMODEL" + bytes(120))
    cases = [
        (tmp_path / "missing.vbo", vanban.NotFoundError),
        (truncated, vanban.ModelError),
        (not_an_overlay, vanban.ModelError),
    ]
    for path, error_class in cases:
        lines = cli("process", "-q", "--overlay", path, OVERLAY / "input.txt", exit_codes=(2,))
        [expected] = records_of(lines, "error")
        with pytest.raises(error_class) as raised:
            vanban.Pipeline(overlay=path)
        assert compact(raised.value.record()) == expected
        assert raised.value.path == str(path)


def test_a_pipeline_pickles_with_its_options():
    pipeline = vanban.Pipeline(tone="old", restore=False, keep_lines=True)
    copy = pickle.loads(pickle.dumps(pipeline))
    assert repr(copy) == repr(pipeline)
    path = SEEDS / "001_6545ed3fafa3d3a4.txt"
    assert copy.process_json(path) == pipeline.process_json(path)


def test_one_pipeline_shared_by_threads_gives_the_sequential_records():
    pipeline = vanban.Pipeline()
    paths = sorted(SEEDS.iterdir()) * 3
    sequential = [pipeline.process_json(p) for p in paths]
    results: list[str | None] = [None] * len(paths)

    def work(start: int) -> None:
        for i in range(start, len(paths), 4):
            results[i] = pipeline.process_json(paths[i])

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == sequential


def test_work_runs_without_the_gil():
    # Restoring about 200 k stripped words takes a good part of a second; were the GIL held,
    # this thread could not run a single iteration while the call is in progress.
    text = strip_marks("\n".join(p.read_text() for p in sorted(SEEDS.iterdir()))) * 4
    started, finished = threading.Event(), threading.Event()

    def work() -> None:
        started.set()
        vanban.restore(text, input_kind="stripped")
        finished.set()

    worker = threading.Thread(target=work)
    worker.start()
    started.wait()
    iterations = 0
    while not finished.is_set():
        iterations += 1
    worker.join()
    assert iterations > 10_000
