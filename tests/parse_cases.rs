//! Runs the parser cases of `tests/data/parse/cases.toml`: each names the references, dates and
//! document fields the parser must report for a text.

mod common;

use serde::Deserialize;
use serde_json::Value;
use vanban::parse::{parse, plain_span};

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    text: String,
    references: Option<Vec<toml::Table>>,
    #[serde(default)]
    dates: Vec<toml::Table>,
    document: Option<toml::Table>,
    /// Paths into the document fields that must not be there.
    #[serde(default)]
    absent: Vec<String>,
}

/// `a.b.0.c` into `value`.
fn at<'a>(value: &'a Value, path: &str) -> &'a Value {
    path.split('.')
        .fold(value, |v, key| match key.parse::<usize>() {
            Ok(i) => &v[i],
            Err(_) => &v[key],
        })
}

fn expect_fields(
    case: &str,
    what: &str,
    actual: &Value,
    expected: &toml::Table,
    skip: &[&str],
) -> Vec<String> {
    expected
        .iter()
        .filter(|(key, _)| !skip.contains(&key.as_str()))
        .filter_map(|(path, want)| {
            let want: Value = serde_json::to_value(want).expect("TOML values are JSON");
            let got = at(actual, path);
            (got != &want).then(|| format!("{case}: {what} {path}: expected {want}, got {got}"))
        })
        .collect()
}

#[test]
fn parser_cases() {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/parse/cases.toml");
    let cases: Vec<Case> = common::toml_cases(&std::fs::read_to_string(&file).expect("cases file"));
    let mut failures = Vec::new();
    for case in &cases {
        let parsed = parse(&case.text, &plain_span(&case.text));
        let json = serde_json::to_value(&parsed).expect("parser output serializes");
        if let Some(expected) = &case.references {
            let actual = json["references"].as_array().expect("references array");
            if actual.len() != expected.len() {
                failures.push(format!(
                    "{}: expected {} references, got {}: {:?}",
                    case.name,
                    expected.len(),
                    actual.len(),
                    parsed
                        .references
                        .iter()
                        .map(|r| (&r.kind, &r.span))
                        .collect::<Vec<_>>()
                ));
                continue;
            }
            for (i, (got, want)) in actual.iter().zip(expected).enumerate() {
                let chars: Vec<char> = case.text.chars().collect();
                let (start, end) = (
                    got["span"]["start"].as_u64().expect("start") as usize,
                    got["span"]["end"].as_u64().expect("end") as usize,
                );
                let span_text: String = chars[start..end].iter().collect();
                if let Some(text) = want.get("text").and_then(|t| t.as_str()) {
                    if span_text != text {
                        failures.push(format!(
                            "{}: reference {i} spans {span_text:?}, expected {text:?}",
                            case.name
                        ));
                    }
                }
                failures.extend(expect_fields(
                    &case.name,
                    &format!("reference {i}"),
                    got,
                    want,
                    &["text"],
                ));
            }
        }
        let dates = json["dates"].as_array().expect("dates array");
        if !case.dates.is_empty() && dates.len() != case.dates.len() {
            failures.push(format!(
                "{}: expected {} dates, got {dates:?}",
                case.name,
                case.dates.len()
            ));
        } else {
            for (i, (got, want)) in dates.iter().zip(&case.dates).enumerate() {
                failures.extend(expect_fields(
                    &case.name,
                    &format!("date {i}"),
                    got,
                    want,
                    &[],
                ));
            }
        }
        for path in &case.absent {
            let got = at(&json["document"], path);
            if !got.is_null() {
                failures.push(format!(
                    "{}: document {path} should be absent, got {got}",
                    case.name
                ));
            }
        }
        if let Some(expected) = &case.document {
            failures.extend(expect_fields(
                &case.name,
                "document",
                &json["document"],
                expected,
                &[],
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

proptest::proptest! {
    /// Arbitrary text, including directive-like fragments, never makes the parser panic, and
    /// every span it reports lies inside the text.
    #[test]
    fn parsing_never_panics(text in "(Kế hoạch|số|ngày|của|về|“|”|\\(|\\)|-|/|KL|TW|QĐ|Qb|\\d{1,4}|[ \n]|\\PC){0,80}") {
        let parsed = parse(&text, &plain_span(&text));
        let len = text.chars().count();
        for reference in &parsed.references {
            proptest::prop_assert!(reference.span.start <= reference.span.end && reference.span.end <= len);
        }
        for date in &parsed.dates {
            proptest::prop_assert!(date.span.end <= len);
        }
    }
}
