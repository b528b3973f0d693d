//! What a report means at a glance: the summary line, the editor's markers, and what
//! changed between two reports (workshop mode, when the user switches profile).

use hostside_engine::report::{Finding, HostObject, Report, Severity, Stage};
use std::collections::{BTreeMap, BTreeSet};

pub fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let predicted = report.findings.iter().filter(|f| is_predicted_failure(f)).count();
    let mut parts = vec![
        plural(s.host_objects, "host object"),
        format!("{} denied", s.denied),
        plural(predicted, "predicted failure"),
    ];
    let other_errors = s.errors.saturating_sub(predicted);
    if other_errors > 0 {
        parts.push(plural(other_errors, "error"));
    }
    parts.push(plural(s.warnings, "warning"));
    parts.join(" · ")
}

/// A runtime prediction that the workload will not start or will crash.
pub fn is_predicted_failure(finding: &Finding) -> bool {
    finding.stage == Stage::Predict && finding.severity == Severity::Error
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

pub fn host_key(host: &HostObject) -> String {
    format!("{}/{}", host.namespace.as_deref().unwrap_or(""), host.name)
}

/// `true`/`false` when the host's admission decided, `None` without a host profile.
pub fn allowed(host: &HostObject) -> Option<bool> {
    host.admission.as_ref().map(|a| a.allowed)
}

/// One marker per editor line: the most severe finding there and its messages.
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    pub line: u32,
    pub severity: Severity,
    pub messages: Vec<String>,
}

/// Markers for the findings located in the editor's text (source 0).
pub fn markers(report: &Report) -> Vec<Marker> {
    let mut by_line: BTreeMap<u32, Marker> = BTreeMap::new();
    for finding in &report.findings {
        let Some(location) = finding.location.as_ref().filter(|l| l.source == 0) else { continue };
        let marker = by_line.entry(location.line).or_insert(Marker {
            line: location.line,
            severity: finding.severity,
            messages: Vec::new(),
        });
        marker.severity = marker.severity.max(finding.severity);
        if marker.messages.len() < 5 {
            marker.messages.push(finding.message.clone());
        }
    }
    by_line.into_values().collect()
}

pub fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

/// Verdicts and findings of one report, comparable with another's.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    verdicts: BTreeMap<String, Option<bool>>,
    findings: BTreeSet<(Severity, String)>,
}

impl Outcome {
    pub fn of(report: &Report) -> Self {
        let verdicts =
            report.host_objects.iter().map(|h| (format!("{} {}", h.kind, host_key(h)), allowed(h))).collect();
        let findings = report.findings.iter().filter(|f| f.severity > Severity::Info).map(key).collect();
        Outcome { verdicts, findings }
    }

    /// Lines saying what differs from `before`, most important first, at most `limit`.
    pub fn changes_since(&self, before: &Outcome, limit: usize) -> Vec<String> {
        let word = |v: Option<bool>| match v {
            Some(true) => "admitted",
            Some(false) => "denied",
            None => "not checked",
        };
        let mut lines = Vec::new();
        for (object, now) in &self.verdicts {
            match before.verdicts.get(object) {
                Some(then) if then != now => lines.push(format!("{object}: {} → {}", word(*then), word(*now))),
                None => lines.push(format!("{object}: new host object ({})", word(*now))),
                _ => {}
            }
        }
        for object in before.verdicts.keys().filter(|o| !self.verdicts.contains_key(*o)) {
            lines.push(format!("{object}: no longer created"));
        }
        for (severity, message) in self.findings.difference(&before.findings) {
            lines.push(format!("new {}: {message}", severity_name(*severity)));
        }
        for (severity, message) in before.findings.difference(&self.findings) {
            lines.push(format!("gone {}: {message}", severity_name(*severity)));
        }
        if lines.len() > limit {
            let more = lines.len() - limit;
            lines.truncate(limit);
            lines.push(format!("… and {more} more"));
        }
        lines
    }
}

fn key(finding: &Finding) -> (Severity, String) {
    (finding.severity, finding.message.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: demo, namespace: team-a}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    imagee: x\n";

    #[test]
    fn summary_markers_and_changes() {
        let relaxed = hostside_engine::check(&Settings::default().input(POD));
        assert_eq!(summary_line(&relaxed), "2 host objects · 0 denied · 0 predicted failures · 2 warnings");
        let markers = markers(&relaxed);
        assert!(markers.iter().any(|m| m.line == 8 && m.severity == Severity::Warning), "{markers:?}");

        let strict =
            hostside_engine::check(&Settings { host: "pss-restricted".into(), ..Settings::default() }.input(POD));
        let changes = Outcome::of(&strict).changes_since(&Outcome::of(&relaxed), 20);
        assert!(changes.iter().any(|l| l.contains("demo-x-team-a-x-my-vcluster: not checked → denied")), "{changes:?}");
        assert!(Outcome::of(&strict).changes_since(&Outcome::of(&strict), 20).is_empty());
    }
}
