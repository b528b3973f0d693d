//! Stage 2: what the virtual cluster does with the input before vcluster's syncer sees it
//! (vcluster-translation.md §0.1): the virtual API server stores each object (namespace
//! checks, defaulting, admission), then the virtual controllers create what workloads ask
//! for (ReplicaSets, Pods, claims, Jobs), each through the same API server path.

mod admission;
mod apiserver;
mod controllers;
pub mod defaults;
mod quantities;

use crate::cluster::Cluster;

pub(crate) use apiserver::NamespaceState;

pub(crate) fn run(cluster: &mut Cluster) {
    let mut namespaces = NamespaceState::new(cluster);
    apiserver::store_input(cluster, &mut namespaces);
    controllers::run(cluster, &mut namespaces);
    apiserver::add_implicit_objects(cluster, &mut namespaces);
}
