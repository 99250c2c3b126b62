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
    /// What the input is; `ocr-eng` ignores the marks already present.
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
    }
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
