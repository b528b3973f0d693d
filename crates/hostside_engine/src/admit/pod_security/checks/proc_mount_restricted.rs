//! `procMount_restricted` — restricted — revision v1.35 (overrides `procMount`) — spec
//! `pod-security.md` §2.9.
//!
//! The v1.0 `procMount` rule without the user-namespace relaxation.

use super::{Check, Revision};
use crate::admit::pod_security::Level;

pub(crate) static CHECK: Check = Check {
    id: "procMount_restricted",
    level: Level::Restricted,
    revisions: &[Revision { min_minor: 35, check: super::proc_mount::v1_0, overrides: &["procMount"] }],
};
