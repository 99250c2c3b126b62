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

use super::output::{write_json_file, write_json_line};
use super::{EXIT_OK, EXIT_SOME_FAILED};
use vanban::document::PageEvent;
use vanban::error::Error;
use vanban::ingest::{self, Input};
use vanban::parse::{entities, Entity};
use vanban::pipeline::{Pipeline, PipelineOptions};
use vanban::restore::RestoreOptions;
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

    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(args: ProcessArgs) -> anyhow::Result<u8> {
    vanban::ocr::check_language(&args.lang)
        .map_err(|reason| anyhow::anyhow!("--lang: {reason}"))?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs)
        .build()
        .context("starting worker threads")?;
    let mut options = PipelineOptions::default();
    options.ingest.ocr_language = args.lang.clone();
    options.normalize.tone_style = args.tone;
    options.normalize.join_lines = !args.keep_lines;
    options.restore = (!args.no_restore).then(|| RestoreOptions {
        tone_style: args.tone,
        ..RestoreOptions::default()
    });
    let pipeline = match &args.overlay {
        Some(overlay) => {
            let model = vanban::model::Model::load(None, Some(overlay))?;
            let restorer = vanban::restore::Restorer::new(std::sync::Arc::new(model));
            Pipeline::with_restorer(options, restorer)
        }
        None => Pipeline::new(options),
    };

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

    // Each processed document's path and cited documents, in output order.
    let mut cited: Vec<(String, Vec<Entity>)> = Vec::new();
    let (file_paths, read_stdin) = split_stdin(&args.paths);
    if read_stdin {
        summary.inputs += 1;
        match read_stdin_document(&pipeline) {
            Ok(record) => {
                summary.documents += 1;
                emit_document(&mut out, args.out.as_deref(), Path::new("stdin"), &record)?;
                cited.push((record.source.path.clone(), record.entities));
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
            .partition(|input| !is_complete(&output_path(dir, input), &input.path)),
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
        scope.spawn(move |_| {
            todo.par_iter()
                .enumerate()
                .for_each_with(sender, |sender, (index, input)| {
                    let result = process_counting_pages(pipeline, input, progress);
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
                    Ok(record) => {
                        summary.documents += 1;
                        let written =
                            emit_document(&mut out, args.out.as_deref(), &input.relative, &record);
                        cited.push((record.source.path.clone(), record.entities));
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
) -> Result<DocumentRecord, Error> {
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
        pipeline.process_file_observed(&input.path, &input.path.display().to_string(), &on_page);
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

fn read_stdin_document(pipeline: &Pipeline) -> Result<DocumentRecord, Error> {
    let path = Path::new("-");
    let mut bytes = Vec::new();
    io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    let ingested = ingest::ingest_bytes(path, &bytes, &pipeline.options().ingest)?;
    Ok(pipeline.process_ingested(ingested, "-"))
}

fn emit_document(
    out: &mut impl Write,
    dir: Option<&Path>,
    relative: &Path,
    record: &DocumentRecord,
) -> anyhow::Result<()> {
    match dir {
        Some(dir) => {
            let mut name = dir.join(relative).into_os_string();
            name.push(".json");
            write_json_file(Path::new(&name), record)
        }
        None => write_json_line(out, &Message::Document(record)),
    }
}

fn output_path(dir: &Path, input: &Input) -> PathBuf {
    let mut name = dir.join(&input.relative).into_os_string();
    name.push(".json");
    PathBuf::from(name)
}

/// An output counts as complete when it parses, has our schema's major version and was made from
/// exactly these input bytes.
fn is_complete(output: &Path, input: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(output) else {
        return false;
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return false;
    };
    let major = |v: &str| v.split('.').next().map(str::to_owned);
    let same_schema = json["schema_version"].as_str().and_then(major) == major(SCHEMA_VERSION);
    let Ok(bytes) = std::fs::read(input) else {
        return false;
    };
    same_schema && json["source"]["sha256"].as_str() == Some(&ingest::hex_sha256(&bytes))
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
