//! OCR-repair speed on English-model Tesseract output (seed 002's first 60 lines, repeated), on
//! all cores: with the per-thread candidate cache warm (a batch repeats its words) and cold (a
//! new restorer, so every word's candidates are searched again).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use vanban::restore::{InputKind, RestoreOptions, Restorer};

fn ocr(c: &mut Criterion) {
    let text = include_str!("../fixtures/gold/seed002-lines-1-60.ocr.txt").repeat(40);
    let options = RestoreOptions {
        input_kind: InputKind::OcrEng,
        ..RestoreOptions::default()
    };
    let mut group = c.benchmark_group("ocr_repair");
    group.throughput(Throughput::Elements(text.split_whitespace().count() as u64));
    group.sample_size(20);
    let restorer = Restorer::embedded().expect("embedded model");
    group.bench_function("all_cores_warm", |b| {
        b.iter(|| black_box(restorer.restore_text(&text, &options)))
    });
    group.bench_function("all_cores_cold", |b| {
        b.iter(|| {
            let restorer = Restorer::embedded().expect("embedded model");
            black_box(restorer.restore_text(&text, &options))
        })
    });
    group.finish();
}

criterion_group!(benches, ocr);
criterion_main!(benches);
