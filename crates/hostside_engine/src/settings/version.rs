//! vcluster versions. Behaviour is modelled per minor release; the three profiles users pick
//! are `0.19` (v0.19.10, Helm values), `0.20` (v0.20.0, first `vcluster.yaml`) and `latest`
//! (loft-sh/vcluster main at 487667546, after v0.36.1). Minors in between are accepted and get
//! every rule whose first version they reach (vcluster-translation.md §8).

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VclusterVersion {
    minor: u32,
}

impl VclusterVersion {
    pub const V0_19: VclusterVersion = VclusterVersion { minor: 19 };
    pub const V0_20: VclusterVersion = VclusterVersion { minor: 20 };
    /// main after v0.36.1 (the development line of 0.37).
    pub const LATEST: VclusterVersion = VclusterVersion { minor: 37 };

    /// `0.19`, `v0.20.3`, `0.25`, `latest`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("latest") {
            return Ok(Self::LATEST);
        }
        let bare = text.strip_prefix('v').unwrap_or(text);
        let mut parts = bare.split('.');
        let minor = match (parts.next(), parts.next()) {
            (Some("0"), Some(minor)) => minor.parse::<u32>().ok(),
            _ => None,
        };
        match minor {
            Some(minor) if (19..=37).contains(&minor) => Ok(VclusterVersion { minor }),
            _ => {
                Err(format!("unsupported vcluster version `{text}`: use 0.19, 0.20 (or any 0.N up to 0.37) or latest"))
            }
        }
    }

    pub fn minor(self) -> u32 {
        self.minor
    }

    /// True from vcluster 0.N on.
    pub fn at_least(self, minor: u32) -> bool {
        self.minor >= minor
    }

    /// The release whose source the rules were read from.
    pub fn release(self) -> String {
        match self.minor {
            19 => "v0.19.10".into(),
            20 => "v0.20.0".into(),
            37 => "main@487667546 (after v0.36.1)".into(),
            minor => format!("v0.{minor}.x (rules of §8 by first version)"),
        }
    }

    /// Kubernetes minor of the virtual cluster's default distro and of the
    /// pod-security-admission library vcluster links (go.mod: v0.29.1 at v0.19.10, v0.30.2 at
    /// v0.20.0, v0.36.0 at main); minors in between are interpolated.
    pub fn kubernetes_minor(self) -> u32 {
        match self.minor {
            19 => 29,
            37 => 36,
            minor => 30 + (minor - 20) * 6 / 16,
        }
    }

    /// Uses `vcluster.yaml` (true) or the Helm values of the per-distro charts (false).
    pub fn uses_vcluster_yaml(self) -> bool {
        self.minor >= 20
    }
}

impl fmt::Display for VclusterVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Self::LATEST { f.write_str("latest") } else { write!(f, "0.{}", self.minor) }
    }
}

impl Serialize for VclusterVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for VclusterVersion {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        VclusterVersion::parse(&text).map_err(serde::de::Error::custom)
    }
}
