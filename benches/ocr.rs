//! Scans to JSON records: pages per second of the whole pipeline against bare Tesseract on the
//! same page images (what vanban adds per page: decoding, layout, text stages, restoration,
//! parsing, serialization), of the stages right after Tesseract alone (junk removal, layout),
//! and of a batch with one and two worker threads.
//!
//! Run with `OMP_THREAD_LIMIT=1 cargo bench --bench ocr`: Debian's Tesseract uses OpenMP, which
//! runs several times slower on two cores without the limit, and reads it at start-up.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rayon::prelude::*;
use tesseract_rs::{TessPageSegMode, TesseractAPI};
use vanban::ingest::{self, IngestOptions};
use vanban::pipeline::{Pipeline, PipelineOptions};
use vanban::restore::RestoreOptions;

/// The image fixtures: one clean page, one degraded page, a two-page TIFF.
const SCANS: [&str; 3] = [
    "s003-clean-p001.png",
    "s003-degraded-p001.png",
    "s004-two-pages.tiff",
];

fn scans() -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scans");
    SCANS
        .iter()
        .map(|name| {
            let path = dir.join(name);
            let bytes = std::fs::read(&path).expect("scan fixture is readable");
            (path, bytes)
        })
        .collect()
}

fn pipeline() -> Pipeline {
    Pipeline::new(PipelineOptions {
        restore: Some(RestoreOptions::default()),
        ..PipelineOptions::default()
    })
}

/// Bytes of one input to its serialized JSON record.
fn process(pipeline: &Pipeline, path: &Path, bytes: &[u8]) -> Vec<u8> {
    let ingested =
        ingest::ingest_bytes(path, bytes, &IngestOptions::default()).expect("scan fixture is read");
    let record = pipeline.process_ingested(ingested, &path.display().to_string());
    serde_json::to_vec(&record).expect("record serializes")
}

fn pipeline_vs_bare_tesseract(c: &mut Criterion) {
    if std::env::var_os("OMP_THREAD_LIMIT").is_none() {
        eprintln!(
            "ocr bench: set OMP_THREAD_LIMIT=1 first, or Tesseract's figures are meaningless"
        );
    }
    let inputs = scans();
    let pages: Vec<image::GrayImage> = inputs
        .iter()
        .flat_map(|(_, bytes)| vanban::ocr::decode_pages(bytes).expect("fixture decodes"))
        .collect();
    let api = TesseractAPI::new();
    let tessdata = vanban::ocr::tessdata_dir("vie").expect("the vie model is installed");
    api.init(&tessdata, "vie").expect("Tesseract loads vie");
    api.set_variable("debug_file", "/dev/null")
        .expect("quiet Tesseract");
    api.set_page_seg_mode(TessPageSegMode::PSM_AUTO)
        .expect("PSM 3");
    // The same engine with the alternatives of every symbol read, as vanban reads pages for
    // the restorer (lstm_choice_mode 2).
    let with_choices = TesseractAPI::new();
    with_choices
        .init(&tessdata, "vie")
        .expect("Tesseract loads vie");
    with_choices
        .set_variable("debug_file", "/dev/null")
        .expect("quiet Tesseract");
    with_choices
        .set_variable("lstm_choice_mode", "2")
        .expect("choice mode");
    with_choices
        .set_page_seg_mode(TessPageSegMode::PSM_AUTO)
        .expect("PSM 3");
    let pipeline = pipeline();

    let mut group = c.benchmark_group("ocr_pages");
    group.sample_size(10);
    group.throughput(Throughput::Elements(pages.len() as u64));
    group.bench_function("bare_tesseract", |b| {
        b.iter(|| {
            for page in &pages {
                let width = page.width() as i32;
                api.set_image(page.as_raw(), width, page.height() as i32, 1, width)
                    .expect("image accepted");
                std::hint::black_box(api.get_utf8_text().expect("text"));
            }
        })
    });
    group.bench_function("tesseract_with_choices", |b| {
        b.iter(|| {
            for page in &pages {
                let width = page.width() as i32;
                with_choices
                    .set_image(page.as_raw(), width, page.height() as i32, 1, width)
                    .expect("image accepted");
                std::hint::black_box(with_choices.get_utf8_text().expect("text"));
            }
        })
    });
    // What vanban adds to Tesseract on each page before the text stages: junk removal and
    // layout, over the words Tesseract read, with their symbols' alternatives when vanban reads
    // them (the budget: 10 % of Tesseract's time).
    let options = vanban::ocr::OcrOptions::default();
    let words: Vec<_> = pages
        .iter()
        .map(|page| {
            vanban::ocr::engine::run(page, "vie", options.alternatives || options.choices)
                .expect("Tesseract reads")
        })
        .collect();
    group.bench_function("after_tesseract", |b| {
        b.iter(|| {
            for page in &words {
                std::hint::black_box(vanban::ocr::assemble(page.clone(), &options));
            }
        })
    });
    group.bench_function("pipeline", |b| {
        b.iter(|| {
            for (path, bytes) in &inputs {
                std::hint::black_box(process(&pipeline, path, bytes));
            }
        })
    });
    group.finish();
}

fn batch_jobs(c: &mut Criterion) {
    let inputs = scans();
    let pipeline = pipeline();
    let page_count = inputs
        .iter()
        .map(|(_, bytes)| {
            vanban::ocr::decode_pages(bytes)
                .expect("fixture decodes")
                .len()
        })
        .sum::<usize>();
    let mut group = c.benchmark_group("ocr_batch");
    group.sample_size(10);
    group.throughput(Throughput::Elements(page_count as u64));
    for jobs in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .expect("thread pool");
        group.bench_function(format!("jobs_{jobs}"), |b| {
            b.iter(|| {
                pool.install(|| {
                    inputs
                        .par_iter()
                        .map(|(path, bytes)| process(&pipeline, path, bytes))
                        .collect::<Vec<_>>()
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, pipeline_vs_bare_tesseract, batch_jobs);
criterion_main!(benches);
