//! Words for a pod the host's PodSecurityPolicies refused. No edits: what a policy refuses
//! (hostPath, privileged, host namespaces) is what the workload asked the node for.

/// The fix's description for a PodSecurityPolicy refusal (`error` is the API error).
pub(crate) fn description(error: &str) -> String {
    if error.contains("hostPath volumes are not allowed") {
        return "hostPath volumes are not allowed by the host: its PodSecurityPolicies admit no pod that mounts node directories (vcluster's rewritten log paths are hostPath volumes too). Use emptyDir or a PersistentVolumeClaim for the pod's data, or ask the host admin for a policy that allows these paths.".into();
    }
    "No PodSecurityPolicy the host lets vcluster use admits this pod: change the fields the error names to what the host's policies allow, or ask the host admin.".into()
}
