pub mod gatekeeper;
pub mod host;
pub mod limit_ranger;
pub mod pod_security;
pub mod psp;
pub mod quantity;
pub mod resource_quota;
