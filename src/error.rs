//! The library's error type. Every variant that concerns one input names the file, so a batch can
//! report it and carry on.

use std::path::PathBuf;

use serde::Serialize;

/// A stable, machine-readable category for an error, used in `error` records of the JSON output
/// and to choose exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    NotFound,
    Io,
    NoDocuments,
    Empty,
    Binary,
    Encoding,
    UnsupportedFormat,
    Image,
    Pdf,
    Ocr,
    Model,
    InvalidInput,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("{}: no such file or directory", path.display())]
    NotFound { path: PathBuf },

    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{}: directory holds no documents (looked for {expected})", path.display())]
    NoDocuments { path: PathBuf, expected: String },

    #[error("{}: file is empty", path.display())]
    Empty { path: PathBuf },

    #[error("{}: binary file ({reason}); expected text, an image or a PDF", path.display())]
    Binary { path: PathBuf, reason: String },

    #[error("{}: cannot decode text: {reason}", path.display())]
    Encoding { path: PathBuf, reason: String },

    #[error("{}: unsupported format: {reason}", path.display())]
    UnsupportedFormat { path: PathBuf, reason: String },

    #[error("{}: cannot read image: {reason}", path.display())]
    Image { path: PathBuf, reason: String },

    #[error("{}: cannot read PDF: {reason}", path.display())]
    Pdf { path: PathBuf, reason: String },

    #[error("{}: OCR failed: {reason}", path.display())]
    Ocr { path: PathBuf, reason: String },

    #[error("model {}: {reason}", path.display())]
    Model { path: PathBuf, reason: String },

    #[error("{}: {reason}", path.display())]
    InvalidInput { path: PathBuf, reason: String },
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::Io { .. } => ErrorKind::Io,
            Error::NoDocuments { .. } => ErrorKind::NoDocuments,
            Error::Empty { .. } => ErrorKind::Empty,
            Error::Binary { .. } => ErrorKind::Binary,
            Error::Encoding { .. } => ErrorKind::Encoding,
            Error::UnsupportedFormat { .. } => ErrorKind::UnsupportedFormat,
            Error::Image { .. } => ErrorKind::Image,
            Error::Pdf { .. } => ErrorKind::Pdf,
            Error::Ocr { .. } => ErrorKind::Ocr,
            Error::Model { .. } => ErrorKind::Model,
            Error::InvalidInput { .. } => ErrorKind::InvalidInput,
        }
    }

    /// The file the error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            Error::NotFound { path }
            | Error::Io { path, .. }
            | Error::NoDocuments { path, .. }
            | Error::Empty { path }
            | Error::Binary { path, .. }
            | Error::Encoding { path, .. }
            | Error::UnsupportedFormat { path, .. }
            | Error::Image { path, .. }
            | Error::Pdf { path, .. }
            | Error::Ocr { path, .. }
            | Error::Model { path, .. }
            | Error::InvalidInput { path, .. } => path,
        }
    }

    /// An I/O error on `path`, with "not found" given its own kind because it is the most common
    /// mistake on a command line.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let path = path.into();
        if source.kind() == std::io::ErrorKind::NotFound {
            Error::NotFound { path }
        } else {
            Error::Io { path, source }
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
