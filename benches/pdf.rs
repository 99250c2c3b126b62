//! PDF text layers: pages per second on one core over the gazette dev PDFs
//! (`../shared/eval/real/gazette-dev`), beside `pdftotext -layout` on the same files.
//! Run with `cargo bench --bench pdf`; without ../shared it measures nothing and says so.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn dev_pdfs() -> Option<Vec<(PathBuf, Vec<u8>)>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/real/gazette-dev");
    let files = vanban::eval::pdf_text::pdfs(&dir).ok()?;
    Some(
        files
            .into_iter()
            .map(|path| {
                let bytes = std::fs::read(&path).expect("dev PDF is readable");
                (path, bytes)
            })
            .collect(),
    )
}

fn text_layers(c: &mut Criterion) {
    let Some(pdfs) = dev_pdfs().filter(|p| !p.is_empty()) else {
        eprintln!("skipped: ../shared/eval/real/gazette-dev is absent");
        return;
    };
    let pages: usize = pdfs
        .iter()
        .map(|(path, bytes)| {
            vanban::pdf::text_layers(path, bytes)
                .expect("dev PDF reads")
                .len()
        })
        .sum();
    let mut group = c.benchmark_group("pdf");
    group.throughput(Throughput::Elements(pages as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(40));
    group.bench_function("gazette_dev_text_layers", |b| {
        b.iter(|| {
            for (path, bytes) in &pdfs {
                std::hint::black_box(vanban::pdf::text_layers(path, bytes).expect("dev PDF reads"));
            }
        })
    });
    group.bench_function("gazette_dev_pdftotext_layout", |b| {
        b.iter(|| {
            for (path, _) in &pdfs {
                let output = Command::new("pdftotext")
                    .arg("-layout")
                    .arg(path)
                    .arg("-")
                    .output()
                    .expect("pdftotext runs (apt-get install poppler-utils)");
                std::hint::black_box(output.stdout);
            }
        })
    });
    group.finish();
}

criterion_group!(benches, text_layers);
criterion_main!(benches);
