//! `vanban model build|info`: building the restoration model from corpora and describing one.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::{Args, Subcommand};

use super::EXIT_OK;
use vanban::model::build::{build, BuildOptions, Source, WordList};
use vanban::model::Model;

#[derive(Debug, Args)]
pub struct ModelArgs {
    #[command(subcommand)]
    command: ModelCommand,
}

#[derive(Debug, Subcommand)]
enum ModelCommand {
    /// Build a model from corpora (UTF-8 text, `.xz` decompressed with `xz -dc`).
    Build(BuildArgs),
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
            println!("{}", serde_json::to_string_pretty(&info)?);
        }
    }
    Ok(EXIT_OK)
}
