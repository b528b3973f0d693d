//! The examples menu: the six scenarios of `../shared/scenarios/`, copied into
//! `web/examples/` by `cargo xtask` (see `copy_examples`), each with the settings its
//! header names. The header comment is the description, shown as written.

use crate::settings::Settings;

pub struct Example {
    /// The scenario file's stem, also the `?example=` value.
    pub id: &'static str,
    pub text: &'static str,
    settings: fn() -> Settings,
}

/// The host namespace of the scenarios' story.
const STORY_NAMESPACE: &str = "demo1";

/// One table row: the id names the copied scenario file, so it is written once.
macro_rules! example {
    ($id:literal, $settings:expr) => {
        Example { id: $id, text: include_str!(concat!("../examples/", $id, ".yaml")), settings: $settings }
    };
}

pub static EXAMPLES: &[Example] = &[
    example!("01-vcluster-install", || Settings {
        target: "host".into(),
        ..story("compliant-kubernetes-v0.19", "0.19")
    }),
    example!("02-fluentd-daemonset", || story("compliant-kubernetes-v0.19", "0.19")),
    example!("03-wordpress-mariadb", || Settings {
        overrides: "gatekeeper.enforcementAction=dryrun".into(),
        ..story("compliant-kubernetes-v0.19", "0.19")
    }),
    example!("04-service-mesh-sidecar", || story("pss-baseline", "latest")),
    example!("05-operator-development", || story("compliant-kubernetes", "latest")),
    example!("06-nginx-port-80", || Settings { runtime: "cri-o".into(), ..story("pss-restricted", "latest") }),
];

fn story(host: &str, version: &str) -> Settings {
    Settings {
        host: host.into(),
        vcluster_version: version.into(),
        host_namespace: STORY_NAMESPACE.into(),
        ..Settings::default()
    }
}

pub fn find(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}

impl Example {
    pub fn settings(&self) -> Settings {
        (self.settings)()
    }

    /// "Installing vcluster itself on a hardened host." from `# Scenario 01: …`.
    pub fn title(&self) -> &'static str {
        let first = self.text.lines().next().unwrap_or_default().trim_start_matches('#').trim();
        first.split_once(": ").map_or(first, |(_, title)| title)
    }

    /// The header comment after the title line, `# ` removed.
    pub fn description(&self) -> String {
        let mut lines = Vec::new();
        for line in self.text.lines().skip(1) {
            let Some(rest) = line.strip_prefix('#') else { break };
            lines.push(rest.strip_prefix(' ').unwrap_or(rest));
        }
        lines.join("\n")
    }

    pub fn index(&self) -> usize {
        EXAMPLES.iter().position(|e| e.id == self.id).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_has_a_header_and_valid_settings() {
        for example in EXAMPLES {
            assert!(example.text.starts_with("# Scenario"), "{}", example.id);
            assert!(!example.title().is_empty() && !example.title().starts_with("Scenario"), "{}", example.id);
            assert!(example.description().contains("Expect:"), "{}", example.id);
            assert!(example.settings().problems().is_empty(), "{}", example.id);
        }
        assert_eq!(find("06-nginx-port-80").map(Example::index), Some(5));
    }
}
