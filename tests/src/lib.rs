//! The one helper every data-driven test goes through: a case file in, a readable digest of
//! the report out (snapshotted with insta), with the case's own expectations asserted.
//!
//! A case file is YAML. Its first document may be a header:
//!
//! ```yaml
//! hostside:
//!   vclusterVersion: "0.19"        # any engine option, camelCase
//!   hostNamespace: test
//!   expect:
//!   - hostObject: Pod test/testpod-x-testns-x-vcluster
//!     fields: {/spec/automountServiceAccountToken: false}
//!     absent: [/spec/priorityClassName]
//!     allowed: false                  # the host's admission refused it
//!   - noHostObject: Pod test/x
//!   - finding: "substring of a finding message"
//!     fix: {edits: true, resolved: true, mentions: "CNI"}   # optional: what its fix must be
//!   - noFinding: "no finding message contains this"
//!   - event: "substring of an event message"
//!   input: ../shared/scenarios/02-fluentd-daemonset.yaml   # optional: manifests from there
//!   compareWith: {host: pss-restricted}   # optional: a what-if comparison (see compare.rs)
//! ---
//! # the manifests
//! ```
//! The header's lines are blanked (not removed) so findings keep the file's line numbers.

mod compare;
mod digest;
pub mod hostile;

use hostside_engine::report::Report;
use hostside_engine::settings::Options;
use hostside_engine::source::Source;
use hostside_engine::{Input, check};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

pub use digest::digest;

#[derive(Deserialize, Default)]
struct Header {
    hostside: HeaderBody,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct HeaderBody {
    /// Manifests from another file (relative to the workspace root) instead of this one's.
    input: Option<String>,
    #[serde(flatten)]
    options: serde_json::Map<String, Value>,
    #[serde(default)]
    expect: Vec<Expectation>,
    /// Options of a right side to compare with: the digest is then the comparison's, and
    /// `expect` applies to the left side (`change:` to the comparison).
    compare_with: Option<serde_json::Map<String, Value>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Expectation {
    host_object: Option<String>,
    /// With `hostObject`: whether the host's admission let it in.
    allowed: Option<bool>,
    #[serde(default)]
    fields: BTreeMap<String, Value>,
    #[serde(default)]
    absent: Vec<String>,
    no_host_object: Option<String>,
    finding: Option<String>,
    /// No finding's message contains this text.
    no_finding: Option<String>,
    /// With `finding`: one finding with that text has a fix like this.
    fix: Option<FixExpectation>,
    event: Option<String>,
    /// A comparison case's digest contains this.
    change: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixExpectation {
    /// The fix carries edits (or, `false`, only words).
    edits: Option<bool>,
    /// The re-check with the edits applied made the finding go away.
    resolved: Option<bool>,
    /// The description contains this.
    mentions: Option<String>,
}

impl FixExpectation {
    fn matches(&self, fix: &hostside_engine::report::Fix) -> bool {
        self.edits.is_none_or(|e| e != fix.edits.is_empty())
            && self.resolved.is_none_or(|r| fix.recheck.as_ref().is_some_and(|c| c.resolved == r))
            && self.mentions.as_ref().is_none_or(|m| fix.description.contains(m.as_str()))
    }
}

/// Runs a case file with its header's options (defaults otherwise) and returns the digest.
pub fn run_case(path: &Path) -> String {
    run_file(path, Options::default())
}

/// Runs a case file starting from `options`; a header overrides them.
pub fn run_file(path: &Path, options: Options) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut source = Source::from_bytes(name, &bytes);
    let (header, blanked) = split_header(&source.text);
    source.text = blanked;
    if let Some(input) = &header.hostside.input {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(input);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        source = Source::from_bytes(name, &bytes);
    }
    let mut merged = serde_json::to_value(&options).expect("options serialise");
    for (key, value) in header.hostside.options {
        merged[key] = value;
    }
    let options: Options =
        serde_json::from_value(merged).unwrap_or_else(|e| panic!("{}: bad header options: {e}", path.display()));
    let input = Input { sources: vec![source.clone()], options };
    let report = check(&input);
    assert_json_round_trip(&report, path);
    assert_fixes_apply(&report, &input, path);
    for expectation in &header.hostside.expect {
        verify(&report, expectation, path);
    }
    let changes: Vec<&str> = header.hostside.expect.iter().filter_map(|e| e.change.as_deref()).collect();
    if let Some(changed) = &header.hostside.compare_with {
        return compare::run((&input, &report), changed, &changes, path);
    }
    assert!(changes.is_empty(), "{}: `change:` expectations need `compareWith`", path.display());
    let mut sources = vec![source];
    if let Some(config) = &input.options.vcluster_config {
        sources.push(Source::new("vcluster.yaml", config.clone()));
    }
    digest(&report, &sources)
}

/// The playground's worker and the JS API hand reports over as JSON: reading one back must
/// lose nothing.
fn assert_json_round_trip(report: &Report, path: &Path) {
    let json = serde_json::to_string(report).expect("report serialises");
    let back: Report =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{}: report JSON reads back: {e}", path.display()));
    let again = serde_json::to_string(&back).expect("report serialises");
    assert!(json == again, "{}: report changed in a JSON round trip", path.display());
}

/// Every fix's edits apply to the input, and the re-checked input still parses.
fn assert_fixes_apply(report: &Report, input: &Input, path: &Path) {
    for finding in &report.findings {
        let Some(fix) = &finding.fix else { continue };
        for edit in &fix.edits {
            let source = input.sources.get(edit.source).map(|s| s.text.as_str());
            let edits: Vec<_> = fix.edits.iter().filter(|e| e.source == edit.source).cloned().collect();
            let applied = source.map(|text| hostside_engine::apply_edits(text, &edits));
            assert!(matches!(applied, Some(Ok(_))), "{}: fix edits do not apply: {applied:?}", path.display());
        }
        if let Some(recheck) = &fix.recheck {
            let broken = recheck.new_findings.iter().find(|f| f.starts_with(hostside_engine::rules::YAML_SYNTAX));
            assert!(broken.is_none(), "{}: a fix broke the YAML: {broken:?}", path.display());
        }
    }
}

fn split_header(text: &str) -> (Header, String) {
    if !text.trim_start().starts_with("hostside:") {
        return (Header::default(), text.to_string());
    }
    let end = text.find("\n---").map_or(text.len(), |i| i + 1);
    let header: Header = serde_yaml::from_str(&text[..end]).expect("case header is valid YAML");
    let blank: String = text[..end].chars().map(|c| if c == '\n' { '\n' } else { ' ' }).collect();
    (header, format!("{blank}{}", &text[end..]))
}

fn find_host<'a>(report: &'a Report, spec: &str) -> Option<&'a hostside_engine::report::HostObject> {
    let (kind, rest) = spec.split_once(' ').unwrap_or((spec, ""));
    let (namespace, name) = match rest.split_once('/') {
        Some((ns, name)) => (Some(ns), name),
        None => (None, rest),
    };
    report.host_objects.iter().find(|h| h.kind == kind && h.name == name && h.namespace.as_deref() == namespace)
}

fn verify(report: &Report, expectation: &Expectation, path: &Path) {
    let at = path.display();
    if let Some(spec) = &expectation.host_object {
        let Some(host) = find_host(report, spec) else {
            let names: Vec<String> = report
                .host_objects
                .iter()
                .map(|h| format!("{} {}/{}", h.kind, h.namespace.as_deref().unwrap_or(""), h.name))
                .collect();
            panic!("{at}: no host object {spec}; host objects are {names:?}");
        };
        if let Some(allowed) = expectation.allowed {
            let actual = host.admission.as_ref().is_none_or(|a| a.allowed);
            assert_eq!(
                actual,
                allowed,
                "{at}: {spec} admission allowed; error: {:?}",
                host.admission.as_ref().and_then(|a| a.error.clone())
            );
        }
        let object = &host.object;
        for (pointer, expected) in &expectation.fields {
            let actual = object.pointer(pointer);
            assert_eq!(actual, Some(expected), "{at}: {spec} field {pointer}");
        }
        for pointer in &expectation.absent {
            assert!(
                object.pointer(pointer).is_none(),
                "{at}: {spec} must not have {pointer}, has {:?}",
                object.pointer(pointer)
            );
        }
    }
    if let Some(spec) = &expectation.no_host_object {
        assert!(find_host(report, spec).is_none(), "{at}: host object {spec} must not exist");
    }
    if let Some(text) = &expectation.finding {
        let found: Vec<_> = report.findings.iter().filter(|f| f.message.contains(text.as_str())).collect();
        assert!(!found.is_empty(), "{at}: no finding contains {text:?}");
        if let Some(wanted) = &expectation.fix {
            let fixes: Vec<_> = found.iter().filter_map(|f| f.fix.as_ref()).collect();
            assert!(
                fixes.iter().any(|fix| wanted.matches(fix)),
                "{at}: no fix of a finding {text:?} is as expected: {fixes:#?}"
            );
        }
    }
    if let Some(text) = &expectation.no_finding {
        let found: Vec<_> = report.findings.iter().filter(|f| f.message.contains(text.as_str())).collect();
        assert!(found.is_empty(), "{at}: findings contain {text:?}: {found:#?}");
    }
    if let Some(text) = &expectation.event {
        assert!(
            report.objects.iter().flat_map(|o| &o.events).any(|e| e.message.contains(text.as_str())),
            "{at}: no event contains {text:?}"
        );
    }
}
