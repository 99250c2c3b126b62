"""The exceptions vanban raises: one class per ``kind`` of the command line's ``error`` records."""

from __future__ import annotations


class VanbanError(Exception):
    """An input vanban could not process.

    ``path``, ``kind`` and ``message`` are the fields of the ``error`` record ``vanban process``
    writes for the same input (``kind`` is e.g. ``"image"``, ``"pdf"``, ``"not_found"``).
    """

    def __init__(self, path: str, kind: str, message: str) -> None:
        # All three in args, so the exception pickles (Ray sends exceptions between processes).
        super().__init__(path, kind, message)
        self.path = path
        self.kind = kind
        self.message = message

    def __str__(self) -> str:
        return self.message

    def record(self) -> dict[str, str]:
        """The ``error`` record ``vanban process`` writes for this failure."""
        return {"type": "error", "path": self.path, "kind": self.kind, "message": self.message}


class NotFoundError(VanbanError):
    """``not_found``: no such file or directory."""


class ReadError(VanbanError):
    """``io``: the file exists but could not be read."""


class NoDocumentsError(VanbanError):
    """``no_documents``: a directory without any document in it."""


class EmptyInputError(VanbanError):
    """``empty``: an empty file, or one with no text on any page."""


class BinaryInputError(VanbanError):
    """``binary``: a binary file that is neither an image nor a PDF."""


class EncodingError(VanbanError):
    """``encoding``: text in no encoding vanban knows."""


class UnsupportedFormatError(VanbanError):
    """``unsupported_format``: a format vanban does not read."""


class ImageError(VanbanError):
    """``image``: a truncated or corrupt image."""


class PdfError(VanbanError):
    """``pdf``: an encrypted, corrupt or page-less PDF."""


class OcrError(VanbanError):
    """``ocr``: Tesseract could not read a page, or its language model is missing."""


class ModelError(VanbanError):
    """``model``: the restoration model could not be loaded."""


class InvalidInputError(VanbanError):
    """``invalid_input``: any other input vanban cannot take."""
