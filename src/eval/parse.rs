//! Scoring the parser against the seed gold sets (`fixtures/gold/seed-references.gold.json`,
//! `fixtures/gold/seed-documents.gold.json`).
//!
//! References: a predicted mention matches a gold one of the same file when their raw spans
//! overlap; it counts for a kind when the kinds agree too. Precision, recall and F1 per kind,
//! and for full + short and alias + self together; "exact spans" is the share of matched
//! mentions whose raw span is the gold one character for character. Document fields: each field
//! the gold gives is compared after trimming (titles and recipients: the gold's text up to a
//! "..." it elides).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::parse::references::ReferenceKind;
use crate::schema::DocumentRecord;

#[derive(Debug, Clone, Deserialize)]
pub struct GoldReference {
    pub id: String,
    pub seed_file: String,
    pub kind: String,
    pub char_start: usize,
    pub char_end: usize,
    pub number: Option<String>,
    pub date: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Prf {
    pub gold: usize,
    pub predicted: usize,
    pub matched: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    fn finish(&mut self) {
        let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        self.precision = ratio(self.matched, self.predicted);
        self.recall = ratio(self.matched, self.gold);
        self.f1 = if self.precision + self.recall == 0.0 {
            0.0
        } else {
            2.0 * self.precision * self.recall / (self.precision + self.recall)
        };
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ReferenceScore {
    pub per_kind: BTreeMap<String, Prf>,
    pub full_short: Prf,
    pub alias_self: Prf,
    /// Matched mentions (any kind) whose raw span equals the gold span.
    pub exact_spans: usize,
    pub matched: usize,
    pub exact_span_rate: f64,
    /// Matched numbered mentions whose number and date agree with the gold.
    pub numbers_right: usize,
    pub dates_right: usize,
    pub misses: Vec<String>,
    pub spurious: Vec<String>,
}

fn kind_name(kind: ReferenceKind) -> &'static str {
    match kind {
        ReferenceKind::Full => "full",
        ReferenceKind::Short => "short",
        ReferenceKind::AliasDefinition => "alias_definition",
        ReferenceKind::SelfReference => "self",
        ReferenceKind::SelfNumbered => "self_numbered",
    }
}

/// Scores the references of `documents` (file name → record) against `gold`.
pub fn score_references(
    gold: &[GoldReference],
    documents: &BTreeMap<String, DocumentRecord>,
) -> ReferenceScore {
    let mut per_kind: BTreeMap<String, Prf> = BTreeMap::new();
    let mut full_short = Prf::default();
    let mut alias_self = Prf::default();
    let group = |kind: &str| match kind {
        "full" | "short" => Some(0),
        "alias_definition" | "self" | "self_numbered" => Some(1),
        _ => None,
    };
    let mut exact_spans = 0;
    let mut matched_any = 0;
    let (mut numbers_right, mut dates_right) = (0, 0);
    let mut misses = Vec::new();
    let mut spurious = Vec::new();
    let files: Vec<&String> = documents.keys().collect();
    for file in files {
        let record = &documents[file];
        let golds: Vec<&GoldReference> = gold.iter().filter(|g| &g.seed_file == file).collect();
        let mut used = vec![false; record.references.len()];
        for g in &golds {
            let entry = per_kind.entry(g.kind.clone()).or_default();
            entry.gold += 1;
            match group(&g.kind) {
                Some(0) => full_short.gold += 1,
                Some(_) => alias_self.gold += 1,
                None => {}
            }
            let found = record.references.iter().enumerate().find(|(i, r)| {
                !used[*i] && r.span.raw_start < g.char_end && g.char_start < r.span.raw_end
            });
            let Some((i, predicted)) = found else {
                misses.push(format!("{}: {} {}", file, g.id, g.kind));
                continue;
            };
            used[i] = true;
            matched_any += 1;
            if (predicted.span.raw_start, predicted.span.raw_end) == (g.char_start, g.char_end) {
                exact_spans += 1;
            } else {
                misses.push(format!(
                    "{file}: {} span {}..{} predicted {}..{}",
                    g.id,
                    g.char_start,
                    g.char_end,
                    predicted.span.raw_start,
                    predicted.span.raw_end
                ));
            }
            if g.number.is_some() && g.number == predicted.number.as_ref().map(|n| n.value.clone())
            {
                numbers_right += 1;
            }
            if g.date.is_some() && g.date == predicted.date.as_ref().and_then(|d| d.value.clone()) {
                dates_right += 1;
            }
            let predicted_kind = kind_name(predicted.kind);
            if predicted_kind == g.kind {
                per_kind.get_mut(&g.kind).expect("entry").matched += 1;
            } else {
                misses.push(format!(
                    "{file}: {} is {} predicted {predicted_kind}",
                    g.id, g.kind
                ));
            }
            if group(&g.kind).is_some() && group(&g.kind) == group(predicted_kind) {
                if group(&g.kind) == Some(0) {
                    full_short.matched += 1;
                } else {
                    alias_self.matched += 1;
                }
            }
        }
        for (i, r) in record.references.iter().enumerate() {
            let kind = kind_name(r.kind);
            per_kind.entry(kind.to_owned()).or_default().predicted += 1;
            match group(kind) {
                Some(0) => full_short.predicted += 1,
                Some(_) => alias_self.predicted += 1,
                None => {}
            }
            if !used[i] {
                spurious.push(format!(
                    "{file}: {} {kind} at {}..{}",
                    r.id, r.span.raw_start, r.span.raw_end
                ));
            }
        }
    }
    per_kind.values_mut().for_each(Prf::finish);
    full_short.finish();
    alias_self.finish();
    ReferenceScore {
        per_kind,
        full_short,
        alias_self,
        exact_spans,
        matched: matched_any,
        exact_span_rate: if matched_any == 0 {
            1.0
        } else {
            exact_spans as f64 / matched_any as f64
        },
        numbers_right,
        dates_right,
        misses,
        spurious,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldCheck {
    pub file: String,
    pub field: String,
    pub gold: String,
    pub predicted: Option<String>,
    pub right: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocumentScore {
    pub right: usize,
    pub total: usize,
    pub checks: Vec<FieldCheck>,
}

/// Compares every document-level field the gold gives (null fields included: predicting a
/// value the document does not have is wrong too).
pub fn score_documents(
    gold: &[serde_json::Value],
    documents: &BTreeMap<String, DocumentRecord>,
) -> DocumentScore {
    let mut checks = Vec::new();
    for g in gold {
        let Some(file) = g["seed_file"].as_str() else {
            continue;
        };
        let Some(record) = documents.get(file) else {
            continue;
        };
        let meta = &record.document;
        let value = |f: &Option<crate::parse::document::Field>| f.as_ref().map(|f| f.value.clone());
        let signature = meta.signature.as_ref();
        let predicted: Vec<(&str, Option<String>)> = vec![
            ("system", value(&meta.system)),
            ("doc_type", value(&meta.doc_type)),
            ("number", meta.number.as_ref().map(|n| n.value.clone())),
            ("date", value(&meta.issue_date)),
            ("place", value(&meta.place)),
            ("issuer", value(&meta.issuer)),
            ("issuer_parent", value(&meta.issuer_parent)),
            ("urgency", value(&meta.urgency)),
            ("trich_yeu", value(&meta.title)),
            (
                "signing_authority",
                signature.and_then(|s| value(&s.authority)),
            ),
            ("signer_title", signature.and_then(|s| value(&s.title))),
            ("signer", signature.and_then(|s| value(&s.signer))),
        ];
        for (name, predicted) in predicted {
            let Some(gold_value) = g.get(name) else {
                continue;
            };
            let gold_text = gold_value.as_str().map(str::to_owned);
            let right = match (&gold_text, &predicted) {
                (None, None) => true,
                (Some(gold), Some(predicted)) => same_text(gold, predicted),
                _ => false,
            };
            checks.push(FieldCheck {
                file: file.to_owned(),
                field: name.to_owned(),
                gold: gold_text.unwrap_or_else(|| "null".to_owned()),
                predicted,
                right,
            });
        }
        if let Some(groups) = g["recipients"].as_array() {
            let predicted: Vec<(Option<String>, Vec<String>)> = meta
                .recipients
                .iter()
                .map(|r| {
                    (
                        r.mode.clone(),
                        r.items.iter().map(|i| i.text.clone()).collect(),
                    )
                })
                .collect();
            let gold_groups: Vec<(Option<String>, Vec<String>)> = groups
                .iter()
                .map(|r| {
                    let items = r["items"].as_array().into_iter().flatten();
                    (
                        r["mode"].as_str().map(str::to_owned),
                        items
                            .filter_map(|i| i.as_str())
                            .map(str::to_owned)
                            .collect(),
                    )
                })
                .collect();
            let right = predicted.len() == gold_groups.len()
                && predicted.iter().zip(&gold_groups).all(|(p, g)| {
                    p.0 == g.0
                        && p.1.len() == g.1.len()
                        && p.1.iter().zip(&g.1).all(|(a, b)| same_text(b, a))
                });
            checks.push(FieldCheck {
                file: file.to_owned(),
                field: "recipients".to_owned(),
                gold: format!("{gold_groups:?}"),
                predicted: Some(format!("{predicted:?}")),
                right,
            });
        }
        if let Some(deadlines) = g["deadlines"].as_array() {
            let gold_values: Vec<String> = deadlines
                .iter()
                .filter_map(|d| d["date"].as_str().map(str::to_owned))
                .collect();
            let predicted: Vec<String> = record
                .dates
                .iter()
                .filter(|d| d.kind == crate::parse::dates::DateKind::Deadline)
                .filter_map(|d| d.value.clone())
                .collect();
            checks.push(FieldCheck {
                file: file.to_owned(),
                field: "deadlines".to_owned(),
                gold: format!("{gold_values:?}"),
                right: predicted == gold_values,
                predicted: Some(format!("{predicted:?}")),
            });
        }
    }
    DocumentScore {
        right: checks.iter().filter(|c| c.right).count(),
        total: checks.len(),
        checks,
    }
}

/// Equal after trimming; a gold value with "..." (or "…") matches when the prediction starts
/// with the part before it and ends with the part after it. Gold annotations in brackets
/// (`[OCR: Cổng]`) are notes, not text.
fn same_text(gold: &str, predicted: &str) -> bool {
    let gold = match gold.find(" [") {
        Some(at) if gold.ends_with(']') => &gold[..at],
        _ => gold,
    };
    let (gold, predicted) = (gold.trim(), predicted.trim());
    match gold.split_once("...").or_else(|| gold.split_once('…')) {
        Some((head, tail)) => {
            predicted.starts_with(head.trim_end()) && predicted.ends_with(tail.trim_start())
        }
        None => gold == predicted,
    }
}

/// One line of a document gold file (`vanban eval parse --gold`): the document is named by `id`
/// (`DIR/<id>.txt`) or `file`; each field given is scored, the others are not.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldDocument {
    pub id: Option<String>,
    pub file: Option<String>,
    pub number: Option<String>,
    pub doc_type: Option<String>,
    pub year: Option<i64>,
}

impl GoldDocument {
    /// The name the scorer reports the document under.
    pub fn name(&self) -> &str {
        self.id.as_deref().or(self.file.as_deref()).unwrap_or("?")
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FieldTally {
    pub right: usize,
    pub total: usize,
    pub accuracy: f64,
    /// `name: gold → predicted` for every wrong document.
    pub misses: Vec<String>,
}

impl FieldTally {
    fn add(&mut self, name: &str, gold: &str, predicted: Option<&str>, right: bool) {
        self.total += 1;
        if right {
            self.right += 1;
        } else {
            self.misses.push(format!(
                "{name}: {gold} → {}",
                predicted.unwrap_or("(none)")
            ));
        }
        self.accuracy = self.right as f64 / self.total as f64;
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct GoldDocumentScore {
    pub number: FieldTally,
    /// Numbers compared after folding `Đ` to `D`: what stripped input can be expected to keep
    /// when restoration does not bring the `Đ` back.
    pub number_fold_d: FieldTally,
    pub doc_type: FieldTally,
    pub year: FieldTally,
}

/// `Đ`/`đ` to `D`/`d`, after NFC: the gold's numbers keep `Đ`, stripped text cannot.
pub fn fold_d(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfc()
        .map(|c| match c {
            'Đ' => 'D',
            'đ' => 'd',
            c => c,
        })
        .collect()
}

/// Scores the document number, type and issue year of `records` (by gold name) against `gold`;
/// a document missing from `records` counts wrong on every field its gold gives.
pub fn score_gold_documents(
    gold: &[GoldDocument],
    records: &BTreeMap<String, DocumentRecord>,
) -> GoldDocumentScore {
    use unicode_normalization::UnicodeNormalization;
    let mut score = GoldDocumentScore::default();
    for g in gold {
        let name = g.name();
        let meta = records.get(name).map(|r| &r.document);
        if let Some(number) = &g.number {
            let predicted = meta
                .and_then(|m| m.number.as_ref())
                .map(|n| n.value.as_str());
            let gold_nfc: String = number.nfc().collect();
            let right = predicted.is_some_and(|p| p.nfc().collect::<String>() == gold_nfc);
            score.number.add(name, number, predicted, right);
            let folded = predicted.is_some_and(|p| fold_d(p) == fold_d(number));
            score.number_fold_d.add(name, number, predicted, folded);
        }
        if let Some(doc_type) = &g.doc_type {
            let predicted = meta
                .and_then(|m| m.doc_type.as_ref())
                .map(|t| t.value.as_str());
            score.doc_type.add(
                name,
                doc_type,
                predicted,
                predicted == Some(doc_type.as_str()),
            );
        }
        if let Some(year) = g.year {
            let predicted = meta
                .and_then(|m| m.issue_date.as_ref())
                .and_then(|d| d.value.get(..4));
            let right = predicted.and_then(|p| p.parse::<i64>().ok()) == Some(year);
            score.year.add(name, &year.to_string(), predicted, right);
        }
    }
    score
}
