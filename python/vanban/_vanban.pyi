"""Type stubs of the compiled module ``vanban._vanban`` (re-exported by ``vanban``)."""

import os
from typing import Any, Literal, Optional, Sequence, Union

SCHEMA_VERSION: str

InputKind = Literal["auto", "stripped", "ocr-eng", "ocr-vie", "accented"]
ToneStyle = Literal["new", "old"]
Record = dict[str, Any]

class Pipeline:
    """All of vanban's stages, configured once, as ``vanban process`` with the same options.

    ``overlay``: an archive's overlay (``vanban model adapt``) folded into the model, as
    ``--overlay FILE``; a missing or damaged one raises a ``VanbanError`` subclass
    (``NotFoundError``, ``ModelError``) with the ``error`` record the command writes for it.
    Safe to share between threads; work runs without the GIL.
    """

    def __init__(
        self,
        lang: str = "vie",
        tone: ToneStyle = "new",
        restore: bool = True,
        overlay: Optional[Union[str, os.PathLike[str]]] = None,
        keep_lines: bool = False,
    ) -> None: ...
    def process(
        self, source: Union[str, os.PathLike[str], bytes], name: Optional[str] = None
    ) -> Record:
        """The ``document`` record ``vanban process`` writes; raises a ``VanbanError`` subclass."""
    def process_json(
        self, source: Union[str, os.PathLike[str], bytes], name: Optional[str] = None
    ) -> str:
        """The record as the JSON line ``vanban process`` prints (without the newline)."""
    def process_many(
        self, paths: Sequence[Union[str, os.PathLike[str]]], jobs: int = 0
    ) -> list[Record]:
        """``document`` and ``error`` records of files and directories, in the command's order."""

def restore(text: str, input_kind: InputKind = "auto", tone: ToneStyle = "new") -> str:
    """Restores Vietnamese diacritics, as ``vanban restore`` does."""

def restore_detailed(
    text: str, input_kind: InputKind = "auto", tone: ToneStyle = "new"
) -> Record:
    """``{"text", "input_kind", "tokens"}``: the restoration with every changed or unsure token."""

def parse(text: str) -> Record:
    """``{"document", "dates", "references", "entities"}`` of ``text`` as it is."""

def dumps(record: Any, pretty: bool = False) -> str:
    """A record serialized exactly as ``vanban process`` writes it (``pretty``: as its ``--out``
    files, without the final newline). ``json.dumps`` differs in floats (``1e-07``, not ``1e-7``)."""
