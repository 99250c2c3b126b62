//! Restoration speed: model load, folding in an overlay, and a long stripped text (the seed fixtures but seed 002, which
//! is English-model OCR output and benchmarked by `ocr_repair`) restored on one thread and on all
//! cores.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use vanban::model::build::Source;
use vanban::model::{overlay, Model};
use vanban::restore::{InputKind, RestoreOptions, Restorer};
use vanban::text::strip_diacritics;

fn bench_text() -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/seeds");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("fixtures/seeds")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with("002_"))
        })
        .collect();
    paths.sort();
    let text: String = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("seed text"))
        .collect();
    strip_diacritics(&text.repeat(4))
}

fn restore(c: &mut Criterion) {
    c.bench_function("model_load_embedded", |b| {
        b.iter(|| black_box(Model::embedded().expect("embedded model")))
    });
    c.bench_function("restorer_new", |b| {
        b.iter(|| black_box(Restorer::embedded().expect("embedded model")))
    });

    // Folding the fixture archive's overlay into the embedded model: the start-up an overlay adds
    // (mostly rewriting the model's tables, whatever the overlay's size).
    let archive = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/overlay/archive");
    let sources: Vec<Source> = ["hd-001.txt", "hd-002.txt"]
        .iter()
        .map(|name| Source {
            path: std::path::Path::new(archive).join(name),
            weight: 1,
        })
        .collect();
    let overlay_bytes = overlay::make(&sources).expect("fixture archive").0;
    let overlay = overlay::Overlay::from_bytes(overlay_bytes, "archive").expect("overlay");
    let model = Model::embedded().expect("embedded model");
    c.bench_function("overlay_fold", |b| {
        b.iter(|| black_box(overlay::apply(&model, &overlay, overlay::OVERLAY_WEIGHT)))
    });

    let restorer = Restorer::embedded().expect("embedded model");
    let text = bench_text();
    // Said, not detected: both functions must restore the same way.
    let options = RestoreOptions {
        input_kind: InputKind::Stripped,
        ..RestoreOptions::default()
    };
    let mut group = c.benchmark_group("restore_long");
    group.throughput(Throughput::Elements(text.split_whitespace().count() as u64));
    group.sample_size(20);
    group.bench_function("one_thread", |b| {
        let mut worker = restorer.new_worker();
        let mut out = String::with_capacity(text.len() + 1024);
        b.iter(|| {
            out.clear();
            worker.restore_into(&text, &options, &mut out);
            black_box(out.len())
        })
    });
    group.bench_function("all_cores", |b| {
        b.iter(|| black_box(restorer.restore_text(&text, &options)))
    });
    group.finish();
}

criterion_group!(benches, restore);
criterion_main!(benches);
