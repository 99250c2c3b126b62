"""Shared fixtures: the repository's fixtures/ and the `vanban` command the records must match."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

import vanban

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
SEEDS = FIXTURES / "seeds"
SCANS = FIXTURES / "scans"
DAMAGED = FIXTURES / "damaged"
OVERLAY = FIXTURES / "overlay"
# The documents of fixtures/scans (the .gt files beside them are their truth texts).
SCAN_DOCUMENTS = sorted(p for p in SCANS.iterdir() if p.suffix != ".gt")


def compact(record: dict) -> str:
    """A record serialized as `vanban process` prints it."""
    return vanban.dumps(record)


def _find_cli() -> str | None:
    candidates = [os.environ.get("VANBAN_BIN")]
    candidates += [str(REPO / "target" / profile / "vanban") for profile in ("debug", "release")]
    candidates.append(shutil.which("vanban"))
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


@pytest.fixture(scope="session")
def cli():
    """Runs `vanban ARGS...` and returns its standard output lines (the JSON Lines records)."""
    binary = _find_cli()
    if binary is None:
        pytest.skip("no vanban binary to compare with: set VANBAN_BIN or run `cargo build` first")

    def run(
        *args: str | os.PathLike, stdin: bytes | None = None, exit_codes: tuple[int, ...] = (0, 1)
    ) -> list[str]:
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        done = subprocess.run(
            [binary, *map(str, args)], input=stdin, capture_output=True, env=env, check=False
        )
        assert done.returncode in exit_codes, done.stderr.decode()
        return done.stdout.decode().splitlines()

    return run


@pytest.fixture(scope="session")
def overlay(cli, tmp_path_factory) -> Path:
    """An overlay made by `vanban model adapt` from fixtures/overlay/archive, with which
    fixtures/overlay/input.txt restores as `công chứng` (the embedded model alone: `công chúng`)."""
    path = tmp_path_factory.mktemp("overlay") / "archive.vbo"
    cli("model", "adapt", "--corpus", OVERLAY / "archive", "-o", path)
    return path


def records_of(lines: list[str], record_type: str) -> list[str]:
    """The lines of one record type (`document`, `error`), as printed."""
    return [line for line in lines if json.loads(line)["type"] == record_type]


def strip_marks(text: str) -> str:
    """Vietnamese text without its diacritics (what `vanban restore` is for)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))
