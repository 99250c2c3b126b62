//! `vanban eval …`: measuring a stage against gold data.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};

use super::{EXIT_FATAL, EXIT_OK};

/// `println!` for the reports: a closed pipe (`vanban eval restore ... | head`) ends the report
/// quietly with exit 0, as the other commands do, where `println!` would panic; another write
/// error ends it with the error and exit 2.
macro_rules! report {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(error) = writeln!(std::io::stdout().lock(), $($arg)*) {
            if error.kind() != std::io::ErrorKind::BrokenPipe {
                eprintln!("vanban: writing to standard output: {error}");
                std::process::exit(i32::from(EXIT_FATAL));
            }
            std::process::exit(i32::from(EXIT_OK));
        }
    }};
}
use vanban::eval::restore::{evaluate, RestoreScore, Tally};
use vanban::model::Model;
use vanban::restore::confusion::ConfusionTable;
use vanban::restore::{InputKind, RestoreOptions, Restorer, DEFAULT_BEAM, DEFAULT_PRUNE};

#[derive(Debug, Args)]
pub struct EvalArgs {
    #[command(subcommand)]
    command: EvalCommand,
}

#[derive(Debug, Subcommand)]
enum EvalCommand {
    /// Diacritic restoration: strips the gold (or reads aligned input), restores and scores.
    Restore(RestoreEvalArgs),
    /// The parser: references and document fields of the seeds against their gold sets, or
    /// (`--gold FILE.jsonl DIR`) the number, type and year of a folder of documents.
    Parse(ParseEvalArgs),
    /// OCR and PDF reading: character error rate against rendered truth, and pages per second.
    Ocr(OcrEvalArgs),
    /// OCR repair on rendered, OCR'd pages (`scripts/gen-ocr-pairs render`): CER and WER before
    /// and after, per OCR language and degradation.
    OcrRoundtrip(OcrRoundtripArgs),
    /// How often Tesseract's alternatives were right on rendered pages, per bin of their score:
    /// the counts the restorer's choice costs come from (`--write` updates the table).
    OcrChoices(OcrChoicesArgs),
    /// PDF text layers against `pdftotext -layout` (CER, U+FFFD, pages sent to OCR), and the
    /// parser's number, type and year against a gold file.
    PdfText(PdfTextArgs),
}

#[derive(Debug, Args)]
struct PdfTextArgs {
    /// Directory of PDFs.
    #[arg(long, value_name = "DIR")]
    dir: PathBuf,
    /// Gold fields, one JSON line per PDF: `{"file", "number", "doc_type", "year"}`.
    #[arg(long, value_name = "FILE")]
    gold: Option<PathBuf>,
    /// Print the scores as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct OcrEvalArgs {
    /// Directory of `NAME.gt` truth files beside their documents.
    #[arg(long, value_name = "DIR", default_value = "fixtures/scans")]
    input: PathBuf,
    /// Tesseract language(s).
    #[arg(long, default_value = "vie", value_name = "LANG")]
    lang: String,
    /// Score the normalized text without diacritic restoration.
    #[arg(long)]
    no_restore: bool,
    /// Worker threads for the pages of a document (0 = one per core).
    #[arg(short, long, default_value_t = 1, value_name = "N")]
    jobs: usize,
    /// Print the scores as JSON.
    #[arg(long)]
    json: bool,
    /// Read pages in Tesseract's own line order (no column regions, no cut glued words).
    #[arg(long)]
    no_layout: bool,
    /// Keep specks and unsure stray punctuation.
    #[arg(long)]
    no_junk: bool,
    /// Leave each OCR'd line's words out of the JSON (for `json bytes`).
    #[arg(long)]
    no_words: bool,
    /// Do not read Tesseract's alternatives, so the restorer does without them.
    #[arg(long)]
    no_alternatives: bool,
}

#[derive(Debug, Args)]
struct OcrChoicesArgs {
    /// Directory of `NAME.gt` truth files beside their page images
    /// (`scripts/gen-ocr-pairs varied`).
    #[arg(long, value_name = "DIR")]
    input: PathBuf,
    /// Tesseract language(s).
    #[arg(long, default_value = "vie", value_name = "LANG")]
    lang: String,
    /// Worker threads, one document each (0 = one per core).
    #[arg(short, long, default_value_t = 1, value_name = "N")]
    jobs: usize,
    /// Write the table here (the restorer embeds dictionaries/ocr-choices.tsv).
    #[arg(long, value_name = "FILE")]
    write: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct OcrRoundtripArgs {
    /// Directory of `NAME.truth.txt` and `NAME-pNNN.{eng,vie}.txt` files.
    #[arg(long, value_name = "DIR")]
    dir: PathBuf,
    /// OCR confusion table to repair with instead of the embedded one (the keep-cost fit
    /// tries its candidates this way).
    #[arg(long, value_name = "FILE")]
    ocr_table: Option<PathBuf>,
    /// Print the score as JSON.
    #[arg(long)]
    json: bool,
    /// Worker threads (0 = one per core).
    #[arg(short, long, default_value_t = 0, value_name = "N")]
    jobs: usize,
}

#[derive(Debug, Args)]
struct ParseEvalArgs {
    /// Gold references (`seed-references.gold.json`).
    #[arg(
        long,
        value_name = "FILE",
        default_value = "fixtures/gold/seed-references.gold.json"
    )]
    references: PathBuf,
    /// Gold document fields (`seed-documents.gold.json`).
    #[arg(
        long,
        value_name = "FILE",
        default_value = "fixtures/gold/seed-documents.gold.json"
    )]
    documents: PathBuf,
    /// Directory holding the gold's seed files.
    #[arg(long, value_name = "DIR", default_value = "fixtures/seeds")]
    input: PathBuf,
    /// JSON Lines of `{"id" or "file", "number"?, "doc_type"?, "year"?}`: score those fields of
    /// the documents in DIR instead of the seeds. `id` names `DIR/<id>.txt`; a `file` absent
    /// from DIR may be replaced by a file of the same stem (a text proxy of a PDF).
    #[arg(long, value_name = "FILE", requires = "dir")]
    gold: Option<PathBuf>,
    /// Directory of the documents `--gold` names.
    #[arg(value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Worker threads for `--gold` (0 = one per core).
    #[arg(short, long, default_value_t = 0, value_name = "N")]
    jobs: usize,
    /// Parse the normalized text without diacritic restoration.
    #[arg(long)]
    no_restore: bool,
    /// Print the score as JSON.
    #[arg(long)]
    json: bool,
    /// List every miss and spurious mention.
    #[arg(long)]
    verbose: bool,
}

#[derive(Debug, Args)]
struct RestoreEvalArgs {
    /// Accented gold text, or a directory of them (its `*.txt` files, as one text with a
    /// `# doc = NAME` line before each).
    #[arg(long, value_name = "FILE|DIR")]
    gold: PathBuf,
    /// Input aligned with the gold line for line and word for word (default: the stripped gold);
    /// with a gold directory, a directory holding a file of the same name for each.
    #[arg(long, value_name = "FILE|DIR")]
    input: Option<PathBuf>,
    /// Print the score as JSON.
    #[arg(long)]
    json: bool,
    /// Model file to memory-map instead of the embedded model.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// Overlay of an archive's own texts (`vanban model adapt`) to fold into the model.
    #[arg(long, value_name = "FILE")]
    overlay: Option<PathBuf>,
    /// Weight of the overlay's distribution in the contexts it shows.
    #[arg(long, default_value_t = vanban::model::overlay::OVERLAY_WEIGHT, requires = "overlay")]
    overlay_weight: f64,
    /// What the input is; `ocr-eng`/`ocr-vie` also repair OCR garble (`ciia` → `của`).
    #[arg(long, value_enum, default_value_t = InputKind::Auto)]
    input_kind: InputKind,
    /// Decoder states kept per position.
    #[arg(long, default_value_t = DEFAULT_BEAM)]
    beam: usize,
    /// Candidate pruning threshold (unigram cost above the best of the same stripped form).
    #[arg(long, default_value_t = DEFAULT_PRUNE)]
    prune: u32,
    /// Worker threads (0 = one per core).
    #[arg(short, long, default_value_t = 0, value_name = "N")]
    jobs: usize,
}

pub fn run(args: EvalArgs) -> anyhow::Result<u8> {
    match args.command {
        EvalCommand::Restore(args) => run_restore(args),
        EvalCommand::Parse(args) => run_parse(args),
        EvalCommand::Ocr(args) => run_ocr(args),
        EvalCommand::OcrRoundtrip(args) => run_ocr_roundtrip(args),
        EvalCommand::OcrChoices(args) => run_ocr_choices(args),
        EvalCommand::PdfText(args) => run_pdf_text(args),
    }
}

fn run_pdf_text(args: PdfTextArgs) -> anyhow::Result<u8> {
    use rayon::prelude::*;
    use vanban::eval::pdf_text::{evaluate, pdfs, read_gold};
    let gold = args.gold.as_deref().map(read_gold).transpose()?;
    let files = pdfs(&args.dir)?;
    if files.is_empty() {
        anyhow::bail!("{}: no PDFs", args.dir.display());
    }
    let gold_of = |path: &std::path::Path| {
        let name = path.file_name()?.to_str()?;
        gold.as_ref()?.iter().find(|g| g.file == name)
    };
    let scores: Vec<_> = files
        .par_iter()
        .map(|path| evaluate(path, gold_of(path)))
        .collect::<Result<_, _>>()?;
    if args.json {
        report!("{}", serde_json::to_string_pretty(&scores)?);
        return Ok(EXIT_OK);
    }
    let sum = |f: &dyn Fn(&vanban::eval::pdf_text::FileScore) -> usize| -> usize {
        scores.iter().map(f).sum()
    };
    report!(
        "{:<58} {:>5} {:>8} {:>5} {:>4} {:>4}  fields",
        "file",
        "pages",
        "CER",
        "FFFD",
        "OCR",
        "furn"
    );
    for s in &scores {
        let fields = s.fields.as_ref().map_or(String::new(), |f| {
            let mark = |ok: bool| if ok { "ok" } else { "MISS" };
            format!(
                "number {} ({:?} vs {}), type {} ({:?}), year {} ({:?} vs {})",
                mark(f.number_ok()),
                f.number,
                f.gold_number,
                mark(f.doc_type_ok()),
                f.doc_type,
                mark(f.year_ok()),
                f.year,
                f.gold_year
            )
        });
        report!(
            "{:<58} {:>5} {:>7.3}% {:>5} {:>4} {:>4}  {fields}",
            s.file,
            s.pages,
            100.0 * s.edits as f64 / s.reference_chars.max(1) as f64,
            s.replacement_chars,
            s.rejected.len(),
            s.furniture_lines
        );
        for (page, reason) in &s.rejected {
            report!("    page {page} would be OCR'd: {reason}");
        }
    }
    let pages = sum(&|s| s.pages);
    let seconds: f64 = scores.iter().map(|s| s.seconds).sum();
    let pdftotext_seconds: f64 = scores.iter().map(|s| s.pdftotext_seconds).sum();
    report!(
        "total: {} files, {pages} pages, CER {:.3}% ({} edits / {} chars), U+FFFD {} (pdftotext {}), \
         pages to OCR {} ({} without pdftotext text), furniture lines {}",
        scores.len(),
        100.0 * sum(&|s| s.edits) as f64 / sum(&|s| s.reference_chars).max(1) as f64,
        sum(&|s| s.edits),
        sum(&|s| s.reference_chars),
        sum(&|s| s.replacement_chars),
        sum(&|s| s.reference_replacement_chars),
        sum(&|s| s.rejected.len()),
        sum(&|s| s.rejected_without_reference_text),
        sum(&|s| s.furniture_lines),
    );
    report!(
        "time: text layers {:.2} s ({:.0} pages/s), pdftotext -layout {:.2} s (wall, whole files)",
        seconds,
        pages as f64 / seconds.max(f64::EPSILON),
        pdftotext_seconds
    );
    let fields: Vec<_> = scores.iter().filter_map(|s| s.fields.as_ref()).collect();
    if !fields.is_empty() {
        let count = |ok: &dyn Fn(&&vanban::eval::pdf_text::Fields) -> bool| {
            fields.iter().filter(|f| ok(f)).count()
        };
        report!(
            "fields: number {}/{n}, type {}/{n}, year {}/{n}",
            count(&|f| f.number_ok()),
            count(&|f| f.doc_type_ok()),
            count(&|f| f.year_ok()),
            n = fields.len()
        );
    }
    Ok(EXIT_OK)
}

fn run_ocr_roundtrip(args: OcrRoundtripArgs) -> anyhow::Result<u8> {
    use vanban::eval::ocr_roundtrip::{evaluate, read_pages};
    let pages = read_pages(&args.dir)?;
    if pages.is_empty() {
        anyhow::bail!(
            "{}: no OCR'd pages (make them with scripts/gen-ocr-pairs render --source dev --out DIR)",
            args.dir.display()
        );
    }
    let mut restorer = Restorer::embedded()?;
    if let Some(path) = &args.ocr_table {
        let table = ConfusionTable::parse(&read(path)?)
            .with_context(|| format!("{}: not an OCR confusion table", path.display()))?;
        // The table lives as long as the process, as the embedded one does.
        restorer = restorer.with_confusion(Box::leak(Box::new(table)));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs)
        .build()
        .context("starting worker threads")?;
    let score = pool.install(|| evaluate(&restorer, &pages));
    if args.json {
        report!("{}", serde_json::to_string_pretty(&score)?);
        return Ok(EXIT_OK);
    }
    report!(
        "{:<5} {:<8} {:>5} {:>7} {:>10} {:>10} {:>10} {:>10}",
        "lang",
        "pages",
        "n",
        "words",
        "CER before",
        "CER after",
        "WER before",
        "WER after"
    );
    for row in &score.rows {
        report!(
            "{:<5} {:<8} {:>5} {:>7} {:>9.2}% {:>9.2}% {:>9.2}% {:>9.2}%",
            row.lang,
            row.degradation,
            row.pages,
            row.truth_words,
            row.cer_before * 100.0,
            row.cer_after * 100.0,
            row.wer_before * 100.0,
            row.wer_after * 100.0
        );
    }
    report!(
        "speed {:.0} words/s ({} words, {:.3} s, {} threads)",
        score.words_per_second,
        score.words,
        score.seconds,
        score.threads
    );
    Ok(EXIT_OK)
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

/// The names of the `*.txt` files in `dir`, sorted.
fn text_files(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let name = entry
            .with_context(|| format!("reading {}", dir.display()))?
            .file_name();
        if let Some(name) = name.to_str().filter(|n| n.ends_with(".txt")) {
            names.push(name.to_owned());
        }
    }
    if names.is_empty() {
        anyhow::bail!("{}: no .txt files", dir.display());
    }
    names.sort();
    Ok(names)
}

/// The files `names` of `dir` as one text, each after a `# doc = NAME` line (which scoring leaves
/// out), so a stripped directory and its accented one align document by document.
fn read_documents(dir: &Path, names: &[String]) -> anyhow::Result<String> {
    let mut text = String::new();
    for name in names {
        let document = read(&dir.join(name))?;
        text.push_str("# doc = ");
        text.push_str(name);
        text.push('\n');
        text.push_str(&document);
        if !document.ends_with('\n') {
            text.push('\n');
        }
    }
    Ok(text)
}

fn run_restore(args: RestoreEvalArgs) -> anyhow::Result<u8> {
    let mut model = Model::load(args.model.as_deref(), None)?;
    if let Some(path) = &args.overlay {
        let overlay = vanban::model::overlay::Overlay::open(path)?;
        model = vanban::model::overlay::apply(&model, &overlay, args.overlay_weight)
            .map_err(|e| e.at(path))?;
    }
    let restorer = Restorer::with_settings(std::sync::Arc::new(model), args.beam, args.prune);
    let (gold, input) = if args.gold.is_dir() {
        let names = text_files(&args.gold)?;
        let input = args
            .input
            .as_ref()
            .map(|dir| read_documents(dir, &names))
            .transpose()?;
        (read_documents(&args.gold, &names)?, input)
    } else {
        (
            read(&args.gold)?,
            args.input.as_deref().map(read).transpose()?,
        )
    };
    let options = RestoreOptions {
        input_kind: args.input_kind,
        ..RestoreOptions::default()
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs)
        .build()
        .context("starting worker threads")?;
    let score = pool.install(|| evaluate(&restorer, &gold, input.as_deref(), &options));
    if args.json {
        report!("{}", serde_json::to_string_pretty(&score)?);
    } else {
        print_score(&score);
    }
    Ok(EXIT_OK)
}

fn print_score(score: &RestoreScore) {
    let line = |name: &str, t: &Tally| {
        report!(
            "{name:<24} {:>7.3} %  ({} / {})",
            t.accuracy * 100.0,
            t.correct,
            t.total
        )
    };
    report!("model                    {}", score.model);
    line("syllable accuracy", &score.syllables);
    line("ambiguous syllables", &score.ambiguous);
    line("all-caps lines", &score.all_caps_lines);
    line("capitalized words", &score.capitalized);
    report!(
        "codes changed            {} of {}",
        score.codes_changed,
        score.codes
    );
    line("code words identical", &score.code_words);
    report!("misaligned lines         {}", score.misaligned_lines);
    report!(
        "speed                    {:.0} words/s ({} words, {:.3} s, {} threads)",
        score.words_per_second,
        score.words,
        score.seconds,
        score.threads
    );
    if !score.confusions.is_empty() {
        let top: Vec<String> = score
            .confusions
            .iter()
            .take(15)
            .map(|c| format!("{}→{} ×{}", c.gold, c.output, c.count))
            .collect();
        report!("top errors               {}", top.join(", "));
    }
}

fn run_parse(args: ParseEvalArgs) -> anyhow::Result<u8> {
    use std::collections::BTreeMap;
    if let (Some(gold), Some(dir)) = (&args.gold, &args.dir) {
        return run_parse_gold(&args, gold, dir);
    }
    use vanban::eval::parse::{score_documents, score_references, GoldReference};
    use vanban::pipeline::{Pipeline, PipelineOptions};

    let gold_references: Vec<GoldReference> = serde_json::from_str(&read(&args.references)?)
        .with_context(|| format!("{}: not a reference gold set", args.references.display()))?;
    let gold_documents: Vec<serde_json::Value> = serde_json::from_str(&read(&args.documents)?)
        .with_context(|| format!("{}: not a document gold set", args.documents.display()))?;
    let mut files: Vec<String> = gold_references
        .iter()
        .map(|g| g.seed_file.clone())
        .chain(
            gold_documents
                .iter()
                .filter_map(|d| d["seed_file"].as_str().map(str::to_owned)),
        )
        .collect();
    files.sort();
    files.dedup();
    let options = PipelineOptions {
        restore: (!args.no_restore).then(RestoreOptions::default),
        ..PipelineOptions::default()
    };
    let pipeline = Pipeline::new(options);
    let mut documents = BTreeMap::new();
    for file in files {
        let path = args.input.join(&file);
        let record = pipeline.process_file(&path, &file)?;
        documents.insert(file, record);
    }
    let references = score_references(&gold_references, &documents);
    let fields = score_documents(&gold_documents, &documents);
    if args.json {
        let both = serde_json::json!({"references": references, "documents": fields});
        report!("{}", serde_json::to_string_pretty(&both)?);
        return Ok(EXIT_OK);
    }
    report!(
        "{:<18} {:>5} {:>5} {:>5} {:>7} {:>7} {:>7}",
        "kind",
        "gold",
        "pred",
        "match",
        "P",
        "R",
        "F1"
    );
    let row = |name: &str, p: &vanban::eval::parse::Prf| {
        report!(
            "{name:<18} {:>5} {:>5} {:>5} {:>7.3} {:>7.3} {:>7.3}",
            p.gold,
            p.predicted,
            p.matched,
            p.precision,
            p.recall,
            p.f1
        )
    };
    for (kind, prf) in &references.per_kind {
        row(kind, prf);
    }
    row("full + short", &references.full_short);
    row("alias + self", &references.alias_self);
    report!(
        "exact spans        {} of {} matched ({:.1} %); numbers right {}, dates right {}",
        references.exact_spans,
        references.matched,
        references.exact_span_rate * 100.0,
        references.numbers_right,
        references.dates_right
    );
    report!(
        "document fields    {} of {} right",
        fields.right,
        fields.total
    );
    for check in fields.checks.iter().filter(|c| !c.right) {
        report!(
            "  wrong {} {}: gold {:?}, predicted {:?}",
            check.file,
            check.field,
            check.gold,
            check.predicted
        );
    }
    if args.verbose {
        references.misses.iter().for_each(|m| report!("  miss {m}"));
        references
            .spurious
            .iter()
            .for_each(|m| report!("  spurious {m}"));
    }
    Ok(EXIT_OK)
}

/// The document named by a gold line: `DIR/<id>.txt`, `DIR/<file>`, or else the one file in
/// DIR with the same stem as `file`.
fn gold_path(dir: &std::path::Path, gold: &vanban::eval::parse::GoldDocument) -> Option<PathBuf> {
    if let Some(id) = &gold.id {
        return Some(dir.join(format!("{id}.txt")));
    }
    let file = gold.file.as_ref()?;
    let named = dir.join(file);
    if named.exists() {
        return Some(named);
    }
    let stem = std::path::Path::new(file).file_stem()?;
    let mut same_stem = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.file_stem() == Some(stem));
    let only = same_stem.next()?;
    same_stem.next().is_none().then_some(only)
}

fn run_parse_gold(
    args: &ParseEvalArgs,
    gold_file: &std::path::Path,
    dir: &std::path::Path,
) -> anyhow::Result<u8> {
    use rayon::prelude::*;
    use std::collections::BTreeMap;
    use vanban::eval::parse::{score_gold_documents, FieldTally, GoldDocument};
    use vanban::pipeline::{Pipeline, PipelineOptions};

    let gold: Vec<GoldDocument> = read(gold_file)?
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| {
            serde_json::from_str(line)
                .with_context(|| format!("{}:{}: not a gold line", gold_file.display(), n + 1))
        })
        .collect::<anyhow::Result<_>>()?;
    let pipeline = Pipeline::new(PipelineOptions {
        restore: (!args.no_restore).then(RestoreOptions::default),
        ..PipelineOptions::default()
    });
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs)
        .build()
        .context("starting worker threads")?;
    // A document that cannot be read is reported and scored wrong; the others go on.
    let outcomes: Vec<(String, Result<vanban::schema::DocumentRecord, String>)> =
        pool.install(|| {
            gold.par_iter()
                .map(|g| {
                    let name = g.name().to_owned();
                    let record = match gold_path(dir, g) {
                        Some(path) => pipeline
                            .process_file(&path, &path.display().to_string())
                            .map_err(|e| format!("{}: {e}", path.display())),
                        None => Err(format!("{}: no such document", dir.join(&name).display())),
                    };
                    (name, record)
                })
                .collect()
        });
    let mut records = BTreeMap::new();
    for (name, outcome) in outcomes {
        match outcome {
            Ok(record) => {
                records.insert(name, record);
            }
            Err(message) => eprintln!("error: {message}"),
        }
    }
    let score = score_gold_documents(&gold, &records);
    if args.json {
        report!("{}", serde_json::to_string_pretty(&score)?);
        return Ok(EXIT_OK);
    }
    let row = |name: &str, tally: &FieldTally| {
        if tally.total > 0 {
            report!(
                "{name:<16} {:>4} of {:>4} right ({:.1} %)",
                tally.right,
                tally.total,
                tally.accuracy * 100.0
            );
        }
    };
    row("number", &score.number);
    row("number (Đ→D)", &score.number_fold_d);
    row("doc_type", &score.doc_type);
    row("year", &score.year);
    for (field, tally) in [
        ("number", &score.number),
        ("doc_type", &score.doc_type),
        ("year", &score.year),
    ] {
        tally
            .misses
            .iter()
            .for_each(|miss| report!("  wrong {field} {miss}"));
    }
    Ok(EXIT_OK)
}

/// WER over all pages of each look, the second `-`-separated part of the fixture names
/// `scripts/gen-ocr-pairs varied` writes (`dev-light-noto`: `light`).
fn print_wer_groups(scores: &[vanban::eval::ocr::FixtureScore]) {
    let mut groups: std::collections::BTreeMap<&str, [usize; 4]> = Default::default();
    for score in scores {
        let look = score.name.split('-').nth(1).unwrap_or(&score.name);
        let tally = groups.entry(look).or_default();
        tally[0] += score.raw_wer.edits;
        tally[1] += score.pipeline_wer.edits;
        tally[2] += score.raw_wer.truth_words;
        tally[3] += score.json_bytes;
    }
    for (look, [raw, out, words, bytes]) in groups {
        let rate = |edits: usize| edits as f64 / words.max(1) as f64 * 100.0;
        report!(
            "{look:<10} WER raw {:>6.2}%  WER out {:>6.2}%  ({words} words, JSON {:.1} kB)",
            rate(raw),
            rate(out),
            bytes as f64 / 1000.0
        );
    }
}

fn run_ocr_choices(args: OcrChoicesArgs) -> anyhow::Result<u8> {
    let mut options = vanban::ingest::IngestOptions::default();
    options.ocr.language = args.lang.clone();
    options.ocr.choices = true;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs)
        .build()
        .context("starting worker threads")?;
    let fixtures = vanban::eval::ocr::fixtures(&args.input)?;
    let counts = pool.install(|| vanban::eval::ocr_choices::count(&options, &fixtures))?;
    let command = format!(
        "vanban eval ocr-choices --input {} --lang {} ({} documents)",
        args.input.display(),
        args.lang,
        fixtures.len()
    );
    let table = vanban::restore::ChoiceCosts::from_counts(counts).to_tsv(&command);
    print!("{table}");
    if let Some(path) = &args.write {
        std::fs::write(path, &table).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(EXIT_OK)
}

fn run_ocr(args: OcrEvalArgs) -> anyhow::Result<u8> {
    use vanban::eval::ocr::{evaluate, fixtures};
    use vanban::pipeline::{Pipeline, PipelineOptions};

    let mut options = PipelineOptions {
        restore: (!args.no_restore).then(RestoreOptions::default),
        ..PipelineOptions::default()
    };
    options.ingest.ocr.language = args.lang.clone();
    options.ingest.ocr.layout = !args.no_layout;
    options.ingest.ocr.remove_junk = !args.no_junk;
    options.omit_words = args.no_words;
    options.ingest.ocr.choices = !args.no_alternatives;
    let pipeline = Pipeline::new(options);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs)
        .build()
        .context("starting worker threads")?;
    let scores = pool.install(|| {
        fixtures(&args.input)?
            .iter()
            .map(|fixture| evaluate(&pipeline, fixture))
            .collect::<vanban::Result<Vec<_>>>()
    })?;
    if args.json {
        report!("{}", serde_json::to_string_pretty(&scores)?);
        return Ok(EXIT_OK);
    }
    report!(
        "{:<24} {:>5} {:<10} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>7} {:>8}",
        "fixture",
        "pages",
        "read by",
        "CER raw",
        "CER out",
        "WER raw",
        "WER out",
        "ingest s",
        "stages s",
        "pages/s",
        "JSON kB"
    );
    for score in &scores {
        let mut methods: Vec<&str> = score
            .methods
            .iter()
            .map(|m| match m {
                vanban::document::PageMethod::Ocr => "ocr",
                vanban::document::PageMethod::PdfTextLayer => "text layer",
                vanban::document::PageMethod::Text => "text",
            })
            .collect();
        methods.dedup();
        report!(
            "{:<24} {:>5} {:<10} {:>7.2}% {:>7.2}% {:>7.2}% {:>7.2}% {:>8.2} {:>8.3} {:>7.2} {:>8.1}",
            score.name,
            score.pages,
            methods.join("+"),
            score.raw.rate * 100.0,
            score.pipeline.rate * 100.0,
            score.raw_wer.rate * 100.0,
            score.pipeline_wer.rate * 100.0,
            score.ingest_seconds,
            score.stages_seconds,
            score.pages_per_second,
            score.json_bytes as f64 / 1000.0
        );
    }
    print_wer_groups(&scores);
    let pages: usize = scores.iter().map(|s| s.pages).sum();
    let ingest: f64 = scores.iter().map(|s| s.ingest_seconds).sum();
    let stages: f64 = scores.iter().map(|s| s.stages_seconds).sum();
    report!(
        "total: {pages} pages, {:.2} pages/s; the stages after reading add {:.1} % to it ({} threads)",
        pages as f64 / (ingest + stages),
        stages / ingest * 100.0,
        pool.current_num_threads()
    );
    Ok(EXIT_OK)
}
