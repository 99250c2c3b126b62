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

/// Writes `value` as pretty JSON to `path`, atomically (see [`write_file`]).
pub fn write_json_file<T: Serialize>(path: &Path, value: &T) -> anyhow::Result<()> {
    let mut bytes = serde_json::to_vec_pretty(value).context("serializing a JSON record")?;
    bytes.push(b'\n');
    write_file(path, &bytes)
}

/// Writes `bytes` to `path` through a temporary file and a rename, so an interrupted run never
/// leaves a half-written output for `--resume` to trust.
pub fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating output directory {}", parent.display()))?;
    }
    let mut temp = path.as_os_str().to_owned();
    temp.push(".partial");
    let temp = std::path::PathBuf::from(temp);
    {
        let mut file =
            std::fs::File::create(&temp).with_context(|| format!("creating {}", temp.display()))?;
        file.write_all(bytes)
            .and_then(|_| file.flush())
            .with_context(|| format!("writing {}", temp.display()))?;
    }
    std::fs::rename(&temp, path)
        .with_context(|| format!("renaming {} to {}", temp.display(), path.display()))?;
    Ok(())
}
