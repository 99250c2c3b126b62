//! `vanban restore [FILE]`: restores diacritics, line for line, from a file or stdin to stdout.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::EXIT_OK;
use vanban::model::Model;
use vanban::restore::{InputKind, RestoreOptions, Restorer};
use vanban::text::ToneStyle;

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Input text (UTF-8); stdin when absent or `-`.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    /// Model file to memory-map instead of the embedded model.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// Overlay of an archive's own texts (`vanban model adapt`) to fold into the model.
    #[arg(long, value_name = "FILE")]
    overlay: Option<PathBuf>,
    /// Tone-mark placement of restored syllables.
    #[arg(long, value_enum, default_value_t = ToneStyle::New)]
    tone: ToneStyle,
    /// What the input is; `ocr-eng`/`ocr-vie` also repair OCR garble (`ciia` → `của`).
    #[arg(long, value_enum, default_value_t = InputKind::Auto)]
    input_kind: InputKind,
    /// Worker threads (0 = one per core).
    #[arg(short, long, default_value_t = 0, value_name = "N")]
    jobs: usize,
}

pub fn run(args: RestoreArgs) -> anyhow::Result<u8> {
    let model = Model::load(args.model.as_deref(), args.overlay.as_deref())?;
    let restorer = Restorer::new(std::sync::Arc::new(model));
    let mut text = String::new();
    match args.file.as_deref().filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?
        }
        None => {
            io::stdin()
                .read_to_string(&mut text)
                .context("reading standard input")?;
        }
    }
    let options = RestoreOptions {
        input_kind: args.input_kind,
        tone_style: args.tone,
        ..RestoreOptions::default()
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs)
        .build()
        .context("starting worker threads")?;
    let restored = pool.install(|| restorer.restore_text(&text, &options));
    let mut out = io::BufWriter::new(io::stdout().lock());
    out.write_all(restored.as_bytes())
        .and_then(|_| out.flush())
        .context("writing to standard output")?;
    Ok(EXIT_OK)
}
