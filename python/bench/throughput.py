"""Pages per second over the scan fixtures: `vanban process --jobs 2` against vanban.ray on a
local Ray with 2 CPUs, alternating in the same run.

    OMP_THREAD_LIMIT=1 python python/bench/throughput.py --cli target/release/vanban --rounds 3

The wheel installed in the running Python is measured; build it with `maturin build --release`
for a fair comparison with a release binary. Ray's start (`ray.init`) is outside the timing;
each Ray round includes starting its actors, as every job does. `--copies N` repeats the inputs
N times (as different files) to see how the fixed cost shrinks with the job's size.
"""

from __future__ import annotations

import argparse
import json
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", default=str(REPO / "target" / "release" / "vanban"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--copies", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        inputs = []
        for copy in range(args.copies):
            for scan in sorted(p for p in SCANS.iterdir() if p.suffix != ".gt"):
                target = Path(work) / f"c{copy}-{scan.name}"
                shutil.copy(scan, target)
                inputs.append(str(target))

        vanban.ray.init_local(num_cpus=2, include_dashboard=False, log_to_driver=False)
        ray.data.DataContext.get_current().enable_progress_bars = False
        cli_times, ray_times, pages = [], [], None
        for _ in range(args.rounds):
            start = time.perf_counter()
            out = subprocess.run(
                [args.cli, "process", "-q", "--jobs", "2", *inputs],
                capture_output=True, check=True, text=True,
            ).stdout
            cli_times.append(time.perf_counter() - start)
            cli_records = {
                r["source"]["path"]: r
                for r in map(json.loads, out.splitlines())
                if r["type"] == "document"
            }
            pages = sum(len(r["source"]["pages"]) for r in cli_records.values())

            start = time.perf_counter()
            rows = vanban.ray.process_dataset(
                ray.data.read_binary_files(inputs, include_paths=True)
            ).take_all()
            ray_times.append(time.perf_counter() - start)
            assert {row["path"]: json.loads(row["json"]) for row in rows} == cli_records

        def rate(times: list[float]) -> str:
            return ", ".join(f"{pages / t:.3f}" for t in times)

        cli_best, ray_best = min(cli_times), min(ray_times)
        print(f"{len(inputs)} documents, {pages} pages, {args.rounds} rounds")
        print(f"vanban process --jobs 2: {rate(cli_times)} pages/s (median {statistics.median(cli_times):.2f} s)")
        print(f"vanban.ray, 2 CPUs:      {rate(ray_times)} pages/s (median {statistics.median(ray_times):.2f} s)")
        print(f"Ray overhead, best against best: {100 * (ray_best / cli_best - 1):+.1f} %; "
              f"median against median: {100 * (statistics.median(ray_times) / statistics.median(cli_times) - 1):+.1f} %")
        ray.shutdown()


if __name__ == "__main__":
    main()
