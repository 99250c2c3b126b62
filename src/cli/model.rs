//! `vanban model build|info`: building the restoration model from corpora and describing one.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::{Args, Subcommand};

use super::EXIT_OK;
use vanban::model::build::{build, BuildOptions, Source, WordList};
use vanban::model::{overlay, Model};

#[derive(Debug, Args)]
pub struct ModelArgs {
    #[command(subcommand)]
    command: ModelCommand,
}

#[derive(Debug, Subcommand)]
enum ModelCommand {
    /// Build a model from corpora (UTF-8 text, or `.xz` compressed).
    Build(BuildArgs),
    /// Count an archive's corrected texts into an overlay for `--overlay FILE` of `restore` and
    /// `process`.
    Adapt(AdaptArgs),
    /// Describe a model (default: the embedded one).
    Info {
        /// Model file (memory-mapped).
        #[arg(long, value_name = "FILE")]
        model: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
struct BuildArgs {
    /// A corpus as PATH or PATH:WEIGHT (its counts are multiplied by WEIGHT). Repeatable.
    #[arg(long = "corpus", required = true, value_name = "PATH[:WEIGHT]")]
    corpora: Vec<Source>,
    /// Output model file.
    #[arg(short, long, value_name = "FILE")]
    out: PathBuf,
    /// Weighted count a syllable needs to enter the vocabulary.
    #[arg(long, default_value_t = BuildOptions::default().min_syllable_count)]
    min_syllable: u64,
    /// Weighted count a bigram needs to be stored.
    #[arg(long, default_value_t = BuildOptions::default().min_bigram_count)]
    min_bigram: u64,
    /// Weighted count a trigram needs to be stored.
    #[arg(long, default_value_t = BuildOptions::default().min_trigram_count)]
    min_trigram: u64,
    /// Word list (one word a line, e.g. Viet74K) whose two- and three-syllable words get a bonus:
    /// `FILE` (with `--word-bonus`) or `FILE:BONUS`; repeatable, applied in order.
    #[arg(long, value_name = "FILE[:BONUS]")]
    words: Vec<String>,
    /// Cost (`-ln p × 100`) taken off each n-gram that completes a listed word, for lists given
    /// without their own.
    #[arg(long, default_value_t = 0)]
    word_bonus: u16,
}

#[derive(Debug, Args)]
struct AdaptArgs {
    /// A directory of corrected texts (its `.txt` and `.xz` files, recursively) or one such
    /// file. Repeatable.
    #[arg(long = "corpus", required = true, value_name = "DIR|FILE")]
    corpora: Vec<PathBuf>,
    /// Output overlay file.
    #[arg(short, long, value_name = "FILE")]
    out: PathBuf,
}

/// The texts of `corpora`, in sorted order; files that are not UTF-8 text are left out with a
/// warning naming them, so one bad file does not stop the rest.
fn archive_texts(corpora: &[PathBuf]) -> anyhow::Result<Vec<Source>> {
    let mut sources = Vec::new();
    for corpus in corpora {
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(corpus)
            .follow_links(true)
            .sort_by_file_name()
        {
            let entry = entry.with_context(|| format!("reading {}", corpus.display()))?;
            let name = entry.file_name().to_string_lossy();
            if entry.file_type().is_file() && (name.ends_with(".txt") || name.ends_with(".xz")) {
                files.push(entry.into_path());
            }
        }
        if files.is_empty() {
            anyhow::bail!("{}: no .txt or .xz files", corpus.display());
        }
        for path in files {
            match vanban::model::build::read_source(&path) {
                Ok(_) => sources.push(Source { path, weight: 1 }),
                Err(error) => eprintln!("vanban: skipping {error}"),
            }
        }
    }
    if sources.is_empty() {
        anyhow::bail!("no readable texts to adapt to");
    }
    Ok(sources)
}

pub fn run(args: ModelArgs) -> anyhow::Result<u8> {
    match args.command {
        ModelCommand::Build(args) => {
            let options = BuildOptions {
                sources: args.corpora,
                min_syllable_count: args.min_syllable,
                min_bigram_count: args.min_bigram,
                min_trigram_count: args.min_trigram,
                words: args
                    .words
                    .iter()
                    .map(|s| WordList::parse(s, args.word_bonus))
                    .collect::<Result<_, _>>()
                    .map_err(anyhow::Error::msg)?,
            };
            let started = Instant::now();
            let (bytes, report) = build(&options)?;
            std::fs::write(&args.out, &bytes)
                .with_context(|| format!("writing {}", args.out.display()))?;
            eprintln!(
                "vanban: wrote {} ({} bytes, {} syllables, {} bigrams, {} trigrams) in {:.1} s",
                args.out.display(),
                bytes.len(),
                report.vocabulary,
                report.bigrams,
                report.trigrams,
                started.elapsed().as_secs_f64()
            );
        }
        ModelCommand::Adapt(args) => {
            let started = Instant::now();
            let sources = archive_texts(&args.corpora)?;
            let (bytes, report) = overlay::make(&sources)?;
            std::fs::write(&args.out, &bytes)
                .with_context(|| format!("writing {}", args.out.display()))?;
            eprintln!(
                "vanban: wrote {} ({} bytes, {} texts, {} tokens, {} syllables, {} trigrams) in {:.1} s",
                args.out.display(),
                bytes.len(),
                sources.len(),
                report.source_tokens.iter().sum::<u64>(),
                report.vocabulary,
                report.trigrams,
                started.elapsed().as_secs_f64()
            );
        }
        ModelCommand::Info { model } => {
            let started = Instant::now();
            let model = match model {
                Some(path) => Model::open(&path)?,
                None => Model::embedded().map_err(|e| e.at(vanban::model::EMBEDDED_NAME))?,
            };
            let load_ms = started.elapsed().as_secs_f64() * 1000.0;
            let info = serde_json::json!({
                "model": model.name(),
                "bytes": model.size_bytes(),
                "load_ms": load_ms,
                "build": model.meta(),
            });
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", serde_json::to_string_pretty(&info)?)
                .context("writing to standard output")?;
        }
    }
    Ok(EXIT_OK)
}
