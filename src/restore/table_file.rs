//! The text tables under `dictionaries/` that the restorer embeds and builds by a command
//! (`code-eth.tsv`, `ocr-choices.tsv`): a magic line naming the table and its format, comment
//! lines, tab-separated rows, and an end line counting them (`# end: N rows`), so a truncated
//! file is an error, not a smaller table.

/// Starts the line that closes a table and counts its rows.
pub(super) const END_PREFIX: &str = "# end: ";

/// The rows of `text`, each with its line number (from 1) and its tab-separated fields, after
/// checking that the first line is `magic` and that the end line (`# end: N <unit>`) counts
/// them. Comment and empty lines are skipped; `rebuild` says how to make the table again.
pub(super) fn rows<'a>(
    text: &'a str,
    magic: &str,
    unit: &str,
    rebuild: &str,
) -> Result<Vec<(usize, Vec<&'a str>)>, String> {
    let mut lines = text.lines();
    if lines.next() != Some(magic) {
        return Err(format!("first line must be `{magic}`"));
    }
    let mut rows = Vec::new();
    for (n, line) in lines.enumerate() {
        if let Some(count) = line.strip_prefix(END_PREFIX) {
            let expected = count
                .strip_suffix(unit)
                .and_then(|count| count.trim_end().parse::<usize>().ok())
                .ok_or_else(|| format!("line {}: bad end line {line:?}", n + 2))?;
            if expected != rows.len() {
                return Err(format!(
                    "truncated: {} rows, the end line says {expected}; rebuild it with {rebuild}",
                    rows.len()
                ));
            }
            return Ok(rows);
        }
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        rows.push((n + 2, line.split('\t').collect()));
    }
    Err(format!(
        "no end line (`{END_PREFIX}N {unit}`): the file is truncated"
    ))
}
