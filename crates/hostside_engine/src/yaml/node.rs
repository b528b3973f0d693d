//! The parsed tree: JSON-shaped values that remember where they came from.

use crate::source::Span;
use serde_json::{Map, Number, Value};

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    Int(i64),
    /// Integers beyond i64 (go-yaml keeps them as uint64).
    UInt(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in document order; keys are already resolved to strings (see `key_string`).
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub fn new(kind: NodeKind, span: Span) -> Self {
        Node { kind, span }
    }

    /// A tree without positions, for objects the engine built itself.
    pub fn from_json(value: &Value) -> Self {
        let kind = match value {
            Value::Null => NodeKind::Null,
            Value::Bool(b) => NodeKind::Bool(*b),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => NodeKind::Int(i),
                (None, Some(u)) => NodeKind::UInt(u),
                _ => NodeKind::Float(n.as_f64().unwrap_or_default()),
            },
            Value::String(s) => NodeKind::Str(s.clone()),
            Value::Array(items) => NodeKind::Seq(items.iter().map(Node::from_json).collect()),
            Value::Object(map) => NodeKind::Map(
                map.iter()
                    .map(|(k, v)| (Node::new(NodeKind::Str(k.clone()), Span::default()), Node::from_json(v)))
                    .collect(),
            ),
        };
        Node::new(kind, Span::default())
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, NodeKind::Null)
    }

    /// The value of a mapping key (last one wins, as in go-yaml).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?.iter().rev().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v)
    }

    /// The key node of a mapping entry, for pointing at a field name.
    pub fn key_node(&self, key: &str) -> Option<&Node> {
        self.as_map()?.iter().rev().find(|(k, _)| k.as_str() == Some(key)).map(|(k, _)| k)
    }

    /// The JSON-type word Go's encoding/json uses in "cannot unmarshal X into ...".
    pub fn json_type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "bool",
            NodeKind::Int(_) | NodeKind::UInt(_) | NodeKind::Float(_) => "number",
            NodeKind::Str(_) => "string",
            NodeKind::Seq(_) => "array",
            NodeKind::Map(_) => "object",
        }
    }

    /// The value the Kubernetes client would send: YAML converted to JSON
    /// (`sigs.k8s.io/yaml`), where whole floats become integers and later duplicate keys win.
    pub fn to_json(&self) -> Value {
        match &self.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Int(i) => Value::Number((*i).into()),
            NodeKind::UInt(u) => Value::Number((*u).into()),
            NodeKind::Float(f) => float_to_json(*f),
            NodeKind::Str(s) => Value::String(s.clone()),
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(entries) => {
                let mut map = Map::new();
                for (key, value) in entries {
                    map.insert(key.as_str().unwrap_or_default().to_string(), value.to_json());
                }
                Value::Object(map)
            }
        }
    }

    /// Number of nodes in this tree (used to bound alias expansion).
    pub fn size(&self) -> usize {
        let mut count = 0;
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            count += 1;
            match &node.kind {
                NodeKind::Seq(items) => stack.extend(items),
                NodeKind::Map(entries) => stack.extend(entries.iter().map(|(_, v)| v)),
                _ => {}
            }
        }
        count
    }
}

/// Go's JSON encoder writes a whole float64 as an integer, so `1.0` in YAML reaches the
/// API server as `1` and decodes into integer fields.
pub fn float_to_json(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
        Value::Number((f as i64).into())
    } else {
        Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

/// Iterative drop: a deeply nested tree must not overflow the stack when freed.
impl Drop for Node {
    fn drop(&mut self) {
        let mut stack = Vec::new();
        take_children(&mut self.kind, &mut stack);
        while let Some(mut node) = stack.pop() {
            take_children(&mut node.kind, &mut stack);
        }
    }
}

fn take_children(kind: &mut NodeKind, stack: &mut Vec<Node>) {
    match kind {
        NodeKind::Seq(items) => stack.append(items),
        NodeKind::Map(entries) => {
            for (key, value) in entries.drain(..) {
                stack.push(key);
                stack.push(value);
            }
        }
        _ => {}
    }
}
