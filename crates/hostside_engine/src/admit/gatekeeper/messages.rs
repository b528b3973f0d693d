//! What the validating webhook's results look like to the user, per Gatekeeper version
//! (`pkg/webhook/policy.go` at v3.3.0, v3.4.0, v3.7.0, v3.11.0, v3.18.2).
//!
//! * `deny` results become lines `[denied by <constraint>] <msg>` (3.3.x) or
//!   `[<constraint>] <msg>` (3.4+), joined with `\n` into one denial (HTTP 403); the API server
//!   reports it as `admission webhook "validation.gatekeeper.sh" denied the request: <lines>`.
//! * `warn` results (3.4+) become admission warnings `[<constraint>] <msg>`, returned whether
//!   or not the request is denied; kubectl prints each as `Warning: <warning>`.
//! * `dryrun` results are invisible to the user: only the audit records them (3.3 also emits a
//!   `DryrunViolation` event when admission events are enabled).
//! * Any other action (`unrecognized`) neither denies nor warns.
//!
//! **`warn` on Gatekeeper 3.3.** 3.3.0 supports only `deny` and `dryrun`
//! (`supportedEnforcementActions = [deny dryrun]` in `pkg/util/enforcement_action.go`). Its own
//! webhook refuses to create a constraint with `enforcementAction: warn`
//! ([`constraint_rejection`]: `Could not find the provided enforcementAction value within the
//! supported list [deny dryrun]`). If such a constraint exists anyway (validation disabled, or
//! the webhook was down under `failurePolicy: Ignore`), the Rego hook still passes `warn`
//! through on each result, and `getDenyMessages` acts only on `deny` (lines) and `deny` /
//! `dryrun` (logs, events): a `warn` result is silently admitted and its status says
//! `unrecognized`. Hostside therefore reports 3.3 `warn` results in
//! [`WebhookOutcome::ignored`], with no warning text.
//!
//! **Order.** From 3.8 the results are sorted by action string, then message (byte order)
//! before formatting (frameworks `Responses.Results()`); before, they keep the review order
//! (see the module docs of [`super`]).

use super::{EnforcementAction, GatekeeperVersion, ViolationResult};

/// The validating webhook's name, as the API server quotes it.
pub const WEBHOOK_NAME: &str = "validation.gatekeeper.sh";

/// What the user (and the audit) get from one review.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WebhookOutcome {
    /// The API server's error when any `deny` result exists:
    /// `admission webhook "validation.gatekeeper.sh" denied the request: <lines>`.
    pub denied: Option<String>,
    /// The deny lines, in order, without the API server's prefix (the webhook's message is
    /// these joined with `\n`).
    pub deny_messages: Vec<String>,
    /// Raw admission warnings (`[<constraint>] <msg>`); kubectl adds `Warning: `.
    pub warnings: Vec<String>,
    /// `dryrun` results: recorded by the audit, nothing shown.
    pub dryrun: Vec<ViolationResult>,
    /// Results no one acts on: unrecognized actions, and `warn` before Gatekeeper 3.4.
    pub ignored: Vec<ViolationResult>,
}

/// The results in the order the webhook formats them for `version`.
pub fn ordered(results: &[ViolationResult], version: GatekeeperVersion) -> Vec<&ViolationResult> {
    let mut ordered: Vec<&ViolationResult> = results.iter().collect();
    if version.sorts_results() {
        // A stable sort: ties keep the kind/name order of the review, as Go's insertion sort
        // does for the handful of results a request produces.
        ordered.sort_by(|a, b| (a.action.as_str(), a.message.as_str()).cmp(&(b.action.as_str(), b.message.as_str())));
    }
    ordered
}

/// One deny line.
pub fn deny_line(constraint: &str, message: &str, version: GatekeeperVersion) -> String {
    if version.denied_by_prefix() {
        format!("[denied by {constraint}] {message}")
    } else {
        format!("[{constraint}] {message}")
    }
}

/// One warning (Gatekeeper ≥ 3.4).
pub fn warning_line(constraint: &str, message: &str) -> String {
    format!("[{constraint}] {message}")
}

/// The API server's error text for a webhook denial with `message`.
pub fn denial(message: &str) -> String {
    format!("admission webhook \"{WEBHOOK_NAME}\" denied the request: {message}")
}

/// How kubectl prints an admission warning.
pub fn kubectl_warning(warning: &str) -> String {
    format!("Warning: {warning}")
}

/// The webhook's verdict on a review's results.
pub fn webhook_outcome(results: &[ViolationResult], version: GatekeeperVersion) -> WebhookOutcome {
    let mut outcome = WebhookOutcome::default();
    for result in ordered(results, version) {
        match &result.action {
            EnforcementAction::Deny => {
                outcome.deny_messages.push(deny_line(&result.constraint, &result.message, version))
            }
            EnforcementAction::Warn if version.supports_warn() => {
                outcome.warnings.push(warning_line(&result.constraint, &result.message));
            }
            EnforcementAction::Dryrun => outcome.dryrun.push(result.clone()),
            EnforcementAction::Warn | EnforcementAction::Unrecognized(_) => outcome.ignored.push(result.clone()),
        }
    }
    if !outcome.deny_messages.is_empty() {
        outcome.denied = Some(denial(&outcome.deny_messages.join("\n")));
    }
    outcome
}

/// Gatekeeper's own webhook refusing a constraint whose `spec.enforcementAction` it does not
/// support (the API server's full error), or `None` when the action is accepted. An empty
/// string is accepted (treated as `deny` by the status).
pub fn constraint_rejection(action: &EnforcementAction, version: GatekeeperVersion) -> Option<String> {
    let supported = action_supported(action, version);
    if supported {
        return None;
    }
    let raw = action.as_str();
    let list = if !version.supports_warn() {
        "[deny dryrun]"
    } else if version < GatekeeperVersion::new(3, 17, 0) {
        "[deny dryrun warn]"
    } else {
        "[deny dryrun warn scoped]"
    };
    let text = if !version.supports_warn() {
        format!("Could not find the provided enforcementAction value within the supported list {list}")
    } else if version < GatekeeperVersion::new(3, 6, 0) {
        format!("could not find the provided enforcementAction value {raw} within the supported list {list}")
    } else {
        format!("unrecognized enforcementAction: {raw:?} is not within the supported list {list}")
    };
    Some(denial(&text))
}

fn action_supported(action: &EnforcementAction, version: GatekeeperVersion) -> bool {
    match action {
        EnforcementAction::Deny | EnforcementAction::Dryrun => true,
        EnforcementAction::Warn => version.supports_warn(),
        EnforcementAction::Unrecognized(text) => text.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(constraint: &str, action: EnforcementAction, message: &str) -> ViolationResult {
        ViolationResult { constraint: constraint.into(), kind: "K8sX".into(), action, message: message.into() }
    }

    #[test]
    fn documented_ck8s_error_on_gatekeeper_3_3() {
        let results = [result("require-networkpolicy", EnforcementAction::Deny, "No matching networkpolicy found")];
        let outcome = webhook_outcome(&results, GatekeeperVersion::V3_3_0);
        assert_eq!(
            outcome.denied.as_deref(),
            Some(
                "admission webhook \"validation.gatekeeper.sh\" denied the request: [denied by require-networkpolicy] No matching networkpolicy found"
            )
        );
        let outcome = webhook_outcome(&results, GatekeeperVersion::V3_7_0);
        assert_eq!(
            outcome.denied.as_deref(),
            Some(
                "admission webhook \"validation.gatekeeper.sh\" denied the request: [require-networkpolicy] No matching networkpolicy found"
            )
        );
    }

    #[test]
    fn several_denials_join_with_newlines() {
        let results = [
            result("require-resource-requests", EnforcementAction::Deny, "Container \"a\" has no resource requests"),
            result("require-networkpolicy", EnforcementAction::Deny, "No matching networkpolicy found"),
        ];
        // 3.3 / 3.7 keep the review order.
        assert_eq!(
            webhook_outcome(&results, GatekeeperVersion::V3_3_0).denied.unwrap(),
            "admission webhook \"validation.gatekeeper.sh\" denied the request: [denied by require-resource-requests] Container \"a\" has no resource requests\n[denied by require-networkpolicy] No matching networkpolicy found"
        );
        assert_eq!(
            webhook_outcome(&results, GatekeeperVersion::V3_7_0).deny_messages,
            [
                "[require-resource-requests] Container \"a\" has no resource requests",
                "[require-networkpolicy] No matching networkpolicy found"
            ]
        );
        // 3.11 sorts by message.
        assert_eq!(
            webhook_outcome(&results, GatekeeperVersion::V3_11_0).denied.unwrap(),
            "admission webhook \"validation.gatekeeper.sh\" denied the request: [require-resource-requests] Container \"a\" has no resource requests\n[require-networkpolicy] No matching networkpolicy found"
        );
        let results = [
            result("b", EnforcementAction::Deny, "zebra"),
            result("a", EnforcementAction::Deny, "Zebra"),
            result("c", EnforcementAction::Deny, "apple"),
        ];
        assert_eq!(
            webhook_outcome(&results, GatekeeperVersion::V3_11_0).deny_messages,
            ["[a] Zebra", "[c] apple", "[b] zebra"]
        );
        assert_eq!(
            webhook_outcome(&results, GatekeeperVersion::V3_7_0).deny_messages,
            ["[b] zebra", "[a] Zebra", "[c] apple"]
        );
    }

    #[test]
    fn warn_dryrun_and_unrecognized() {
        let results = [
            result("elastisys-require-networkpolicy", EnforcementAction::Warn, "No matching networkpolicy found"),
            result("tags", EnforcementAction::Dryrun, "container <a> didn't specify an image tag <nginx>"),
            result("odd", EnforcementAction::Unrecognized("Deny".into()), "x"),
        ];
        for version in [GatekeeperVersion::V3_7_0, GatekeeperVersion::V3_11_0] {
            let outcome = webhook_outcome(&results, version);
            assert_eq!(outcome.denied, None);
            assert_eq!(outcome.warnings, ["[elastisys-require-networkpolicy] No matching networkpolicy found"]);
            assert_eq!(
                kubectl_warning(&outcome.warnings[0]),
                "Warning: [elastisys-require-networkpolicy] No matching networkpolicy found"
            );
            assert_eq!(outcome.dryrun.len(), 1);
            assert_eq!(outcome.ignored.len(), 1);
        }
        // 3.3 does not know warn: no warning, nothing denied.
        let outcome = webhook_outcome(&results, GatekeeperVersion::V3_3_0);
        assert!(outcome.warnings.is_empty() && outcome.denied.is_none());
        assert_eq!(outcome.ignored.len(), 2);
        assert_eq!(outcome.dryrun.len(), 1);
    }

    #[test]
    fn warnings_accompany_a_denial() {
        let results = [
            result("elastisys-require-harbor-registry", EnforcementAction::Warn, "w"),
            result("elastisys-require-resource-requests", EnforcementAction::Deny, "d"),
        ];
        let outcome = webhook_outcome(&results, GatekeeperVersion::V3_11_0);
        assert_eq!(
            outcome.denied.as_deref(),
            Some(
                "admission webhook \"validation.gatekeeper.sh\" denied the request: [elastisys-require-resource-requests] d"
            )
        );
        assert_eq!(outcome.warnings, ["[elastisys-require-harbor-registry] w"]);
    }

    #[test]
    fn unsupported_actions_at_constraint_creation() {
        assert_eq!(
            constraint_rejection(&EnforcementAction::Warn, GatekeeperVersion::V3_3_0).as_deref(),
            Some(
                "admission webhook \"validation.gatekeeper.sh\" denied the request: Could not find the provided enforcementAction value within the supported list [deny dryrun]"
            )
        );
        assert_eq!(constraint_rejection(&EnforcementAction::Warn, GatekeeperVersion::V3_7_0), None);
        assert_eq!(
            constraint_rejection(&EnforcementAction::Unrecognized("Deny".into()), GatekeeperVersion::V3_11_0)
                .as_deref(),
            Some(
                "admission webhook \"validation.gatekeeper.sh\" denied the request: unrecognized enforcementAction: \"Deny\" is not within the supported list [deny dryrun warn]"
            )
        );
        assert_eq!(
            constraint_rejection(&EnforcementAction::Unrecognized("x".into()), GatekeeperVersion::new(3, 4, 0))
                .as_deref(),
            Some(
                "admission webhook \"validation.gatekeeper.sh\" denied the request: could not find the provided enforcementAction value x within the supported list [deny dryrun warn]"
            )
        );
        assert_eq!(
            constraint_rejection(&EnforcementAction::Unrecognized(String::new()), GatekeeperVersion::V3_3_0),
            None
        );
    }
}
