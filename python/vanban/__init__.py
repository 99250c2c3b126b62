"""vanban: Vietnamese administrative and Party directives (scans, PDFs, text) into clean text and
structured JSON, from Python.

The work is done by the same Rust library as the ``vanban`` command, with the GIL released:

>>> import vanban
>>> vanban.restore("tang cuong quan ly bao chi")
'tăng cường quản lý báo chí'
>>> record = vanban.Pipeline().process("directive.pdf")   # the command's JSON record, as a dict
>>> line = vanban.dumps(record)                            # ... and its line, byte for byte

Tesseract's OpenMP runtime (Debian's build) is about four times slower on a busy machine unless
``OMP_THREAD_LIMIT=1`` is in the environment before the process starts; ``vanban.ray`` sets it
for its workers.
"""

from ._errors import (
    BinaryInputError,
    EmptyInputError,
    EncodingError,
    ImageError,
    InvalidInputError,
    ModelError,
    NoDocumentsError,
    NotFoundError,
    OcrError,
    PdfError,
    ReadError,
    UnsupportedFormatError,
    VanbanError,
)
from ._vanban import SCHEMA_VERSION, Pipeline, dumps, parse, restore, restore_detailed

__all__ = [
    "SCHEMA_VERSION",
    "BinaryInputError",
    "EmptyInputError",
    "EncodingError",
    "ImageError",
    "InvalidInputError",
    "ModelError",
    "NoDocumentsError",
    "NotFoundError",
    "OcrError",
    "PdfError",
    "Pipeline",
    "ReadError",
    "UnsupportedFormatError",
    "VanbanError",
    "dumps",
    "parse",
    "restore",
    "restore_detailed",
]
