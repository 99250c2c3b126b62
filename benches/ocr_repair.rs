//! OCR-repair speed on English-model Tesseract output, on all cores:
//! - `all_cores_warm` / `all_cores_cold`: seed 002's first 60 lines repeated 40 times, with the
//!   restorer's candidate cache warm (a batch repeats its words) and cold (a new restorer, so
//!   every word's candidates are searched again once);
//! - `varied_cold`: seeds 000, 001, 003 and 004 rendered and read by Tesseract's English model
//!   (`scripts/gen-ocr-bench-text`), with a new restorer each time. Its words vary as a batch of
//!   documents' do, so the candidate search counts as it does in real use.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use vanban::restore::{InputKind, RestoreOptions, Restorer};

fn ocr(c: &mut Criterion) {
    let options = RestoreOptions {
        input_kind: InputKind::OcrEng,
        ..RestoreOptions::default()
    };
    let words = |text: &str| Throughput::Elements(text.split_whitespace().count() as u64);
    let restore_cold = |text: &str| {
        let restorer = Restorer::embedded().expect("embedded model");
        black_box(restorer.restore_text(text, &options))
    };
    let mut group = c.benchmark_group("ocr_repair");
    group.sample_size(20);

    let repeated = include_str!("../fixtures/gold/seed002-lines-1-60.ocr.txt").repeat(40);
    group.throughput(words(&repeated));
    let restorer = Restorer::embedded().expect("embedded model");
    group.bench_function("all_cores_warm", |b| {
        b.iter(|| black_box(restorer.restore_text(&repeated, &options)))
    });
    group.bench_function("all_cores_cold", |b| b.iter(|| restore_cold(&repeated)));

    let varied = include_str!("../fixtures/bench/seeds.ocr-eng.txt");
    group.throughput(words(varied));
    group.bench_function("varied_cold", |b| b.iter(|| restore_cold(varied)));
    group.finish();
}

criterion_group!(benches, ocr);
criterion_main!(benches);
