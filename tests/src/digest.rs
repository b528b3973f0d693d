//! A readable, stable text of a report for snapshots: what a reviewer wants to see change.

use hostside_engine::report::{Disposition, Origin, Report};
use hostside_engine::source::Source;
use std::fmt::Write;

pub fn digest(report: &Report, sources: &[Source]) -> String {
    let mut out = String::new();
    let s = &report.settings;
    let _ = writeln!(
        out,
        "vcluster {} ({}) name={} host-namespace={}",
        s.vcluster_version, s.vcluster_release, s.vcluster_name, s.host_namespace
    );
    let _ = writeln!(out, "summary: {}", serde_json::to_string(&report.summary).unwrap_or_default());
    let _ = writeln!(out, "\n## virtual objects");
    for object in &report.objects {
        let origin = match &object.origin {
            Origin::Input { location, .. } => format!("line {}", location.line),
            Origin::Generated { by, controller } => format!("by {controller} from #{by}"),
            Origin::Implicit { reason } => format!("implicit: {reason}"),
        };
        let disposition = match &object.disposition {
            Disposition::SyncedToHost { syncer } => format!("synced by {syncer}"),
            Disposition::VirtualOnly { reason } => format!("virtual only: {reason}"),
            Disposition::NotSynced { reason } => format!("not synced: {reason}"),
            Disposition::Rejected { reason } => format!("rejected: {reason}"),
            Disposition::RefusedByHost { syncer, error } => format!("refused by the host ({syncer}): {error}"),
            Disposition::AppliedToHost => "applied to the host".to_string(),
            Disposition::Present { reason } => format!("present: {reason}"),
        };
        let _ = writeln!(out, "#{} {} ({origin}) — {disposition}", object.id, object.display_name());
        for event in &object.events {
            let action = event.action.as_deref().map(|a| format!(" action={a}")).unwrap_or_default();
            let _ = writeln!(
                out,
                "    {:?} {} from {}{action}: {}",
                event.event_type, event.reason, event.from, event.message
            );
        }
    }
    let _ = writeln!(out, "\n## host objects");
    for host in &report.host_objects {
        let from = host.from.map(|f| format!(" from #{f}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "--- {} {}/{} (written by {}{from})",
            host.kind,
            host.namespace.as_deref().unwrap_or(""),
            host.name,
            host.written_by
        );
        let _ = write!(out, "{}", hostside_engine::yaml::to_yaml(&host.object));
        if let Some(admission) = &host.admission {
            let _ = writeln!(out, "# admission: {}", if admission.allowed { "allowed" } else { "DENIED" });
            for step in &admission.steps {
                let policy = step.policy.as_deref().map(|p| format!(" ({p})")).unwrap_or_default();
                let _ = writeln!(out, "#   {:?} {}{policy}: {:?}", step.phase, step.plugin, step.verdict);
                for change in &step.changes {
                    let _ = writeln!(out, "#     {}: {} -> {}", change.path, change.from, change.to);
                }
                for message in &step.messages {
                    let _ = writeln!(out, "#     {message}");
                }
            }
        }
    }
    let _ = writeln!(out, "\n## findings");
    for finding in &report.findings {
        let at = finding
            .location
            .as_ref()
            .map(|l| format!("{}:{}:{} ", sources.get(l.source).map_or("?", |s| s.name.as_str()), l.line, l.column))
            .unwrap_or_default();
        let field = finding.field.as_ref().map(|f| format!(" [{f}]")).unwrap_or_default();
        let _ = writeln!(out, "{at}{:?} {}{field}: {}", finding.severity, finding.rule, finding.message);
    }
    out
}
