pub mod limit_ranger;
pub mod pod_security;
