"""Pages per second over the scan fixtures: `vanban process --jobs 2` against vanban.ray on a
local Ray with 2 CPUs, alternating in the same run.

    OMP_THREAD_LIMIT=1 python python/bench/throughput.py --cli target/release/vanban --rounds 5

The wheel installed in the running Python is measured; build it with the same profile as the
binary for a fair comparison. The local Ray is started once, before any timing (as a job finds a
cluster already up); each Ray round includes everything else a job does: starting its actors
(worker processes, Pipeline, Tesseract), reading the files, and collecting the rows. The two
sides take turns going first. `--copies N` repeats the inputs N times (as different files) to
separate the fixed cost from the per-page one. `--trace` says where each Ray round's time went:
when the actors were ready, how long each worked, and how long it waited for files or sat idle
at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import ray

import vanban.ray

REPO = Path(__file__).resolve().parents[2]
SCANS = REPO / "fixtures" / "scans"


def traced_processor(log: Path) -> type:
    """vanban.ray's actor class, also appending when it was ready and when each batch ran (wall
    clock, shared by the processes of a local Ray) to `log`."""

    class Traced(vanban.ray._Processor):
        def __init__(self, pipeline_options):
            super().__init__(pipeline_options)
            self._log({"ready": time.time()})

        def __call__(self, batch):
            start = time.time()
            out = super().__call__(batch)
            self._log({"start": start, "end": time.time()})
            return out

        def _log(self, event):
            with open(log, "a") as f:
                f.write(json.dumps({"pid": os.getpid(), **event}) + "\n")

    return Traced


def report_trace(log: Path, started: float, finished: float) -> str:
    events = [json.loads(line) for line in log.read_text().splitlines()]
    log.unlink()
    parts = []
    for pid in sorted({e["pid"] for e in events}):
        mine = [e for e in events if e["pid"] == pid]
        ready = next(e["ready"] for e in mine if "ready" in e)
        batches = sorted((e for e in mine if "start" in e), key=lambda e: e["start"])
        busy = sum(e["end"] - e["start"] for e in batches)
        waited = batches[0]["start"] - ready + sum(
            b["start"] - a["end"] for a, b in zip(batches, batches[1:])
        )
        parts.append(
            f"ready {ready - started:.2f} s, {len(batches)} files, busy {busy:.2f} s, "
            f"waiting {waited:.2f} s, idle at the end {finished - batches[-1]['end']:.2f} s"
        )
    return "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", default=str(REPO / "target" / "release" / "vanban"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        inputs = []
        for copy in range(args.copies):
            for scan in sorted(p for p in SCANS.iterdir() if p.suffix != ".gt"):
                target = Path(work) / f"c{copy}-{scan.name}"
                shutil.copy(scan, target)
                inputs.append(str(target))
        trace_log = Path(work) / "trace.jsonl"
        if args.trace:
            # process_dataset maps whatever class this name holds onto the actors.
            vanban.ray._Processor = traced_processor(trace_log)

        started = time.perf_counter()
        vanban.ray.init_local(num_cpus=2, include_dashboard=False, log_to_driver=False)
        ray.data.DataContext.get_current().enable_progress_bars = False
        print(f"ray.init (not timed): {time.perf_counter() - started:.2f} s")

        times: dict[str, list[float]] = {"cli": [], "ray": []}
        records: dict[str, dict] = {}
        pages = 0

        def run_cli() -> None:
            nonlocal pages
            out = subprocess.run(
                [args.cli, "process", "-q", "--jobs", "2", *inputs],
                capture_output=True, check=True, text=True,
            ).stdout
            found = {
                r["source"]["path"]: r
                for r in map(json.loads, out.splitlines())
                if r["type"] == "document"
            }
            records["cli"] = found
            pages = sum(len(r["source"]["pages"]) for r in found.values())

        def run_ray() -> None:
            rows = vanban.ray.process_dataset(
                ray.data.read_binary_files(inputs, include_paths=True)
            ).take_all()
            records["ray"] = {row["path"]: json.loads(row["json"]) for row in rows}

        sides = [("cli", run_cli), ("ray", run_ray)]
        for round_ in range(args.rounds):
            for name, run in sides if round_ % 2 == 0 else sides[::-1]:
                wall, start = time.time(), time.perf_counter()
                run()
                times[name].append(time.perf_counter() - start)
                if name == "ray" and args.trace:
                    print(f"round {round_} ray {times['ray'][-1]:.2f} s: "
                          + report_trace(trace_log, wall, time.time()))
            assert records["ray"] == records["cli"], "Ray's records differ from the command's"

        def rate(side: list[float]) -> str:
            return ", ".join(f"{pages / t:.3f}" for t in side)

        cli, ray_ = times["cli"], times["ray"]
        print(f"{len(inputs)} documents, {pages} pages, {args.rounds} rounds, records identical")
        print(f"vanban process --jobs 2: {rate(cli)} pages/s "
              f"(best {min(cli):.2f} s, median {statistics.median(cli):.2f} s)")
        print(f"vanban.ray, 2 CPUs:      {rate(ray_)} pages/s "
              f"(best {min(ray_):.2f} s, median {statistics.median(ray_):.2f} s)")
        print(f"Ray overhead, best against best: {100 * (min(ray_) / min(cli) - 1):+.1f} %; "
              f"median against median: "
              f"{100 * (statistics.median(ray_) / statistics.median(cli) - 1):+.1f} %")
        ray.shutdown()


if __name__ == "__main__":
    main()
