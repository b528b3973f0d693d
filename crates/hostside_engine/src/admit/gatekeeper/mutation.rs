//! Gatekeeper's mutating webhook (`mutation.gatekeeper.sh`): the `Assign`, `AssignMetadata`
//! and `ModifySet` mutators of `mutations.gatekeeper.sh` (v1alpha1, v1beta1 and v1 share one
//! shape), as `pkg/mutation` runs them.
//!
//! * **Order and convergence** (`system.go`): mutators sorted by kind, then name (their IDs
//!   are group/kind/namespace/name and all share the group and an empty namespace); every
//!   matching mutator is applied in turn, and the whole pass repeats until a pass changes
//!   nothing, at most `mutators + 1` passes (then `mutation not converging`).
//! * **Matching**: `applyTo` (exact group, version and kind, and the operation; `Assign` and
//!   `ModifySet` only) and `spec.match` with Go semantics (see [`super::matching`]).
//! * **Location** (`path/parser`): `spec.containers[name: *].securityContext.runAsNonRoot`;
//!   fields are bare (`[A-Za-z0-9_-]+`) or quoted, list entries `[key: value]` select by key
//!   (created when missing) or `[key: *]` visit every existing element (never created). Missing
//!   objects on the way are created, but only kept when the value was set below them.
//! * **`pathTests`**: `MustExist` / `MustNotExist` on a prefix of the location, checked where
//!   the traversal reaches that depth (per element under a glob). CK8s uses `MustNotExist` on the
//!   whole location: "only fill a field that is unset".
//! * **`assignIf`** (`in` / `notIn` on the current value): Assign v1alpha1 in Gatekeeper 3.4 –
//!   3.6 only; later releases dropped the field, and it is ignored for them.
//! * `AssignMetadata` only adds a missing `metadata.labels.<key>` / `metadata.annotations.<key>`
//!   string. `ModifySet` merges (`operation: merge`, the default) `values.fromList` into a list
//!   treated as a set, or prunes them (`prune`). `AssignImage` and external data are not
//!   modelled (refused by [`Mutator::from_object`]); schema conflicts between mutators are not
//!   detected.
//!
//! A mutation error fails the request: the webhook answers 500 and the API server reports
//! `admission webhook "mutation.gatekeeper.sh" denied the request: <error>` ([`denial`]); the
//! error texts here are close to, not byte-identical with, Gatekeeper's (which embed a UUID).
//!
//! The API server sends the webhook its re-encoding of the typed object, where null values are
//! omitted, so a null along the path counts as missing here.

use super::matching::{IGNORE_LABEL, Target};
use super::{GatekeeperVersion, Match, split_api_version};
use crate::value::escape_pointer;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The mutating webhook's name, as the API server quotes it.
pub const WEBHOOK_NAME: &str = "mutation.gatekeeper.sh";

/// The API server's error text for a failed mutation.
pub fn denial(error: &str) -> String {
    format!("admission webhook \"{WEBHOOK_NAME}\" denied the request: {error}")
}

/// The mutator kinds modelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MutatorKind {
    Assign,
    AssignMetadata,
    ModifySet,
}

impl MutatorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MutatorKind::Assign => "Assign",
            MutatorKind::AssignMetadata => "AssignMetadata",
            MutatorKind::ModifySet => "ModifySet",
        }
    }
}

/// One field a mutation changed. `old` / `new` are `null` for an absent field.
#[derive(Clone, Debug, PartialEq)]
pub struct MutationChange {
    /// JSON pointer into the object, `/spec/containers/0/securityContext/runAsNonRoot`.
    pub pointer: String,
    pub old: Value,
    pub new: Value,
    /// The mutator's name.
    pub mutator: String,
}

/// What one request's mutation sees besides the object.
#[derive(Clone, Copy, Debug)]
pub struct MutationContext<'a> {
    /// The request namespace (else the object's `metadata.namespace` is used).
    pub namespace: Option<&'a str>,
    pub namespace_labels: &'a BTreeMap<String, String>,
    /// `CREATE` or `UPDATE`.
    pub operation: &'a str,
    pub version: GatekeeperVersion,
}

#[derive(Clone, Debug, PartialEq)]
enum KeyValue {
    Str(String),
    Int(i64),
}

impl KeyValue {
    fn to_value(&self) -> Value {
        match self {
            KeyValue::Str(s) => Value::String(s.clone()),
            KeyValue::Int(i) => Value::from(*i),
        }
    }

    fn equals(&self, value: &Value) -> bool {
        match (self, value) {
            (KeyValue::Str(a), Value::String(b)) => a == b,
            (KeyValue::Int(a), Value::Number(b)) => b.as_i64() == Some(*a),
            _ => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Object(String),
    List { key_field: String, key_value: Option<KeyValue>, glob: bool },
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Ident(String),
    Int(String),
    Separator,
    LBracket,
    RBracket,
    Glob,
    Colon,
    Eof,
    Error(String),
}

fn tokenize(input: &str) -> Vec<Token> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let alnum = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    loop {
        while i < chars.len() && matches!(chars[i], ' ' | '\t' | '\r' | '\n') {
            i += 1;
        }
        let Some(&c) = chars.get(i) else {
            tokens.push(Token::Eof);
            return tokens;
        };
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            tokens.push(Token::Int(chars[start..i].iter().collect()));
            continue;
        }
        if alnum(c) {
            let start = i;
            while i < chars.len() && alnum(chars[i]) {
                i += 1;
            }
            tokens.push(Token::Ident(chars[start..i].iter().collect()));
            continue;
        }
        i += 1;
        let token = match c {
            '.' => Token::Separator,
            '[' => Token::LBracket,
            ']' => Token::RBracket,
            '*' => Token::Glob,
            ':' => Token::Colon,
            '"' | '\'' => {
                let mut text = String::new();
                loop {
                    match chars.get(i) {
                        None => {
                            tokens.push(Token::Error(format!("error at position {i}: unterminated string")));
                            return tokens;
                        }
                        Some(&q) if q == c => {
                            i += 1;
                            break;
                        }
                        Some('\\') => {
                            if let Some(&escaped) = chars.get(i + 1) {
                                text.push(escaped);
                            }
                            i += 2;
                        }
                        Some(&other) => {
                            text.push(other);
                            i += 1;
                        }
                    }
                }
                Token::Ident(text)
            }
            other => {
                tokens.push(Token::Error(format!("error at position {}: invalid character {other:?}", i - 1)));
                return tokens;
            }
        };
        tokens.push(token);
    }
}

/// Parses a `location` / `subPath` (`pkg/mutation/path/parser`).
fn parse_path(input: &str) -> Result<Vec<Node>, String> {
    let tokens = tokenize(input);
    let err = |what: &str| Err(format!("invalid location format `{input}`: {what}"));
    let mut pos = 0;
    let mut nodes = Vec::new();
    let at = |pos: usize| tokens.get(pos).cloned().unwrap_or(Token::Eof);
    while let Token::Ident(field) = at(pos) {
        nodes.push(Node::Object(field));
        if at(pos + 1) == Token::LBracket {
            pos += 1;
            let Token::Ident(key_field) = at(pos + 1) else { return err("expected keyField in listSpec") };
            pos += 1;
            if at(pos + 1) != Token::Colon {
                return err(&format!("expected ':' following keyField {key_field}"));
            }
            pos += 1;
            let (key_value, glob) = match at(pos + 1) {
                Token::Glob => (None, true),
                Token::Ident(value) => (Some(KeyValue::Str(value)), false),
                Token::Int(digits) => match digits.parse::<i64>() {
                    Ok(n) => (Some(KeyValue::Int(n)), false),
                    Err(_) => return err(&format!("parsing key value for key: {key_field}")),
                },
                _ => return err("expected key value or glob in listSpec"),
            };
            pos += 1;
            if at(pos + 1) != Token::RBracket {
                return err("expected ']' following listSpec");
            }
            pos += 1;
            nodes.push(Node::List { key_field, key_value, glob });
        }
        match at(pos + 1) {
            Token::Separator => {
                if at(pos + 2) == Token::Eof {
                    return err("trailing separators are forbidden");
                }
                pos += 2;
            }
            Token::Eof => pos += 1,
            Token::Error(e) => return err(&e),
            other => return err(&format!("expected '.' or eof, got: {other:?}")),
        }
    }
    match at(pos) {
        Token::Eof => Ok(nodes),
        Token::Error(e) => err(&e),
        other => err(&format!("expected field name or eof, got: {other:?}")),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Condition {
    MustExist,
    MustNotExist,
}

#[derive(Clone, Debug, PartialEq)]
enum Operation {
    Assign(Value),
    FromMetadata(String),
    Merge(Vec<Value>),
    Prune(Vec<Value>),
}

#[derive(Clone, Debug, PartialEq)]
struct ApplyTo {
    groups: Vec<String>,
    versions: Vec<String>,
    kinds: Vec<String>,
    operations: Vec<String>,
}

/// One mutator, validated as Gatekeeper validates it on ingestion.
#[derive(Clone, Debug, PartialEq)]
pub struct Mutator {
    pub kind: MutatorKind,
    pub name: String,
    /// `spec.location` as written.
    pub location: String,
    apply_to: Vec<ApplyTo>,
    matcher: Match,
    path: Vec<Node>,
    tests: BTreeMap<usize, Condition>,
    operation: Operation,
    /// `assignIf` `(in, notIn)`.
    assign_if: Option<(Vec<Value>, Vec<Value>)>,
}

fn strings(value: Option<&Value>, what: &str) -> Result<Vec<String>, String> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(String::from).ok_or_else(|| format!("{what} must be a list of strings")))
            .collect(),
        Some(_) => Err(format!("{what} must be a list of strings")),
    }
}

impl Mutator {
    /// Reads a `mutations.gatekeeper.sh` object.
    pub fn from_object(object: &Value) -> Result<Mutator, String> {
        let api_version = object.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
        let kind_text = object.get("kind").and_then(Value::as_str).unwrap_or_default();
        let name = object.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default().to_string();
        if !api_version.starts_with("mutations.gatekeeper.sh/") {
            return Err(format!(
                "{kind_text} {name}: apiVersion {api_version:?} is not mutations.gatekeeper.sh/<version>"
            ));
        }
        let kind = match kind_text {
            "Assign" => MutatorKind::Assign,
            "AssignMetadata" => MutatorKind::AssignMetadata,
            "ModifySet" => MutatorKind::ModifySet,
            "AssignImage" => return Err(format!("AssignImage {name}: not modelled")),
            other => return Err(format!("{other} {name}: not a Gatekeeper mutator kind")),
        };
        if name.is_empty() {
            return Err(format!("{kind_text} without metadata.name"));
        }
        if name.len() > 63 {
            return Err(format!("name {name} is longer than 63 characters"));
        }
        let spec = object.get("spec").cloned().unwrap_or(Value::Object(Map::new()));
        let location = spec.get("location").and_then(Value::as_str).unwrap_or_default().to_string();
        let path = parse_path(&location).map_err(|e| format!("{kind_text} {name}: {e}"))?;
        if path.is_empty() {
            return Err(format!("{kind_text} {name}: empty location"));
        }
        let matcher = match spec.get("match") {
            None | Some(Value::Null) => Match::default(),
            Some(m) => Match::from_value(m).map_err(|e| format!("{kind_text} {name}: spec.match: {e}"))?,
        };
        let parameters = spec.get("parameters").cloned().unwrap_or(Value::Object(Map::new()));
        let mut apply_to = Vec::new();
        if kind != MutatorKind::AssignMetadata {
            for entry in spec.get("applyTo").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default() {
                let a = ApplyTo {
                    groups: strings(entry.get("groups"), "applyTo.groups")?,
                    versions: strings(entry.get("versions"), "applyTo.versions")?,
                    kinds: strings(entry.get("kinds"), "applyTo.kinds")?,
                    operations: strings(entry.get("operations"), "applyTo.operations")?,
                };
                if a.groups.is_empty() || a.versions.is_empty() || a.kinds.is_empty() {
                    return Err(format!(
                        "invalid applyTo for {kind_text} mutator {name}, all of group, version and kind must be specified"
                    ));
                }
                apply_to.push(a);
            }
            if apply_to.is_empty() {
                return Err(format!("applyTo required for {kind_text} mutator {name}"));
            }
        }
        let mut tests = BTreeMap::new();
        let mut assign_if = None;
        let last = path.last().cloned();
        let operation = match kind {
            MutatorKind::Assign | MutatorKind::AssignMetadata => {
                let assign = parameters.get("assign").cloned().unwrap_or(Value::Null);
                let value = assign.get("value");
                let from_metadata = assign.get("fromMetadata");
                let external = assign.get("externalData");
                let given = [value, from_metadata, external].iter().filter(|v| v.is_some()).count();
                if given != 1 {
                    return Err(format!(
                        "{kind_text} {name}: exactly one of value, fromMetadata, externalData must be specified"
                    ));
                }
                if external.is_some() {
                    return Err(format!("{kind_text} {name}: external data is not modelled"));
                }
                let operation = match (value, from_metadata) {
                    (Some(value), _) => Operation::Assign(value.clone()),
                    (None, Some(from)) => match from.get("field").and_then(Value::as_str) {
                        Some(field @ ("namespace" | "name")) => Operation::FromMetadata(field.to_string()),
                        other => return Err(format!("{kind_text} {name}: unknown metadata field {other:?}")),
                    },
                    _ => unreachable!("one of value / fromMetadata is set"),
                };
                if kind == MutatorKind::AssignMetadata {
                    let valid = path.len() == 3
                        && path.iter().all(|n| matches!(n, Node::Object(_)))
                        && path[0] == Node::Object("metadata".into())
                        && (path[1] == Node::Object("labels".into()) || path[1] == Node::Object("annotations".into()));
                    if !valid {
                        return Err(format!("invalid location for assignmetadata {name}: {location}"));
                    }
                    if let Operation::Assign(v) = &operation
                        && !v.is_string()
                    {
                        return Err(format!(
                            "spec.parameters.assign.value field must be a string for AssignMetadata {name:?}"
                        ));
                    }
                    tests.insert(2, Condition::MustNotExist);
                } else {
                    if path[0] == Node::Object("metadata".into()) {
                        return Err(format!("assign {name} can't change metadata"));
                    }
                    if let Some(Node::List { key_field, key_value, glob }) = &last {
                        if *glob {
                            return Err(format!("Assign {name}: can't append to a globbed list"));
                        }
                        let Operation::Assign(value) = &operation else {
                            return Err("cannot assign a metadata field to a list".into());
                        };
                        let key = value.as_object().and_then(|o| o.get(key_field));
                        if !key.is_some_and(|k| key_value.as_ref().is_some_and(|kv| kv.equals(k))) {
                            return Err(format!("Assign {name}: adding object to list with different key {key_field}"));
                        }
                    }
                    if let Some(raw) = parameters.get("assignIf").filter(|v| !v.is_null()) {
                        let list = |k: &str| raw.get(k).and_then(Value::as_array).cloned().unwrap_or_default();
                        assign_if = Some((list("in"), list("notIn")));
                    }
                }
                operation
            }
            MutatorKind::ModifySet => {
                if matches!(last, Some(Node::List { .. })) {
                    return Err(format!("ModifySet {name}: final node in a modifyset location cannot be a keyed list"));
                }
                let values =
                    parameters.pointer("/values/fromList").and_then(Value::as_array).cloned().unwrap_or_default();
                match parameters.get("operation").and_then(Value::as_str).unwrap_or("merge") {
                    "" | "merge" => Operation::Merge(values),
                    "prune" => Operation::Prune(values),
                    other => return Err(format!("unrecognized operation for modifyset: {other}")),
                }
            }
        };
        // `CheckKeyNotChanged`: the location may not end on a list entry's key field.
        if let [.., Node::List { key_field, .. }, Node::Object(field)] = path.as_slice()
            && key_field == field
            && kind != MutatorKind::AssignMetadata
        {
            return Err(format!("{kind_text} {name}: cannot change the key of a keyed list entry ({location})"));
        }
        if kind != MutatorKind::AssignMetadata {
            let mut must_not_lowest = usize::MAX;
            let mut must_highest = 0;
            for (index, test) in parameters
                .get("pathTests")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let sub_path = test.get("subPath").and_then(Value::as_str).unwrap_or_default();
                let sub = parse_path(sub_path)
                    .map_err(|e| format!("problem parsing sub path `{sub_path}` for {kind_text} {name}: {e}"))?;
                if sub.len() > path.len() || sub.iter().zip(&path).any(|(a, b)| a != b) {
                    return Err(format!(
                        "all subpaths must be a prefix of the `location` value of the mutation: subpath {sub_path:?} is not a prefix of location {location:?}"
                    ));
                }
                let condition = match test.get("condition").and_then(Value::as_str) {
                    Some("MustExist") => Condition::MustExist,
                    Some("MustNotExist") => Condition::MustNotExist,
                    other => return Err(format!("{} is not a valid path test condition", other.unwrap_or_default())),
                };
                let depth = sub.len().saturating_sub(1);
                if tests.get(&depth).is_some_and(|c| *c != condition) {
                    return Err(format!(
                        "conflicting path test conditions: path {sub_path:?} is marked both MustExist and MustNotExist"
                    ));
                }
                tests.insert(depth, condition);
                match condition {
                    Condition::MustNotExist => must_not_lowest = must_not_lowest.min(index),
                    Condition::MustExist => must_highest = must_highest.max(index),
                }
            }
            if must_highest > must_not_lowest {
                return Err(
                    "conflicting path test conditions: a path is marked MustExist but a parent MustNotExist".into()
                );
            }
        }
        Ok(Mutator { kind, name, location, apply_to, matcher, path, tests, operation, assign_if })
    }

    fn exists_ok(&self, depth: usize) -> bool {
        self.tests.get(&depth).is_none_or(|c| *c == Condition::MustExist)
    }

    fn missing_ok(&self, depth: usize) -> bool {
        self.tests.get(&depth).is_none_or(|c| *c == Condition::MustNotExist)
    }

    /// `applyTo` and `spec.match` against the current object.
    pub fn matches(&self, object: &Value, context: &MutationContext<'_>) -> Result<bool, String> {
        if self.kind != MutatorKind::AssignMetadata {
            let api_version = object.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
            let (group, version) = split_api_version(api_version);
            let kind = object.get("kind").and_then(Value::as_str).unwrap_or_default();
            let operation = context.operation;
            let applies = self.apply_to.iter().any(|a| {
                let operation_ok = if operation.is_empty() {
                    a.operations.is_empty()
                        || a.operations.iter().any(|o| o == "*")
                        || ["CREATE", "UPDATE"].iter().all(|o| a.operations.iter().any(|x| x == o))
                } else {
                    matches!(operation, "CREATE" | "UPDATE")
                        && (a.operations.is_empty() || a.operations.iter().any(|o| o == "*" || o == operation))
                };
                a.groups.iter().any(|g| g == group)
                    && a.versions.iter().any(|v| v == version)
                    && a.kinds.iter().any(|k| k == kind)
                    && operation_ok
            });
            if !applies {
                return Ok(false);
            }
        }
        let own = object.pointer("/metadata/namespace").and_then(Value::as_str).filter(|n| !n.is_empty());
        let namespace = context.namespace.filter(|n| !n.is_empty()).or(own);
        let target = Target { object, namespace, namespace_labels: Some(context.namespace_labels), source: "Original" };
        self.matcher.matches_mutation(&target, context.version)
    }

    /// Applies the mutator once. Returns whether it reached its location (Gatekeeper's
    /// "mutated", true even when the value was already there), recording real changes.
    fn mutate(
        &self,
        object: &mut Value,
        version: GatekeeperVersion,
        changes: &mut Vec<MutationChange>,
    ) -> Result<bool, String> {
        let value = match &self.operation {
            Operation::FromMetadata(field) => Value::String(
                object.pointer(&format!("/metadata/{field}")).and_then(Value::as_str).unwrap_or_default().to_string(),
            ),
            Operation::Assign(value) => value.clone(),
            Operation::Merge(_) | Operation::Prune(_) => Value::Null,
        };
        let mut walk = Walk { mutator: self, value, version, changes };
        walk.at(object, 0, String::new())
    }
}

struct Walk<'m, 'c> {
    mutator: &'m Mutator,
    /// The Assign value.
    value: Value,
    version: GatekeeperVersion,
    changes: &'c mut Vec<MutationChange>,
}

fn go_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

impl Walk<'_, '_> {
    fn record(&mut self, pointer: String, old: Value, new: Value) {
        if old != new {
            self.changes.push(MutationChange { pointer, old, new, mutator: self.mutator.name.clone() });
        }
    }

    fn mismatch(&self, expected: &str, found: &Value) -> String {
        format!(
            "mismatch between path entry (type: {expected}) and received object (type: {}). Path: {}",
            go_type(found),
            self.mutator.location
        )
    }

    fn create_missing(&self, depth: usize) -> Result<Value, String> {
        let path = &self.mutator.path;
        let mut next = match path[depth + 1] {
            Node::Object(_) => Value::Object(Map::new()),
            Node::List { .. } => Value::Array(Vec::new()),
        };
        if let Node::List { key_field, key_value, .. } = &path[depth] {
            let Value::Object(map) = &mut next else {
                return Err("two consecutive list path entries not allowed".into());
            };
            let key_value = key_value.as_ref().ok_or("list entry has no key value")?;
            map.insert(key_field.clone(), key_value.to_value());
        }
        Ok(next)
    }

    /// `assignIf` on the current value (Gatekeeper 3.4 – 3.6).
    fn value_test_ok(&self, current: Option<&Value>) -> bool {
        let Some((within, not_within)) = self.mutator.assign_if.as_ref().filter(|_| self.version.has_assign_if())
        else {
            return true;
        };
        if !within.is_empty() && !current.is_some_and(|c| within.contains(c)) {
            return false;
        }
        current.is_none_or(|c| !not_within.contains(c))
    }

    fn set(&mut self, map: &mut Map<String, Value>, key: &str, pointer: String) -> Result<(), String> {
        let old = map.get(key).filter(|v| !v.is_null()).cloned();
        let new = match &self.mutator.operation {
            Operation::Assign(_) | Operation::FromMetadata(_) => Some(self.value.clone()),
            Operation::Merge(values) => match &old {
                None => Some(Value::Array(values.clone())),
                Some(Value::Array(existing)) => {
                    let mut merged = existing.clone();
                    for value in values {
                        if !merged.contains(value) {
                            merged.push(value.clone());
                        }
                    }
                    Some(Value::Array(merged))
                }
                Some(other) => return Err(format!("{other} is not a list of values, cannot treat it as a set")),
            },
            Operation::Prune(values) => match &old {
                None => None,
                Some(Value::Array(existing)) => {
                    Some(Value::Array(existing.iter().filter(|v| !values.contains(v)).cloned().collect()))
                }
                Some(other) => return Err(format!("{other} is not a list of values, cannot treat it as a set")),
            },
        };
        if let Some(new) = new {
            self.record(pointer, old.unwrap_or(Value::Null), new.clone());
            map.insert(key.to_string(), new);
        }
        Ok(())
    }

    fn at(&mut self, current: &mut Value, depth: usize, pointer: String) -> Result<bool, String> {
        let last = depth + 1 == self.mutator.path.len();
        match self.mutator.path[depth].clone() {
            Node::Object(key) => {
                let Value::Object(map) = current else { return Err(self.mismatch("object", current)) };
                let exists = map.get(&key).is_some_and(|v| !v.is_null());
                if (exists && !self.mutator.exists_ok(depth)) || (!exists && !self.mutator.missing_ok(depth)) {
                    return Ok(false);
                }
                let child = format!("{pointer}/{}", escape_pointer(&key));
                if last {
                    if self.mutator.kind == MutatorKind::Assign
                        && !self.value_test_ok(map.get(&key).filter(|v| !v.is_null()))
                    {
                        return Ok(false);
                    }
                    self.set(map, &key, child)?;
                    return Ok(true);
                }
                if exists {
                    let next = map.get_mut(&key).expect("exists");
                    return self.at(next, depth + 1, child);
                }
                let mut next = self.create_missing(depth)?;
                let mutated = self.at(&mut next, depth + 1, child)?;
                if mutated {
                    map.insert(key, next);
                }
                Ok(mutated)
            }
            Node::List { key_field, key_value, glob } => {
                let Value::Array(items) = current else { return Err(self.mismatch("List", current)) };
                if last {
                    if self.mutator.kind == MutatorKind::ModifySet {
                        return Err("cannot set a keyed list with a modifyset setter".into());
                    }
                    if glob {
                        return Err("last path entry can not be globbed".into());
                    }
                    let key_value = key_value.ok_or("encountered nil key value when setting a new list element")?;
                    let Value::Object(new) = &self.value else {
                        return Err(format!("assign.value for keyed list is not an object: {}", self.value));
                    };
                    let new = new.clone();
                    for (index, item) in items.iter_mut().enumerate() {
                        let Value::Object(element) = item else {
                            return Err(format!(
                                "cast error, unable to case {} to map[string]interface{{}}",
                                go_type(item)
                            ));
                        };
                        if element.get(&key_field).is_some_and(|v| key_value.equals(v)) {
                            if !new.get(&key_field).is_some_and(|v| key_value.equals(v)) {
                                return Err("key value of replaced object must not change".into());
                            }
                            if !self.mutator.exists_ok(depth) {
                                return Ok(false);
                            }
                            let old = std::mem::replace(item, Value::Object(new.clone()));
                            self.record(format!("{pointer}/{index}"), old, Value::Object(new));
                            return Ok(true);
                        }
                    }
                    if !self.mutator.missing_ok(depth) {
                        return Ok(false);
                    }
                    self.record(format!("{pointer}/{}", items.len()), Value::Null, Value::Object(new.clone()));
                    items.push(Value::Object(new));
                    return Ok(true);
                }
                if glob && !self.mutator.exists_ok(depth) {
                    return Ok(false);
                }
                let mut mutated = false;
                let mut found = false;
                for (index, item) in items.iter_mut().enumerate() {
                    let child = format!("{pointer}/{index}");
                    let selected = glob
                        || item
                            .as_object()
                            .and_then(|o| o.get(&key_field))
                            .is_some_and(|v| key_value.as_ref().is_some_and(|kv| kv.equals(v)));
                    if !selected {
                        continue;
                    }
                    if !glob && !self.mutator.exists_ok(depth) {
                        return Ok(false);
                    }
                    mutated |= self.at(item, depth + 1, child)?;
                    found = true;
                }
                if !glob && !found {
                    if !self.mutator.missing_ok(depth) {
                        return Ok(false);
                    }
                    let mut next = self.create_missing(depth)?;
                    let m = self.at(&mut next, depth + 1, format!("{pointer}/{}", items.len()))?;
                    if m {
                        items.push(next);
                    }
                    mutated |= m;
                }
                Ok(mutated)
            }
        }
    }
}

/// Runs `mutators` on `object` as the mutating webhook does (see the module docs). On `Err`
/// (Gatekeeper's error text, approximately) the object may be half-mutated; the request fails.
pub fn mutate(
    mutators: &[Mutator],
    object: &mut Value,
    context: &MutationContext<'_>,
) -> Result<Vec<MutationChange>, String> {
    let mut ordered: Vec<&Mutator> = mutators.iter().collect();
    ordered.sort_by(|a, b| (a.kind.as_str(), a.name.as_str()).cmp(&(b.kind.as_str(), b.name.as_str())));
    let describe = |object: &Value| {
        let api_version = object.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
        let text = |p: &str| object.pointer(p).and_then(Value::as_str).unwrap_or_default().to_string();
        let name =
            Some(text("/metadata/name")).filter(|n| !n.is_empty()).unwrap_or_else(|| text("/metadata/generateName"));
        format!("{} {} {} {}", split_api_version(api_version).0, text("/kind"), text("/metadata/namespace"), name)
    };
    let mut changes = Vec::new();
    for _ in 0..=ordered.len() {
        let before = object.clone();
        let mut applied = false;
        for mutator in &ordered {
            let id = format!("{}/{}", mutator.kind.as_str(), mutator.name);
            let matches = mutator
                .matches(object, context)
                .map_err(|e| format!("matching for mutator {id} failed for {}: {e}", describe(object)))?;
            if !matches {
                continue;
            }
            applied |= mutator
                .mutate(object, context.version, &mut changes)
                .map_err(|e| format!("mutation for mutator {id} failed for {}: {e}", describe(object)))?;
        }
        if !applied || *object == before {
            return Ok(changes);
        }
    }
    Err(format!("mutation not converging: mutation not converging for {}", describe(object)))
}

/// One change as `(json pointer, old, new)`.
pub type ChangeTuple = (String, Value, Value);

/// A mutator's name and the changes one application of it made.
pub type AppliedMutation = (String, Vec<ChangeTuple>);

/// Reads every mutator object; the ones Gatekeeper would refuse come back as errors.
pub fn parse_all(objects: &[Value]) -> (Vec<Mutator>, Vec<String>) {
    let mut mutators = Vec::new();
    let mut errors = Vec::new();
    for object in objects {
        match Mutator::from_object(object) {
            Ok(m) => mutators.push(m),
            Err(e) => errors.push(e),
        }
    }
    (mutators, errors)
}

/// The mutating webhook on an object created in `namespace` (labels `labels`) with the newest
/// modelled Gatekeeper: returns, per mutator application in order, the mutator's name and its
/// changes as `(json pointer, old, new)`. Invalid mutator objects are skipped (Gatekeeper does
/// not load them); when mutation fails the object is left untouched and nothing is returned
/// (use [`mutate`] to get the error, which denies the request). Namespaces labelled
/// `admission.gatekeeper.sh/ignore` are not mutated.
pub fn apply_all(
    mutations: &[Value],
    object: &mut Value,
    namespace: &str,
    labels: &BTreeMap<String, String>,
) -> Vec<AppliedMutation> {
    if !namespace.is_empty() && labels.contains_key(IGNORE_LABEL) {
        return Vec::new();
    }
    let (mutators, _) = parse_all(mutations);
    let context = MutationContext {
        namespace: Some(namespace),
        namespace_labels: labels,
        operation: "CREATE",
        version: GatekeeperVersion::LATEST,
    };
    let mut working = object.clone();
    let Ok(changes) = mutate(&mutators, &mut working, &context) else { return Vec::new() };
    *object = working;
    let mut grouped: Vec<AppliedMutation> = Vec::new();
    for change in changes {
        match grouped.last_mut() {
            Some((name, list)) if *name == change.mutator => list.push((change.pointer, change.old, change.new)),
            _ => grouped.push((change.mutator, vec![(change.pointer, change.old, change.new)])),
        }
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admit::gatekeeper::ck8s::restricted_default_mutations;
    use serde_json::json;

    fn restricted_labels() -> BTreeMap<String, String> {
        BTreeMap::from([
            ("kubernetes.io/metadata.name".to_string(), "team".to_string()),
            ("pod-security.kubernetes.io/enforce".to_string(), "restricted".to_string()),
        ])
    }

    fn context<'a>(labels: &'a BTreeMap<String, String>) -> MutationContext<'a> {
        MutationContext {
            namespace: Some("team"),
            namespace_labels: labels,
            operation: "CREATE",
            version: GatekeeperVersion::LATEST,
        }
    }

    fn assign(name: &str, location: &str, value: Value, tests: Value) -> Value {
        json!({
            "apiVersion": "mutations.gatekeeper.sh/v1", "kind": "Assign", "metadata": { "name": name },
            "spec": {
                "applyTo": [{ "groups": [""], "kinds": ["Pod"], "versions": ["v1"] }],
                "location": location,
                "parameters": { "assign": { "value": value }, "pathTests": tests },
            },
        })
    }

    fn pod() -> Value {
        json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": { "name": "web", "namespace": "team" },
            "spec": {
                "containers": [
                    { "name": "app", "image": "harbor.example.com/app:1" },
                    { "name": "sidecar", "image": "harbor.example.com/proxy:1", "securityContext": { "runAsNonRoot": false, "capabilities": { "drop": ["NET_RAW"] } } },
                ],
                "initContainers": [{ "name": "init", "image": "harbor.example.com/init:1" }],
            },
        })
    }

    #[test]
    fn restricted_defaults_on_a_pod() {
        let labels = restricted_labels();
        let mut object = pod();
        let applied = apply_all(&restricted_default_mutations("default"), &mut object, "team", &labels);
        assert_eq!(
            object["spec"],
            json!({
                "containers": [
                    { "name": "app", "image": "harbor.example.com/app:1", "securityContext": {
                        "allowPrivilegeEscalation": false, "privileged": false, "runAsGroup": 1, "runAsNonRoot": true,
                        "capabilities": { "drop": ["ALL"] } } },
                    { "name": "sidecar", "image": "harbor.example.com/proxy:1", "securityContext": {
                        "allowPrivilegeEscalation": false, "privileged": false, "runAsGroup": 1, "runAsNonRoot": false,
                        "capabilities": { "drop": ["NET_RAW"] } } },
                ],
                "initContainers": [{ "name": "init", "image": "harbor.example.com/init:1", "securityContext": {
                    "allowPrivilegeEscalation": false, "privileged": false, "runAsGroup": 1, "runAsNonRoot": true,
                    "seccompProfile": { "type": "RuntimeDefault" }, "capabilities": { "drop": ["ALL"] } } }],
                "hostIPC": false,
                "hostPID": false,
                "securityContext": { "fsGroup": 1, "seccompProfile": { "type": "RuntimeDefault" }, "supplementalGroups": [1] },
            })
        );
        let order: Vec<&str> = applied.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            order,
            [
                "fsgroup-default-restricted",
                "host-ipc-default-restricted",
                "host-pid-default-restricted",
                "privilege-escalation-default-restricted-container",
                "privilege-escalation-default-restricted-init",
                "privileged-default-restricted-container",
                "privileged-default-restricted-init",
                "run-as-group-default-restricted-container",
                "run-as-group-default-restricted-init",
                "run-as-non-root-default-restricted-container",
                "run-as-non-root-default-restricted-init",
                "seccomp-profile-default-restricted-container",
                "seccomp-profile-default-restricted-init",
                "capabilities-default-restricted-container",
                "capabilities-default-restricted-init",
                "supplemental-groups-default-restricted",
            ]
        );
        let (_, non_root) = &applied[9];
        assert_eq!(
            non_root,
            &[("/spec/containers/0/securityContext/runAsNonRoot".to_string(), Value::Null, json!(true))]
        );
        let (_, fs_group) = &applied[0];
        assert_eq!(fs_group, &[("/spec/securityContext/fsGroup".to_string(), Value::Null, json!(1))]);
    }

    #[test]
    fn restricted_defaults_only_in_restricted_user_namespaces() {
        let mutations = restricted_default_mutations("default");
        for labels in [
            BTreeMap::from([("pod-security.kubernetes.io/enforce".to_string(), "baseline".to_string())]),
            BTreeMap::from([
                ("owner".to_string(), "operator".to_string()),
                ("pod-security.kubernetes.io/enforce".to_string(), "restricted".to_string()),
            ]),
            BTreeMap::from([
                ("admission.gatekeeper.sh/ignore".to_string(), "x".to_string()),
                ("pod-security.kubernetes.io/enforce".to_string(), "restricted".to_string()),
            ]),
        ] {
            let mut object = pod();
            assert!(apply_all(&mutations, &mut object, "team", &labels).is_empty());
            assert_eq!(object, pod());
        }
        // Not a Pod: applyTo does not match.
        let mut deployment = json!({ "apiVersion": "apps/v1", "kind": "Deployment", "metadata": { "name": "d", "namespace": "team" }, "spec": {} });
        assert!(apply_all(&mutations, &mut deployment, "team", &restricted_labels()).is_empty());
    }

    #[test]
    fn converges_in_one_pass_and_is_idempotent() {
        let (mutators, errors) = parse_all(&restricted_default_mutations("default"));
        assert!(errors.is_empty(), "{errors:?}");
        let labels = restricted_labels();
        let mut object = pod();
        let first = mutate(&mutators, &mut object, &context(&labels)).unwrap();
        assert!(!first.is_empty());
        let again = mutate(&mutators, &mut object, &context(&labels)).unwrap();
        assert!(again.is_empty());
    }

    #[test]
    fn path_tests() {
        let labels = restricted_labels();
        // MustExist on securityContext: nothing is created when it is missing.
        let m = Mutator::from_object(&assign(
            "only-existing",
            "spec.containers[name: *].securityContext.runAsUser",
            json!(1000),
            json!([{ "subPath": "spec.containers[name: *].securityContext", "condition": "MustExist" }]),
        ))
        .unwrap();
        let mut object = pod();
        let changes = mutate(&[m], &mut object, &context(&labels)).unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].pointer, "/spec/containers/1/securityContext/runAsUser");
        assert!(object.pointer("/spec/containers/0/securityContext").is_none());
        // Without tests an Assign overwrites.
        let m = Mutator::from_object(&assign(
            "force",
            "spec.containers[name: *].securityContext.runAsNonRoot",
            json!(true),
            json!([]),
        ))
        .unwrap();
        let mut object = pod();
        let changes = mutate(&[m], &mut object, &context(&labels)).unwrap();
        assert_eq!(changes[1].old, json!(false));
        assert_eq!(changes[1].new, json!(true));
    }

    #[test]
    fn keyed_lists_create_missing_elements() {
        let labels = restricted_labels();
        let m = Mutator::from_object(&assign(
            "proxy-env",
            "spec.containers[name: proxy].env[name: MODE].value",
            json!("strict"),
            json!([]),
        ))
        .unwrap();
        let mut object = pod();
        let changes = mutate(&[m], &mut object, &context(&labels)).unwrap();
        assert_eq!(
            object["spec"]["containers"][2],
            json!({ "name": "proxy", "env": [{ "name": "MODE", "value": "strict" }] })
        );
        assert_eq!(changes[0].pointer, "/spec/containers/2/env/0/value");
        // A whole keyed element as the value.
        let m = Mutator::from_object(&assign(
            "add-sidecar",
            "spec.containers[name: extra]",
            json!({ "name": "extra", "image": "x" }),
            json!([]),
        ))
        .unwrap();
        let mut object = pod();
        mutate(&[m], &mut object, &context(&labels)).unwrap();
        assert_eq!(object["spec"]["containers"][2], json!({ "name": "extra", "image": "x" }));
        let bad = assign("bad", "spec.containers[name: extra]", json!({ "name": "other" }), json!([]));
        assert!(Mutator::from_object(&bad).is_err());
    }

    #[test]
    fn modify_set_merge_and_prune() {
        let labels = restricted_labels();
        let set = |name: &str, operation: &str, values: Value| {
            json!({
                "apiVersion": "mutations.gatekeeper.sh/v1", "kind": "ModifySet", "metadata": { "name": name },
                "spec": {
                    "applyTo": [{ "groups": [""], "kinds": ["Pod"], "versions": ["v1"] }],
                    "location": "spec.containers[name: *].securityContext.capabilities.drop",
                    "parameters": { "operation": operation, "values": { "fromList": values } },
                },
            })
        };
        let merge = Mutator::from_object(&set("merge", "merge", json!(["ALL"]))).unwrap();
        let mut object = pod();
        mutate(&[merge], &mut object, &context(&labels)).unwrap();
        assert_eq!(object.pointer("/spec/containers/0/securityContext/capabilities/drop"), Some(&json!(["ALL"])));
        assert_eq!(
            object.pointer("/spec/containers/1/securityContext/capabilities/drop"),
            Some(&json!(["NET_RAW", "ALL"]))
        );
        let prune = Mutator::from_object(&set("prune", "prune", json!(["NET_RAW"]))).unwrap();
        mutate(&[prune], &mut object, &context(&labels)).unwrap();
        assert_eq!(object.pointer("/spec/containers/1/securityContext/capabilities/drop"), Some(&json!(["ALL"])));
        assert!(Mutator::from_object(&set("odd", "replace", json!([]))).is_err());
    }

    #[test]
    fn assign_metadata_only_adds() {
        let labels = restricted_labels();
        let meta = |key: &str, value: &str| {
            json!({
                "apiVersion": "mutations.gatekeeper.sh/v1beta1", "kind": "AssignMetadata", "metadata": { "name": format!("label-{key}") },
                "spec": { "location": format!("metadata.labels.{key}"), "parameters": { "assign": { "value": value } } },
            })
        };
        let mutators = vec![
            Mutator::from_object(&meta("owner", "team")).unwrap(),
            Mutator::from_object(&meta("app", "x")).unwrap(),
        ];
        let mut object = pod();
        object["metadata"]["labels"] = json!({ "app": "web" });
        let changes = mutate(&mutators, &mut object, &context(&labels)).unwrap();
        assert_eq!(object["metadata"]["labels"], json!({ "app": "web", "owner": "team" }));
        assert_eq!(changes.len(), 1);
        assert!(
            Mutator::from_object(&json!({
                "apiVersion": "mutations.gatekeeper.sh/v1", "kind": "AssignMetadata", "metadata": { "name": "x" },
                "spec": { "location": "spec.x", "parameters": { "assign": { "value": "y" } } },
            }))
            .is_err()
        );
        assert!(
            Mutator::from_object(&assign("meta", "metadata.labels.x", json!("y"), json!([])))
                .unwrap_err()
                .contains("can't change metadata")
        );
    }

    #[test]
    fn assign_if_only_on_3_4_to_3_6() {
        let labels = restricted_labels();
        let mut object = assign("pull", "spec.containers[name: *].imagePullPolicy", json!("Always"), json!([]));
        object["apiVersion"] = json!("mutations.gatekeeper.sh/v1alpha1");
        object["spec"]["parameters"]["assignIf"] = json!({ "in": ["IfNotPresent"] });
        let m = Mutator::from_object(&object).unwrap();
        let mut pod = pod();
        pod["spec"]["containers"][0]["imagePullPolicy"] = json!("IfNotPresent");
        let mut old = pod.clone();
        let ctx = MutationContext { version: GatekeeperVersion::new(3, 5, 0), ..context(&labels) };
        mutate(std::slice::from_ref(&m), &mut old, &ctx).unwrap();
        assert_eq!(old["spec"]["containers"][0]["imagePullPolicy"], json!("Always"));
        assert!(old["spec"]["containers"][1].get("imagePullPolicy").is_none(), "a missing value fails `in`");
        let mut new = pod.clone();
        mutate(&[m], &mut new, &context(&labels)).unwrap();
        assert_eq!(new["spec"]["containers"][1]["imagePullPolicy"], json!("Always"), "assignIf is gone after 3.6");
    }

    #[test]
    fn errors_fail_the_request() {
        let labels = restricted_labels();
        let m = Mutator::from_object(&assign("wrong", "spec.containers.name", json!("x"), json!([]))).unwrap();
        let mut object = pod();
        let error = mutate(&[m], &mut object, &context(&labels)).unwrap_err();
        assert!(
            error.contains("mismatch between path entry (type: object) and received object (type: []interface {})"),
            "{error}"
        );
        assert!(denial(&error).starts_with("admission webhook \"mutation.gatekeeper.sh\" denied the request: mutation for mutator Assign/wrong failed for  Pod team web: "));
        // apply_all leaves the object alone.
        let mut untouched = pod();
        assert!(
            apply_all(
                &[assign("wrong", "spec.containers.name", json!("x"), json!([]))],
                &mut untouched,
                "team",
                &labels
            )
            .is_empty()
        );
        assert_eq!(untouched, pod());
    }

    #[test]
    fn paths() {
        assert_eq!(
            parse_path("spec.containers[name: *].securityContext").unwrap(),
            vec![
                Node::Object("spec".into()),
                Node::Object("containers".into()),
                Node::List { key_field: "name".into(), key_value: None, glob: true },
                Node::Object("securityContext".into()),
            ]
        );
        assert_eq!(
            parse_path("metadata.annotations.\"example.com/x\"").unwrap()[2],
            Node::Object("example.com/x".into())
        );
        assert_eq!(
            parse_path("spec.ports[port: 80].name").unwrap()[2],
            Node::List { key_field: "port".into(), key_value: Some(KeyValue::Int(80)), glob: false }
        );
        for bad in ["spec.", "spec..x", "spec[name]", "spec.containers[name: *", "spec.$x", "'unterminated"] {
            assert!(parse_path(bad).is_err(), "{bad}");
        }
        assert!(Mutator::from_object(&assign("key", "spec.containers[name: a].name", json!("b"), json!([]))).is_err());
        let not_prefix = assign(
            "t",
            "spec.hostPID",
            json!(false),
            json!([{ "subPath": "spec.hostIPC", "condition": "MustNotExist" }]),
        );
        assert!(Mutator::from_object(&not_prefix).unwrap_err().contains("prefix"));
    }
}
