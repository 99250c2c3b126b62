//! `vanban eval …`: measuring a stage against gold data.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};

use super::EXIT_OK;
use vanban::eval::restore::{evaluate, RestoreScore, Tally};
use vanban::model::Model;
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
    /// The parser: references and document fields of the seeds against their gold sets.
    Parse(ParseEvalArgs),
    /// OCR and PDF reading: character error rate against rendered truth, and pages per second.
    Ocr(OcrEvalArgs),
    /// OCR repair on rendered, OCR'd pages (`scripts/gen-ocr-pairs render`): CER and WER before
    /// and after, per OCR language and degradation.
    OcrRoundtrip(OcrRoundtripArgs),
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
    /// Prepare page images (red-ink dropout, light flattening) before Tesseract.
    #[arg(long)]
    prepare: bool,
    /// Leave each OCR'd line's words out of the JSON (for `json bytes`).
    #[arg(long)]
    no_words: bool,
}

#[derive(Debug, Args)]
struct OcrRoundtripArgs {
    /// Directory of `NAME.truth.txt` and `NAME-pNNN.{eng,vie}.txt` files.
    #[arg(long, value_name = "DIR")]
    dir: PathBuf,
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
    /// Accented gold text.
    #[arg(long, value_name = "FILE")]
    gold: PathBuf,
    /// Input aligned with the gold line for line and word for word (default: the stripped gold).
    #[arg(long, value_name = "FILE")]
    input: Option<PathBuf>,
    /// Print the score as JSON.
    #[arg(long)]
    json: bool,
    /// Model file to memory-map instead of the embedded model.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
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
    }
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
    let restorer = Restorer::embedded()?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs)
        .build()
        .context("starting worker threads")?;
    let score = pool.install(|| evaluate(&restorer, &pages));
    if args.json {
        println!("{}", serde_json::to_string_pretty(&score)?);
        return Ok(EXIT_OK);
    }
    println!(
        "{:<5} {:<8} {:>5} {:>7} {:>10} {:>10} {:>10} {:>10}",
        "lang", "pages", "n", "words", "CER before", "CER after", "WER before", "WER after"
    );
    for row in &score.rows {
        println!(
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
    println!(
        "speed {:.0} words/s ({} words, {:.3} s, {} threads)",
        score.words_per_second, score.words, score.seconds, score.threads
    );
    Ok(EXIT_OK)
}

fn read(path: &PathBuf) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn run_restore(args: RestoreEvalArgs) -> anyhow::Result<u8> {
    let model = match &args.model {
        Some(path) => Model::open(path)?,
        None => Model::embedded().map_err(|e| e.at(vanban::model::EMBEDDED_NAME))?,
    };
    let restorer = Restorer::with_settings(std::sync::Arc::new(model), args.beam, args.prune);
    let gold = read(&args.gold)?;
    let input = args.input.as_ref().map(read).transpose()?;
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
        println!("{}", serde_json::to_string_pretty(&score)?);
    } else {
        print_score(&score);
    }
    Ok(EXIT_OK)
}

fn print_score(score: &RestoreScore) {
    let line = |name: &str, t: &Tally| {
        println!(
            "{name:<24} {:>7.3} %  ({} / {})",
            t.accuracy * 100.0,
            t.correct,
            t.total
        )
    };
    println!("model                    {}", score.model);
    line("syllable accuracy", &score.syllables);
    line("ambiguous syllables", &score.ambiguous);
    line("all-caps lines", &score.all_caps_lines);
    line("capitalized words", &score.capitalized);
    println!(
        "codes changed            {} of {}",
        score.codes_changed, score.codes
    );
    println!("misaligned lines         {}", score.misaligned_lines);
    println!(
        "speed                    {:.0} words/s ({} words, {:.3} s, {} threads)",
        score.words_per_second, score.words, score.seconds, score.threads
    );
    if !score.confusions.is_empty() {
        let top: Vec<String> = score
            .confusions
            .iter()
            .take(15)
            .map(|c| format!("{}→{} ×{}", c.gold, c.output, c.count))
            .collect();
        println!("top errors               {}", top.join(", "));
    }
}

fn run_parse(args: ParseEvalArgs) -> anyhow::Result<u8> {
    use std::collections::BTreeMap;
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
        println!("{}", serde_json::to_string_pretty(&both)?);
        return Ok(EXIT_OK);
    }
    println!(
        "{:<18} {:>5} {:>5} {:>5} {:>7} {:>7} {:>7}",
        "kind", "gold", "pred", "match", "P", "R", "F1"
    );
    let row = |name: &str, p: &vanban::eval::parse::Prf| {
        println!(
            "{name:<18} {:>5} {:>5} {:>5} {:>7.3} {:>7.3} {:>7.3}",
            p.gold, p.predicted, p.matched, p.precision, p.recall, p.f1
        )
    };
    for (kind, prf) in &references.per_kind {
        row(kind, prf);
    }
    row("full + short", &references.full_short);
    row("alias + self", &references.alias_self);
    println!(
        "exact spans        {} of {} matched ({:.1} %); numbers right {}, dates right {}",
        references.exact_spans,
        references.matched,
        references.exact_span_rate * 100.0,
        references.numbers_right,
        references.dates_right
    );
    println!(
        "document fields    {} of {} right",
        fields.right, fields.total
    );
    for check in fields.checks.iter().filter(|c| !c.right) {
        println!(
            "  wrong {} {}: gold {:?}, predicted {:?}",
            check.file, check.field, check.gold, check.predicted
        );
    }
    if args.verbose {
        references
            .misses
            .iter()
            .for_each(|m| println!("  miss {m}"));
        references
            .spurious
            .iter()
            .for_each(|m| println!("  spurious {m}"));
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
        println!(
            "{look:<10} WER raw {:>6.2}%  WER out {:>6.2}%  ({words} words, JSON {:.1} kB)",
            rate(raw),
            rate(out),
            bytes as f64 / 1000.0
        );
    }
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
    options.ingest.ocr.prepare = args.prepare;
    options.omit_words = args.no_words;
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
        println!("{}", serde_json::to_string_pretty(&scores)?);
        return Ok(EXIT_OK);
    }
    println!(
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
        println!(
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
    println!(
        "total: {pages} pages, {:.2} pages/s; the stages after reading add {:.1} % to it ({} threads)",
        pages as f64 / (ingest + stages),
        stages / ingest * 100.0,
        pool.current_num_threads()
    );
    Ok(EXIT_OK)
}
