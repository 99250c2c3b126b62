//! `vanban parse FILE...`: the parser's view of documents — metadata, dates, references and the
//! documents they cite — without the rest of the `process` record.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::output::write_json_line;
use super::{EXIT_OK, EXIT_SOME_FAILED};
use vanban::parse::{DocumentMeta, Entity, FoundDate, Reference};
use vanban::pipeline::{Pipeline, PipelineOptions};
use vanban::restore::RestoreOptions;

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// Text, image or PDF files.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Parse the normalized text without diacritic restoration.
    #[arg(long)]
    no_restore: bool,
}

#[derive(Serialize)]
struct ParsedRecord<'a> {
    path: String,
    /// The text every `start`/`end` offset refers to.
    content: &'a str,
    document: &'a DocumentMeta,
    dates: &'a [FoundDate],
    references: &'a [Reference],
    entities: &'a [Entity],
}

pub fn run(args: ParseArgs) -> anyhow::Result<u8> {
    let pipeline = Pipeline::new(PipelineOptions {
        restore: (!args.no_restore).then(RestoreOptions::default),
        ..PipelineOptions::default()
    });
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = false;
    for file in &args.files {
        let path = file.display().to_string();
        match pipeline.process_file(file, &path) {
            Ok(record) => write_json_line(
                &mut out,
                &ParsedRecord {
                    path,
                    content: &record.text.content,
                    document: &record.document,
                    dates: &record.dates,
                    references: &record.references,
                    entities: &record.entities,
                },
            )?,
            Err(error) => {
                eprintln!("vanban: {error}");
                failed = true;
            }
        }
    }
    std::io::Write::flush(&mut out)?;
    Ok(if failed { EXIT_SOME_FAILED } else { EXIT_OK })
}
