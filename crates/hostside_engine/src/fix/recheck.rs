//! Re-checking fixes: the input with one fix's edits applied goes through the pipeline again
//! (without re-checks of its own), and the fix records whether its finding went away and
//! which errors and warnings appeared instead.
//!
//! Findings are matched across the two runs by what they are about, not by ids (an added
//! document shifts them) nor by generated names: a fix that changes a pod template changes
//! its `pod-template-hash`, hence the names of its ReplicaSet, pods and host pods. Objects
//! are therefore known by their input object and their place among their controller's
//! children (`Deployment web/web > ReplicaSet #0 > Pod #1`), host objects by their virtual
//! object, kind and writer.

use crate::report::{Finding, Origin, Recheck, Report, Severity, TextEdit};
use crate::source::Source;
use crate::{Input, apply_edits};
use std::collections::{BTreeMap, BTreeSet};

/// At most this many distinct edit sets are re-checked per report (each is a whole run).
pub const MAX_RECHECKS: usize = 8;
/// No re-checks when the manifests total more than this (the report would take too long).
pub const MAX_RECHECK_INPUT_BYTES: usize = 256 * 1024;

pub(crate) fn recheck(input: &Input, report: &mut Report, run: impl Fn(&Input) -> Report) {
    let total: usize = input.sources.iter().map(|s| s.text.len()).sum();
    if total > MAX_RECHECK_INPUT_BYTES {
        return;
    }
    let mut sets: Vec<&Vec<TextEdit>> = Vec::new();
    for fix in report.findings.iter().filter_map(|f| f.fix.as_ref()) {
        if !fix.edits.is_empty() && !sets.contains(&&fix.edits) && sets.len() < MAX_RECHECKS {
            sets.push(&fix.edits);
        }
    }
    let sets: Vec<Vec<TextEdit>> = sets.into_iter().cloned().collect();
    let before = Identities::new(report);
    let keys: Vec<String> = report.findings.iter().map(|f| before.finding(f)).collect();
    for edits in sets {
        let Some(fixed) = fixed_input(input, &edits) else { continue };
        let after_report = run(&fixed);
        let after = Identities::new(&after_report);
        let remaining: BTreeSet<String> = after_report.findings.iter().map(|f| after.finding(f)).collect();
        let new_findings = new_findings(report, &before, &after_report, &after);
        for (finding, key) in report.findings.iter_mut().zip(&keys) {
            if let Some(fix) = finding.fix.as_mut().filter(|fix| fix.edits == edits) {
                fix.recheck = Some(Recheck { resolved: !remaining.contains(key), new_findings: new_findings.clone() });
            }
        }
    }
}

/// The input with `edits` applied; `None` when they do not apply.
fn fixed_input(input: &Input, edits: &[TextEdit]) -> Option<Input> {
    let mut fixed = input.clone();
    let mut by_source: BTreeMap<usize, Vec<TextEdit>> = BTreeMap::new();
    for edit in edits {
        by_source.entry(edit.source).or_default().push(edit.clone());
    }
    for (index, edits) in by_source {
        let source: &mut Source = fixed.sources.get_mut(index)?;
        source.text = apply_edits(&source.text, &edits).ok()?;
        // Offsets of invalid bytes move with the text before them.
        source.invalid_utf8_at = source
            .invalid_utf8_at
            .iter()
            .filter(|&&at| !edits.iter().any(|e| (e.start as usize) <= at && at < e.end as usize))
            .map(|&at| {
                let moved: isize = edits
                    .iter()
                    .filter(|e| e.end as usize <= at)
                    .map(|e| e.replacement.len() as isize - (e.end - e.start) as isize)
                    .sum();
                (at as isize + moved) as usize
            })
            .collect();
    }
    Some(fixed)
}

/// What each object of a report is, independent of ids and generated names.
struct Identities {
    objects: Vec<String>,
    hosts: Vec<String>,
}

impl Identities {
    fn new(report: &Report) -> Self {
        let mut objects: Vec<String> = Vec::with_capacity(report.objects.len());
        let mut children: BTreeMap<(usize, &str), usize> = BTreeMap::new();
        for object in &report.objects {
            let key = match &object.origin {
                // Controllers create children after their parent, so `by` is known already.
                Origin::Generated { by, .. } if *by < objects.len() => {
                    let n = children.entry((*by, object.kind.as_str())).or_default();
                    *n += 1;
                    format!("{} > {} #{}", objects[*by], object.kind, *n - 1)
                }
                _ => object.display_name(),
            };
            objects.push(key);
        }
        let mut hosts = Vec::with_capacity(report.host_objects.len());
        let mut written: BTreeMap<String, usize> = BTreeMap::new();
        for host in &report.host_objects {
            let base = match host.from.and_then(|f| objects.get(f)) {
                Some(from) => format!("{from} => {} by {}", host.kind, host.written_by),
                None => format!("{} {}/{}", host.kind, host.namespace.as_deref().unwrap_or_default(), host.name),
            };
            let n = written.entry(base.clone()).or_default();
            *n += 1;
            hosts.push(format!("{base} #{}", *n - 1));
        }
        Identities { objects, hosts }
    }

    /// What a finding is about: its rule and objects (its message when it has none).
    fn finding(&self, finding: &Finding) -> String {
        let object = finding.object.and_then(|o| self.objects.get(o));
        let host = finding.host_object.and_then(|h| self.hosts.get(h));
        match (object, host) {
            (None, None) => format!("{} | {}", finding.rule, finding.message),
            _ => format!(
                "{} | {} | {}",
                finding.rule,
                object.map_or("", String::as_str),
                host.map_or("", String::as_str)
            ),
        }
    }
}

/// Errors and warnings of `after` that `before` does not have (by rule and message, with the
/// names that only changed because the fix changed a template read as the old ones).
fn new_findings(before: &Report, before_ids: &Identities, after: &Report, after_ids: &Identities) -> Vec<String> {
    let mut renames: Vec<(&str, &str)> = Vec::new();
    let old_objects: BTreeMap<&str, &str> =
        before_ids.objects.iter().zip(&before.objects).map(|(k, o)| (k.as_str(), o.name.as_str())).collect();
    for (key, object) in after_ids.objects.iter().zip(&after.objects) {
        if let Some(&old) = old_objects.get(key.as_str()).filter(|&&old| old != object.name) {
            renames.push((object.name.as_str(), old));
        }
    }
    let old_hosts: BTreeMap<&str, &str> =
        before_ids.hosts.iter().zip(&before.host_objects).map(|(k, h)| (k.as_str(), h.name.as_str())).collect();
    for (key, host) in after_ids.hosts.iter().zip(&after.host_objects) {
        if let Some(&old) = old_hosts.get(key.as_str()).filter(|&&old| old != host.name) {
            renames.push((host.name.as_str(), old));
        }
    }
    // Longest first: a pod's name contains its ReplicaSet's.
    renames.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.cmp(b)));
    renames.dedup();
    let shown = |f: &&Finding| f.severity >= Severity::Warning;
    let known: BTreeSet<(&str, &str)> =
        before.findings.iter().filter(shown).map(|f| (f.rule.as_ref(), f.message.as_str())).collect();
    let mut out: Vec<String> = Vec::new();
    for finding in after.findings.iter().filter(shown) {
        let mut message = finding.message.clone();
        for (new, old) in &renames {
            message = message.replace(new, old);
        }
        let line = format!("{}: {}", finding.rule, finding.message);
        if !known.contains(&(finding.rule.as_ref(), message.as_str())) && !out.contains(&line) {
            out.push(line);
        }
    }
    out
}
