//! Shared inputs of the benchmarks and the budget check.

use hostside_engine::source::Source;
use std::path::PathBuf;

/// `../shared/corpus/real`: the 20 real manifests (about 2 MB).
pub fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real")
}

pub fn corpus() -> Vec<Source> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            Source::from_bytes(
                p.file_name().unwrap_or_default().to_string_lossy(),
                &std::fs::read(p).unwrap_or_default(),
            )
        })
        .collect()
}

pub fn corpus_bytes(sources: &[Source]) -> usize {
    sources.iter().map(|s| s.text.len()).sum()
}
