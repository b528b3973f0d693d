//! The edit that sets one field of a document, written in the document's own style: a new key
//! of a block mapping goes on its own line at the mapping's indentation (nested mappings
//! indented like the document's others), a new key of a flow mapping goes inside its braces
//! (`{a: 1}` → `{a: 1, b: 2}`), JSON documents get JSON, and sequences are written as the
//! document writes them (`- ALL` lines, or `[ALL]` when it has no block sequences).
//!
//! Spans of the parsed tree say where things are: flow collections and scalars are exact;
//! block collections start at their first key or item and run to the next token, so their
//! real end is found through their last value ([`content_end`]).

use super::Edit;
use crate::path::{FieldPath, Segment};
use crate::yaml::{Node, NodeKind, resolve_plain};
use serde_json::Value;

/// How a document writes its collections (the default: plain YAML flow style).
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Style {
    /// The document is JSON: keys and strings are quoted, everything is flow.
    json: bool,
    /// Columns a nested block mapping is indented by.
    indent: usize,
    /// Columns a block sequence's `-` is indented by from its key; `None` when the document
    /// has no block sequences (sequences are then written `[a, b]`).
    dash: Option<usize>,
}

impl Style {
    pub fn infer(text: &str, root: &Node) -> Style {
        let json =
            is_flow(text, root) && root.as_map().and_then(|e| e.first()).is_some_and(|(k, _)| at(text, k) == b'"');
        let (mut indent, mut dash) = (None, None);
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            if indent.is_some() && dash.is_some() {
                break;
            }
            if let Some(entries) = node.as_map().filter(|_| is_block(text, node)) {
                for (key, value) in entries {
                    if indent.is_none() {
                        indent = block_child_indent(text, key, value);
                    }
                    if dash.is_none() && value.as_seq().is_some_and(|items| !items.is_empty()) && is_block(text, value)
                    {
                        dash =
                            dash_column(text, value).and_then(|d| d.checked_sub(column(text, key.span.start as usize)));
                    }
                }
            }
            match &node.kind {
                NodeKind::Map(entries) => stack.extend(entries.iter().rev().map(|(_, v)| v)),
                NodeKind::Seq(items) => stack.extend(items.iter().rev()),
                _ => {}
            }
        }
        Style { json, indent: indent.unwrap_or(2), dash }
    }
}

/// The edit that makes `path` (from the document root) hold `value`, creating the mappings
/// on the way. `Err` when the path meets something that is not a mapping, or a value that
/// is not written here (merge keys, aliases, tags).
pub(super) fn set_field(
    text: &str,
    root: &Node,
    path: &FieldPath,
    value: &Value,
    style: &Style,
) -> Result<Edit, String> {
    let segments = path.segments();
    let mut node = root;
    let mut entry: Option<(&Node, &Node)> = None; // (mapping, key) holding `node`
    for (i, segment) in segments.iter().enumerate() {
        own(text, node)?;
        match segment {
            Segment::Field(name) | Segment::Key(name) => {
                let Some(entries) = node.as_map() else {
                    return match entry {
                        Some((map, key)) if node.is_null() => {
                            replace_value(text, map, key, node, &nest(&segments[i..], value)?, style)
                        }
                        _ => {
                            let mut at = FieldPath::root();
                            segments[..i].iter().for_each(|s| at.push(s.clone()));
                            Err(format!("{at} is not a mapping"))
                        }
                    };
                };
                match entries.iter().rev().find(|(k, _)| k.as_str() == Some(name)) {
                    Some((key, child)) => {
                        if !inside(key, node) || !inside(child, node) {
                            return Err(format!("{path}: the field comes from a merge key or an alias"));
                        }
                        entry = Some((node, key));
                        node = child;
                    }
                    None => return insert_entry(text, node, name, &nest(&segments[i + 1..], value)?, style),
                }
            }
            Segment::Index(index) => {
                if node.as_seq().is_some_and(|items| items.len() == *index) && i + 1 == segments.len() {
                    return append_item(text, node, value, style);
                }
                let child =
                    node.as_seq().and_then(|items| items.get(*index)).ok_or(format!("{path}: no item {index}"))?;
                if !inside(child, node) {
                    return Err(format!("{path}: the item comes from an alias"));
                }
                entry = None;
                node = child;
            }
        }
    }
    let (map, key) = entry.ok_or(format!("{path}: only a mapping's field can be set"))?;
    replace_value(text, map, key, node, value, style)
}

/// `value` inside mappings named by `segments` (`[a, b]`, v → `{a: {b: v}}`).
fn nest(segments: &[Segment], value: &Value) -> Result<Value, String> {
    let mut value = value.clone();
    for segment in segments.iter().rev() {
        match segment {
            Segment::Field(name) | Segment::Key(name) => {
                value = Value::Object([(name.clone(), value)].into_iter().collect());
            }
            Segment::Index(_) => return Err("a missing sequence item cannot be created".into()),
        }
    }
    Ok(value)
}

/// A node this document writes itself (not an alias, nor behind an anchor or a tag).
fn own(text: &str, node: &Node) -> Result<(), String> {
    match at(text, node) {
        b'*' | b'&' | b'!' => Err("aliases, anchors and tags are not edited".into()),
        _ => Ok(()),
    }
}

fn inside(child: &Node, parent: &Node) -> bool {
    child.span.start >= parent.span.start && child.span.end <= parent.span.end
}

fn at(text: &str, node: &Node) -> u8 {
    text.as_bytes().get(node.span.start as usize).copied().unwrap_or(0)
}

fn is_flow(text: &str, node: &Node) -> bool {
    // A block collection's span starts at its first item, which may itself be `{…}` or `[…]`.
    let first = match &node.kind {
        NodeKind::Map(entries) => entries.first().map(|(key, _)| key.span.start),
        NodeKind::Seq(items) => items.first().map(|item| item.span.start),
        _ => return false,
    };
    matches!(at(text, node), b'{' | b'[') && first != Some(node.span.start)
}

fn is_block(text: &str, node: &Node) -> bool {
    matches!(node.kind, NodeKind::Map(_) | NodeKind::Seq(_)) && !is_flow(text, node)
}

/// Column (in characters) of a byte offset.
fn column(text: &str, offset: usize) -> usize {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..offset].chars().count()
}

/// Where a node's own text ends: a block collection ends with its last value (its span runs
/// on to the next token, over comments and blank lines), a block scalar before its trailing
/// line breaks.
pub(super) fn content_end(text: &str, node: &Node) -> usize {
    let mut node = node;
    loop {
        let last = match &node.kind {
            NodeKind::Map(entries) if is_block(text, node) => entries.last().map(|(_, v)| v),
            NodeKind::Seq(items) if is_block(text, node) => items.last(),
            _ => None,
        };
        match last {
            Some(child) => node = child,
            None => break,
        }
    }
    let (start, end) = (node.span.start as usize, node.span.end as usize);
    start + text[start..end].trim_end().len()
}

/// The column of a block sequence's first `-`.
fn dash_column(text: &str, seq: &Node) -> Option<usize> {
    let item = seq.as_seq()?.first()?;
    let before = text[..item.span.start as usize].trim_end_matches(' ');
    before.ends_with('-').then(|| column(text, before.len() - 1))
}

/// How much deeper a block mapping value's keys sit than its key.
fn block_child_indent(text: &str, key: &Node, value: &Node) -> Option<usize> {
    let (first, _) = value.as_map().filter(|_| is_block(text, value))?.first()?;
    column(text, first.span.start as usize).checked_sub(column(text, key.span.start as usize)).filter(|&d| d > 0)
}

/// Adds `name: value` to a mapping that does not have it.
fn insert_entry(text: &str, map: &Node, name: &str, value: &Value, style: &Style) -> Result<Edit, String> {
    let entries = map.as_map().ok_or("not a mapping")?;
    if is_flow(text, map) {
        let entry = format!("{}: {}", scalar(&Value::String(name.into()), style), flow(value, style));
        return Ok(match entries.last() {
            Some((_, last)) => {
                let at = content_end(text, last);
                Edit { start: at, end: at, text: format!(", {entry}") }
            }
            None => {
                let at = map.span.start as usize + 1;
                Edit { start: at, end: at, text: entry }
            }
        });
    }
    let (first, _) = entries.first().ok_or("an empty block mapping")?;
    let col = column(text, first.span.start as usize);
    let indent = entries.iter().find_map(|(k, v)| block_child_indent(text, k, v)).unwrap_or(style.indent);
    let style = Style { indent, ..style.clone() };
    let end = content_end(text, map);
    let (at, lead) = match text[end..].find('\n') {
        Some(i) => (end + i + 1, ""),
        None => (text.len(), "\n"),
    };
    let line = format!("{lead}{}{}\n", " ".repeat(col), block_entry(name, value, col, &style));
    Ok(Edit { start: at, end: at, text: line })
}

/// Adds `value` after the last item of a non-empty sequence, in its style (a `- item` line at
/// its dashes' column, or `, item` inside its brackets).
fn append_item(text: &str, seq: &Node, value: &Value, style: &Style) -> Result<Edit, String> {
    let last = seq.as_seq().and_then(|items| items.last()).ok_or("an empty sequence")?;
    if is_flow(text, seq) {
        let at = content_end(text, last);
        return Ok(Edit { start: at, end: at, text: format!(", {}", flow(value, style)) });
    }
    let col = dash_column(text, seq).ok_or("a block sequence without dashes")?;
    let end = content_end(text, seq);
    let (at, lead) = match text[end..].find('\n') {
        Some(i) => (end + i + 1, ""),
        None => (text.len(), "\n"),
    };
    Ok(Edit { start: at, end: at, text: format!("{lead}{}- {}\n", " ".repeat(col), flow(value, style)) })
}

/// Replaces the value of `key` in `map` with `value`.
fn replace_value(text: &str, map: &Node, key: &Node, old: &Node, value: &Value, style: &Style) -> Result<Edit, String> {
    let after_key = key.span.end as usize;
    let gap = text[after_key..].len() - text[after_key..].trim_start_matches([' ', '"', '\'']).len();
    let colon = after_key + gap;
    if text.as_bytes().get(colon) != Some(&b':') {
        return Err("the key is not followed by `:`".into());
    }
    let start = colon + 1;
    // An empty value's span may sit anywhere around the colon: insert after it.
    let end = if old.span.start == old.span.end { start } else { content_end(text, old).max(start) };
    let replacement = if is_flow(text, map) {
        format!(" {}", flow(value, style))
    } else {
        let col = column(text, key.span.start as usize);
        match block_value(value, col, style) {
            Block::Inline(inline) => format!(" {inline}"),
            Block::Lines(lines) => lines,
        }
    };
    Ok(Edit { start, end, text: replacement })
}

enum Block {
    /// Written after `key: `.
    Inline(String),
    /// Whole lines, each starting with a line break.
    Lines(String),
}

/// `name: value` in a block mapping whose keys are at column `col`.
fn block_entry(name: &str, value: &Value, col: usize, style: &Style) -> String {
    let key = scalar(&Value::String(name.into()), style);
    match block_value(value, col, style) {
        Block::Inline(inline) => format!("{key}: {inline}"),
        Block::Lines(lines) => format!("{key}:{lines}"),
    }
}

fn block_value(value: &Value, col: usize, style: &Style) -> Block {
    match value {
        _ if style.json => Block::Inline(flow(value, style)),
        Value::Object(map) if !map.is_empty() => {
            let inner = col + style.indent;
            Block::Lines(
                map.iter()
                    .map(|(k, v)| format!("\n{}{}", " ".repeat(inner), block_entry(k, v, inner, style)))
                    .collect(),
            )
        }
        Value::Array(items) if !items.is_empty() && style.dash.is_some() => {
            let dash = col + style.dash.unwrap_or(0);
            Block::Lines(items.iter().map(|item| format!("\n{}- {}", " ".repeat(dash), flow(item, style))).collect())
        }
        _ => Block::Inline(flow(value, style)),
    }
}

/// A value in flow style (`{a: 1}`, `[x]`), or JSON for JSON documents.
pub(super) fn flow(value: &Value, style: &Style) -> String {
    match value {
        Value::Array(items) => format!("[{}]", items.iter().map(|v| flow(v, style)).collect::<Vec<_>>().join(", ")),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", scalar(&Value::String(k.clone()), style), flow(v, style)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => scalar(value, style),
    }
}

/// A scalar: plain when it reads back as the same string in any context, else JSON-quoted
/// (a JSON string is a valid YAML double-quoted scalar).
fn scalar(value: &Value, style: &Style) -> String {
    match value {
        Value::String(s) if !style.json && is_plain_safe(s) => s.clone(),
        _ => value.to_string(),
    }
}

fn is_plain_safe(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '/')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && matches!(resolve_plain(s), NodeKind::Str(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::ValueExt;
    use crate::yaml::parse_range;
    use serde_json::json;

    /// Sets `path` in the document `text`, re-parses, and checks that exactly that field
    /// changed; returns the edited text.
    fn set(text: &str, path: &str, value: Value) -> String {
        let root = parse_range(text, 0, text.len()).expect("parses").expect("a document");
        let style = Style::infer(text, &root);
        let edit = set_field(text, &root, &FieldPath::parse(path), &value, &style).expect("an edit");
        let mut out = text.to_string();
        out.replace_range(edit.start..edit.end, &edit.text);
        let after = parse_range(&out, 0, out.len()).unwrap_or_else(|e| panic!("{out}\n{e:?}")).expect("a document");
        let mut expected = root.to_json();
        expected.set_at(&super::super::editor::pointer(&FieldPath::parse(path)), value);
        assert_eq!(after.to_json(), expected, "edited text:\n{out}");
        out
    }

    /// Each `(text, path, value, edited text)`.
    fn sets(cases: &[(&str, &str, Value, &str)]) {
        for (text, path, value, expected) in cases {
            assert_eq!(set(text, path, value.clone()), *expected, "setting {path} in {text:?}");
        }
    }

    fn refused(text: &str, path: &str, value: Value) -> String {
        let root = parse_range(text, 0, text.len()).unwrap().unwrap();
        let style = Style::infer(text, &root);
        set_field(text, &root, &FieldPath::parse(path), &value, &style).expect_err("no edit")
    }

    const DEPLOYMENT: &str = "\
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx # pinned later
          ports:
            - containerPort: 80

        # sidecar next
        - name: side
          image: busybox
      volumes: []
";

    #[test]
    fn sequences_grow_by_one_item_past_the_end() {
        sets(&[
            ("a:\n- x\n- y\nb: 1\n", "a[2]", json!("z"), "a:\n- x\n- y\n- z\nb: 1\n"),
            ("a:\n  - {k: 1}\n", "a[1]", json!({"k": 2}), "a:\n  - {k: 1}\n  - {k: 2}\n"),
            ("a: [x]\n", "a[1]", json!("z"), "a: [x, z]\n"),
            ("a:\n- x # note\n", "a[1]", json!("z"), "a:\n- x # note\n- z\n"),
            ("a:\n- [x]\n", "a[1]", json!(["z"]), "a:\n- [x]\n- [z]\n"),
        ]);
        assert!(refused("a: []\n", "a[0]", json!("x")).contains("empty"));
        assert!(refused("a: [x]\n", "a[2]", json!("z")).contains("no item"));
    }

    #[test]
    fn block_mappings_get_new_keys_at_their_indentation() {
        let out =
            set(DEPLOYMENT, "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation", json!(false));
        assert!(out.contains(
            "            - containerPort: 80\n          securityContext:\n            allowPrivilegeEscalation: false\n\n"
        ));
        let out = set(
            DEPLOYMENT,
            "spec.template.spec.containers[1].securityContext",
            json!({"capabilities": {"drop": ["ALL"]}}),
        );
        assert!(out.contains("          image: busybox\n          securityContext:\n            capabilities:\n              drop:\n                - ALL\n      volumes"), "{out}");
        let out = set(DEPLOYMENT, "spec.template.spec.securityContext.runAsNonRoot", json!(true));
        assert!(out.ends_with("      volumes: []\n      securityContext:\n        runAsNonRoot: true\n"), "{out}");
    }

    #[test]
    fn indentation_and_sequences_follow_the_document() {
        sets(&[
            // Siblings' indentation wins over the default.
            ("a:\n    b: 1\nc:\n    d: 1\n", "c.e.f", json!("x"), "a:\n    b: 1\nc:\n    d: 1\n    e:\n        f: x\n"),
            ("a: 1", "b", json!(2), "a: 1\nb: 2\n"),
            // go-yaml style sequences: `-` at the key's column.
            ("l:\n- a\nx:\n  y: 1\n", "x.drop", json!(["ALL"]), "l:\n- a\nx:\n  y: 1\n  drop:\n  - ALL\n"),
            // No block sequence anywhere: flow.
            ("x:\n  y: 1\n", "x.drop", json!(["ALL"]), "x:\n  y: 1\n  drop: [ALL]\n"),
        ]);
    }

    #[test]
    fn flow_mappings_grow_inside_their_braces() {
        sets(&[
            (
                "containers:\n- {name: a, image: nginx}\n",
                "containers[0].securityContext.capabilities.drop",
                json!(["ALL"]),
                "containers:\n- {name: a, image: nginx, securityContext: {capabilities: {drop: [ALL]}}}\n",
            ),
            ("x: {}\n", "x.a", json!("b"), "x: {a: b}\n"),
            ("x: {a: 1, s: {r: false}}\n", "x.s.r", json!(true), "x: {a: 1, s: {r: true}}\n"),
            ("x: {\n  a: 1 # one\n}\n", "x.b", json!(2), "x: {\n  a: 1, b: 2 # one\n}\n"),
        ]);
    }

    #[test]
    fn values_are_replaced_where_they_stand() {
        sets(&[
            ("s:\n  a: true # why\n  r: false\n", "s.a", json!(false), "s:\n  a: false # why\n  r: false\n"),
            (
                "c:\n  drop:\n  - NET_RAW\n  - CHOWN\n  x: 1\n",
                "c.drop",
                json!(["ALL"]),
                "c:\n  drop:\n  - ALL\n  x: 1\n",
            ),
            ("a:\n  b: [1, 2]\n", "a.b", json!([]), "a:\n  b: []\n"),
        ]);
    }

    #[test]
    fn empty_values_become_mappings() {
        sets(&[
            ("c:\n  sc:\n  name: x\n", "c.sc.r", json!(true), "c:\n  sc:\n    r: true\n  name: x\n"),
            ("c:\n  sc: null # none\n", "c.sc.a", json!(1), "c:\n  sc:\n    a: 1 # none\n"),
            ("c: {sc: ~}\n", "c.sc.a", json!(1), "c: {sc: {a: 1}}\n"),
        ]);
    }

    #[test]
    fn json_documents_stay_json() {
        let text = "{\"spec\": {\"containers\": [{\"name\": \"a\"}]}}\n";
        let out = set(text, "spec.containers[0].securityContext.seccompProfile.type", json!("RuntimeDefault"));
        assert_eq!(
            out,
            "{\"spec\": {\"containers\": [{\"name\": \"a\", \"securityContext\": {\"seccompProfile\": {\"type\": \"RuntimeDefault\"}}}]}}\n"
        );
        serde_json::from_str::<Value>(&out).expect("still JSON");
    }

    #[test]
    fn strings_are_quoted_when_they_would_read_back_otherwise() {
        sets(&[
            ("a: 1\n", "b", json!("true"), "a: 1\nb: \"true\"\n"),
            ("a: 1\n", "b", json!("x: y"), "a: 1\nb: \"x: y\"\n"),
            ("a: 1\n", "b", json!("é"), "a: 1\nb: \"é\"\n"),
            ("é: {}\n", "é.b", json!("x"), "é: {b: x}\n"),
        ]);
    }

    #[test]
    fn what_is_not_written_here_is_not_edited() {
        assert!(refused("a: &x {b: 1}\nc: *x\n", "c.d", json!(1)).contains("alias"));
        assert!(refused("base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n", "c.x", json!(2)).contains("merge"));
        assert!(refused("a: 1\n", "a.b", json!(1)).contains("not a mapping"));
        assert!(refused("a: [x]\n", "a[3].b", json!(1)).contains("no item"));
    }

    #[test]
    fn block_scalars_keep_their_text() {
        let text = "a:\n  script: |\n    echo hi\n\n  # note\nb: 1\n";
        assert_eq!(set(text, "a.c", json!(true)), "a:\n  script: |\n    echo hi\n  c: true\n\n  # note\nb: 1\n");
    }
}
