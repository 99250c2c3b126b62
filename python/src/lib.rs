//! `vanban._vanban`: the PyO3 layer over the `vanban` library. It only converts arguments and
//! results: every record is built by the library code `vanban process` uses
//! ([`vanban::pipeline`], [`vanban::schema`]) and serialized by serde exactly as the command line
//! writes it, then handed to Python's `json.loads` (an `f32` converted to a Python float directly
//! would print as `0.9300000071525879` instead of `0.93`).
//!
//! [`dumps`] serializes such a dict back the same way.
//!
//! Work runs with the GIL released ([`Python::detach`]); a [`Pipeline`] holds only read-only
//! state, so Python threads may share one.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyString};
use rayon::prelude::*;
use serde::Serialize;

use vanban::error::{Error, ErrorKind};
use vanban::ingest;
use vanban::pipeline::{Pipeline as CorePipeline, PipelineOptions};
use vanban::restore::{InputKind, RestoreOptions, Restorer};
use vanban::schema::{DocumentRecord, ErrorRecord, Message};
use vanban::text::ToneStyle;

/// The `VanbanError` subclass (defined in `vanban/_errors.py`) raised for each error kind. An
/// exhaustive match, so a new kind in the library does not compile until it has a class here.
fn exception_class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::NotFound => "NotFoundError",
        ErrorKind::Io => "ReadError",
        ErrorKind::NoDocuments => "NoDocumentsError",
        ErrorKind::Empty => "EmptyInputError",
        ErrorKind::Binary => "BinaryInputError",
        ErrorKind::Encoding => "EncodingError",
        ErrorKind::UnsupportedFormat => "UnsupportedFormatError",
        ErrorKind::Image => "ImageError",
        ErrorKind::Pdf => "PdfError",
        ErrorKind::Ocr => "OcrError",
        ErrorKind::Model => "ModelError",
        ErrorKind::InvalidInput => "InvalidInputError",
    }
}

/// The Python exception for a library error, carrying the fields of the command line's `error`
/// record.
fn to_py_error(py: Python<'_>, error: &Error) -> PyErr {
    let record = ErrorRecord::from(error);
    let raise = || -> PyResult<PyErr> {
        let kind = json_string(&record.kind)?;
        let class = py
            .import("vanban._errors")?
            .getattr(exception_class_name(record.kind))?;
        let instance = class.call1((record.path.as_str(), kind, record.message.as_str()))?;
        Ok(PyErr::from_value(instance))
    };
    raise().unwrap_or_else(|failure| failure)
}

/// A serde value that serializes to a JSON string (an enum's name as the record spells it).
fn json_string<T: Serialize>(value: &T) -> PyResult<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(PyRuntimeError::new_err("expected a string-valued enum")),
    }
}

/// One JSON line of `vanban process` output, without its newline.
fn to_json_line<T: Serialize>(value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| PyRuntimeError::new_err(format!("serializing: {e}")))
}

/// `json.loads`, looked up once.
fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let loads = LOADS.get_or_try_init(py, || -> PyResult<_> {
        Ok(py.import("json")?.getattr("loads")?.unbind())
    })?;
    loads.bind(py).call1((text,))
}

/// A value of a kebab- or snake-case enum the library spells that way in its JSON.
fn parse_enum<T: serde::de::DeserializeOwned>(
    value: &str,
    what: &str,
    allowed: &str,
) -> PyResult<T> {
    serde_json::from_value(serde_json::Value::String(value.to_owned()))
        .map_err(|_| PyValueError::new_err(format!("{what}: {value:?} is not one of {allowed}")))
}

fn tone_style(tone: &str) -> PyResult<ToneStyle> {
    parse_enum(tone, "tone", "\"new\", \"old\"")
}

fn input_kind(kind: &str) -> PyResult<InputKind> {
    parse_enum(
        kind,
        "input_kind",
        "\"auto\", \"stripped\", \"ocr-eng\", \"ocr-vie\", \"accented\"",
    )
}

/// What `.process()` was given: a file to read, or the document's bytes.
enum Source<'a> {
    File(PathBuf),
    Bytes(&'a [u8]),
}

/// The embedded model's restorer, loaded on first use and shared by every call.
fn shared_restorer() -> PyResult<&'static Restorer> {
    static RESTORER: OnceLock<Result<Restorer, String>> = OnceLock::new();
    RESTORER
        .get_or_init(|| Restorer::embedded().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|reason| PyRuntimeError::new_err(reason.clone()))
}

/// All of vanban's stages, configured once: the Python face of `vanban process`.
///
/// ``Pipeline(lang="vie", tone="new", restore=True, overlay=None, keep_lines=False)`` takes the
/// command's options: Tesseract language(s) for images and scanned PDFs, tone-mark placement,
/// diacritic restoration on or off, an overlay of an archive's own texts (``vanban model adapt``,
/// as ``--overlay FILE``) folded into the model, and line joining. A missing or damaged overlay
/// raises the ``VanbanError`` subclass (``NotFoundError``, ``ModelError``, ...) with the ``error``
/// record ``vanban process --overlay FILE`` writes. Safe to share between threads; work runs
/// without the GIL.
#[pyclass(frozen, module = "vanban")]
struct Pipeline {
    inner: CorePipeline,
    lang: String,
    tone: String,
    restore: bool,
    overlay: Option<PathBuf>,
    keep_lines: bool,
}

#[pymethods]
impl Pipeline {
    #[new]
    #[pyo3(signature = (lang = "vie", tone = "new", restore = true, overlay = None, keep_lines = false))]
    fn new(
        py: Python<'_>,
        lang: &str,
        tone: &str,
        restore: bool,
        overlay: Option<PathBuf>,
        keep_lines: bool,
    ) -> PyResult<Self> {
        vanban::ocr::check_language(lang)
            .map_err(|reason| PyValueError::new_err(format!("lang: {reason}")))?;
        let options = PipelineOptions::for_process(lang, tone_style(tone)?, keep_lines, restore);
        // Folding an overlay into the model takes a while: without the GIL.
        let inner = py
            .detach(|| CorePipeline::with_overlay(options, overlay.as_deref()))
            .map_err(|error| to_py_error(py, &error))?;
        Ok(Pipeline {
            inner,
            lang: lang.to_owned(),
            tone: tone.to_owned(),
            restore,
            overlay,
            keep_lines,
        })
    }

    /// Processes one document and returns its record as a dict: the ``document`` line of
    /// ``vanban process`` with the same options, key for key.
    ///
    /// ``source`` is a path (``str`` or ``os.PathLike``) or the document's bytes; ``name`` is how
    /// the record names it (``source.path``; default: the path as given, or ``"-"`` for bytes, as
    /// the command names standard input). Raises a ``VanbanError`` subclass for an input that
    /// cannot be processed.
    #[pyo3(signature = (source, name = None))]
    fn process<'py>(
        &self,
        py: Python<'py>,
        source: &Bound<'py, PyAny>,
        name: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let line = self.process_json(py, source, name)?;
        json_loads(py, &line)
    }

    /// Like :meth:`process`, returning the record as the JSON line ``vanban process`` prints
    /// (without the newline).
    #[pyo3(signature = (source, name = None))]
    fn process_json(
        &self,
        py: Python<'_>,
        source: &Bound<'_, PyAny>,
        name: Option<&str>,
    ) -> PyResult<String> {
        let source = if let Ok(bytes) = source.cast::<PyBytes>() {
            Source::Bytes(bytes.as_bytes())
        } else if source.cast::<PyByteArray>().is_ok() {
            return Err(PyValueError::new_err(
                "pass bytes, not a bytearray (it could change while vanban reads it)",
            ));
        } else {
            Source::File(source.extract::<PathBuf>()?)
        };
        let result = py.detach(|| self.process_source(&source, name));
        match result {
            Ok(record) => to_json_line(&Message::Document(&record)),
            Err(error) => Err(to_py_error(py, &error)),
        }
    }

    /// Processes files and directories (searched recursively, in sorted order) as
    /// ``vanban process PATH...`` does, on ``jobs`` threads (0: one per core), and returns its
    /// ``document`` and ``error`` records as dicts, in its order: errors finding the inputs
    /// first, then one record per input in input order, whatever ``jobs`` is. Never raises for a
    /// bad input: it becomes an ``error`` record.
    #[pyo3(signature = (paths, jobs = 0))]
    fn process_many<'py>(
        &self,
        py: Python<'py>,
        paths: Vec<PathBuf>,
        jobs: usize,
    ) -> PyResult<Bound<'py, PyList>> {
        let lines = py.detach(|| -> PyResult<Vec<String>> {
            let (inputs, discovery_errors) = ingest::discover(&paths);
            let process = || -> Vec<Result<DocumentRecord, Error>> {
                inputs
                    .par_iter()
                    .map(|input| {
                        self.inner
                            .process_file(&input.path, &input.path.display().to_string())
                    })
                    .collect()
            };
            // jobs = 0 runs on the global pool, whose threads (and their Tesseract engines) live
            // on from call to call.
            let results = if jobs == 0 {
                process()
            } else {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(jobs)
                    .build()
                    .map_err(|e| PyRuntimeError::new_err(format!("starting worker threads: {e}")))?
                    .install(process)
            };
            discovery_errors
                .iter()
                .map(|error| to_json_line(&Message::Error(&ErrorRecord::from(error))))
                .chain(results.iter().map(|result| match result {
                    Ok(record) => to_json_line(&Message::Document(record)),
                    Err(error) => to_json_line(&Message::Error(&ErrorRecord::from(error))),
                }))
                .collect()
        })?;
        let records = PyList::empty(py);
        for line in &lines {
            records.append(json_loads(py, line)?)?;
        }
        Ok(records)
    }

    fn __repr__(&self) -> String {
        format!(
            "Pipeline(lang={:?}, tone={:?}, restore={}, overlay={}, keep_lines={})",
            self.lang,
            self.tone,
            if self.restore { "True" } else { "False" },
            self.overlay.as_ref().map_or_else(
                || "None".to_owned(),
                |path| format!("{:?}", path.display().to_string())
            ),
            if self.keep_lines { "True" } else { "False" },
        )
    }

    /// The arguments that rebuild this pipeline, so it can be pickled (Ray ships it to workers).
    fn __getnewargs__(&self) -> (String, String, bool, Option<PathBuf>, bool) {
        (
            self.lang.clone(),
            self.tone.clone(),
            self.restore,
            self.overlay.clone(),
            self.keep_lines,
        )
    }
}

impl Pipeline {
    fn process_source(&self, source: &Source, name: Option<&str>) -> Result<DocumentRecord, Error> {
        match source {
            Source::File(path) => {
                let display = name.map_or_else(|| path.display().to_string(), str::to_owned);
                self.inner.process_file(path, &display)
            }
            Source::Bytes(bytes) => {
                let display = name.unwrap_or("-");
                let ingested =
                    ingest::ingest_bytes(Path::new(display), bytes, &self.inner.options().ingest)?;
                Ok(self.inner.process_ingested(ingested, display))
            }
        }
    }
}

/// Restores Vietnamese diacritics in ``text``, as ``vanban restore`` does.
///
/// ``input_kind``: ``"auto"``, ``"stripped"``, ``"ocr-eng"``, ``"ocr-vie"`` or ``"accented"``;
/// ``tone``: ``"new"`` (``hòa``) or ``"old"`` (``hoà``).
#[pyfunction]
#[pyo3(signature = (text, input_kind = "auto", tone = "new"))]
fn restore(py: Python<'_>, text: &str, input_kind: &str, tone: &str) -> PyResult<String> {
    let options = restore_options(input_kind, tone)?;
    let restorer = shared_restorer()?;
    Ok(py.detach(|| restorer.restore_text(text, &options)))
}

/// :func:`restore` with every token it changed or was unsure about: a dict with ``text``,
/// ``input_kind`` (as resolved from ``"auto"``) and ``tokens`` (offsets in characters of the
/// input and of the output, ``confidence`` and ``alternatives``).
#[pyfunction]
#[pyo3(signature = (text, input_kind = "auto", tone = "new"))]
fn restore_detailed<'py>(
    py: Python<'py>,
    text: &str,
    input_kind: &str,
    tone: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let options = restore_options(input_kind, tone)?;
    let restorer = shared_restorer()?;
    let restoration = py.detach(|| restorer.restore_detailed(text, &options));
    #[derive(Serialize)]
    struct Detailed<'a> {
        text: &'a str,
        input_kind: InputKind,
        tokens: &'a [vanban::restore::RestoredToken],
    }
    let line = to_json_line(&Detailed {
        text: &restoration.text,
        input_kind: restoration.input_kind.unwrap_or(options.input_kind),
        tokens: &restoration.tokens,
    })?;
    json_loads(py, &line)
}

fn restore_options(input_kind_name: &str, tone: &str) -> PyResult<RestoreOptions> {
    Ok(RestoreOptions {
        input_kind: input_kind(input_kind_name)?,
        tone_style: tone_style(tone)?,
        ..RestoreOptions::default()
    })
}

/// Parses ``text`` as it is (no normalization or restoration: see :class:`Pipeline` for the
/// whole pipeline) into a dict with the sections ``vanban process`` writes: ``document``,
/// ``dates``, ``references`` and ``entities``. Offsets are characters of ``text``.
#[pyfunction]
fn parse<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let parsed = py.detach(|| vanban::parse::parse(text, &vanban::parse::plain_span(text)));
    json_loads(py, &to_json_line(&parsed)?)
}

/// A Python value (dicts, lists, strings, numbers, booleans, None) serialized by serde, so a
/// record prints exactly as the command prints it: `json.dumps` writes `1e-07` where serde
/// writes `1e-7`.
struct PyJson<'a, 'py>(&'a Bound<'py, PyAny>);

impl Serialize for PyJson<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeMap, SerializeSeq};
        let value = self.0;
        let failed = |e: PyErr| S::Error::custom(e.to_string());
        if value.is_none() {
            serializer.serialize_unit()
        } else if let Ok(dict) = value.cast::<PyDict>() {
            let mut map = serializer.serialize_map(Some(dict.len()))?;
            for (key, item) in dict.iter() {
                let key = key
                    .cast::<PyString>()
                    .map_err(|_| S::Error::custom("JSON object keys must be strings"))?;
                map.serialize_entry(&key.to_cow().map_err(failed)?, &PyJson(&item))?;
            }
            map.end()
        } else if let Ok(list) = value.cast::<PyList>() {
            let mut seq = serializer.serialize_seq(Some(list.len()))?;
            for item in list.iter() {
                seq.serialize_element(&PyJson(&item))?;
            }
            seq.end()
        } else if let Ok(text) = value.cast::<PyString>() {
            serializer.serialize_str(&text.to_cow().map_err(failed)?)
        } else if let Ok(flag) = value.cast::<PyBool>() {
            serializer.serialize_bool(flag.is_true())
        } else if let Ok(int) = value.cast::<PyInt>() {
            match int.extract::<i64>() {
                Ok(n) => serializer.serialize_i64(n),
                Err(_) => serializer.serialize_u64(int.extract::<u64>().map_err(failed)?),
            }
        } else if let Ok(float) = value.cast::<PyFloat>() {
            // Every float of a record is an f32, which serde writes with f32's shortest digits
            // (and its own layout: `0.000002128689`, where f64 gives `2.128689e-6`). A float that
            // came from such digits goes back the same way; any other is written as an f64.
            let wide = float.value();
            let narrow = wide as f32;
            let from_f32 = serde_json::to_string(&narrow)
                .ok()
                .and_then(|digits| digits.parse::<f64>().ok())
                == Some(wide);
            if from_f32 {
                serializer.serialize_f32(narrow)
            } else {
                serializer.serialize_f64(wide)
            }
        } else {
            let type_name = value.get_type().name().map_err(failed)?;
            Err(S::Error::custom(format!("{type_name} is not a JSON value")))
        }
    }
}

/// Serializes a record exactly as ``vanban process`` writes it: one compact line (without the
/// newline) as on standard output, or with ``pretty=True`` indented as in its ``--out`` files.
#[pyfunction]
#[pyo3(signature = (record, pretty = false))]
fn dumps(record: &Bound<'_, PyAny>, pretty: bool) -> PyResult<String> {
    let written = if pretty {
        serde_json::to_string_pretty(&PyJson(record))
    } else {
        serde_json::to_string(&PyJson(record))
    };
    written.map_err(|e| PyValueError::new_err(e.to_string()))
}

#[pymodule]
mod _vanban {
    #[pymodule_export]
    use super::{dumps, parse, restore, restore_detailed, Pipeline};

    #[pymodule_export]
    const SCHEMA_VERSION: &str = vanban::schema::SCHEMA_VERSION;
}
