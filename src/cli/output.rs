//! Writing JSON to standard output or files, the way batch tools should: buffered, atomic files,
//! quiet on a closed pipe.

use std::io::{self, Write};
use std::path::Path;

use anyhow::Context;
use serde::Serialize;

/// Whether an error chain ends in a closed pipe (`vanban ... | head`), which is not a failure.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|e| e.downcast_ref::<io::Error>())
        .any(|e| e.kind() == io::ErrorKind::BrokenPipe)
}

/// Writes one JSON Lines record.
pub fn write_json_line<W: Write, T: Serialize>(out: &mut W, value: &T) -> anyhow::Result<()> {
    // Serialize first so an I/O failure surfaces as an io::Error that is_broken_pipe recognises.
    let mut line = serde_json::to_vec(value).context("serializing a JSON record")?;
    line.push(b'\n');
    out.write_all(&line).context("writing to standard output")?;
    Ok(())
}

/// Writes `value` as pretty JSON to `path` through a temporary file and a rename, so an
/// interrupted run never leaves a half-written output for `--resume` to trust.
pub fn write_json_file<T: Serialize>(path: &Path, value: &T) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating output directory {}", parent.display()))?;
    }
    let mut temp = path.as_os_str().to_owned();
    temp.push(".partial");
    let temp = std::path::PathBuf::from(temp);
    {
        let file =
            std::fs::File::create(&temp).with_context(|| format!("creating {}", temp.display()))?;
        let mut writer = io::BufWriter::new(file);
        serde_json::to_writer_pretty(&mut writer, value)
            .with_context(|| format!("writing {}", temp.display()))?;
        writer
            .write_all(b"\n")
            .and_then(|_| writer.flush())
            .with_context(|| format!("writing {}", temp.display()))?;
    }
    std::fs::rename(&temp, path)
        .with_context(|| format!("renaming {} to {}", temp.display(), path.display()))?;
    Ok(())
}
