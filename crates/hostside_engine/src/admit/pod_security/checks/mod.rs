//! Registry of the Pod Security checks (spec `pod-security.md` §1.2–§1.5, §2.20).
//!
//! Every check lives in its own file. A check has one or more revisions, each with a minimum
//! policy version; the newest revision whose minimum is ≤ the evaluated version applies.

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::Level;

mod allow_privilege_escalation;
mod app_armor_profile;
mod capabilities_baseline;
mod capabilities_restricted;
mod host_namespaces;
mod host_path_volumes;
mod host_ports;
mod host_probes_and_host_lifecycle;
mod privileged;
mod proc_mount;
mod proc_mount_restricted;
mod restricted_volumes;
mod run_as_non_root;
mod run_as_user;
mod se_linux_options;
mod seccomp_profile_baseline;
mod seccomp_profile_restricted;
mod sysctls;
mod windows_host_process;

pub(crate) use capabilities_baseline::ALLOWED as BASELINE_CAPABILITIES;

/// A failing check's reason and detail, before the registry attaches the check ID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Forbidden {
    pub reason: String,
    pub detail: String,
}

impl Forbidden {
    pub(crate) fn new(reason: impl Into<String>, detail: impl Into<String>) -> Self {
        Forbidden { reason: reason.into(), detail: detail.into() }
    }
}

/// One revision's logic: `None` when the pod is allowed.
pub(crate) type CheckFn = fn(&ObjectMeta, &PodSpec) -> Option<Forbidden>;

/// A check revision, active from policy version `v1.<min_minor>`.
pub(crate) struct Revision {
    pub min_minor: u32,
    pub check: CheckFn,
    /// Baseline check IDs this (restricted) revision replaces at the restricted level (§1.4).
    pub overrides: &'static [&'static str],
}

/// A registered check.
pub(crate) struct Check {
    pub id: &'static str,
    /// `Baseline` or `Restricted`; never `Privileged`.
    pub level: Level,
    /// Revisions with strictly increasing `min_minor`.
    pub revisions: &'static [Revision],
}

impl Check {
    /// The newest revision whose minimum version is ≤ `minor`, if any.
    pub(crate) fn revision_at(&self, minor: u32) -> Option<&'static Revision> {
        self.revisions.iter().rev().find(|r| r.min_minor <= minor)
    }
}

/// All checks in upstream's reporting order (§1.5): baseline IDs sorted byte-wise, then
/// restricted IDs sorted byte-wise. A unit test keeps this list in that order.
pub(crate) static CHECKS: [&Check; 19] = [
    &app_armor_profile::CHECK,
    &capabilities_baseline::CHECK,
    &host_namespaces::CHECK,
    &host_path_volumes::CHECK,
    &host_ports::CHECK,
    &host_probes_and_host_lifecycle::CHECK,
    &privileged::CHECK,
    &proc_mount::CHECK,
    &se_linux_options::CHECK,
    &seccomp_profile_baseline::CHECK,
    &sysctls::CHECK,
    &windows_host_process::CHECK,
    &allow_privilege_escalation::CHECK,
    &capabilities_restricted::CHECK,
    &proc_mount_restricted::CHECK,
    &restricted_volumes::CHECK,
    &run_as_non_root::CHECK,
    &run_as_user::CHECK,
    &seccomp_profile_restricted::CHECK,
];

/// The newest revision minimum version that is ≤ `limit` (with `u32::MAX`: the maximum policy
/// version of the master/1.37 build, §1.2).
pub(crate) fn newest_revision_up_to(limit: u32) -> Option<u32> {
    CHECKS.iter().flat_map(|c| c.revisions.iter()).map(|r| r.min_minor).filter(|&m| m <= limit).max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_in_reporting_order() {
        let mut sorted: Vec<(u8, &str)> =
            CHECKS.iter().map(|c| (u8::from(c.level == Level::Restricted), c.id)).collect();
        let actual = sorted.clone();
        sorted.sort();
        assert_eq!(actual, sorted);
        assert!(CHECKS.iter().all(|c| c.level != Level::Privileged));
    }

    #[test]
    fn revisions_strictly_increase_and_overrides_are_restricted_to_baseline() {
        for c in CHECKS {
            assert!(!c.revisions.is_empty(), "{}", c.id);
            assert!(c.revisions.windows(2).all(|w| w[0].min_minor < w[1].min_minor), "{}", c.id);
            for r in c.revisions {
                for o in r.overrides {
                    assert_eq!(c.level, Level::Restricted, "{}", c.id);
                    let target = CHECKS.iter().find(|t| t.id == *o);
                    assert_eq!(target.map(|t| t.level), Some(Level::Baseline), "{o}");
                }
            }
        }
    }

    #[test]
    fn revision_table_matches_spec_2_20() {
        let table: Vec<(&str, Vec<u32>)> =
            CHECKS.iter().map(|c| (c.id, c.revisions.iter().map(|r| r.min_minor).collect())).collect();
        let expected: Vec<(&str, Vec<u32>)> = vec![
            ("appArmorProfile", vec![0]),
            ("capabilities_baseline", vec![0]),
            ("hostNamespaces", vec![0]),
            ("hostPathVolumes", vec![0]),
            ("hostPorts", vec![0]),
            ("hostProbesAndHostLifecycle", vec![34]),
            ("privileged", vec![0]),
            ("procMount", vec![0, 35]),
            ("seLinuxOptions", vec![0, 31]),
            ("seccompProfile_baseline", vec![0, 19]),
            ("sysctls", vec![0, 27, 29, 32, 37]),
            ("windowsHostProcess", vec![0]),
            ("allowPrivilegeEscalation", vec![8, 25]),
            ("capabilities_restricted", vec![22, 25]),
            ("procMount_restricted", vec![35]),
            ("restrictedVolumes", vec![0]),
            ("runAsNonRoot", vec![0, 35]),
            ("runAsUser", vec![23, 35]),
            ("seccompProfile_restricted", vec![19, 25]),
        ];
        assert_eq!(table, expected);
        assert_eq!(newest_revision_up_to(u32::MAX), Some(37));
    }
}
