//! Conformance of `hostside_engine::admit::pod_security` with the upstream Pod Security Admission
//! fixtures (`shared/conformance/pod-security/`, see its README.md).
//!
//! Every fixture pod is decoded into a `Pod`, evaluated with `Build::LATEST` at the level and
//! version of its directory, and compared with its `expected.jsonl` record: the verdict
//! (`pass` ⇔ no failing check), the failing check IDs in order, the full
//! `violates PodSecurity "<level>:<version>": …` message (which carries every reason and detail)
//! and upstream's required substring. Fixtures listed in `tests/pod_security_exceptions.txt`
//! (`<fixture path> <reason>` per line) may disagree; an exception that no longer disagrees is an
//! error too.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use hostside_engine::admit::pod_security::{Build, Level, Policy, PolicyVersion, evaluate, violation_message};
use k8s_openapi::api::core::v1::Pod;
use serde::Deserialize;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/conformance/pod-security");
const EXCEPTIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pod_security_exceptions.txt");
/// Fixture totals stated in the corpus README.
const TOTAL: usize = 4537;
const TOTAL_PASS: usize = 1051;
const TOTAL_FAIL: usize = 3486;
/// How many disagreements to print in full.
const SHOWN: usize = 25;

/// One line of `expected.jsonl`. Unknown fields are rejected so that a new expectation cannot
/// be silently ignored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    path: String,
    level: String,
    version: String,
    expect: String,
    target_check: String,
    failing_checks: Vec<String>,
    #[serde(default)]
    upstream_expect_substring: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    notes: Vec<String>,
}

/// Compares one fixture; returns the list of problems (empty when it agrees).
fn check_fixture(corpus: &Path, exp: &Expected) -> Vec<String> {
    let mut problems = Vec::new();

    // The record must describe the file it names: `<level>/<version>/<pass|fail>/<name>.yaml`.
    let parts: Vec<&str> = exp.path.split('/').collect();
    if parts.len() != 4
        || parts[0] != exp.level
        || parts[1] != exp.version
        || parts[2] != exp.expect
        || !parts[3].ends_with(".yaml")
    {
        problems.push(format!(
            "record path does not match level/version/expect ({}/{}/{})",
            exp.level, exp.version, exp.expect
        ));
    }

    let Some(level) = Level::parse(&exp.level) else {
        problems.push(format!("unparsable level {:?}", exp.level));
        return problems;
    };
    let Some(version) = PolicyVersion::parse(&exp.version) else {
        problems.push(format!("unparsable version {:?}", exp.version));
        return problems;
    };
    let policy = Policy { level, version };

    let text = match fs::read_to_string(corpus.join(&exp.path)) {
        Ok(text) => text,
        Err(e) => {
            problems.push(format!("cannot read fixture: {e}"));
            return problems;
        }
    };
    let pod: Pod = match serde_yaml::from_str(&text) {
        Ok(pod) => pod,
        Err(e) => {
            problems.push(format!("cannot decode fixture as a Pod: {e}"));
            return problems;
        }
    };
    let spec = pod.spec.unwrap_or_default();
    let failures = evaluate(&policy, Build::LATEST, &pod.metadata, &spec);

    // Verdict.
    let allowed = failures.is_empty();
    match exp.expect.as_str() {
        "pass" if !allowed => problems.push("expected pass, got rejected".into()),
        "fail" if allowed => problems.push("expected fail, got allowed".into()),
        "pass" | "fail" => {}
        other => problems.push(format!("unknown expect {other:?}")),
    }

    // Failing check IDs, in reporting order.
    let ids: Vec<&str> = failures.iter().map(|f| f.id).collect();
    if ids != exp.failing_checks {
        problems.push(format!("failing checks: expected {:?}, got {:?}", exp.failing_checks, ids));
    }

    // Full message (reasons and details) and upstream's substring.
    let message = violation_message(&policy, &failures);
    match (&exp.message, exp.expect.as_str()) {
        (Some(expected), _) => {
            if &message != expected {
                problems.push(format!("message:\n      expected: {expected}\n      got:      {message}"));
            }
        }
        (None, "fail") => problems.push("fail record without a message".into()),
        (None, _) => {}
    }
    if let Some(sub) = &exp.upstream_expect_substring
        && !message.contains(sub.as_str())
    {
        problems.push(format!("message lacks upstream substring {sub:?}"));
    }
    if !allowed {
        for f in &failures {
            let entry = format!("{} ({})", f.reason, f.detail);
            if f.reason.is_empty() || f.detail.is_empty() || !message.contains(&entry) {
                problems.push(format!("malformed failure {f:?}"));
            }
        }
    }
    problems
}

/// `(path, reason)` pairs from the exceptions file; missing file = no exceptions.
fn read_exceptions() -> Result<BTreeMap<String, String>, String> {
    let text = match fs::read_to_string(EXCEPTIONS) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(format!("cannot read {EXCEPTIONS}: {e}")),
    };
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once(char::is_whitespace) {
            Some((path, reason)) if !reason.trim().is_empty() => {
                out.insert(path.to_string(), reason.trim().to_string());
            }
            _ => return Err(format!("exceptions line {} has no reason: {line}", n + 1)),
        }
    }
    Ok(out)
}

/// Every `*.yaml` below `dir`, as paths relative to `root` with `/` separators.
fn yaml_files(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "yaml")
            && let Ok(rel) = path.strip_prefix(root)
        {
            let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            out.insert(rel.join("/"));
        }
    }
}

#[test]
fn pod_security_conformance() {
    let corpus = Path::new(CORPUS);
    let jsonl = fs::read_to_string(corpus.join("expected.jsonl"))
        .unwrap_or_else(|e| panic!("cannot read {CORPUS}/expected.jsonl: {e}"));
    let records: Vec<Expected> = jsonl
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| serde_json::from_str(l).unwrap_or_else(|e| panic!("expected.jsonl line {}: {e}", n + 1)))
        .collect();

    // The records and the files on disk must be the same set, of the documented size.
    let recorded: BTreeSet<String> = records.iter().map(|r| r.path.clone()).collect();
    assert_eq!(recorded.len(), records.len(), "duplicate paths in expected.jsonl");
    let mut on_disk = BTreeSet::new();
    yaml_files(corpus, corpus, &mut on_disk);
    let unrecorded: Vec<_> = on_disk.difference(&recorded).collect();
    let missing: Vec<_> = recorded.difference(&on_disk).collect();
    assert!(unrecorded.is_empty(), "fixtures without a record: {unrecorded:?}");
    assert!(missing.is_empty(), "records without a fixture: {missing:?}");
    assert_eq!(records.len(), TOTAL, "fixture count");
    let passes = records.iter().filter(|r| r.expect == "pass").count();
    let fails = records.iter().filter(|r| r.expect == "fail").count();
    assert_eq!((passes, fails), (TOTAL_PASS, TOTAL_FAIL), "pass/fail counts");

    let exceptions = read_exceptions().unwrap_or_else(|e| panic!("{e}"));
    let unknown: Vec<_> = exceptions.keys().filter(|p| !recorded.contains(*p)).collect();
    assert!(unknown.is_empty(), "exceptions for unknown fixtures: {unknown:?}");

    let mut agree = 0usize;
    let mut excepted = Vec::new();
    let mut disagreements = Vec::new();
    let mut stale = Vec::new();
    for rec in &records {
        let problems = check_fixture(corpus, rec);
        match (problems.is_empty(), exceptions.get(&rec.path)) {
            (true, None) => agree += 1,
            (true, Some(_)) => stale.push(rec.path.clone()),
            (false, Some(reason)) => excepted.push(format!("{} ({reason})", rec.path)),
            (false, None) => disagreements.push((rec, problems)),
        }
    }

    println!(
        "pod-security conformance: {agree}/{} agree{}",
        records.len(),
        if excepted.is_empty() { String::new() } else { format!(", {} excepted", excepted.len()) }
    );
    for e in &excepted {
        println!("  excepted: {e}");
    }

    let mut report = String::new();
    for (rec, problems) in disagreements.iter().take(SHOWN) {
        report.push_str(&format!(
            "\n- {} (target {}{}):",
            rec.path,
            rec.target_check,
            if rec.notes.is_empty() { String::new() } else { format!("; notes: {}", rec.notes.join(" | ")) }
        ));
        for p in problems {
            report.push_str(&format!("\n    {p}"));
        }
    }
    if disagreements.len() > SHOWN {
        report.push_str(&format!("\n… and {} more", disagreements.len() - SHOWN));
    }
    assert!(disagreements.is_empty(), "{} of {} fixtures disagree:{report}", disagreements.len(), records.len());
    assert!(stale.is_empty(), "exceptions listed for fixtures that now agree (remove them): {stale:?}");
    assert_eq!(agree + excepted.len(), records.len());
}
