//! What the user chose besides the manifests, in the form the page edits and shares, and
//! its translation into the engine's `Input`.

use hostside_engine::settings::{Options, Target, VclusterVersion};
use hostside_engine::source::Source;
use hostside_engine::{Input, host};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The name the editor's text has in reports.
pub const SOURCE_NAME: &str = "manifests.yaml";
/// vcluster versions offered in the menu (the engine models every 0.N between them).
pub const VCLUSTER_VERSIONS: &[&str] = &["0.19", "0.20", "latest"];
pub const RUNTIMES: &[(&str, &str)] = &[
    ("", "as the profile says"),
    ("containerd1", "containerd 1.x"),
    ("containerd2", "containerd 2.x"),
    ("cri-o", "CRI-O"),
];
/// A shared link cannot ask for more than this many virtual nodes (DaemonSets multiply).
pub const MAX_VIRTUAL_NODES: u32 = 50;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    pub vcluster_version: String,
    pub vcluster_name: String,
    pub host_namespace: String,
    /// `vcluster.yaml` (0.20+) or Helm values (0.19); empty for the defaults.
    pub vcluster_config: String,
    /// A preset name, or empty for "no host admission".
    pub host: String,
    /// Host profile overrides, one `KEY=VALUE` per line.
    pub overrides: String,
    /// Container runtime override; empty keeps the profile's.
    pub runtime: String,
    /// `virtual` or `host`.
    pub target: String,
    pub virtual_nodes: u32,
}

impl Default for Settings {
    fn default() -> Self {
        let options = Options::default();
        Settings {
            vcluster_version: "latest".into(),
            vcluster_name: options.vcluster_name,
            host_namespace: options.host_namespace,
            vcluster_config: String::new(),
            host: String::new(),
            overrides: String::new(),
            runtime: String::new(),
            target: "virtual".into(),
            virtual_nodes: options.virtual_nodes,
        }
    }
}

impl Settings {
    /// The engine's input for `text`. Values a hand-edited link could carry that the engine
    /// would not take are replaced by defaults; [`Settings::problems`] says which.
    pub fn input(&self, text: &str) -> Input {
        let defaults = Options::default();
        let mut overrides: Vec<String> =
            self.overrides.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
        if !self.runtime.is_empty() {
            overrides.push(format!("runtime={}", self.runtime));
        }
        let options = Options {
            vcluster_version: VclusterVersion::parse(&self.vcluster_version).unwrap_or(VclusterVersion::LATEST),
            vcluster_name: non_empty(&self.vcluster_name).unwrap_or(defaults.vcluster_name),
            host_namespace: non_empty(&self.host_namespace).unwrap_or(defaults.host_namespace),
            vcluster_config: non_empty(&self.vcluster_config),
            virtual_nodes: self.virtual_nodes.clamp(1, MAX_VIRTUAL_NODES),
            host: non_empty(&self.host),
            host_overrides: overrides,
            target: if self.target == "host" { Target::Host } else { Target::Virtual },
            ..defaults
        };
        Input { sources: vec![Source::new(SOURCE_NAME, text)], options }
    }

    /// Settings the page had to replace, in words for the settings panel.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Err(e) = VclusterVersion::parse(&self.vcluster_version) {
            problems.push(format!("vcluster version {:?}: {e}; using latest", self.vcluster_version));
        }
        if !self.host.is_empty() && host::preset(&self.host).is_none() {
            problems.push(format!("unknown host profile {:?}; no host admission is simulated", self.host));
        }
        if !(1..=MAX_VIRTUAL_NODES).contains(&self.virtual_nodes) {
            problems.push(format!(
                "virtual nodes must be 1 to {MAX_VIRTUAL_NODES}; using {}",
                self.virtual_nodes.clamp(1, MAX_VIRTUAL_NODES)
            ));
        }
        if !self.target.is_empty() && self.target != "virtual" && self.target != "host" {
            problems.push(format!("target {:?} is neither virtual nor host; using virtual", self.target));
        }
        problems
    }

    /// Only the fields that differ from the defaults (what a share link carries).
    pub fn non_defaults(&self) -> Map<String, Value> {
        let (Value::Object(mine), Value::Object(defaults)) = (
            serde_json::to_value(self).unwrap_or_default(),
            serde_json::to_value(Settings::default()).unwrap_or_default(),
        ) else {
            return Map::new();
        };
        mine.into_iter().filter(|(key, value)| defaults.get(key) != Some(value)).collect()
    }

    /// One line naming the settings that matter for "what changed" in workshop mode.
    pub fn label(&self) -> String {
        let host = if self.host.is_empty() { "no host profile" } else { self.host.as_str() };
        let mut label = format!("vcluster {} · {host}", self.vcluster_version);
        if !self.runtime.is_empty() {
            label.push_str(&format!(" · {}", self.runtime));
        }
        for line in self.overrides.lines().map(str::trim).filter(|l| !l.is_empty()) {
            label.push_str(&format!(" · {line}"));
        }
        label
    }
}

fn non_empty(text: &str) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_give_the_engine_defaults() {
        let input = Settings::default().input("x");
        assert_eq!(input.options, Options::default());
        assert_eq!(input.sources[0].name, SOURCE_NAME);
        assert!(Settings::default().non_defaults().is_empty());
        assert!(Settings::default().problems().is_empty());
    }

    #[test]
    fn runtime_becomes_an_override_and_bad_values_are_named() {
        let settings = Settings {
            runtime: "cri-o".into(),
            overrides: "gatekeeper.enforcementAction=dryrun\n\n".into(),
            vcluster_version: "9.x".into(),
            virtual_nodes: 5000,
            host: "nope".into(),
            ..Settings::default()
        };
        let input = settings.input("");
        assert_eq!(input.options.host_overrides, ["gatekeeper.enforcementAction=dryrun", "runtime=cri-o"]);
        assert_eq!(input.options.virtual_nodes, MAX_VIRTUAL_NODES);
        assert_eq!(input.options.vcluster_version, VclusterVersion::LATEST);
        assert_eq!(settings.problems().len(), 3);
        let keys: Vec<String> = settings.non_defaults().keys().cloned().collect();
        assert_eq!(keys, ["host", "overrides", "runtime", "vclusterVersion", "virtualNodes"]);
    }
}
