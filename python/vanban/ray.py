"""Ray Data integration: vanban over a cluster.

>>> import ray, vanban.ray
>>> files = ray.data.read_binary_files(paths, include_paths=True)
>>> records = vanban.ray.process_dataset(files, lang="vie")
>>> records.write_parquet("s3://bucket/vanban/")

Each input row (``bytes``, ``path``) becomes one output row with the columns of
:data:`SCHEMA`: ``json`` is the line ``vanban process`` prints for that file (its ``document``
record, or its ``error`` record when the file cannot be processed: a bad file never fails the
job), and the main fields are columns of their own for queries.
"""

from __future__ import annotations

import json
from typing import Any, Optional, Union

import pyarrow as pa

from . import Pipeline, VanbanError, dumps

#: The output rows. ``record_type`` is ``"document"`` or ``"error"``; the document fields are
#: the ``value`` of the record's ``document.number``, ``document.doc_type``,
#: ``document.issue_date`` (ISO) and ``document.issuer``, null when the parser found none.
SCHEMA = pa.schema(
    [
        ("record_type", pa.string()),
        ("document_id", pa.string()),
        ("path", pa.string()),
        ("json", pa.string()),
        ("number", pa.string()),
        ("doc_type", pa.string()),
        ("issue_date", pa.string()),
        ("issuer", pa.string()),
        ("error_kind", pa.string()),
        ("error_message", pa.string()),
    ]
)

#: Environment of the worker processes. Tesseract's OpenMP runtime reads ``OMP_THREAD_LIMIT`` when
#: it is loaded (without it OCR runs about four times slower on a busy machine), and one rayon
#: thread per actor keeps each actor on the one CPU it reserved, with one Tesseract engine.
WORKER_ENV = {"OMP_THREAD_LIMIT": "1", "RAYON_NUM_THREADS": "1"}

#: Files per batch: one. A scanned page takes one to two seconds of a core and documents run from
#: one page to hundreds, so batches of several files left one actor idle at the end while the other
#: worked through its last batch (batches of 4, 14 files on 2 actors: busy 16.1 s and 12.1 s).
#: Ray's cost per batch is 15–30 ms (python/bench/throughput.py --trace).
DEFAULT_BATCH_SIZE = 1

#: Batches sent to an actor before it has finished the one it works on: one, so that each file goes
#: to whichever actor is free first. More (Ray Data's default is 4) can queue the last files behind
#: a long document while the other actor is idle; 2 saved only about 0.15 s of gaps per actor over
#: 14 files.
MAX_TASKS_IN_FLIGHT_PER_ACTOR = 1

def _field_value(document: dict[str, Any], name: str) -> Optional[str]:
    field = document.get(name)
    return None if field is None else field["value"]


def process_row(pipeline: Pipeline, path: str, data: bytes) -> dict[str, Optional[str]]:
    """One output row for one file: its record, or its error record when it cannot be processed.

    Errors of vanban itself give the command's ``error`` record; anything else (a bug) gives an
    ``error`` row of kind ``internal`` rather than failing the whole job.
    """
    row: dict[str, Optional[str]] = dict.fromkeys(SCHEMA.names)
    row["path"] = path
    try:
        line = pipeline.process_json(data, name=path)
    except VanbanError as error:
        record = error.record()
    except Exception as error:  # noqa: BLE001 - one file must not fail the batch
        record = {
            "type": "error",
            "path": path,
            "kind": "internal",
            "message": f"{path}: {type(error).__name__}: {error}",
        }
    else:
        document = json.loads(line)
        meta = document["document"]
        row.update(
            record_type="document",
            document_id=document["document_id"],
            json=line,
            number=_field_value(meta, "number"),
            doc_type=_field_value(meta, "doc_type"),
            issue_date=_field_value(meta, "issue_date"),
            issuer=_field_value(meta, "issuer"),
        )
        return row
    row.update(
        record_type="error",
        json=dumps(record),
        error_kind=record["kind"],
        error_message=record["message"],
    )
    return row


def init_local(num_cpus: int, attempts: int = 3, **init_options: Any) -> None:
    """``ray.init(num_cpus=...)`` for a local Ray, tried ``attempts`` times: Ray gives its raylet
    a fixed 30 s to register, which a machine busy with other work can miss."""
    import ray

    for attempt in range(attempts):
        try:
            ray.init(num_cpus=num_cpus, **init_options)
            return
        except Exception:
            ray.shutdown()
            if attempt == attempts - 1:
                raise


class _Processor:
    """A stateful worker: one :class:`Pipeline` per actor, built once, used for every batch."""

    def __init__(self, pipeline_options: dict[str, Any]) -> None:
        self._pipeline = Pipeline(**pipeline_options)

    def __call__(self, batch: pa.Table) -> pa.Table:
        missing = {"bytes", "path"} - set(batch.column_names)
        if missing:
            raise ValueError(
                f"vanban.ray needs the columns 'bytes' and 'path' (missing {sorted(missing)}): "
                "read the files with ray.data.read_binary_files(paths, include_paths=True)"
            )
        rows = [
            process_row(self._pipeline, path, data)
            for path, data in zip(batch.column("path").to_pylist(), batch.column("bytes").to_pylist())
        ]
        return pa.Table.from_pylist(rows, schema=SCHEMA)


def process_dataset(
    ds: "ray.data.Dataset",  # noqa: F821 - ray is imported lazily
    *,
    concurrency: Optional[Union[int, tuple[int, int]]] = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    **pipeline_options: Any,
) -> "ray.data.Dataset":  # noqa: F821
    """Processes a Dataset of files (``ray.data.read_binary_files(paths, include_paths=True)``).

    ``concurrency``: the number of actors (each works on one core with one ``Pipeline``), or
    ``(min, max)`` for an autoscaling pool; default: one per CPU of the cluster. The actors
    reserve no CPU in Ray's accounting (so the tasks reading the files always find one) and are
    spread over the nodes. ``batch_size``: files per batch (default one, see
    :data:`DEFAULT_BATCH_SIZE`). ``pipeline_options`` are :class:`vanban.Pipeline`'s (``lang``,
    ``tone``, ``restore``, ``overlay``, ``keep_lines``; an overlay must be at the same path on
    every node). Returns a Dataset with the columns of :data:`SCHEMA`, to write with
    ``write_parquet`` or ``write_json``.
    """
    import ray
    from ray.data import ActorPoolStrategy

    # Fail here, on the driver, for options a worker would reject.
    Pipeline(**pipeline_options)
    if concurrency is None:
        concurrency = max(1, int(ray.cluster_resources().get("CPU", 1)))
    in_flight = MAX_TASKS_IN_FLIGHT_PER_ACTOR
    if isinstance(concurrency, int):
        compute = ActorPoolStrategy(size=concurrency, max_tasks_in_flight_per_actor=in_flight)
    else:
        low, high = concurrency
        compute = ActorPoolStrategy(
            min_size=low, max_size=high, max_tasks_in_flight_per_actor=in_flight
        )
    return ds.map_batches(
        _Processor,
        fn_constructor_args=(pipeline_options,),
        batch_format="pyarrow",
        batch_size=batch_size,
        compute=compute,
        # The actors reserve no CPU: actors holding every CPU left none for the tasks that read
        # the files, and the job waited for ever (a pool of 2 on 2 CPUs; an autoscaling one too,
        # once it had grown). The pool's size bounds the OCR work instead, spread over the nodes
        # by Ray Data's default scheduling strategy ("SPREAD"; passing it, a free-form remote
        # argument, is deprecated from Ray 2.60).
        num_cpus=0,
        runtime_env={"env_vars": WORKER_ENV},
    )
