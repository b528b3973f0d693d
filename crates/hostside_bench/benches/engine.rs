//! `cargo bench -p hostside_bench`: the engine on the real corpus against YAML parsing alone.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hostside_bench::{corpus, corpus_bytes};
use hostside_engine::{Input, check, yaml};
use std::hint::black_box;

fn engine(c: &mut Criterion) {
    let sources = corpus();
    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(corpus_bytes(&sources) as u64));
    group.bench_function("yaml parse only", |b| {
        b.iter(|| {
            for (i, source) in sources.iter().enumerate() {
                black_box(yaml::parse_source(i, source));
            }
        })
    });
    group.bench_function("hostside check (whole pipeline)", |b| {
        b.iter(|| {
            for source in &sources {
                black_box(check(&Input { sources: vec![source.clone()], ..Input::default() }));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
