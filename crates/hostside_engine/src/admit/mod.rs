pub mod limit_ranger;
pub mod pod_security;
pub mod quantity;
pub mod resource_quota;
