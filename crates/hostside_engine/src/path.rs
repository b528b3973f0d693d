//! Field paths such as `spec.template.spec.containers[0].image`, written the way
//! Kubernetes writes them in its field errors.

use crate::yaml::Node;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldPath(Vec<Segment>);

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// A struct field: `.name`.
    Field(String),
    /// A list position: `[0]`.
    Index(usize),
    /// A map key: `[app.kubernetes.io/name]`.
    Key(String),
}

impl FieldPath {
    pub fn root() -> Self {
        FieldPath(Vec::new())
    }

    /// Parses `a.b[0].c[key]`; `[n]` with digits is an index, anything else in brackets a key.
    pub fn parse(text: &str) -> Self {
        let mut segments = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('[') {
                let close = after.find(']').unwrap_or(after.len());
                let inner = &after[..close];
                segments.push(match inner.parse::<usize>() {
                    Ok(i) => Segment::Index(i),
                    Err(_) => Segment::Key(inner.to_string()),
                });
                rest = after.get(close + 1..).unwrap_or("");
            } else {
                let body = rest.strip_prefix('.').unwrap_or(rest);
                let end = body.find(['.', '[']).unwrap_or(body.len());
                if end > 0 {
                    segments.push(Segment::Field(body[..end].to_string()));
                }
                rest = &body[end..];
            }
        }
        FieldPath(segments)
    }

    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn field(mut self, name: &str) -> Self {
        self.0.push(Segment::Field(name.to_string()));
        self
    }

    pub fn index(mut self, i: usize) -> Self {
        self.0.push(Segment::Index(i));
        self
    }

    pub fn key(mut self, key: &str) -> Self {
        self.0.push(Segment::Key(key.to_string()));
        self
    }

    pub fn push(&mut self, segment: Segment) {
        self.0.push(segment);
    }

    pub fn join(&self, other: &FieldPath) -> FieldPath {
        let mut joined = self.clone();
        joined.0.extend(other.0.iter().cloned());
        joined
    }

    pub fn starts_with(&self, prefix: &FieldPath) -> bool {
        self.0.starts_with(&prefix.0)
    }

    /// Replaces a leading `from` with `to`; `None` when the path does not start with `from`.
    pub fn rebase(&self, from: &FieldPath, to: &FieldPath) -> Option<FieldPath> {
        self.0.strip_prefix(from.0.as_slice()).map(|rest| {
            let mut out = to.clone();
            out.0.extend(rest.iter().cloned());
            out
        })
    }

    /// The deepest node of `root` along this path, and how many segments matched.
    pub fn locate<'a>(&self, root: &'a Node) -> (&'a Node, usize) {
        let mut node = root;
        for (depth, segment) in self.0.iter().enumerate() {
            let next = match segment {
                Segment::Field(name) | Segment::Key(name) => node.get(name),
                Segment::Index(i) => node.as_seq().and_then(|items| items.get(*i)),
            };
            match next {
                Some(child) => node = child,
                None => return (node, depth),
            }
        }
        (node, self.0.len())
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Field(name) if i == 0 => write!(f, "{name}")?,
                Segment::Field(name) => write!(f, ".{name}")?,
                Segment::Index(index) => write!(f, "[{index}]")?,
                Segment::Key(key) => write!(f, "[{key}]")?,
            }
        }
        Ok(())
    }
}

impl Serialize for FieldPath {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FieldPath {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|s| FieldPath::parse(&s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip_through_text() {
        for text in ["spec.containers[0].image", "metadata.labels[app.kubernetes.io/name]", "spec", ""] {
            assert_eq!(FieldPath::parse(text).to_string(), text);
        }
        let path = FieldPath::parse("spec.template.spec.containers[1]");
        let rebased = path.rebase(&FieldPath::parse("spec.template"), &FieldPath::root()).unwrap();
        assert_eq!(rebased.to_string(), "spec.containers[1]");
    }
}
