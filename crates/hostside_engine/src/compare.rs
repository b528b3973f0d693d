//! What-if comparison: the same input under two settings (host profiles, vcluster versions,
//! overrides), reported as the differences between the two reports: host verdicts that flip,
//! host objects only one side writes, denials worded differently, events and findings that
//! appear or disappear.
//!
//! Objects are matched by what they are, never by ids or host names: a host object by the
//! virtual object it mirrors and its kind (host names can change with the vcluster version),
//! vcluster's chart objects by kind and name, findings by rule, virtual object and message.

use crate::report::{Admission, Finding, HostObject, Report, Severity, Stage, StepVerdict, Summary};
use crate::{Input, check};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

pub const COMPARISON_FORMAT: &str = "hostside.comparison/v1";

/// Two checks of one input and what differs between them, most important first.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Comparison {
    pub format: Cow<'static, str>,
    pub left: Side,
    pub right: Side,
    pub changes: Vec<Change>,
}

/// The settings one side was checked with, and its outcome.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Side {
    /// A short name for the settings: `vcluster 0.19 · compliant-kubernetes-v0.19 ·
    /// gatekeeper.enforcementAction=dryrun`.
    pub label: String,
    pub vcluster_version: String,
    pub vcluster_release: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_profile: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub host_overrides: Vec<String>,
    pub summary: Summary,
}

impl Side {
    /// The side a report stands for; overrides are not in the report, so they are passed in.
    pub fn of(report: &Report, host_overrides: &[String]) -> Side {
        let settings = &report.settings;
        let mut label = format!("vcluster {}", settings.vcluster_version);
        match &settings.host_profile {
            Some(profile) => label.push_str(&format!(" · {profile}")),
            None => label.push_str(" · no host profile"),
        }
        for assignment in host_overrides {
            label.push_str(&format!(" · {assignment}"));
        }
        Side {
            label,
            vcluster_version: settings.vcluster_version.clone(),
            vcluster_release: settings.vcluster_release.clone(),
            host_profile: settings.host_profile.clone(),
            host_overrides: host_overrides.to_vec(),
            summary: report.summary.clone(),
        }
    }
}

/// One difference between the left and the right report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum Change {
    /// The host's answer for the same host object changed (denied ↔ admitted ↔ unchecked).
    Verdict {
        object: HostRef,
        left: HostVerdict,
        right: HostVerdict,
    },
    /// The same answer in other words: a denial's error or SyncError event, or an
    /// admission's warnings and dry-run violations.
    Reason {
        object: HostRef,
        left: HostVerdict,
        right: HostVerdict,
    },
    /// A host object only the left side writes.
    HostObjectRemoved {
        object: HostRef,
        verdict: HostVerdict,
    },
    /// A host object only the right side writes.
    HostObjectAdded {
        object: HostRef,
        verdict: HostVerdict,
    },
    /// Events of one reason on a virtual object differ (other than a denial's SyncError,
    /// which `Verdict` and `Reason` carry).
    Event {
        object: String,
        reason: String,
        left: Vec<String>,
        right: Vec<String>,
    },
    FindingRemoved {
        finding: FindingRef,
    },
    FindingAdded {
        finding: FindingRef,
    },
}

/// A host object, named the same way on both sides.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HostRef {
    /// The virtual object it mirrors (`Pod/kube-system fluentd-xfwdt`); none for vcluster's
    /// chart objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Who writes it (`pod-syncer`, `vcluster chart (policies.resourceQuota)`).
    pub written_by: String,
    pub kind: String,
    /// `namespace/name` on the right side (the left's when only the left has it).
    pub name: String,
    /// The left side's name, when it differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_name: Option<String>,
}

impl HostRef {
    /// `Pod demo1/x from Pod/default x`, or `ResourceQuota demo1/q by vcluster chart (…)`.
    pub fn display(&self) -> String {
        let mut text = format!("{} {}", self.kind, self.name);
        if let Some(left) = &self.left_name {
            text.push_str(&format!(" (left: {left})"));
        }
        match &self.from {
            Some(from) => text.push_str(&format!(" from {from}")),
            None => text.push_str(&format!(" by {}", self.written_by)),
        }
        text
    }
}

/// What the host's admission did with one host object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum HostVerdict {
    /// Admission was not simulated: no host profile on this side, or an object vcluster's
    /// chart installs (applied by whoever installs vcluster, not by the syncer).
    Unchecked,
    /// Admitted; `notes` are the warnings returned and the violations only audited (dryrun).
    Admitted {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        notes: Vec<String>,
    },
    /// Refused with the host API server's `error`; `sync_error` is the event vcluster
    /// recorded on the virtual object, in its version's wording.
    Denied {
        error: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sync_error: Option<String>,
    },
}

impl HostVerdict {
    /// `denied`, `admitted` or `unchecked`.
    pub fn word(&self) -> &'static str {
        match self {
            HostVerdict::Unchecked => "unchecked",
            HostVerdict::Admitted { .. } => "admitted",
            HostVerdict::Denied { .. } => "denied",
        }
    }

    /// The words that decided: the SyncError event (else the API error) of a denial, the
    /// notes of an admission.
    pub fn messages(&self) -> Vec<&str> {
        match self {
            HostVerdict::Unchecked => Vec::new(),
            HostVerdict::Admitted { notes } => notes.iter().map(String::as_str).collect(),
            HostVerdict::Denied { error, sync_error } => vec![sync_error.as_deref().unwrap_or(error)],
        }
    }
}

/// A finding, named the same way on both sides.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FindingRef {
    pub rule: String,
    pub severity: Severity,
    pub stage: Stage,
    /// The virtual object (or, failing that, host object) it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    pub message: String,
}

fn verdict_lines(lines: &mut Vec<(char, String)>, sign: char, verdict: &HostVerdict) {
    lines.push((sign, verdict.word().to_string()));
    lines.extend(verdict.messages().into_iter().map(|m| (sign, format!("  {m}"))));
}

/// A verdict's messages, or a denial's API error when `errors`.
fn shown(verdict: &HostVerdict, errors: bool) -> Vec<&str> {
    match verdict {
        HostVerdict::Denied { error, .. } if errors => vec![error.as_str()],
        _ => verdict.messages(),
    }
}

impl FindingRef {
    /// ` on Pod/default x`, or nothing.
    fn on(&self) -> String {
        self.object.as_ref().map(|o| format!(" on {o}")).unwrap_or_default()
    }

    /// `error[host/gatekeeper]: message`.
    fn line(&self) -> String {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        format!("{severity}[{}]: {}", self.rule, self.message)
    }
}

impl Change {
    /// Most important first: verdict flips, then new errors, then the rest.
    fn rank(&self) -> u8 {
        let severity_rank = |f: &FindingRef, error: u8| match f.severity {
            Severity::Error => error,
            Severity::Warning => 6,
            Severity::Info => 7,
        };
        match self {
            Change::Verdict { .. } => 0,
            Change::FindingAdded { finding } => severity_rank(finding, 1),
            Change::HostObjectRemoved { .. } | Change::HostObjectAdded { .. } => 2,
            Change::Reason { .. } => 3,
            Change::Event { .. } => 4,
            Change::FindingRemoved { finding } => severity_rank(finding, 5),
        }
    }

    /// One line naming the change, for front ends that print a diff.
    pub fn heading(&self) -> String {
        match self {
            Change::Verdict { object, left, right } => {
                format!("{}: {} → {}", object.display(), left.word(), right.word())
            }
            Change::Reason { object, left, .. } => format!("{}: still {}, other words", object.display(), left.word()),
            Change::HostObjectRemoved { object, .. } => format!("{}: only on the left", object.display()),
            Change::HostObjectAdded { object, .. } => format!("{}: only on the right", object.display()),
            Change::Event { object, reason, .. } => format!("{object}: {reason} events"),
            Change::FindingRemoved { finding } => format!("finding gone{}", finding.on()),
            Change::FindingAdded { finding } => format!("new finding{}", finding.on()),
        }
    }

    /// The diff under the heading: `-` for the left side, `+` for the right.
    pub fn lines(&self) -> Vec<(char, String)> {
        let mut lines = Vec::new();
        match self {
            Change::Verdict { left, right, .. } => {
                verdict_lines(&mut lines, '-', left);
                verdict_lines(&mut lines, '+', right);
            }
            Change::Reason { left, right, .. } => {
                // Denials whose events read the same differ in the API error: show that.
                let errors = left.messages() == right.messages();
                let (before, after) = (shown(left, errors), shown(right, errors));
                // Only the words that differ: a note both sides share is no change.
                lines.push(('-', left.word().to_string()));
                lines.extend(before.iter().filter(|m| !after.contains(m)).map(|m| ('-', format!("  {m}"))));
                lines.push(('+', right.word().to_string()));
                lines.extend(after.iter().filter(|m| !before.contains(m)).map(|m| ('+', format!("  {m}"))));
            }
            // Being there or not says it all when nothing admitted the object.
            Change::HostObjectRemoved { verdict: HostVerdict::Unchecked, .. }
            | Change::HostObjectAdded { verdict: HostVerdict::Unchecked, .. } => {}
            Change::HostObjectRemoved { verdict, .. } => verdict_lines(&mut lines, '-', verdict),
            Change::HostObjectAdded { verdict, .. } => verdict_lines(&mut lines, '+', verdict),
            Change::Event { left, right, .. } => {
                lines.extend(left.iter().map(|m| ('-', m.clone())));
                lines.extend(right.iter().map(|m| ('+', m.clone())));
            }
            Change::FindingRemoved { finding } => lines.push(('-', finding.line())),
            Change::FindingAdded { finding } => lines.push(('+', finding.line())),
        }
        // Gatekeeper's messages span lines: every line of the diff keeps its sign.
        lines
            .into_iter()
            .flat_map(|(sign, text)| {
                let indent = " ".repeat((text.len() - text.trim_start().len()).max(2));
                let parts: Vec<String> = text.split('\n').map(String::from).collect();
                parts.into_iter().enumerate().map(move |(i, part)| {
                    (sign, if i == 0 || part.is_empty() { part } else { format!("{indent}{part}") })
                })
            })
            .collect()
    }

    /// What the change is about, for ordering and headings.
    pub fn subject(&self) -> String {
        match self {
            Change::Verdict { object, .. }
            | Change::Reason { object, .. }
            | Change::HostObjectRemoved { object, .. }
            | Change::HostObjectAdded { object, .. } => object.display(),
            Change::Event { object, .. } => object.clone(),
            Change::FindingRemoved { finding } | Change::FindingAdded { finding } => {
                finding.object.clone().unwrap_or_default()
            }
        }
    }
}

/// Checks `left` and `right` (each a whole run of [`check`]) and compares the reports.
pub fn compare(left: &Input, right: &Input) -> Comparison {
    Comparison::new((left, &check(left)), (right, &check(right)))
}

impl Comparison {
    /// The comparison of two reports already made from these inputs.
    pub fn new(left: (&Input, &Report), right: (&Input, &Report)) -> Comparison {
        Comparison {
            format: Cow::Borrowed(COMPARISON_FORMAT),
            left: Side::of(left.1, &left.0.options.host_overrides),
            right: Side::of(right.1, &right.0.options.host_overrides),
            changes: compare_reports(left.1, right.1),
        }
    }
}

/// The differences between two reports of the same input, most important first; the order
/// is deterministic (rank, subject, then report order).
pub fn compare_reports(left: &Report, right: &Report) -> Vec<Change> {
    let mut changes = host_changes(left, right);
    changes.extend(event_changes(left, right));
    changes.extend(finding_changes(left, right));
    changes.sort_by_cached_key(|change| (change.rank(), change.subject()));
    changes
}

/// Identity of a host object across sides, with an ordinal for several of the same.
type HostKey = (Option<String>, String, Option<String>, usize);

fn host_keys(report: &Report) -> Vec<HostKey> {
    let mut seen: BTreeMap<(Option<String>, String, Option<String>), usize> = BTreeMap::new();
    report
        .host_objects
        .iter()
        .map(|host| {
            let from = virtual_name(report, host.from);
            // Chart objects have no virtual object: their own name is all there is.
            let name = from.is_none().then(|| host_name(host));
            let key = (from, host.kind.clone(), name);
            let nth = seen.entry(key.clone()).or_default();
            *nth += 1;
            (key.0, key.1, key.2, *nth - 1)
        })
        .collect()
}

fn virtual_name(report: &Report, id: Option<usize>) -> Option<String> {
    id.and_then(|id| report.objects.get(id)).map(|o| o.display_name())
}

fn host_name(host: &HostObject) -> String {
    format!("{}/{}", host.namespace.as_deref().unwrap_or(""), host.name)
}

fn host_ref(report: &Report, host: &HostObject) -> HostRef {
    HostRef {
        from: virtual_name(report, host.from),
        written_by: host.written_by.clone(),
        kind: host.kind.clone(),
        name: host_name(host),
        left_name: None,
    }
}

fn verdict(report: &Report, host: &HostObject) -> HostVerdict {
    match &host.admission {
        None => HostVerdict::Unchecked,
        Some(admission) if admission.allowed => HostVerdict::Admitted { notes: notes(admission) },
        Some(admission) => HostVerdict::Denied {
            error: admission.error.clone().unwrap_or_default(),
            sync_error: sync_errors(report, host.from).into_iter().next(),
        },
    }
}

fn notes(admission: &Admission) -> Vec<String> {
    let mut notes: Vec<String> = admission.warnings.iter().map(|w| format!("warning: {w}")).collect();
    for step in admission.steps.iter().filter(|s| s.verdict == StepVerdict::Audited) {
        notes.extend(step.messages.iter().map(|m| format!("audited: {m}")));
    }
    notes
}

fn sync_errors(report: &Report, id: Option<usize>) -> Vec<String> {
    let object = id.and_then(|id| report.objects.get(id));
    object.into_iter().flat_map(|o| &o.events).filter(|e| e.reason == "SyncError").map(|e| e.message.clone()).collect()
}

fn host_changes(left: &Report, right: &Report) -> Vec<Change> {
    let left_keys = host_keys(left);
    let right_keys = host_keys(right);
    let right_index: BTreeMap<&HostKey, usize> = right_keys.iter().enumerate().map(|(i, k)| (k, i)).collect();
    let mut matched = vec![false; right_keys.len()];
    let mut changes = Vec::new();
    for (key, host) in left_keys.iter().zip(&left.host_objects) {
        let before = verdict(left, host);
        let Some(&index) = right_index.get(key) else {
            changes.push(Change::HostObjectRemoved { object: host_ref(left, host), verdict: before });
            continue;
        };
        matched[index] = true;
        let other = &right.host_objects[index];
        let after = verdict(right, other);
        if before == after {
            continue;
        }
        let mut object = host_ref(right, other);
        let left_name = host_name(host);
        object.left_name = (left_name != object.name).then_some(left_name);
        changes.push(if before.word() == after.word() {
            Change::Reason { object, left: before, right: after }
        } else {
            Change::Verdict { object, left: before, right: after }
        });
    }
    for (index, host) in right.host_objects.iter().enumerate() {
        if !matched[index] {
            changes.push(Change::HostObjectAdded { object: host_ref(right, host), verdict: verdict(right, host) });
        }
    }
    changes
}

/// Events by virtual object and reason; a denied object's SyncError events are left out,
/// since its host verdict carries them.
fn events(report: &Report) -> BTreeMap<(String, String), Vec<String>> {
    let denied: Vec<usize> = report
        .host_objects
        .iter()
        .filter(|h| h.admission.as_ref().is_some_and(|a| !a.allowed))
        .filter_map(|h| h.from)
        .collect();
    let mut events: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for object in &report.objects {
        for event in &object.events {
            if event.reason == "SyncError" && denied.contains(&object.id) {
                continue;
            }
            events.entry((object.display_name(), event.reason.clone())).or_default().push(event.message.clone());
        }
    }
    events
}

fn event_changes(left: &Report, right: &Report) -> Vec<Change> {
    let (mut before, mut after) = (events(left), events(right));
    let keys: std::collections::BTreeSet<(String, String)> = before.keys().chain(after.keys()).cloned().collect();
    let mut changes = Vec::new();
    for key in keys {
        let left = before.remove(&key).unwrap_or_default();
        let right = after.remove(&key).unwrap_or_default();
        if left != right {
            changes.push(Change::Event { object: key.0, reason: key.1, left, right });
        }
    }
    changes
}

/// The findings worth comparing: those that only restate an event of their object (a
/// denial's SyncError) or its host objects' admission (error, warnings, dry-run violations)
/// are left out, since the verdict, reason or event changes say it already.
fn finding_refs(report: &Report) -> Vec<FindingRef> {
    let admission_texts = |host: &HostObject| {
        let admission = host.admission.iter();
        let error = admission.clone().flat_map(|a| &a.error);
        let warnings = admission.clone().flat_map(|a| &a.warnings);
        let steps = admission.flat_map(|a| &a.steps).flat_map(|s| &s.messages);
        error.chain(warnings).chain(steps).cloned().collect::<Vec<String>>()
    };
    let restates = |finding: &Finding| {
        let object = finding.object.and_then(|id| report.objects.get(id));
        let hosts = object.map_or(&[][..], |o| &o.host_objects[..]).iter().copied().chain(finding.host_object);
        let mut texts = hosts.filter_map(|id| report.host_objects.get(id)).flat_map(admission_texts);
        object.is_some_and(|o| o.events.iter().any(|e| e.message == finding.message))
            || texts.any(|text| text == finding.message)
    };
    report
        .findings
        .iter()
        .filter(|f| !restates(f))
        .map(|f| FindingRef {
            rule: f.rule.to_string(),
            severity: f.severity,
            stage: f.stage,
            object: virtual_name(report, f.object).or_else(|| {
                let host = f.host_object.and_then(|id| report.host_objects.get(id));
                host.map(|h| format!("{} {}", h.kind, host_name(h)))
            }),
            message: f.message.clone(),
        })
        .collect()
}

fn finding_changes(left: &Report, right: &Report) -> Vec<Change> {
    let before = finding_refs(left);
    let mut after: Vec<Option<FindingRef>> = finding_refs(right).into_iter().map(Some).collect();
    let same = |a: &FindingRef, b: &FindingRef| a.rule == b.rule && a.object == b.object && a.message == b.message;
    let mut changes = Vec::new();
    for finding in before {
        match after.iter_mut().find(|f| f.as_ref().is_some_and(|f| same(f, &finding))) {
            Some(slot) => *slot = None,
            None => changes.push(Change::FindingRemoved { finding }),
        }
    }
    changes.extend(after.into_iter().flatten().map(|finding| Change::FindingAdded { finding }));
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Options;
    use crate::source::Source;

    const POD: &str =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: plain}\nspec:\n  containers: [{name: app, image: nginx:1.25}]\n";

    fn input(host: &str) -> Input {
        Input {
            sources: vec![Source::new("pod.yaml", POD)],
            options: Options { host: Some(host.into()), ..Options::default() },
        }
    }

    #[test]
    fn identical_settings_give_no_changes() {
        let comparison = compare(&input("pss-restricted"), &input("pss-restricted"));
        assert_eq!(comparison.changes, Vec::new());
        assert_eq!(comparison.left.label, comparison.right.label);
    }

    #[test]
    fn a_stricter_host_flips_the_verdict_first() {
        let comparison = compare(&input("pss-baseline"), &input("pss-restricted"));
        let Some(Change::Verdict { object, left, right }) = comparison.changes.first() else {
            panic!("no verdict change first: {:#?}", comparison.changes);
        };
        assert_eq!((object.kind.as_str(), left.word(), right.word()), ("Pod", "admitted", "denied"));
        assert_eq!(object.from.as_deref(), Some("Pod/default plain"));
        // The comparison reads back from JSON as it was written.
        let json = serde_json::to_string(&comparison).expect("serialises");
        let back: Comparison = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back.changes, comparison.changes);
    }

    #[test]
    fn host_objects_match_by_their_virtual_object_not_their_name() {
        let left = check(&input("pss-restricted"));
        let mut right = left.clone();
        right.host_objects[0].name = "renamed".into();
        let event = crate::report::Event {
            event_type: crate::report::EventType::Normal,
            reason: "Scheduled".into(),
            message: "placed".into(),
            from: "scheduler".into(),
            action: None,
        };
        let pod = right.host_objects[0].from.expect("a synced pod");
        right.objects[pod].events.push(event);
        let changes = compare_reports(&left, &right);
        assert_eq!(changes.len(), 1, "{changes:#?}");
        let Change::Event { object, reason, left, right } = &changes[0] else { panic!("{changes:#?}") };
        assert_eq!((object.as_str(), reason.as_str()), ("Pod/default plain", "Scheduled"));
        assert_eq!((left.len(), right.as_slice()), (0, &["placed".to_string()][..]));
    }
}
