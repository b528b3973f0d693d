//! Upstream Kubernetes **Pod Security Admission** (PSA) check evaluation.
//!
//! Implemented from the behavioural specification `shared/reference/pod-security.md` (written from
//! `kubernetes/pod-security-admission` at the 1.37 development snapshot); section numbers in the
//! docs below refer to it. The module is pure: no I/O, no panics on any input.
//!
//! * [`evaluate`] runs the checks of a [`Policy`] (level + version) against a pod's metadata and
//!   spec and returns the failures in upstream's reporting order (§1.5).
//! * [`violation_message`] / [`warning_message`] / [`forbidden_message`] render them (§3.1).
//! * [`policy_from_labels`] / [`namespace_policy`] read the namespace labels (§4.1, §4.2).
//!
//! Scope: the check logic is that of the current (master/1.37) PSA build. A [`Build`] only
//! controls the maximum policy version (which also decides which checks exist, §2.20); the
//! message-format and check-logic quirks of older builds (§2.6 pre-1.30 AppArmor, §2.7 ≤1.25
//! SELinux, §3.3 pre-1.24 ordering) and API-server mutations other than source-less volume
//! defaulting (§2.16) are not modelled.

use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

mod checks;
mod helpers;

use helpers::go_quote;

/// The capabilities baseline lets a container add (the container runtimes' defaults).
pub(crate) use checks::BASELINE_CAPABILITIES;

/// A Pod Security Standards level (§1.1). Ordered from least to most restrictive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Privileged,
    Baseline,
    Restricted,
}

impl Level {
    /// Parses a label value; only the exact lower-case names are valid.
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "privileged" => Some(Level::Privileged),
            "baseline" => Some(Level::Baseline),
            "restricted" => Some(Level::Restricted),
            _ => None,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Level::Privileged => "privileged",
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A policy version as written in a label: `latest` or `v1.<minor>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PolicyVersion {
    Latest,
    V1(u32),
}

impl PolicyVersion {
    /// Parses `latest` or a version matching exactly `^v1\.([0-9]|[1-9][0-9]*)$` (§1.2): no
    /// leading zeros, no surrounding text, no trailing newline.
    ///
    /// Upstream parses the minor into a 64-bit integer; minors that do not fit a `u32`
    /// (> 4294967295) are rejected here instead.
    pub fn parse(s: &str) -> Option<PolicyVersion> {
        if s == "latest" {
            return Some(PolicyVersion::Latest);
        }
        let minor = s.strip_prefix("v1.")?;
        let bytes = minor.as_bytes();
        let well_formed = !bytes.is_empty()
            && bytes.iter().all(u8::is_ascii_digit)
            && (bytes.len() == 1 || bytes.first() != Some(&b'0'));
        if !well_formed {
            return None;
        }
        minor.parse().ok().map(PolicyVersion::V1)
    }
}

impl fmt::Display for PolicyVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyVersion::Latest => f.write_str("latest"),
            PolicyVersion::V1(minor) => write!(f, "v1.{minor}"),
        }
    }
}

/// A level at a version, e.g. `restricted:latest`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub level: Level,
    pub version: PolicyVersion,
}

impl Policy {
    /// `privileged:latest`, the built-in default of every mode (§4.1).
    pub const PRIVILEGED_LATEST: Policy = Policy { level: Level::Privileged, version: PolicyVersion::Latest };

    /// The `"restricted:latest"` form used in messages: the version as written, never clamped.
    pub fn label(&self) -> String {
        format!("{}:{}", self.level, self.version)
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.level, self.version)
    }
}

/// Which PSA build evaluates: its maximum policy version `v1.<max_minor>` (§1.2). `latest` and
/// newer explicit versions are evaluated at that maximum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Build {
    pub max_minor: u32,
}

impl Build {
    /// The master / Kubernetes 1.37 build (maximum policy version v1.37).
    pub const LATEST: Build = Build { max_minor: 37 };

    /// The build shipped with Kubernetes `1.<minor>`: its maximum policy version is the newest
    /// check revision that build registers (e.g. 1.30 → v1.29, 1.33 → v1.32, 1.36 → v1.35).
    /// PSA first shipped in 1.22, so older minors give the 1.22 build; minors newer than 1.37
    /// give the 1.37 build (the newest known).
    pub fn for_kubernetes_minor(minor: u32) -> Build {
        let max_minor = checks::newest_revision_up_to(minor.max(22)).unwrap_or(0);
        Build { max_minor }
    }

    /// The same build running with `--emulated-version=1.<minor>` (1.35+ builds, §1.2): the
    /// maximum policy version is lowered to the emulated version, never raised.
    pub fn with_emulated_minor(self, minor: u32) -> Build {
        Build { max_minor: self.max_minor.min(minor) }
    }

    /// The policy version actually evaluated for `version` (§1.2 resolution rules).
    pub fn effective_minor(&self, version: &PolicyVersion) -> u32 {
        match version {
            PolicyVersion::Latest => self.max_minor,
            PolicyVersion::V1(minor) => (*minor).min(self.max_minor),
        }
    }
}

/// One failing check.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CheckResult {
    pub id: &'static str,
    pub reason: String,
    pub detail: String,
}

/// The check revisions in effect for `policy` on `build`, in reporting order: the baseline checks
/// (and at `restricted` the restricted checks) whose first revision is not newer than the
/// effective version, minus baseline checks overridden by an active restricted revision (§1.4).
fn effective_checks(
    policy: &Policy,
    build: Build,
) -> impl Iterator<Item = (&'static checks::Check, &'static checks::Revision)> {
    let minor = build.effective_minor(&policy.version);
    let level = policy.level;
    let in_level = move |c: &checks::Check| match level {
        Level::Privileged => false,
        Level::Baseline => c.level == Level::Baseline,
        Level::Restricted => true,
    };
    let overridden: Vec<&'static str> = if level == Level::Restricted {
        checks::CHECKS
            .iter()
            .filter(|c| c.level == Level::Restricted)
            .filter_map(|c| c.revision_at(minor))
            .flat_map(|r| r.overrides.iter().copied())
            .collect()
    } else {
        Vec::new()
    };
    checks::CHECKS.iter().copied().filter_map(move |c| {
        if !in_level(c) || overridden.contains(&c.id) {
            return None;
        }
        c.revision_at(minor).map(|r| (c, r))
    })
}

/// IDs of the checks that [`evaluate`] runs for `policy` on `build`, in reporting order (§1.5).
pub fn active_checks(policy: &Policy, build: Build) -> Vec<&'static str> {
    effective_checks(policy, build).map(|(c, _)| c.id).collect()
}

/// Failing checks in the exact order upstream reports them (§1.5), empty when allowed.
///
/// The pod is evaluated as given, except that a volume without any source counts as `emptyDir`
/// (the API server's defaulting before admission, §2.16).
pub fn evaluate(policy: &Policy, build: Build, metadata: &ObjectMeta, spec: &PodSpec) -> Vec<CheckResult> {
    effective_checks(policy, build)
        .filter_map(|(c, r)| {
            (r.check)(metadata, spec).map(|f| CheckResult { id: c.id, reason: f.reason, detail: f.detail })
        })
        .collect()
}

/// The aggregate detail (§3.1 steps 2–3): `reason (detail)` per failure (just `reason` when the
/// detail is empty, `unknown forbidden reason` when the reason is), joined by `, `.
pub fn aggregate_detail(failures: &[CheckResult]) -> String {
    let mut out = String::new();
    for (i, f) in failures.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if f.reason.is_empty() {
            out.push_str("unknown forbidden reason");
        } else {
            out.push_str(&f.reason);
        }
        if !f.detail.is_empty() {
            out.push_str(" (");
            out.push_str(&f.detail);
            out.push(')');
        }
    }
    out
}

/// `violates PodSecurity "restricted:latest": reason (detail), reason (detail)` — the enforce
/// rejection text (§3.1 step 4, without the `pods "<name>" is forbidden: ` prefix).
pub fn violation_message(policy: &Policy, failures: &[CheckResult]) -> String {
    format!("violates PodSecurity {}: {}", go_quote(&policy.label()), aggregate_detail(failures))
}

/// `would violate PodSecurity "<level>:<version>": …` — the warn-mode warning and audit-mode
/// annotation text (§3.1 steps 5–6).
pub fn warning_message(policy: &Policy, failures: &[CheckResult]) -> String {
    format!("would {}", violate_phrase(policy, failures))
}

fn violate_phrase(policy: &Policy, failures: &[CheckResult]) -> String {
    format!("violate PodSecurity {}: {}", go_quote(&policy.label()), aggregate_detail(failures))
}

/// The full API error for a rejected pod create:
/// `pods "<name>" is forbidden: violates PodSecurity "<level>:<version>": …` (§3.1 step 4).
pub fn forbidden_message(pod_name: &str, policy: &Policy, failures: &[CheckResult]) -> String {
    format!("pods {} is forbidden: {}", go_quote(pod_name), violation_message(policy, failures))
}

// ---------------------------------------------------------------------------------------------
// Namespace labels (§4.1, §4.2)
// ---------------------------------------------------------------------------------------------

/// `pod-security.kubernetes.io/enforce`
pub const ENFORCE_LEVEL_LABEL: &str = "pod-security.kubernetes.io/enforce";
/// `pod-security.kubernetes.io/enforce-version`
pub const ENFORCE_VERSION_LABEL: &str = "pod-security.kubernetes.io/enforce-version";
/// `pod-security.kubernetes.io/audit`
pub const AUDIT_LEVEL_LABEL: &str = "pod-security.kubernetes.io/audit";
/// `pod-security.kubernetes.io/audit-version`
pub const AUDIT_VERSION_LABEL: &str = "pod-security.kubernetes.io/audit-version";
/// `pod-security.kubernetes.io/warn`
pub const WARN_LEVEL_LABEL: &str = "pod-security.kubernetes.io/warn";
/// `pod-security.kubernetes.io/warn-version`
pub const WARN_VERSION_LABEL: &str = "pod-security.kubernetes.io/warn-version";

/// A PSA mode (§4.1, §4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    Enforce,
    Audit,
    Warn,
}

impl Mode {
    pub fn level_label(self) -> &'static str {
        match self {
            Mode::Enforce => ENFORCE_LEVEL_LABEL,
            Mode::Audit => AUDIT_LEVEL_LABEL,
            Mode::Warn => WARN_LEVEL_LABEL,
        }
    }

    pub fn version_label(self) -> &'static str {
        match self {
            Mode::Enforce => ENFORCE_VERSION_LABEL,
            Mode::Audit => AUDIT_VERSION_LABEL,
            Mode::Warn => WARN_VERSION_LABEL,
        }
    }
}

/// The policy of each mode for one namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamespacePolicy {
    pub enforce: Policy,
    pub audit: Policy,
    pub warn: Policy,
}

impl Default for NamespacePolicy {
    /// Every mode `privileged:latest` (the defaults without an admission configuration).
    fn default() -> Self {
        NamespacePolicy {
            enforce: Policy::PRIVILEGED_LATEST,
            audit: Policy::PRIVILEGED_LATEST,
            warn: Policy::PRIVILEGED_LATEST,
        }
    }
}

impl NamespacePolicy {
    pub fn get(&self, mode: Mode) -> &Policy {
        match mode {
            Mode::Enforce => &self.enforce,
            Mode::Audit => &self.audit,
            Mode::Warn => &self.warn,
        }
    }

    fn get_mut(&mut self, mode: Mode) -> &mut Policy {
        match mode {
            Mode::Enforce => &mut self.enforce,
            Mode::Audit => &mut self.audit,
            Mode::Warn => &mut self.warn,
        }
    }
}

/// An invalid PSA label value (§4.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelError {
    pub label: &'static str,
    pub value: String,
    /// `must be one of privileged, baseline, restricted` or `must be "latest" or "v1.x"`.
    pub message: &'static str,
}

impl fmt::Display for LabelError {
    /// `metadata.labels[<label>]: Invalid value: "<value>": <message>`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "metadata.labels[{}]: Invalid value: {}: {}", self.label, go_quote(&self.value), self.message)
    }
}

const INVALID_LEVEL: &str = "must be one of privileged, baseline, restricted";
const INVALID_VERSION: &str = r#"must be "latest" or "v1.x""#;

/// Renders errors like Kubernetes' error aggregate: one error as is, several as `[e1, e2]`.
/// Empty when there are no errors.
pub fn label_errors_text(errors: &[LabelError]) -> String {
    let mut seen: Vec<String> = Vec::new();
    for e in errors {
        let s = e.to_string();
        if !seen.contains(&s) {
            seen.push(s);
        }
    }
    match seen.len() {
        0 => String::new(),
        1 => seen.concat(),
        _ => format!("[{}]", seen.join(", ")),
    }
}

/// The `pod-security.kubernetes.io/error` audit annotation value for pods evaluated under
/// invalid labels: `Failed to parse policy: <errors>` (§4.2); `None` when all labels are valid.
pub fn label_errors_annotation(errors: &[LabelError]) -> Option<String> {
    (!errors.is_empty()).then(|| format!("Failed to parse policy: {}", label_errors_text(errors)))
}

/// The policy of every mode for a namespace with `labels`, starting from `defaults` (the
/// admission configuration's defaults; [`NamespacePolicy::default`] without one), and the label
/// errors (§4.2):
///
/// * an invalid enforce level evaluates as `restricted` (fail closed), an invalid audit or warn
///   level as `privileged` (fail open), any invalid version as `latest`;
/// * warn defaulting (1.26+ builds): when the enforce level label is present and valid, the warn
///   level label is absent and enforce is stricter than the current warn level, warn takes the
///   enforce level, and the enforce version unless a warn-version label is present.
pub fn namespace_policy(
    labels: &BTreeMap<String, String>,
    defaults: &NamespacePolicy,
) -> (NamespacePolicy, Vec<LabelError>) {
    let mut policy = defaults.clone();
    let mut errors = Vec::new();
    let mut valid_enforce_level = false;

    for mode in [Mode::Enforce, Mode::Audit, Mode::Warn] {
        if let Some(value) = labels.get(mode.level_label()) {
            let level = match Level::parse(value) {
                Some(level) => {
                    valid_enforce_level |= mode == Mode::Enforce;
                    level
                }
                None => {
                    errors.push(LabelError { label: mode.level_label(), value: value.clone(), message: INVALID_LEVEL });
                    match mode {
                        Mode::Enforce => Level::Restricted,
                        Mode::Audit | Mode::Warn => Level::Privileged,
                    }
                }
            };
            policy.get_mut(mode).level = level;
        }
        if let Some(value) = labels.get(mode.version_label()) {
            let version = PolicyVersion::parse(value).unwrap_or_else(|| {
                errors.push(LabelError { label: mode.version_label(), value: value.clone(), message: INVALID_VERSION });
                PolicyVersion::Latest
            });
            policy.get_mut(mode).version = version;
        }
    }

    if valid_enforce_level && !labels.contains_key(WARN_LEVEL_LABEL) && policy.enforce.level > policy.warn.level {
        policy.warn.level = policy.enforce.level;
        if !labels.contains_key(WARN_VERSION_LABEL) {
            policy.warn.version = policy.enforce.version.clone();
        }
    }

    (policy, errors)
}

/// The policy of `mode` for a namespace with `labels`, with the built-in defaults
/// (`privileged`, `latest`) for missing labels and the §4.2 warn defaulting.
///
/// Returns `Err` with the field error(s) (rendered as in [`label_errors_text`]) when this mode's
/// level or version label is invalid. Upstream still evaluates such a namespace, with a fallback
/// level (enforce → `restricted`, audit/warn → `privileged`) and version `latest`; use
/// [`namespace_policy`] to get that fallback together with the errors.
pub fn policy_from_labels(labels: &BTreeMap<String, String>, mode: Mode) -> Result<Policy, String> {
    let (policy, errors) = namespace_policy(labels, &NamespacePolicy::default());
    let own: Vec<LabelError> =
        errors.into_iter().filter(|e| e.label == mode.level_label() || e.label == mode.version_label()).collect();
    if own.is_empty() { Ok(policy.get(mode).clone()) } else { Err(label_errors_text(&own)) }
}

#[cfg(test)]
mod tests;
