//! Typed decoding of a [`Node`] the way the API server decodes a request body.
//!
//! The API server (Kubernetes ≥ 1.25, `sigs.k8s.io/json`) decodes strictly: it names every
//! unknown or duplicate field, and refuses values of the wrong JSON type with Go's
//! `json: cannot unmarshal X into Go struct field S.path of type T`. We decode straight from
//! the span-carrying tree into the k8s-openapi types, so both kinds of finding point at the
//! offending line. A field is unknown exactly when the k8s-openapi type skips it.

use crate::path::{FieldPath, Segment};
use crate::source::Span;
use crate::yaml::{Node, NodeKind};
use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use serde_json::Value;
use std::cell::RefCell;
use std::fmt;

/// A field the target type does not know, or a key given twice.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldWarning {
    pub kind: FieldWarningKind,
    pub path: FieldPath,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldWarningKind {
    Unknown,
    Duplicate,
}

impl FieldWarning {
    /// The API server's strict-decoding wording.
    pub fn message(&self) -> String {
        match self.kind {
            FieldWarningKind::Unknown => format!("unknown field \"{}\"", self.path),
            FieldWarningKind::Duplicate => format!("duplicate field \"{}\"", self.path),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct DecodeError {
    /// Go's encoding/json wording, e.g.
    /// `json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string`.
    pub message: String,
    pub path: FieldPath,
    pub span: Span,
}

/// Decodes `node` as `T`, returning the value (or the first error) and the field warnings.
/// Typed view of a JSON value the engine holds (a defaulted pod, a template). Goes through
/// the same deserializer as the input, so the wasm carries one copy of every k8s-openapi
/// type's decoder instead of two (serde_json's `Value` would instantiate its own).
pub fn decode_json<T: DeserializeOwned>(value: &Value) -> Option<T> {
    decode(&Node::from_json(value)).0.ok()
}

/// The metadata (default when absent) and spec of a pod or pod template, for the Pod
/// Security checks; `None` without a readable spec.
pub fn decode_pod_parts(pod_like: &Value) -> Option<(ObjectMeta, PodSpec)> {
    let metadata = pod_like.get("metadata").and_then(decode_json).unwrap_or_default();
    let spec = decode_json(pod_like.get("spec")?)?;
    Some((metadata, spec))
}

pub fn decode<T: DeserializeOwned>(node: &Node) -> (Result<T, DecodeError>, Vec<FieldWarning>) {
    let warnings = RefCell::new(Vec::new());
    let root = Link { parent: None, segment: None };
    let result = T::deserialize(De { node, link: &root, owner: None, warnings: &warnings });
    let result = result.map_err(|e| DecodeError {
        message: e.message,
        path: e.path.unwrap_or_default(),
        span: e.span.unwrap_or(node.span),
    });
    (result, warnings.into_inner())
}

/// One step of the path from the root to the node being decoded, kept on the stack.
struct Link<'p> {
    parent: Option<&'p Link<'p>>,
    segment: Option<Segment>,
}

impl Link<'_> {
    fn path(&self) -> FieldPath {
        let mut segments = Vec::new();
        let mut link = Some(self);
        while let Some(l) = link {
            if let Some(s) = &l.segment {
                segments.push(s.clone());
            }
            link = l.parent;
        }
        let mut path = FieldPath::root();
        for s in segments.into_iter().rev() {
            path.push(s);
        }
        path
    }
}

#[derive(Debug)]
pub struct Error {
    message: String,
    path: Option<FieldPath>,
    span: Option<Span>,
    /// What the target expected, for Go's `of type T`.
    expected: Option<String>,
    /// What the input held, for Go's `cannot unmarshal X`.
    unexpected: Option<String>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error { message: msg.to_string(), path: None, span: None, expected: None, unexpected: None }
    }

    fn invalid_type(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        let unexpected = match unexpected {
            de::Unexpected::Float(f) if f.fract() != 0.0 => format!("number {f}"),
            de::Unexpected::Bool(_) => "bool".into(),
            de::Unexpected::Signed(_) | de::Unexpected::Unsigned(_) | de::Unexpected::Float(_) => "number".into(),
            de::Unexpected::Str(_) | de::Unexpected::Char(_) => "string".into(),
            de::Unexpected::Seq => "array".into(),
            de::Unexpected::Map => "object".into(),
            other => other.to_string(),
        };
        Error {
            message: String::new(),
            path: None,
            span: None,
            expected: Some(expected.to_string()),
            unexpected: Some(unexpected),
        }
    }
}

/// Go's name for what serde's visitors expect.
fn go_type(expected: &str) -> String {
    match expected {
        "a string" | "a borrowed string" | "a character" => "string".into(),
        "a boolean" => "bool".into(),
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" => {
            let bits = &expected[1..];
            if expected.starts_with('u') { format!("uint{bits}") } else { format!("int{bits}") }
        }
        "f32" => "float32".into(),
        "f64" => "float64".into(),
        "a sequence" => "array".into(),
        "a map" => "map[string]string".into(),
        "Quantity" => "resource.Quantity".into(),
        "IntOrString" => "intstr.IntOrString".into(),
        name if name.chars().next().is_some_and(char::is_uppercase) && !name.contains(' ') => format!("v1.{name}"),
        other => other.into(),
    }
}

struct De<'n, 'p, 'w> {
    node: &'n Node,
    link: &'p Link<'p>,
    /// The Go struct that holds this field, for `Go struct field S.path`.
    owner: Option<&'static str>,
    warnings: &'w RefCell<Vec<FieldWarning>>,
}

impl De<'_, '_, '_> {
    /// Fills in where and, for type mismatches, Go's wording — once, at the innermost node.
    fn locate(&self, mut error: Error) -> Error {
        if error.span.is_some() {
            return error;
        }
        let path = self.link.path();
        if let (Some(expected), Some(unexpected)) = (&error.expected, &error.unexpected) {
            let fields: Vec<&str> = path
                .segments()
                .iter()
                .filter_map(|s| match s {
                    Segment::Field(f) => Some(f.as_str()),
                    _ => None,
                })
                .collect();
            error.message = match self.owner {
                Some(owner) if !fields.is_empty() => format!(
                    "json: cannot unmarshal {unexpected} into Go struct field {owner}.{} of type {}",
                    fields.join("."),
                    go_type(expected)
                ),
                _ => format!("json: cannot unmarshal {unexpected} into Go value of type {}", go_type(expected)),
            };
        }
        error.path = Some(path);
        error.span = Some(self.node.span);
        error
    }

    fn zero_or<'de, V: Visitor<'de>>(
        self,
        visitor: V,
        zero: impl FnOnce(V) -> Result<V::Value, Error>,
    ) -> Result<V::Value, Error> {
        // Go leaves a field at its zero value when the JSON holds null.
        if self.node.is_null() { zero(visitor) } else { self.deserialize_any_inner(visitor) }
    }

    fn deserialize_any_inner<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let result = match &self.node.kind {
            NodeKind::Null => visitor.visit_unit(),
            NodeKind::Bool(b) => visitor.visit_bool(*b),
            NodeKind::Int(i) => visitor.visit_i64(*i),
            NodeKind::UInt(u) => visitor.visit_u64(*u),
            NodeKind::Float(f) if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 => {
                visitor.visit_i64(*f as i64)
            }
            NodeKind::Float(f) => visitor.visit_f64(*f),
            NodeKind::Str(s) => visitor.visit_str(s),
            NodeKind::Seq(items) => visitor.visit_seq(SeqAccess { items: items.iter().enumerate(), de: &self }),
            NodeKind::Map(entries) => visitor.visit_map(MapAccess::new(entries, &self, None)),
        };
        result.map_err(|e| self.locate(e))
    }
}

impl<'de> de::Deserializer<'de> for De<'_, '_, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any_inner(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.node.is_null() { visitor.visit_none() } else { visitor.visit_some(self) }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match &self.node.kind {
            NodeKind::Map(entries) => {
                visitor.visit_map(MapAccess::new(entries, &self, Some(name))).map_err(|e| self.locate(e))
            }
            NodeKind::Null => visitor.visit_map(MapAccess::new(&[], &self, Some(name))).map_err(|e| self.locate(e)),
            _ => self.deserialize_any_inner(visitor),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.zero_or(visitor, |v| v.visit_str(""))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.zero_or(visitor, |v| v.visit_str(""))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.zero_or(visitor, |v| v.visit_bool(false))
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.zero_or(visitor, |v| v.visit_i64(0))
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.zero_or(visitor, |v| v.visit_i64(0))
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.zero_or(visitor, |v| v.visit_f64(0.0))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.node.is_null() {
            let empty: &[Node] = &[];
            return visitor
                .visit_seq(SeqAccess { items: empty.iter().enumerate(), de: &self })
                .map_err(|e| self.locate(e));
        }
        self.deserialize_any_inner(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.node.is_null() {
            return visitor.visit_map(MapAccess::new(&[], &self, None)).map_err(|e| self.locate(e));
        }
        self.deserialize_any_inner(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match &self.node.kind {
            NodeKind::Str(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            _ => self.deserialize_any_inner(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        i8 i16 u8 u16 u32 u64 i128 u128 f32 char bytes byte_buf unit unit_struct tuple tuple_struct identifier
    }
}

struct SeqAccess<'a, 'n, 'p, 'w> {
    items: std::iter::Enumerate<std::slice::Iter<'n, Node>>,
    de: &'a De<'n, 'p, 'w>,
}

impl<'de> de::SeqAccess<'de> for SeqAccess<'_, '_, '_, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        let Some((index, node)) = self.items.next() else { return Ok(None) };
        let link = Link { parent: Some(self.de.link), segment: Some(Segment::Index(index)) };
        seed.deserialize(De { node, link: &link, owner: self.de.owner, warnings: self.de.warnings }).map(Some)
    }
}

struct MapAccess<'a, 'n, 'p, 'w> {
    entries: &'n [(Node, Node)],
    position: usize,
    de: &'a De<'n, 'p, 'w>,
    /// `Some` when decoding a struct: keys are fields and unknown ones are reported.
    owner: Option<&'static str>,
}

impl<'a, 'n, 'p, 'w> MapAccess<'a, 'n, 'p, 'w> {
    fn new(entries: &'n [(Node, Node)], de: &'a De<'n, 'p, 'w>, owner: Option<&'static str>) -> Self {
        if owner.is_some() {
            for (i, (key, _)) in entries.iter().enumerate() {
                if entries[i + 1..].iter().any(|(later, _)| later.as_str() == key.as_str()) {
                    let name = key.as_str().unwrap_or_default();
                    de.warnings.borrow_mut().push(FieldWarning {
                        kind: FieldWarningKind::Duplicate,
                        path: de.link.path().field(name),
                        span: key.span,
                    });
                }
            }
        }
        MapAccess { entries, position: 0, de, owner }
    }
}

impl<'de> de::MapAccess<'de> for MapAccess<'_, '_, '_, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some((key, _)) = self.entries.get(self.position) else { return Ok(None) };
        let text = key.as_str().unwrap_or_default();
        seed.deserialize(text.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let (key, node) = &self.entries[self.position];
        self.position += 1;
        let name = key.as_str().unwrap_or_default();
        let segment = if self.owner.is_some() { Segment::Field(name.into()) } else { Segment::Key(name.into()) };
        let link = Link { parent: Some(self.de.link), segment: Some(segment) };
        let owner = self.owner.or(self.de.owner);
        let value = FieldSeed {
            seed,
            de: De { node, link: &link, owner, warnings: self.de.warnings },
            key_span: key.span,
            in_struct: self.owner.is_some(),
        };
        value.run()
    }
}

/// Decodes one field value and notices when the target type skipped it (unknown field).
struct FieldSeed<'n, 'p, 'w, S> {
    seed: S,
    de: De<'n, 'p, 'w>,
    key_span: Span,
    in_struct: bool,
}

impl<'de, S: DeserializeSeed<'de>> FieldSeed<'_, '_, '_, S> {
    fn run(self) -> Result<S::Value, Error> {
        let skipped = std::cell::Cell::new(false);
        let FieldSeed { seed, de, key_span, in_struct } = self;
        let (link, warnings) = (de.link, de.warnings);
        let result = seed.deserialize(Watch { de, skipped: &skipped });
        if in_struct && skipped.get() {
            warnings.borrow_mut().push(FieldWarning {
                kind: FieldWarningKind::Unknown,
                path: link.path(),
                span: key_span,
            });
        }
        result
    }
}

/// Forwards to [`De`] but records a call to `deserialize_ignored_any`.
struct Watch<'n, 'p, 'w, 's> {
    de: De<'n, 'p, 'w>,
    skipped: &'s std::cell::Cell<bool>,
}

macro_rules! forward_watch {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> { self.de.$method(visitor) })*
    };
}

impl<'de> de::Deserializer<'de> for Watch<'_, '_, '_, '_> {
    type Error = Error;

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.skipped.set(true);
        visitor.visit_unit()
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.de.deserialize_struct(name, fields, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, Error> {
        self.de.deserialize_newtype_struct(name, visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.de.deserialize_enum(name, variants, visitor)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, Error> {
        self.de.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        self.de.deserialize_tuple(len, visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.de.deserialize_tuple_struct(name, len, visitor)
    }

    forward_watch! {
        deserialize_any deserialize_option deserialize_string deserialize_str deserialize_bool deserialize_i32
        deserialize_i64 deserialize_f64 deserialize_seq deserialize_map deserialize_i8 deserialize_i16 deserialize_u8
        deserialize_u16 deserialize_u32 deserialize_u64 deserialize_f32 deserialize_char deserialize_bytes
        deserialize_byte_buf deserialize_unit deserialize_identifier
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;
    use k8s_openapi::api::core::v1::Pod;

    fn node(text: &str) -> Node {
        let docs = crate::yaml::parse_source(0, &Source::new("t", text));
        docs.into_iter().next().unwrap().result.unwrap().unwrap()
    }

    #[test]
    fn unknown_and_duplicate_fields_are_named_with_their_path() {
        let n = node(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - name: c\n    imagee: x\n    image: one\n    image: two\n",
        );
        let (pod, warnings) = decode::<Pod>(&n);
        assert_eq!(pod.unwrap().spec.unwrap().containers[0].image.as_deref(), Some("two"));
        let messages: Vec<String> = warnings.iter().map(FieldWarning::message).collect();
        assert_eq!(
            messages,
            vec!["duplicate field \"spec.containers[0].image\"", "unknown field \"spec.containers[0].imagee\""]
        );
    }

    #[test]
    fn wrong_types_use_go_wording_and_point_at_the_value() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: 123\n";
        let (pod, _) = decode::<Pod>(&node(text));
        let err = pod.unwrap_err();
        assert_eq!(
            err.message,
            "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string"
        );
        assert_eq!(&text[err.span.start as usize..err.span.end as usize], "123");
        assert_eq!(err.path.to_string(), "metadata.name");
    }

    #[test]
    fn whole_floats_and_numeric_quantities_decode_like_go() {
        let n = node(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  terminationGracePeriodSeconds: 30.0\n  containers:\n  - name: c\n    resources: {limits: {cpu: 1}}\n",
        );
        let (pod, warnings) = decode::<Pod>(&n);
        let spec = pod.unwrap().spec.unwrap();
        assert_eq!(spec.termination_grace_period_seconds, Some(30));
        assert_eq!(spec.containers[0].resources.as_ref().unwrap().limits.as_ref().unwrap()["cpu"].0, "1");
        assert!(warnings.is_empty());
    }
}
