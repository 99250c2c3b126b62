//! OCR-repair speed on English-model Tesseract output, on all cores:
//! - `all_cores_warm` / `all_cores_cold`: seed 002's first 60 lines repeated 40 times, with the
//!   restorer's candidate cache warm (a batch repeats its words) and cold (a new restorer, so
//!   every word's candidates are searched again once);
//! - `varied_cold`: seeds 000, 001, 003 and 004 rendered and read by Tesseract's English model
//!   (`scripts/gen-ocr-bench-text`), with a new restorer each time. Its words vary as a batch of
//!   documents' do, so the candidate search counts as it does in real use.
//!
//! The cold runs make their restorer outside the timing, from a model loaded once: a process
//! loads and checks the model (about 6 ms) and builds its restorer's tables (about 4 ms) once,
//! not once per document.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use vanban::model::Model;
use vanban::restore::{InputKind, RestoreOptions, Restorer};

fn ocr(c: &mut Criterion) {
    let options = RestoreOptions {
        input_kind: InputKind::OcrEng,
        ..RestoreOptions::default()
    };
    let words = |text: &str| Throughput::Elements(text.split_whitespace().count() as u64);
    let model = Arc::new(Model::embedded().expect("embedded model"));
    let new_restorer = || Restorer::new(Arc::clone(&model));
    let mut group = c.benchmark_group("ocr_repair");
    group.sample_size(20);

    let repeated = include_str!("../fixtures/gold/seed002-lines-1-60.ocr.txt").repeat(40);
    group.throughput(words(&repeated));
    let restorer = new_restorer();
    group.bench_function("all_cores_warm", |b| {
        b.iter(|| black_box(restorer.restore_text(&repeated, &options)))
    });
    group.bench_function("all_cores_cold", |b| {
        b.iter_batched(
            new_restorer,
            |restorer| black_box(restorer.restore_text(&repeated, &options)),
            BatchSize::PerIteration,
        )
    });

    let varied = include_str!("../fixtures/bench/seeds.ocr-eng.txt");
    group.throughput(words(varied));
    group.bench_function("varied_cold", |b| {
        b.iter_batched(
            new_restorer,
            |restorer| black_box(restorer.restore_text(varied, &options)),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, ocr);
criterion_main!(benches);
