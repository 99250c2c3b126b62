//! Writing the archival formats against reading the page: the time to lay out a processed page
//! and write its ALTO, hOCR, txt and searchable PDF, beside the time to ingest (OCR) the same page.
//! The bar is export ≤ 5 % of OCR.
//!
//! Run with `OMP_THREAD_LIMIT=1 cargo bench --bench export`: Debian's Tesseract uses OpenMP, which
//! runs several times slower on two cores without the limit.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use vanban::document::SourceKind;
use vanban::export::{alto, hocr, pdf, txt, Layout};
use vanban::ingest::{self, IngestOptions};
use vanban::pipeline::{Pipeline, PipelineOptions, Processed};
use vanban::restore::RestoreOptions;

/// One clean page and a two-page G4 TIFF.
const SCANS: [&str; 2] = ["s003-clean-p001.png", "s004-two-pages.tiff"];

/// Every archival format of one processed document; returns the bytes written.
fn export_all(processed: &Processed, source: &[u8], kind: SourceKind) -> usize {
    let layout = Layout::new(processed);
    let record = &processed.record;
    let pdf = match pdf::write(source, kind, &layout).expect("the fixture's PDF is written") {
        pdf::Outcome::Written(bytes) => bytes.len(),
        pdf::Outcome::Skipped(_) => 0,
    };
    alto::write(&layout, record).len()
        + hocr::write(&layout, record).len()
        + txt::write(record).len()
        + pdf
}

fn export_vs_ocr(c: &mut Criterion) {
    if std::env::var_os("OMP_THREAD_LIMIT").is_none() {
        eprintln!("export bench: set OMP_THREAD_LIMIT=1 first, or the OCR figures are meaningless");
    }
    let pipeline = Pipeline::new(PipelineOptions {
        restore: Some(RestoreOptions::default()),
        ..PipelineOptions::default()
    });
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scans");
    let mut group = c.benchmark_group("export");
    group.sample_size(10);
    for name in SCANS {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).expect("scan fixture is readable");
        let ingest = || {
            ingest::ingest_bytes(&path, &bytes, &IngestOptions::default()).expect("fixture reads")
        };
        let processed = pipeline.process_ingested_with_layout(ingest(), name);
        let kind = processed.record.source.kind;
        group.bench_function(format!("{name}/ocr"), |b| b.iter(ingest));
        group.bench_function(format!("{name}/all_formats"), |b| {
            b.iter(|| export_all(&processed, &bytes, kind))
        });
    }
    group.finish();
}

criterion_group!(benches, export_vs_ocr);
criterion_main!(benches);
