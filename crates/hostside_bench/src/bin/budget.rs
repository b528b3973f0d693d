//! The engine's time budgets, measured in a release build and printed:
//! every hostile input must end in under 1 s, and the corpus throughput is reported next to
//! YAML parsing alone. Exits non-zero when a budget is exceeded. Run by `cargo xtask test`.

use hostside_bench::{corpus, corpus_bytes};
use hostside_engine::source::Source;
use hostside_engine::{Input, check, yaml};
use hostside_tests::hostile;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Hostile input must be refused within this.
const HOSTILE_BUDGET: Duration = Duration::from_secs(1);

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(f());
                start.elapsed()
            })
            .collect(),
    )
}

fn main() -> ExitCode {
    let mut over = false;
    let cases: Vec<(&str, Source)> = vec![
        ("alias bomb", Source::new("bomb.yaml", hostile::alias_bomb())),
        ("10,000-deep block nesting", Source::new("deep.yaml", hostile::deep_block_nesting())),
        ("10,000-deep flow nesting", Source::new("deep.yaml", hostile::deep_flow_nesting())),
        ("50 MB document", Source::new("huge.yaml", hostile::huge_document())),
        ("invalid UTF-8", Source::from_bytes("bytes.yaml", &hostile::invalid_utf8())),
        ("number where a string belongs", Source::new("pod.yaml", hostile::number_for_string())),
    ];
    for (name, source) in cases {
        let input = Input { sources: vec![source], ..Input::default() };
        let elapsed = time(3, || check(&input));
        let verdict = if elapsed <= HOSTILE_BUDGET { "ok" } else { "OVER BUDGET" };
        over |= elapsed > HOSTILE_BUDGET;
        println!(
            "budget: hostile input {name:<32} {:>8.1} ms (budget {} ms) {verdict}",
            elapsed.as_secs_f64() * 1000.0,
            HOSTILE_BUDGET.as_millis()
        );
    }

    let sources = corpus();
    let bytes = corpus_bytes(&sources) as f64;
    let parse = time(9, || {
        for (i, source) in sources.iter().enumerate() {
            std::hint::black_box(yaml::parse_source(i, source));
        }
    });
    let engine = time(9, || {
        for source in &sources {
            std::hint::black_box(check(&Input { sources: vec![source.clone()], ..Input::default() }));
        }
    });
    // The same corpus through the strictest host preset: every host object meets PSA,
    // Gatekeeper mutation and the four Compliant Kubernetes constraints.
    let hardened = time(9, || {
        for source in &sources {
            let mut input = Input { sources: vec![source.clone()], ..Input::default() };
            input.options.host = Some("compliant-kubernetes".into());
            std::hint::black_box(check(&input));
        }
    });
    let mb = |d: Duration| bytes / 1_000_000.0 / d.as_secs_f64();
    println!(
        "throughput: corpus {:.2} MB in {} files · YAML parse only {:.1} ms ({:.1} MB/s) · hostside check {:.1} ms ({:.1} MB/s) · engine/parse time ratio {:.2}",
        bytes / 1_000_000.0,
        sources.len(),
        parse.as_secs_f64() * 1000.0,
        mb(parse),
        engine.as_secs_f64() * 1000.0,
        mb(engine),
        engine.as_secs_f64() / parse.as_secs_f64()
    );
    println!(
        "throughput: corpus with host preset compliant-kubernetes {:.1} ms ({:.1} MB/s) · host admission adds {:.1} ms",
        hardened.as_secs_f64() * 1000.0,
        mb(hardened),
        (hardened.as_secs_f64() - engine.as_secs_f64()) * 1000.0
    );
    if over { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
