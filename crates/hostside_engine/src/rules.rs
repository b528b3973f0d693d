//! Every finding's rule id, with what it models and where that behaviour comes from.
//! Front ends use this table for `hostside explain` and rule metadata (SARIF).

#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub id: &'static str,
    pub summary: &'static str,
    /// The system and versions whose behaviour the rule reproduces.
    pub models: &'static str,
}

macro_rules! rules {
    ($($name:ident = $id:literal, $summary:literal, $models:literal;)*) => {
        $(pub const $name: &str = $id;)*
        pub static RULES: &[Rule] = &[$(Rule { id: $id, summary: $summary, models: $models }),*];
    };
}

rules! {
    YAML_SYNTAX = "input/yaml-syntax", "A document is not valid YAML or JSON, or breaks a size, depth or aliasing bound.",
        "kubectl's stream reader (apimachinery util/yaml) and go-yaml v2.4 as used by sigs.k8s.io/yaml; the API server's 3 MiB request limit";
    NOT_AN_OBJECT = "input/not-an-object", "A document is a list or a scalar where a Kubernetes object (a mapping) belongs.",
        "kubectl decoding into an unstructured object";
    MISSING_KIND = "input/missing-kind", "A document has no `apiVersion` or `kind`.",
        "apimachinery's `Object 'Kind' is missing` decode error";
    MISSING_NAME = "input/missing-name", "An object has neither `metadata.name` nor `metadata.generateName`.",
        "API server validation (`metadata.name: Required value`)";
    UNKNOWN_FIELD = "input/unknown-field", "A field the API version does not define; the API server drops it (kubectl --validate=strict refuses the object).",
        "server-side strict field validation, Kubernetes 1.25+ (types of Kubernetes 1.37)";
    DUPLICATE_FIELD = "input/duplicate-field", "A field given twice in one object; the last value wins.",
        "server-side strict field validation, Kubernetes 1.25+";
    INVALID_TYPE = "input/invalid-type", "A value has the wrong JSON type for its field; the API server refuses the object.",
        "Go encoding/json errors as returned by the API server (Kubernetes 1.37 types)";
    UNKNOWN_KIND = "input/unknown-kind", "No API serves this apiVersion/kind (a removed version, or a custom resource without its CRD).",
        "kubectl's REST mapping (`no matches for kind`), Kubernetes 1.37 API";
    CONFIG_INVALID = "config/invalid", "The vcluster configuration cannot be read or has a value of the wrong type.",
        "vcluster v0.19 Helm values and v0.20+/latest vcluster.yaml";
    CONFIG_UNKNOWN_KEY = "config/unknown-key", "A configuration key vcluster does not know; it is ignored.",
        "the keys of vcluster's charts (v0.19.10 Helm values, v0.20.0 and v0.36.1/main vcluster.yaml)";
    CONFIG_NOTE = "config/note", "How Hostside read the configuration (conversions, options it does not model).",
        "vcluster configuration handling per version";
    NAMESPACE_NOT_FOUND = "virtual/namespace-not-found", "The object's namespace is not in the input; `kubectl apply` fails unless it already exists in the virtual cluster.",
        "NamespaceLifecycle admission (all Kubernetes versions)";
    SERVICE_ACCOUNT_NOT_FOUND = "virtual/serviceaccount-not-found", "A pod names a ServiceAccount that is not in the input; unless it already exists, no pod is created.",
        "ServiceAccount admission (all Kubernetes versions)";
    DUPLICATE_OBJECT = "virtual/duplicate-object", "The same object appears twice in the input; the later one is what the cluster keeps.",
        "kubectl apply of a stream (later documents update earlier ones)";
    INVALID_OBJECT = "virtual/invalid", "The virtual API server's validation refuses the object.",
        "Kubernetes API validation (1.37)";
    LIMIT_RANGE = "virtual/limit-range", "A LimitRange of the virtual namespace refuses the pod's resources.",
        "LimitRanger admission (Kubernetes 1.37)";
    RESOURCE_QUOTA = "virtual/resource-quota", "A ResourceQuota of the virtual namespace refuses the object.",
        "ResourceQuota admission (Kubernetes 1.37)";
    POD_SECURITY_VIRTUAL = "virtual/pod-security", "Pod Security admission inside the virtual cluster refuses the pod (namespace labels).",
        "Pod Security Admission (see admit::pod_security for versions)";
    SYNC_POD_SECURITY = "sync/pod-security-standard", "vcluster's own Pod Security Standard check refuses to sync the pod.",
        "vcluster policies.podSecurityStandard (v0.20+), isolation.podSecurityStandard (v0.19)";
    SYNC_UNSUPPORTED = "sync/unsupported", "The configuration asks vcluster for something its open-source syncer refuses or cannot do.",
        "vcluster v0.19–latest syncer";
    HOST_RBAC = "host/rbac", "vcluster's host ServiceAccount may not create this kind in the host namespace.",
        "Kubernetes RBAC authorization (forbidden wording of the API server)";
    HOST_PSP = "host/pod-security-policy", "A PodSecurityPolicy of the host refuses or mutates the pod.",
        "PodSecurityPolicy admission, Kubernetes 1.19-1.24 (removed in 1.25)";
    HOST_POD_SECURITY = "host/pod-security", "Pod Security admission of the host namespace refuses, warns about or audits the pod.",
        "Pod Security Admission, Kubernetes 1.23+ (policy versions v1.0-v1.37)";
    HOST_GATEKEEPER = "host/gatekeeper", "A Gatekeeper constraint of the host denies, warns about or records the object.",
        "Gatekeeper 3.3-3.x validating webhook; Compliant Kubernetes policies";
    HOST_RESOURCE_QUOTA = "host/resource-quota", "A ResourceQuota of the host namespace refuses the object.",
        "ResourceQuota admission (Kubernetes 1.37)";
    HOST_LIMIT_RANGE = "host/limit-range", "A LimitRange of the host namespace refuses the pod's resources.",
        "LimitRanger admission (Kubernetes 1.37)";
    HOST_INVALID = "host/invalid", "The host API server's validation refuses the object.",
        "Kubernetes API validation (1.37)";
    HOST_PROFILE = "host/profile", "The host profile cannot be read, or an override does not apply.",
        "Hostside host profiles (docs/host-profile.md)";
    PREDICT_RUN_AS_NON_ROOT = "predict/run-as-non-root", "The kubelet refuses to start a container with runAsNonRoot whose image runs as root or as a named user.",
        "kubelet verifyRunAsNonRoot (Kubernetes 1.19-1.37); image USER from image-facts.md §0.1";
    PREDICT_REGISTRY_MOVE = "predict/registry-move", "A versioned docker.io/bitnami image: Bitnami moved those tags to docker.io/bitnamilegacy, so the pull fails.",
        "Bitnami catalog change of 2025-08-28 (image-facts.md §0.9); Docker Hub, any runtime";
    PREDICT_GROUP_ZERO = "predict/group-zero", "The image's writable paths belong to group 0 and the pod runs with another primary group.",
        "file permissions of Bitnami-style images (image-facts.md §0.5, §G); any runtime";
    PREDICT_LOW_PORT = "predict/low-port", "A non-root container binds a port below 1024 on a runtime that keeps the kernel's port floor.",
        "containerd 1.6/1.7, containerd 2.x, CRI-O defaults; pod sysctl net.ipv4.ip_unprivileged_port_start (Kubernetes 1.22+) (image-facts.md §0.2)";
    PREDICT_READ_ONLY_ROOT = "predict/read-only-root", "readOnlyRootFilesystem without volumes where the image writes at start.",
        "image-facts.md §0.10; any runtime";
    PREDICT_FILE_CAPABILITIES = "predict/file-capabilities", "The image's entrypoint has file capabilities the container's bounding set lacks: it cannot be executed.",
        "Linux file capabilities under drop ALL (image-facts.md §0.3); Kubernetes 1.19-1.37";
    PREDICT_ROOT_CHOWN = "predict/root-chown", "A root entrypoint that chowns its data directories runs without the CHOWN capability.",
        "gosu/su-exec entrypoints of the docker-library images (image-facts.md §0.4)";
    PREDICT_VOLUME_OWNERSHIP = "predict/volume-ownership", "A non-root image writes its data directory on a root-owned PersistentVolumeClaim and the pod sets no fsGroup.",
        "kubelet volume ownership (fsGroup), Kubernetes 1.19-1.37 (image-facts.md §0.6)";
    PREDICT_REFUSES_ROOT = "predict/refuses-root", "The application exits when it runs as root (a pod forcing runAsUser 0).",
        "Elasticsearch bootstrap (image-facts.md §14)";
    PREDICT_ROOT_OWNED_PATHS = "predict/root-owned-paths", "A non-root process cannot create the root-owned paths its image writes at start (nginx's temp paths).",
        "nginx ngx_init_cycle (temp paths before listening sockets); image-facts.md §1; any runtime";
    SYNC_WARNING = "sync/warning", "vcluster syncs the object but records a SyncWarning event.",
        "vcluster pod syncer (translator.go, syncer.go)";
}

pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}
