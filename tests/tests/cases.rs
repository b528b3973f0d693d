//! Every case file, scenario and corpus manifest through the one helper, snapshotted.

use hostside_engine::settings::{Options, VclusterVersion};
use hostside_tests::{run_case, run_file};

/// Spec-derived cases (`tests/cases/**`), each with its own header and expectations.
#[test]
fn cases() {
    insta::glob!("../cases", "**/*.{yaml,json}", |path| {
        insta::assert_snapshot!(run_case(path));
    });
}

/// The six scenarios of ../shared/scenarios, with the settings their headers name:
/// vcluster `my-vcluster` in host namespace `demo1`; the Compliant Kubernetes v0.19 story
/// (01–03) ran vcluster 0.19.
#[test]
fn scenarios() {
    insta::glob!("../../../shared/scenarios", "*.yaml", |path| {
        let name = path.file_name().unwrap().to_string_lossy();
        let version = if *name < *"04" { VclusterVersion::V0_19 } else { VclusterVersion::LATEST };
        let options = Options { vcluster_version: version, host_namespace: "demo1".into(), ..Options::default() };
        insta::assert_snapshot!(run_file(path, options));
    });
}

/// The real manifests of ../shared/corpus/real with the defaults of `hostside check`.
#[test]
fn corpus() {
    insta::glob!("../../../shared/corpus/real", "*.yaml", |path| {
        insta::assert_snapshot!(run_case(path));
    });
}

/// Every snapshot belongs to an input that still exists (no stale snapshots survive a rename).
#[test]
fn snapshots_have_their_inputs() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("snapshot folder") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("snapshot text");
        let name = path.file_name().unwrap().to_string_lossy().trim_end_matches(".snap").to_string();
        // insta records inputs inside the workspace; the shared folders are named by the test.
        let input = match text.lines().find_map(|l| l.strip_prefix("input_file: ")) {
            Some(input) => input.to_string(),
            None => match name.split_once('@') {
                Some(("cases__scenarios", file)) => format!("../shared/scenarios/{file}"),
                Some(("cases__corpus", file)) => format!("../shared/corpus/real/{file}"),
                _ => panic!("{} names no input", path.display()),
            },
        };
        assert!(root.join(&input).exists(), "{} is stale: its input {input} is gone", path.display());
        checked += 1;
    }
    assert!(checked >= 50, "only {checked} snapshots");
}
