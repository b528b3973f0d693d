//! Renderers of the report: text for people, JSON for tools, YAML like `kubectl get -o yaml`;
//! and of a comparison: a diff for people, JSON and YAML for tools.

use hostside_engine::Comparison;
use hostside_engine::report::{Disposition, Report, Severity};
use hostside_engine::source::{LineIndex, Source};
use serde_json::{Value, json};
use std::fmt::Write;

pub fn json(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(report).unwrap_or_default();
    text.push('\n');
    text
}

/// The host objects as `kubectl get … -o yaml` prints several objects: a `v1 List`.
pub fn yaml(report: &Report) -> String {
    let items: Vec<Value> = report.host_objects.iter().map(|h| h.object.clone()).collect();
    let list = json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}});
    hostside_engine::yaml::to_yaml(&list)
}

pub fn text(report: &Report, sources: &[Source], color: bool) -> String {
    let paint = |code: &str, text: &str| if color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() };
    let mut out = String::new();
    let s = &report.settings;
    let _ = writeln!(
        out,
        "vcluster {} ({}) · name {} · host namespace {}",
        s.vcluster_version, s.vcluster_release, s.vcluster_name, s.host_namespace
    );
    let _ = writeln!(out);
    for object in &report.objects {
        let (tag, detail) = match &object.disposition {
            Disposition::SyncedToHost { syncer } => (paint("32", "synced"), format!("by {syncer}")),
            Disposition::VirtualOnly { reason } => (paint("36", "virtual"), reason.clone()),
            Disposition::NotSynced { reason } => (paint("33", "not synced"), reason.clone()),
            Disposition::Rejected { reason } => {
                (paint("31", "rejected"), reason.lines().next().unwrap_or_default().to_string())
            }
            Disposition::RefusedByHost { syncer, .. } => (paint("31;1", "refused"), format!("by the host ({syncer})")),
            Disposition::AppliedToHost => (paint("32", "applied"), "to the host".to_string()),
            Disposition::Present { reason } => (paint("36", "present"), reason.clone()),
        };
        let _ = writeln!(out, "{tag:>12}  {}  {}", object.display_name(), paint("2", &detail));
        for &host in &object.host_objects {
            let h = &report.host_objects[host];
            let _ = writeln!(out, "{:>12}  → {} {}/{}", "", h.kind, h.namespace.as_deref().unwrap_or(""), h.name);
        }
        for event in &object.events {
            let _ = writeln!(
                out,
                "{:>12}  event {:?} {} ({}): {}",
                "", event.event_type, event.reason, event.from, event.message
            );
        }
    }
    let cluster_objects: Vec<_> = report.host_objects.iter().filter(|h| h.from.is_none()).collect();
    if !cluster_objects.is_empty() {
        let _ = writeln!(out);
        for h in cluster_objects {
            let _ = writeln!(
                out,
                "{:>12}  {} {}/{} — {}",
                paint("32", "host"),
                h.kind,
                h.namespace.as_deref().unwrap_or(""),
                h.name,
                h.written_by
            );
        }
    }
    if !report.findings.is_empty() {
        let _ = writeln!(out);
    }
    let indexes: Vec<LineIndex> = sources.iter().map(|s| LineIndex::new(&s.text)).collect();
    for finding in &report.findings {
        let severity = match finding.severity {
            Severity::Error => paint("31;1", "error"),
            Severity::Warning => paint("33;1", "warning"),
            Severity::Info => paint("34;1", "info"),
        };
        let location = finding.location.as_ref().map(|l| {
            let name = sources.get(l.source).map_or("?", |s| s.name.as_str());
            format!("{name}:{}:{}: ", l.line, l.column)
        });
        let _ =
            writeln!(out, "{}{severity}[{}]: {}", location.clone().unwrap_or_default(), finding.rule, finding.message);
        if let Some(l) = &finding.location
            && let (Some(source), Some(index)) = (sources.get(l.source), indexes.get(l.source))
        {
            let line_no = l.line as usize - 1;
            let start = index.line_start(line_no) as usize;
            let end = if line_no + 1 < index.line_count() {
                index.line_start(line_no + 1) as usize
            } else {
                source.text.len()
            };
            let line = source.text.get(start..end).unwrap_or_default().trim_end();
            let _ = writeln!(out, "{:>5} | {line}", l.line);
            let _ = writeln!(out, "      | {}{}", " ".repeat(l.column.saturating_sub(1) as usize), paint("31", "^"));
        }
        if let Some(explanation) = &finding.explanation {
            let _ = writeln!(out, "      = {explanation}");
        }
        if let Some(confidence) = &finding.confidence {
            let _ = writeln!(out, "      = confidence: {}", format!("{confidence:?}").to_lowercase());
        }
        if let Some(fix) = &finding.fix {
            let _ = writeln!(out, "      = fix: {}", fix.description);
        }
    }
    let summary = &report.summary;
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{} virtual objects · {} host objects · {} synced · {} virtual only · {} not synced · {} rejected · {} errors · {} warnings",
        summary.virtual_objects,
        summary.host_objects,
        summary.synced,
        summary.virtual_only,
        summary.not_synced,
        summary.rejected,
        summary.errors,
        summary.warnings
    );
    out
}

pub fn comparison_json(comparison: &Comparison) -> String {
    let mut text = serde_json::to_string_pretty(comparison).unwrap_or_default();
    text.push('\n');
    text
}

/// The comparison as YAML (the whole structure, like `comparison_json`).
pub fn comparison_yaml(comparison: &Comparison) -> String {
    hostside_engine::yaml::to_yaml(&serde_json::to_value(comparison).unwrap_or_default())
}

/// The comparison as a diff: each change's heading, then `-` lines for the left side and `+`
/// lines for the right.
pub fn comparison_text(comparison: &Comparison, color: bool) -> String {
    let paint = |code: &str, text: &str| if color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() };
    let mut out = String::new();
    let (left, right) = (&comparison.left, &comparison.right);
    let _ = writeln!(out, "{} {} ({})", paint("31", "left: "), left.label, left.vcluster_release);
    let _ = writeln!(out, "{} {} ({})", paint("32", "right:"), right.label, right.vcluster_release);
    let _ = writeln!(out);
    for change in &comparison.changes {
        let _ = writeln!(out, "{}", paint("1", &change.heading()));
        for (sign, line) in change.lines() {
            let code = if sign == '-' { "31" } else { "32" };
            let _ = writeln!(out, "  {}", paint(code, &format!("{sign} {line}")));
        }
    }
    if comparison.changes.is_empty() {
        let _ = writeln!(out, "no changes");
        let _ = writeln!(out);
    } else {
        let _ = writeln!(out);
    }
    let _ = writeln!(
        out,
        "{} changes · left: {} denied, {} errors, {} warnings · right: {} denied, {} errors, {} warnings",
        comparison.changes.len(),
        left.summary.denied,
        left.summary.errors,
        left.summary.warnings,
        right.summary.denied,
        right.summary.errors,
        right.summary.warnings
    );
    out
}
