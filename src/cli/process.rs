//! `vanban process`: the batch job. Inputs are processed in parallel and reported in input order,
//! so the output does not depend on `--jobs`; one bad input is reported and the rest go on.

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use super::output::{write_file, write_json_file, write_json_line};
use super::{EXIT_FATAL, EXIT_OK, EXIT_SOME_FAILED};
use vanban::document::PageEvent;
use vanban::error::Error;
use vanban::export::{self, Format, Layout};
use vanban::ingest::{self, Input};
use vanban::parse::{entities, Entity};
use vanban::pipeline::{Pipeline, PipelineOptions, Processed};
use vanban::schema::{DocumentRecord, ErrorRecord, Message, SummaryRecord, SCHEMA_VERSION};
use vanban::text::ToneStyle;

#[derive(Debug, Args)]
pub struct ProcessArgs {
    /// Files or directories (searched recursively); `-` reads one text document from stdin.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Write one JSON file per document into DIR (mirroring input paths) instead of JSON Lines on
    /// stdout. Errors and the summary still go to stdout as JSON Lines.
    #[arg(short, long, value_name = "DIR")]
    out: Option<PathBuf>,

    /// Worker threads (0 = one per core).
    #[arg(short, long, default_value_t = 0, value_name = "N")]
    jobs: usize,

    /// With --out: skip inputs whose output file already exists, is complete and matches the
    /// input's hash.
    #[arg(long, requires = "out")]
    resume: bool,

    /// Tone-mark placement of the output text.
    #[arg(long, value_enum, default_value_t = ToneStyle::New)]
    tone: ToneStyle,

    /// Keep line breaks as they are instead of joining lines broken inside a paragraph.
    #[arg(long)]
    keep_lines: bool,

    /// Leave diacritics as they are (no restoration of stripped or partly stripped text).
    #[arg(long)]
    no_restore: bool,

    /// Overlay of an archive's own texts (`vanban model adapt`) to fold into the restoration
    /// model.
    #[arg(long, value_name = "FILE", conflicts_with = "no_restore")]
    overlay: Option<PathBuf>,

    /// Tesseract language(s) for images and scanned PDFs.
    #[arg(long, default_value = "vie", value_name = "LANG")]
    lang: String,

    /// Leave each OCR'd line's words (boxes, confidences, baselines) out of the JSON.
    #[arg(long)]
    no_words: bool,

    /// Keep Tesseract's alternative readings of each uncertain symbol on the words.
    #[arg(long, conflicts_with = "no_words")]
    ocr_alternatives: bool,

    /// Output formats, comma-separated: `json` (the record), `alto` (ALTO 4.4 XML), `hocr`,
    /// `pdf` (the scan with an invisible text layer), `txt`. Formats other than json need --out.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "json",
        value_name = "LIST"
    )]
    format: Vec<OutputFormat>,

    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
enum OutputFormat {
    Json,
    Alto,
    Hocr,
    Pdf,
    Txt,
}

impl OutputFormat {
    fn archival(self) -> Option<Format> {
        match self {
            OutputFormat::Json => None,
            OutputFormat::Alto => Some(Format::Alto),
            OutputFormat::Hocr => Some(Format::Hocr),
            OutputFormat::Pdf => Some(Format::Pdf),
            OutputFormat::Txt => Some(Format::Txt),
        }
    }
}

/// What to write for each document: the JSON record or not, and which archival formats.
#[derive(Debug, Clone)]
struct Formats {
    json: bool,
    archival: Vec<Format>,
}

/// A processed document with its archival exports, rendered on the worker thread; `skipped` says
/// which formats asked for were not written (the reason is among the record's warnings).
struct Rendered {
    record: DocumentRecord,
    exports: Vec<(Format, Vec<u8>)>,
    skipped: Vec<Format>,
}

pub fn run(args: ProcessArgs) -> anyhow::Result<u8> {
    vanban::ocr::check_language(&args.lang)
        .map_err(|reason| anyhow::anyhow!("--lang: {reason}"))?;
    let mut archival: Vec<Format> = args.format.iter().filter_map(|f| f.archival()).collect();
    archival.sort_unstable();
    archival.dedup();
    let formats = Formats {
        json: args.format.contains(&OutputFormat::Json),
        archival,
    };
    if !formats.archival.is_empty() && args.out.is_none() {
        anyhow::bail!("--format: alto, hocr, pdf and txt are written as files; give --out DIR");
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs)
        .build()
        .context("starting worker threads")?;
    let mut options =
        PipelineOptions::for_process(&args.lang, args.tone, args.keep_lines, !args.no_restore);
    options.ingest.ocr.alternatives = args.ocr_alternatives;
    options.omit_words = args.no_words;

    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut summary = SummaryRecord {
        schema_version: SCHEMA_VERSION,
        ..SummaryRecord::default()
    };
    let report_error = |out: &mut io::BufWriter<io::StdoutLock>,
                        summary: &mut SummaryRecord,
                        error: &Error|
     -> anyhow::Result<()> {
        eprintln!("vanban: {error}");
        summary.errors += 1;
        write_json_line(out, &Message::Error(&ErrorRecord::from(error)))
    };
    let pipeline = match Pipeline::with_overlay(options, args.overlay.as_deref()) {
        Ok(pipeline) => pipeline,
        // No input can be processed without the overlay asked for: its error record (the same
        // the Python binding raises) says why, and the run stops.
        Err(error) => {
            report_error(&mut out, &mut summary, &error)?;
            out.flush().context("writing to standard output")?;
            return Ok(EXIT_FATAL);
        }
    };

    // Each processed document's path and cited documents, in output order.
    let mut cited: Vec<(String, Vec<Entity>)> = Vec::new();
    let (file_paths, read_stdin) = split_stdin(&args.paths);
    if read_stdin {
        summary.inputs += 1;
        match read_stdin_document(&pipeline, &formats) {
            Ok(rendered) => {
                summary.documents += 1;
                emit_document(
                    &mut out,
                    args.out.as_deref(),
                    Path::new("stdin"),
                    &rendered,
                    &formats,
                )?;
                cited.push((
                    rendered.record.source.path.clone(),
                    rendered.record.entities,
                ));
            }
            Err(error) => report_error(&mut out, &mut summary, &error)?,
        }
    }

    let (inputs, discovery_errors) = ingest::discover(&file_paths);
    summary.inputs += inputs.len() + discovery_errors.len();
    for error in &discovery_errors {
        report_error(&mut out, &mut summary, error)?;
    }

    let (todo, skipped): (Vec<Input>, Vec<Input>) = match (&args.out, args.resume) {
        (Some(dir), true) => inputs
            .into_iter()
            .partition(|input| !is_complete(dir, input, &formats)),
        _ => (inputs, Vec::new()),
    };
    summary.skipped = skipped.len();
    for input in &skipped {
        eprintln!(
            "vanban: {}: already done, skipped (--resume)",
            input.path.display()
        );
    }

    // One page per input until a document says how many it has.
    let progress = progress_bar(todo.len() as u64, args.quiet);
    let (sender, receiver) = mpsc::channel();
    let mut write_result = Ok(());
    pool.in_place_scope(|scope| {
        let pipeline = &pipeline;
        let todo = &todo;
        let progress = &progress;
        let formats = &formats;
        scope.spawn(move |_| {
            todo.par_iter()
                .enumerate()
                .for_each_with(sender, |sender, (index, input)| {
                    let result = process_counting_pages(pipeline, input, progress)
                        .map(|p| render(p, || std::fs::read(&input.path), &formats.archival));
                    // The receiver only goes away after a write error; the batch is over then anyway.
                    let _ = sender.send((index, result));
                });
        });
        // Results arrive in completion order; hold them until their turn so the output order is
        // the input order whatever the thread count.
        let mut pending = BTreeMap::new();
        let mut next = 0usize;
        for (index, result) in receiver {
            pending.insert(index, result);
            while let Some(result) = pending.remove(&next) {
                let input = &todo[next];
                next += 1;
                if write_result.is_err() {
                    continue;
                }
                write_result = match result {
                    Ok(rendered) => {
                        summary.documents += 1;
                        let written = emit_document(
                            &mut out,
                            args.out.as_deref(),
                            &input.relative,
                            &rendered,
                            formats,
                        );
                        cited.push((
                            rendered.record.source.path.clone(),
                            rendered.record.entities,
                        ));
                        written
                    }
                    Err(error) => progress.suspend(|| report_error(&mut out, &mut summary, &error)),
                };
            }
        }
    });
    progress.finish_and_clear();
    write_result?;

    let batch = entities::merge_batch(cited.iter().map(|(path, e)| (path.as_str(), e.as_slice())));
    for entity in &batch {
        write_json_line(&mut out, &Message::Entity(entity))?;
    }
    write_json_line(&mut out, &Message::Summary(&summary))?;
    out.flush().context("writing to standard output")?;
    eprintln!(
        "vanban: {} inputs, {} documents, {} skipped, {} errors",
        summary.inputs, summary.documents, summary.skipped, summary.errors
    );
    Ok(if summary.errors == 0 {
        EXIT_OK
    } else {
        EXIT_SOME_FAILED
    })
}

/// Processes one input, advancing the bar page by page. The bar starts at one page per input;
/// a document's page count, once known, replaces its one, and a document that failed before
/// all its pages were read still gets its count done.
fn process_counting_pages(
    pipeline: &Pipeline,
    input: &Input,
    progress: &ProgressBar,
) -> Result<Processed, Error> {
    let pages = AtomicU64::new(1);
    let done = AtomicU64::new(0);
    let on_page = |event: PageEvent| match event {
        PageEvent::Found(count) => {
            let count = count as u64;
            if count > 1 {
                progress.inc_length(count - 1);
            }
            pages.store(count.max(1), Ordering::Relaxed);
        }
        PageEvent::Done => {
            done.fetch_add(1, Ordering::Relaxed);
            progress.inc(1);
        }
    };
    let result =
        pipeline.process_file_with_layout(&input.path, &input.path.display().to_string(), &on_page);
    let left = pages
        .load(Ordering::Relaxed)
        .saturating_sub(done.load(Ordering::Relaxed));
    progress.inc(left);
    result
}

fn split_stdin(paths: &[PathBuf]) -> (Vec<PathBuf>, bool) {
    let stdin = paths.iter().any(|p| p.as_os_str() == "-");
    let files = paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect();
    (files, stdin)
}

fn read_stdin_document(pipeline: &Pipeline, formats: &Formats) -> Result<Rendered, Error> {
    let path = Path::new("-");
    let mut bytes = Vec::new();
    io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    let ingested = ingest::ingest_bytes(path, &bytes, &pipeline.options().ingest)?;
    let processed = pipeline.process_ingested_with_layout(ingested, "-");
    Ok(render(processed, || Ok(bytes), &formats.archival))
}

/// Renders the archival formats of a processed document. A format that cannot be made for it (a
/// PDF of a text file, of a born-digital PDF, of an unreadable source) is skipped with a warning
/// in the record, and the rest go on.
fn render(
    processed: Processed,
    source: impl FnOnce() -> io::Result<Vec<u8>>,
    formats: &[Format],
) -> Rendered {
    let mut exports = Vec::new();
    let mut skipped = Vec::new();
    let mut warnings = Vec::new();
    if !formats.is_empty() {
        let layout = Layout::new(&processed);
        let record = &processed.record;
        let mut source = Some(source);
        for &format in formats {
            let bytes = match format {
                Format::Alto => Ok(export::alto::write(&layout, record).into_bytes()),
                Format::Hocr => Ok(export::hocr::write(&layout, record).into_bytes()),
                Format::Txt => Ok(export::txt::write(record).into_bytes()),
                Format::Pdf => match source.take().map(|read| read()) {
                    Some(Ok(bytes)) => {
                        match export::pdf::write(&bytes, record.source.kind, &layout) {
                            Ok(export::pdf::Outcome::Written(pdf)) => Ok(pdf),
                            Ok(export::pdf::Outcome::Skipped(why)) => Err(why),
                            Err(why) => Err(format!("searchable PDF not written: {why}")),
                        }
                    }
                    Some(Err(e)) => Err(format!(
                        "searchable PDF not written: rereading the input: {e}"
                    )),
                    None => Err("searchable PDF not written twice".to_owned()),
                },
            };
            match bytes {
                Ok(bytes) => exports.push((format, bytes)),
                Err(why) => {
                    skipped.push(format);
                    warnings.push(why);
                }
            }
        }
    }
    let mut record = processed.record;
    for warning in &warnings {
        eprintln!("vanban: {}: {warning}", record.source.path);
    }
    record.warnings.extend(warnings);
    Rendered {
        record,
        exports,
        skipped,
    }
}

/// Writes one document's outputs: its archival files, then its JSON, then (when archival formats
/// were asked for) the manifest `--resume` trusts, so a document interrupted halfway is redone.
fn emit_document(
    out: &mut impl Write,
    dir: Option<&Path>,
    relative: &Path,
    rendered: &Rendered,
    formats: &Formats,
) -> anyhow::Result<()> {
    let Some(dir) = dir else {
        return write_json_line(out, &Message::Document(&rendered.record));
    };
    for (format, bytes) in &rendered.exports {
        write_file(&output_path(dir, relative, format.extension()), bytes)?;
    }
    if formats.json {
        write_json_file(&output_path(dir, relative, "json"), &rendered.record)?;
    }
    if !formats.archival.is_empty() {
        let manifest = serde_json::json!({
            "schema_version": SCHEMA_VERSION,
            "sha256": rendered.record.source.sha256,
            "written": rendered.exports.iter().map(|(f, _)| f.extension()).collect::<Vec<_>>(),
            "skipped": rendered.skipped.iter().map(|f| f.extension()).collect::<Vec<_>>(),
        });
        write_json_file(&output_path(dir, relative, MANIFEST), &manifest)?;
    }
    Ok(())
}

/// The extension of the file listing which archival formats of a document were written.
const MANIFEST: &str = "formats.json";

fn output_path(dir: &Path, relative: &Path, extension: &str) -> PathBuf {
    let mut name = dir.join(relative).into_os_string();
    name.push(".");
    name.push(extension);
    PathBuf::from(name)
}

/// A document's outputs count as complete when each was made from exactly these input bytes with
/// our schema's major version: the JSON record says so itself, and the manifest for the archival
/// formats, each of which must be written (its file there) or skipped.
fn is_complete(dir: &Path, input: &Input, formats: &Formats) -> bool {
    let Ok(bytes) = std::fs::read(&input.path) else {
        return false;
    };
    let sha256 = ingest::hex_sha256(&bytes);
    let major = |v: &str| v.split('.').next().map(str::to_owned);
    let made_from_input = |path: &Path| -> Option<serde_json::Value> {
        let text = std::fs::read_to_string(path).ok()?;
        let json = serde_json::from_str::<serde_json::Value>(&text).ok()?;
        let same_schema = json["schema_version"].as_str().and_then(major) == major(SCHEMA_VERSION);
        let same_input = json["sha256"]
            .as_str()
            .or(json["source"]["sha256"].as_str())
            == Some(sha256.as_str());
        (same_schema && same_input).then_some(json)
    };
    if formats.json && made_from_input(&output_path(dir, &input.relative, "json")).is_none() {
        return false;
    }
    if formats.archival.is_empty() {
        return true;
    }
    let Some(manifest) = made_from_input(&output_path(dir, &input.relative, MANIFEST)) else {
        return false;
    };
    let listed = |key: &str, extension: &str| {
        manifest[key]
            .as_array()
            .is_some_and(|a| a.iter().any(|e| e.as_str() == Some(extension)))
    };
    formats.archival.iter().all(|format| {
        let extension = format.extension();
        listed("skipped", extension)
            || (listed("written", extension)
                && output_path(dir, &input.relative, extension).is_file())
    })
}

fn progress_bar(len: u64, quiet: bool) -> ProgressBar {
    if quiet || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} pages {per_sec} eta {eta}",
    ) {
        bar.set_style(style);
    }
    bar
}
