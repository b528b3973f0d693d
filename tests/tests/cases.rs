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
