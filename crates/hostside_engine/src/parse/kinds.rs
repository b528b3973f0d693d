//! The built-in kinds a Kubernetes 1.37 API server serves (k8s-openapi `latest`), with what the
//! engine needs to know of each: plural resource name, scope, and a strict typed decoder.

use super::decode::{DecodeError, FieldWarning, decode};
use crate::yaml::Node;
use k8s_openapi::api::{
    admissionregistration, apps, autoscaling, batch, certificates, coordination, core, discovery, events, flowcontrol,
    networking, node, policy, rbac, resource, scheduling, storage,
};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService;
use k8s_openapi::{ClusterResourceScope, NamespaceResourceScope, Resource};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub type DecodeFn = fn(&Node) -> (Result<Value, DecodeError>, Vec<FieldWarning>);

#[derive(Clone, Copy, Debug)]
pub struct BuiltinKind {
    pub api_version: &'static str,
    pub group: &'static str,
    pub kind: &'static str,
    /// Plural resource name as used in API errors (`pods`, `deployments.apps`).
    pub plural: &'static str,
    pub namespaced: bool,
    pub decode: DecodeFn,
}

impl BuiltinKind {
    /// `pods`, `deployments.apps`: the resource as API errors name it.
    pub fn qualified_resource(&self) -> String {
        if self.group.is_empty() { self.plural.to_string() } else { format!("{}.{}", self.plural, self.group) }
    }
}

trait Scope {
    const NAMESPACED: bool;
}
impl Scope for NamespaceResourceScope {
    const NAMESPACED: bool = true;
}
impl Scope for ClusterResourceScope {
    const NAMESPACED: bool = false;
}

/// Decodes strictly and returns the object as the API server would store it: unknown
/// fields and nulls dropped, everything else as typed.
fn decode_as<T: DeserializeOwned + Serialize>(node: &Node) -> (Result<Value, DecodeError>, Vec<FieldWarning>) {
    let (typed, warnings) = decode::<T>(node);
    let value = typed.map(|t| serde_json::to_value(t).unwrap_or(Value::Null));
    (value, warnings)
}

macro_rules! builtin_kinds {
    ($($ty:ty),* $(,)?) => {
        &[$(BuiltinKind {
            api_version: <$ty as Resource>::API_VERSION,
            group: <$ty as Resource>::GROUP,
            kind: <$ty as Resource>::KIND,
            plural: <$ty as Resource>::URL_PATH_SEGMENT,
            namespaced: <<$ty as Resource>::Scope as Scope>::NAMESPACED,
            decode: decode_as::<$ty>,
        }),*]
    };
}

pub static BUILTIN_KINDS: &[BuiltinKind] = builtin_kinds![
    core::v1::Pod,
    core::v1::Service,
    core::v1::Endpoints,
    core::v1::ConfigMap,
    core::v1::Secret,
    core::v1::PersistentVolumeClaim,
    core::v1::PersistentVolume,
    core::v1::ServiceAccount,
    core::v1::Namespace,
    core::v1::Node,
    core::v1::LimitRange,
    core::v1::ResourceQuota,
    core::v1::ReplicationController,
    core::v1::PodTemplate,
    core::v1::Event,
    apps::v1::Deployment,
    apps::v1::ReplicaSet,
    apps::v1::StatefulSet,
    apps::v1::DaemonSet,
    apps::v1::ControllerRevision,
    batch::v1::Job,
    batch::v1::CronJob,
    autoscaling::v1::HorizontalPodAutoscaler,
    autoscaling::v2::HorizontalPodAutoscaler,
    networking::v1::Ingress,
    networking::v1::IngressClass,
    networking::v1::NetworkPolicy,
    networking::v1::IPAddress,
    networking::v1::ServiceCIDR,
    discovery::v1::EndpointSlice,
    policy::v1::PodDisruptionBudget,
    rbac::v1::Role,
    rbac::v1::RoleBinding,
    rbac::v1::ClusterRole,
    rbac::v1::ClusterRoleBinding,
    storage::v1::StorageClass,
    storage::v1::CSIDriver,
    storage::v1::CSINode,
    storage::v1::CSIStorageCapacity,
    storage::v1::VolumeAttachment,
    storage::v1::VolumeAttributesClass,
    scheduling::v1::PriorityClass,
    node::v1::RuntimeClass,
    coordination::v1::Lease,
    certificates::v1::CertificateSigningRequest,
    events::v1::Event,
    flowcontrol::v1::FlowSchema,
    flowcontrol::v1::PriorityLevelConfiguration,
    admissionregistration::v1::MutatingWebhookConfiguration,
    admissionregistration::v1::ValidatingWebhookConfiguration,
    admissionregistration::v1::ValidatingAdmissionPolicy,
    admissionregistration::v1::ValidatingAdmissionPolicyBinding,
    admissionregistration::v1::MutatingAdmissionPolicy,
    admissionregistration::v1::MutatingAdmissionPolicyBinding,
    resource::v1::ResourceClaim,
    resource::v1::ResourceClaimTemplate,
    resource::v1::DeviceClass,
    resource::v1::ResourceSlice,
    CustomResourceDefinition,
    APIService,
];

pub fn builtin(api_version: &str, kind: &str) -> Option<&'static BuiltinKind> {
    BUILTIN_KINDS.iter().find(|k| k.api_version == api_version && k.kind == kind)
}

/// Any version of a built-in group/kind, to explain a removed or unknown version.
pub fn builtin_group_kind(group: &str, kind: &str) -> Option<&'static BuiltinKind> {
    BUILTIN_KINDS.iter().find(|k| k.group == group && k.kind == kind)
}

/// Groups served by the API server itself: an unknown kind in them is never a custom resource.
pub fn is_builtin_group(group: &str) -> bool {
    group.is_empty()
        || matches!(group, "extensions")
        || BUILTIN_KINDS.iter().any(|k| k.group == group)
        || group.ends_with(".k8s.io") && !group.contains("x-k8s.io")
}

/// Splits `apps/v1` into (`apps`, `v1`) and `v1` into (``, `v1`).
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.rsplit_once('/') {
        Some((group, version)) => (group, version),
        None => ("", api_version),
    }
}
