//! The parser against the seed gold sets, through the whole pipeline (with restoration, as
//! `vanban process` runs it), and on the English-model OCR of seed 002.

mod common;

use std::collections::BTreeMap;

use vanban::eval::parse::{score_documents, score_references, GoldReference};
use vanban::pipeline::{Pipeline, PipelineOptions};
use vanban::restore::RestoreOptions;
use vanban::schema::DocumentRecord;

fn pipeline() -> Pipeline {
    Pipeline::new(PipelineOptions {
        restore: Some(RestoreOptions::default()),
        ..PipelineOptions::default()
    })
}

fn process(pipeline: &Pipeline, file: &str) -> DocumentRecord {
    pipeline
        .process_file(&common::repo_path(&format!("fixtures/seeds/{file}")), file)
        .expect("seed processes")
}

fn gold<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let text = std::fs::read_to_string(common::repo_path(&format!("fixtures/gold/{name}")))
        .expect("gold file");
    serde_json::from_str(&text).expect("gold is JSON")
}

#[test]
fn references_and_document_fields_meet_the_gold() {
    let references: Vec<GoldReference> = gold("seed-references.gold.json");
    let documents: Vec<serde_json::Value> = gold("seed-documents.gold.json");
    let pipeline = pipeline();
    let mut records = BTreeMap::new();
    for file in [
        "000_ac36b2be699df4a8.txt",
        "001_6545ed3fafa3d3a4.txt",
        "003_026306599e5846c8.txt",
    ] {
        records.insert(file.to_owned(), process(&pipeline, file));
    }
    let score = score_references(&references, &records);
    assert!(
        score.full_short.f1 >= 0.97,
        "full + short {:?}\n{:#?}",
        score.full_short,
        score.misses
    );
    assert!(
        score.alias_self.f1 >= 0.9,
        "alias + self {:?}\n{:#?}",
        score.alias_self,
        score.misses
    );
    assert!(
        score.exact_span_rate >= 0.95,
        "exact spans {}\n{:#?}",
        score.exact_span_rate,
        score.misses
    );
    let fields = score_documents(&documents, &records);
    let wrong: Vec<_> = fields.checks.iter().filter(|c| !c.right).collect();
    assert!(
        wrong.is_empty(),
        "{} of {} document fields wrong: {wrong:#?}",
        wrong.len(),
        fields.total
    );
    assert!(fields.total >= 30, "the gold gives {} fields", fields.total);
}

#[test]
fn seed_002_after_restoration_yields_its_number_and_dated_citations() {
    let record = process(&pipeline(), "002_a158e5844dad4d3e.txt");
    let number = record.document.number.as_ref().map(|n| n.value.as_str());
    assert_eq!(number, Some("643-KH/BTGTU"));
    let cited: BTreeMap<&str, Option<&str>> = record
        .references
        .iter()
        .filter_map(|r| {
            let number = r.number.as_ref()?.value.as_str();
            let date = r.date.as_ref().and_then(|d| d.value.as_deref());
            Some((number, date))
        })
        .fold(BTreeMap::new(), |mut seen, (number, date)| {
            let slot = seen.entry(number).or_insert(None);
            *slot = slot.or(date);
            seen
        });
    for (number, date) in [
        ("24-CTr/TU", "2022-10-05"),
        ("156-KH/BTGTW", "2022-06-14"),
        ("23-KL/TW", "2017-11-22"),
        ("30-CT/TW", "2013-12-25"),
        ("238-QĐ/TW", "2020-09-30"),
        ("68-KH/TU", "2018-06-04"),
        ("40-KH/TU", "2017-06-29"),
    ] {
        assert_eq!(
            cited.get(number).copied().flatten(),
            Some(date),
            "{number} in {cited:?}"
        );
    }
    let repaired = record
        .references
        .iter()
        .find(|r| r.number.as_ref().is_some_and(|n| n.value == "238-QĐ/TW"))
        .expect("238-QĐ/TW is cited");
    assert_eq!(repaired.warnings, ["ocr_confusion:Qb→QĐ"]);
}
