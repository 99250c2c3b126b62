//! Text in, JSON record out, without OCR: what the pipeline costs per document on top of
//! ingestion. Run with `cargo bench --bench pipeline`.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use vanban::ingest::{self, IngestOptions};
use vanban::pipeline::Pipeline;

fn seed_paths() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seeds");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("fixtures/seeds is readable")
        .map(|e| e.expect("directory entry").path())
        .collect();
    paths.sort();
    paths
}

fn process_seeds(c: &mut Criterion) {
    let pipeline = Pipeline::default();
    let inputs: Vec<_> = seed_paths()
        .iter()
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read(p).expect("seed is readable"),
            )
        })
        .collect();
    let bytes: usize = inputs.iter().map(|(_, b)| b.len()).sum();
    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("seeds_text_to_record", |b| {
        b.iter(|| {
            for (name, data) in &inputs {
                let ingested =
                    ingest::ingest_bytes(Path::new(name), data, &IngestOptions::default())
                        .expect("seeds ingest");
                let record = pipeline.process_ingested(ingested, name);
                std::hint::black_box(serde_json::to_vec(&record).expect("record serializes"));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, process_seeds);
criterion_main!(benches);
