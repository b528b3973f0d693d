//! Known configuration keys of each vcluster era, read from the real charts
//! (data files under `data/`, each naming its tag and source file). Keys outside these
//! lists are reported, with the nearest known key as a suggestion.

use super::config::{ConfigIssue, split_key_path};
use crate::yaml::{Node, NodeKind};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    HelmValues019,
    VclusterYaml020,
    VclusterYamlLatest,
}

impl Format {
    fn data(self) -> &'static str {
        match self {
            Format::HelmValues019 => include_str!("../../data/vcluster-values-0.19.txt"),
            Format::VclusterYaml020 => include_str!("../../data/vcluster-config-0.20.txt"),
            Format::VclusterYamlLatest => include_str!("../../data/vcluster-config-latest.txt"),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Format::HelmValues019 => "the Helm values of vcluster v0.19",
            Format::VclusterYaml020 => "vcluster.yaml of v0.20",
            Format::VclusterYamlLatest => "vcluster.yaml (latest)",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyType {
    Map,
    Free,
    List,
    Scalar,
}

/// Key paths (segments joined by NUL so keys with dots stay intact) → type.
fn known_keys(format: Format) -> BTreeMap<String, KeyType> {
    let mut keys = BTreeMap::new();
    for line in format.data().lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = line.split('\t');
        let (Some(path), Some(kind)) = (fields.next(), fields.next()) else { continue };
        let kind = match kind {
            "map" => KeyType::Map,
            "free" => KeyType::Free,
            "list" => KeyType::List,
            _ => KeyType::Scalar,
        };
        keys.insert(split_key_path(path).join("\0"), kind);
    }
    keys
}

pub fn check_unknown(root: &Node, format: Format, issues: &mut Vec<ConfigIssue>) {
    let keys = known_keys(format);
    let mut stack: Vec<(String, &Node)> = vec![(String::new(), root)];
    while let Some((prefix, node)) = stack.pop() {
        let Some(entries) = node.as_map() else { continue };
        for (key, value) in entries {
            let name = key.as_str().unwrap_or_default();
            let path = if prefix.is_empty() { name.to_string() } else { format!("{prefix}\0{name}") };
            match keys.get(&path) {
                Some(KeyType::Map) => stack.push((path, value)),
                Some(KeyType::List) => {
                    if let NodeKind::Seq(items) = &value.kind {
                        let item_path = format!("{path}[]");
                        if keys.keys().any(|k| k.starts_with(&format!("{item_path}\0"))) {
                            stack.extend(items.iter().map(|item| (item_path.clone(), item)));
                        }
                    }
                }
                Some(KeyType::Free | KeyType::Scalar) => {}
                None => {
                    let shown = path.replace('\0', ".");
                    let suggestion = nearest_sibling(&keys, &prefix, name)
                        .map(|s| format!(" (did you mean `{}`?)", s.replace('\0', ".")))
                        .unwrap_or_default();
                    issues.push(ConfigIssue {
                        message: format!("unknown key `{shown}` in {}{suggestion}; it is ignored", format.describe()),
                        span: Some(key.span),
                        is_error: false,
                    });
                }
            }
        }
    }
}

fn nearest_sibling(keys: &BTreeMap<String, KeyType>, prefix: &str, name: &str) -> Option<String> {
    let siblings = keys.keys().filter(|k| match k.rsplit_once('\0') {
        Some((parent, _)) => parent == prefix,
        None => prefix.is_empty(),
    });
    siblings
        .map(|k| {
            let last = k.rsplit('\0').next().unwrap_or(k);
            (edit_distance(&last.to_lowercase(), &name.to_lowercase()), k)
        })
        .filter(|(d, _)| *d <= 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.clone())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}
