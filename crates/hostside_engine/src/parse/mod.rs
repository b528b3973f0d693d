//! Stage 1: sources → documents → objects, as `kubectl apply -f` reads them.
//!
//! Every object keeps a locator into its parsed document, so later findings can point at a
//! line. Nothing here fails: problems become findings and the object is kept (rejected
//! objects are listed with why).

pub mod decode;
pub mod kinds;

use crate::path::FieldPath;
use crate::report::{
    Disposition, Finding, Locator, ObjectClass, Origin, Severity, SourceSummary, Stage, VirtualObject,
};
use crate::rules;
use crate::source::{LineIndex, Source, Span};
use crate::yaml::{self, Node, NodeKind};
use decode::FieldWarningKind;
use serde_json::Value;
use std::collections::BTreeSet;

/// A custom kind declared by a CustomResourceDefinition in the input.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CustomKind {
    pub group: String,
    pub versions: Vec<String>,
    pub kind: String,
    pub plural: String,
    pub namespaced: bool,
}

pub(crate) struct Parsed {
    pub documents: Vec<Node>,
    pub objects: Vec<VirtualObject>,
    pub findings: Vec<Finding>,
    pub summaries: Vec<SourceSummary>,
    pub custom_kinds: Vec<CustomKind>,
}

/// A parsed document's object waiting to be read (after all CRDs are known).
struct Pending {
    document: usize,
    list_item: Option<usize>,
    helm_source: Option<String>,
    index_in_source: usize,
}

impl Pending {
    fn prefix(&self) -> FieldPath {
        self.list_item.map_or_else(FieldPath::root, |i| FieldPath::root().field("items").index(i))
    }
}

pub(crate) fn parse_sources(sources: &[Source], line_indexes: &[LineIndex]) -> Parsed {
    let mut parsed = Parsed {
        documents: Vec::new(),
        objects: Vec::new(),
        findings: Vec::new(),
        summaries: Vec::new(),
        custom_kinds: Vec::new(),
    };
    let mut pending: Vec<Pending> = Vec::new();
    for (source_index, source) in sources.iter().enumerate() {
        let documents = yaml::parse_source(source_index, source);
        parsed.summaries.push(SourceSummary {
            name: source.name.clone(),
            documents: documents.iter().filter(|d| !matches!(d.result, Ok(None))).count(),
            lines: line_indexes[source_index].line_count(),
        });
        for document in documents {
            let root = match document.result {
                Ok(Some(root)) => root,
                Ok(None) => continue,
                Err(error) => {
                    let (line, _) = line_indexes[source_index].line_col(&source.text, error.span.start);
                    let message = if error.message.starts_with("Request entity too large") {
                        error.message
                    } else {
                        format!("error converting YAML to JSON: yaml: line {line}: {}", error.message)
                    };
                    let finding = Finding::new(rules::YAML_SYNTAX, Severity::Error, Stage::Parse, message)
                        .at(error.span)
                        .explain(format!(
                            "in document {} of {}; the other documents are still checked",
                            document.index + 1,
                            source.name
                        ));
                    parsed.findings.push(finding);
                    continue;
                }
            };
            if root.as_map().is_none() {
                let found = if root.as_seq().is_some() { "a list" } else { "a scalar value" };
                parsed.findings.push(
                    Finding::new(
                        rules::NOT_AN_OBJECT,
                        Severity::Error,
                        Stage::Parse,
                        format!("a manifest must be an object (a YAML mapping), found {found}"),
                    )
                    .at(root.span),
                );
                continue;
            }
            let doc_ref = parsed.documents.len();
            let items = list_items(&root);
            parsed.documents.push(root);
            match items {
                Some(count) => {
                    for i in 0..count {
                        pending.push(Pending {
                            document: doc_ref,
                            list_item: Some(i),
                            helm_source: document.helm_source.clone(),
                            index_in_source: document.index,
                        });
                    }
                }
                None => pending.push(Pending {
                    document: doc_ref,
                    list_item: None,
                    helm_source: document.helm_source,
                    index_in_source: document.index,
                }),
            }
        }
    }
    parsed.custom_kinds = collect_custom_kinds(&parsed.documents, &pending);
    for item in pending {
        let prefix = item.prefix();
        let node = prefix.locate(&parsed.documents[item.document]).0;
        let origin_span = node.span;
        let source_index = origin_span.source as usize;
        let location = line_indexes[source_index].location(&sources[source_index].text, origin_span);
        let origin = Origin::Input {
            location,
            document: item.index_in_source,
            list_item: item.list_item,
            helm_source: item.helm_source,
        };
        let locator = Locator { document: item.document, prefix };
        let id = parsed.objects.len();
        let source_name = &sources[source_index].name;
        if let Some(object) =
            read_object(id, node, origin, locator, source_name, &parsed.custom_kinds, &mut parsed.findings)
        {
            parsed.objects.push(object);
        }
    }
    parsed
}

/// `kind: List` (or any `*List` with `items`) holds objects to apply one by one.
fn list_items(root: &Node) -> Option<usize> {
    let kind = root.get("kind")?.as_str()?;
    if !kind.ends_with("List") {
        return None;
    }
    root.get("items")?.as_seq().map(<[Node]>::len)
}

fn collect_custom_kinds(documents: &[Node], pending: &[Pending]) -> Vec<CustomKind> {
    let mut kinds = BTreeSet::new();
    for item in pending {
        let node = item.prefix().locate(&documents[item.document]).0;
        if node.get("kind").and_then(Node::as_str) != Some("CustomResourceDefinition") {
            continue;
        }
        let Some(spec) = node.get("spec") else { continue };
        let text = |n: Option<&Node>| n.and_then(Node::as_str).unwrap_or_default().to_string();
        let names = spec.get("names");
        let versions = spec
            .get("versions")
            .and_then(Node::as_seq)
            .map(|vs| {
                vs.iter()
                    .filter(|v| v.get("served").is_none_or(|s| s.kind != NodeKind::Bool(false)))
                    .map(|v| text(v.get("name")))
                    .collect()
            })
            .unwrap_or_default();
        kinds.insert(CustomKind {
            group: text(spec.get("group")),
            versions,
            kind: text(names.and_then(|n| n.get("kind"))),
            plural: text(names.and_then(|n| n.get("plural"))),
            namespaced: text(spec.get("scope")) != "Cluster",
        });
    }
    kinds.into_iter().collect()
}

/// The first characters of the object as JSON, the way apimachinery quotes it in errors.
fn quoted_json(node: &Node) -> String {
    let text = node.to_json().to_string();
    if text.len() > 200 {
        let mut cut = 200;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}…", &text[..cut])
    } else {
        text
    }
}

fn read_object(
    id: usize,
    node: &Node,
    origin: Origin,
    locator: Locator,
    source_name: &str,
    custom: &[CustomKind],
    findings: &mut Vec<Finding>,
) -> Option<VirtualObject> {
    let api_version = node.get("apiVersion").and_then(Node::as_str).unwrap_or_default().to_string();
    let kind = node.get("kind").and_then(Node::as_str).unwrap_or_default().to_string();
    if kind.is_empty() || api_version.is_empty() {
        let missing = if kind.is_empty() { "Kind" } else { "apiVersion" };
        let at = node.key_node("kind").or_else(|| node.key_node("apiVersion")).map_or(node.span, |n| n.span);
        findings.push(
            Finding::new(
                rules::MISSING_KIND,
                Severity::Error,
                Stage::Parse,
                format!("Object '{missing}' is missing in '{}'", quoted_json(node)),
            )
            .at(Span { end: at.start, ..at }),
        );
        return None;
    }
    let metadata = node.get("metadata");
    let name = metadata.and_then(|m| m.get("name")).and_then(Node::as_str).unwrap_or_default().to_string();
    let namespace = metadata.and_then(|m| m.get("namespace")).and_then(Node::as_str).map(String::from);
    let mut object = VirtualObject::new(Value::Null, ObjectClass::Builtin, origin);
    object.api_version = api_version.clone();
    object.kind = kind.clone();
    object.namespace = namespace;
    object.name = name;
    object.id = id;
    object.locator = Some(locator);
    let (group, version) = kinds::split_api_version(&api_version);
    if let Some(builtin) = kinds::builtin(&api_version, &kind) {
        let (decoded, warnings) = (builtin.decode)(node);
        for warning in warnings {
            let rule = match warning.kind {
                FieldWarningKind::Unknown => rules::UNKNOWN_FIELD,
                FieldWarningKind::Duplicate => rules::DUPLICATE_FIELD,
            };
            let mut finding = Finding::new(rule, Severity::Warning, Stage::Parse, warning.message())
                .at(warning.span)
                .on(id)
                .field(warning.path);
            if rule == rules::UNKNOWN_FIELD {
                finding = finding.explain("The API server drops fields it does not know; `kubectl apply` (default --validate=strict) refuses the whole object.");
            }
            findings.push(finding);
        }
        match decoded {
            Ok(value) => object.object = value,
            Err(error) => {
                let message =
                    format!("{kind} in version \"{version}\" cannot be handled as a {kind}: {}", error.message);
                findings.push(
                    Finding::new(rules::INVALID_TYPE, Severity::Error, Stage::Parse, message.clone())
                        .at(error.span)
                        .on(id)
                        .field(error.path),
                );
                object.object = node.to_json();
                object.disposition = Disposition::Rejected { reason: message };
            }
        }
        return Some(object);
    }
    object.object = node.to_json();
    if custom.iter().any(|c| c.group == group && c.kind == kind && c.versions.iter().any(|v| v == version)) {
        object.class = ObjectClass::CustomResource;
        return Some(object);
    }
    object.class = ObjectClass::Unknown;
    let namespace = object.namespace.clone().unwrap_or_default();
    let message = format!(
        "resource mapping not found for name: \"{}\" namespace: \"{namespace}\" from \"{source_name}\": no matches for kind \"{kind}\" in version \"{api_version}\"\nensure CRDs are installed first",
        object.name,
    );
    let mut finding = Finding::new(rules::UNKNOWN_KIND, Severity::Error, Stage::Parse, message.clone())
        .at(node.get("kind").map_or(node.span, |n| n.span))
        .on(id);
    if let Some(current) = kinds::builtin_group_kind(group, &kind).filter(|_| kinds::is_builtin_group(group)) {
        finding = finding.fix(format!(
            "Kubernetes serves {kind} as apiVersion {}; {api_version} is not served any more.",
            current.api_version
        ));
    } else if let Some(c) = custom.iter().find(|c| c.group == group && c.kind == kind) {
        finding = finding.fix(format!(
            "The CustomResourceDefinition in the input serves {} {kind} only in version(s) {}.",
            c.group,
            c.versions.join(", ")
        ));
    } else if !kinds::is_builtin_group(group) {
        finding = finding.explain(format!("{kind}.{group} is a custom resource; its CustomResourceDefinition is not in the input, so the virtual API server does not serve it."));
    }
    findings.push(finding);
    object.disposition = Disposition::Rejected { reason: message };
    Some(object)
}
