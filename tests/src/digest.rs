//! A readable, stable text of a report for snapshots: what a reviewer wants to see change.

use hostside_engine::apply_edits;
use hostside_engine::report::{Disposition, Fix, Origin, Report, TextEdit};
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
        let confidence = finding.confidence.map(|c| format!(" ({c:?})").to_lowercase()).unwrap_or_default();
        let _ = writeln!(out, "{at}{:?} {}{confidence}{field}: {}", finding.severity, finding.rule, finding.message);
        if let Some(fix) = &finding.fix {
            write_fix(&mut out, fix, sources);
        }
    }
    out
}

/// A fix: its words, its edits as the changed lines of each source, and the re-check.
fn write_fix(out: &mut String, fix: &Fix, sources: &[Source]) {
    let _ = writeln!(out, "    fix: {}", fix.description);
    let mut by_source: Vec<(usize, Vec<TextEdit>)> = Vec::new();
    for edit in &fix.edits {
        match by_source.last_mut() {
            Some((source, edits)) if *source == edit.source => edits.push(edit.clone()),
            _ => by_source.push((edit.source, vec![edit.clone()])),
        }
    }
    for (index, edits) in by_source {
        let Some(source) = sources.get(index) else {
            let _ = writeln!(out, "    edits for unknown source {index}");
            continue;
        };
        match apply_edits(&source.text, &edits) {
            Ok(after) => {
                let _ = writeln!(out, "    edits to {}:", source.name);
                write_hunks(out, &source.text, &after, &edits);
            }
            Err(error) => {
                let _ = writeln!(out, "    edits to {} do not apply: {error}", source.name);
            }
        }
    }
    match &fix.recheck {
        Some(recheck) => {
            let verdict = if recheck.resolved { "resolved" } else { "NOT resolved" };
            let _ = writeln!(out, "    recheck: {verdict}");
            for finding in &recheck.new_findings {
                let _ = writeln!(out, "      now: {finding}");
            }
        }
        None if !fix.edits.is_empty() => {
            let _ = writeln!(out, "    recheck: not run");
        }
        None => {}
    }
}

/// Unified-diff style hunks (`@@ -old +new @@`, `-`/`+` lines) for edits of one text; edits on
/// the same or neighbouring lines share a hunk.
fn write_hunks(out: &mut String, before: &str, after: &str, edits: &[TextEdit]) {
    let line_of = |text: &str, at: usize| text[..at.min(text.len())].matches('\n').count();
    let old_lines: Vec<&str> = before.split('\n').collect();
    let new_lines: Vec<&str> = after.split('\n').collect();
    // (old first, old last, new first, new last) line indexes, inclusive.
    let mut hunks: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut delta = 0isize;
    for edit in edits {
        let (start, end) = (edit.start as usize, edit.end as usize);
        let new_start = (start as isize + delta) as usize;
        let new_end = new_start + edit.replacement.len();
        delta += edit.replacement.len() as isize - (end - start) as isize;
        let hunk = (line_of(before, start), line_of(before, end), line_of(after, new_start), line_of(after, new_end));
        match hunks.last_mut() {
            Some(last) if hunk.0 <= last.1 + 1 => *last = (last.0, hunk.1, last.2, hunk.3),
            _ => hunks.push(hunk),
        }
    }
    for (old_first, old_last, new_first, new_last) in hunks {
        let old = &old_lines[old_first..=old_last.min(old_lines.len() - 1)];
        let new = &new_lines[new_first..=new_last.min(new_lines.len() - 1)];
        let same_start = old.iter().zip(new).take_while(|(a, b)| a == b).count();
        let (old, new) = (&old[same_start..], &new[same_start..]);
        let same_end = old.iter().rev().zip(new.iter().rev()).take_while(|(a, b)| a == b).count();
        let (old, new) = (&old[..old.len() - same_end], &new[..new.len() - same_end]);
        let _ = writeln!(
            out,
            "      @@ -{},{} +{},{} @@",
            old_first + same_start + 1,
            old.len(),
            new_first + same_start + 1,
            new.len()
        );
        for line in old {
            let _ = writeln!(out, "      -{line}");
        }
        for line in new {
            let _ = writeln!(out, "      +{line}");
        }
    }
}
