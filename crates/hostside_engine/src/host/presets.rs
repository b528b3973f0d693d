//! Built-in host profiles, each a YAML file in `presets/` citing its sources.

#[derive(Clone, Copy, Debug)]
pub struct Preset {
    pub name: &'static str,
    pub text: &'static str,
}

pub static PRESETS: &[Preset] = &[
    Preset { name: "compliant-kubernetes-v0.19", text: include_str!("presets/compliant-kubernetes-v0.19.yaml") },
    Preset { name: "compliant-kubernetes", text: include_str!("presets/compliant-kubernetes.yaml") },
    Preset { name: "pss-baseline", text: include_str!("presets/pss-baseline.yaml") },
    Preset { name: "pss-restricted", text: include_str!("presets/pss-restricted.yaml") },
    Preset { name: "unrestricted", text: include_str!("presets/unrestricted.yaml") },
];

pub fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}
