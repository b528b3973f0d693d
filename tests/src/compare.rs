//! Comparison cases: a header's `compareWith` names the options the right side changes; the
//! digest is the comparison (headings and `-`/`+` lines), and `change:` expectations must
//! each be found in it.

use hostside_engine::report::Report;
use hostside_engine::settings::Options;
use hostside_engine::{Comparison, Input, check};
use serde_json::Value;
use std::fmt::Write;
use std::path::Path;

/// Runs the right side of a comparison case and returns the comparison's digest.
pub(crate) fn run(
    left: (&Input, &Report),
    changed: &serde_json::Map<String, Value>,
    expected: &[&str],
    path: &Path,
) -> String {
    let mut merged = serde_json::to_value(&left.0.options).expect("options serialise");
    for (key, value) in changed {
        merged[key] = value.clone();
    }
    let options: Options =
        serde_json::from_value(merged).unwrap_or_else(|e| panic!("{}: bad compareWith options: {e}", path.display()));
    let right = Input { sources: left.0.sources.clone(), options };
    let report = check(&right);
    crate::assert_json_round_trip(&report, path);
    let comparison = Comparison::new(left, (&right, &report));
    let json = serde_json::to_string(&comparison).expect("comparison serialises");
    let back: Comparison = serde_json::from_str(&json).expect("comparison reads back");
    assert!(back.changes == comparison.changes, "{}: comparison changed in a JSON round trip", path.display());
    let text = digest(&comparison);
    for wanted in expected {
        assert!(text.contains(wanted), "{}: no change mentions {wanted:?}", path.display());
    }
    text
}

pub fn digest(comparison: &Comparison) -> String {
    let mut out = String::new();
    for (name, side) in [("left ", &comparison.left), ("right", &comparison.right)] {
        let _ = writeln!(out, "{name}: {} ({})", side.label, side.vcluster_release);
        let _ = writeln!(out, "       {}", serde_json::to_string(&side.summary).unwrap_or_default());
    }
    let _ = writeln!(out, "\n## changes");
    if comparison.changes.is_empty() {
        let _ = writeln!(out, "(none)");
    }
    for change in &comparison.changes {
        let _ = writeln!(out, "{}", change.heading());
        for (sign, line) in change.lines() {
            let _ = writeln!(out, "  {sign} {line}");
        }
    }
    out
}
