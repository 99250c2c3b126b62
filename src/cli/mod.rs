//! The `vanban` command line: one module per subcommand, each with its `Args` and `run`.

mod eval;
mod model;
mod output;
mod parse;
mod process;
mod restore;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code when every input was processed.
pub const EXIT_OK: u8 = 0;
/// Exit code when the run finished but some inputs failed (each reported as an `error` record).
pub const EXIT_SOME_FAILED: u8 = 1;
/// Exit code when the run could not proceed at all (bad arguments, unusable model or output).
pub const EXIT_FATAL: u8 = 2;

#[derive(Debug, Parser)]
#[command(name = "vanban", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Process documents (text, images, PDFs; files or directories) into JSON.
    Process(process::ProcessArgs),
    /// Build or describe the diacritic restoration model.
    Model(model::ModelArgs),
    /// Measure a stage against gold data.
    Eval(eval::EvalArgs),
    /// Restore Vietnamese diacritics (stdin or FILE to stdout, line for line).
    Restore(restore::RestoreArgs),
    /// Parse documents: metadata, dates, references and cited documents, one JSON line each.
    Parse(parse::ParseArgs),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Process(args) => process::run(args),
        Command::Model(args) => model::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Restore(args) => restore::run(args),
        Command::Parse(args) => parse::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) if output::is_broken_pipe(&error) => ExitCode::from(EXIT_OK),
        Err(error) => {
            eprintln!("vanban: {error:#}");
            ExitCode::from(EXIT_FATAL)
        }
    }
}

/// Debian's Tesseract is built with OpenMP, which on two cores runs about four times slower
/// unless `OMP_THREAD_LIMIT=1` is set before the process starts (the OpenMP runtime reads it at
/// load time), so a run that may OCR re-executes itself with the variable set.
pub fn ensure_openmp_thread_limit() {
    #[cfg(all(unix, feature = "ocr"))]
    {
        use std::os::unix::process::CommandExt;
        let wants_ocr = std::env::args_os()
            .nth(1)
            .is_some_and(|a| a == "process" || a == "eval");
        if wants_ocr && std::env::var_os("OMP_THREAD_LIMIT").is_none() {
            if let Ok(exe) = std::env::current_exe() {
                let error = std::process::Command::new(exe)
                    .args(std::env::args_os().skip(1))
                    .env("OMP_THREAD_LIMIT", "1")
                    .exec();
                // exec only returns on failure; carry on without the limit rather than stop.
                eprintln!("vanban: could not set OMP_THREAD_LIMIT=1 ({error}); OCR may be slow");
            }
        }
    }
}
