//! Sets fields of one document step by step. Each step is one builder edit that is re-parsed
//! and compared with what it must mean (the document's value with that one field set) before
//! the next step sees the new text; the steps are then merged into edits of the original.

use super::Edit;
use super::set_field::{self, Style};
use crate::path::{FieldPath, Segment};
use crate::value::{ValueExt, escape_pointer};
use crate::yaml::{self, Node};
use serde_json::Value;

pub(super) struct DocumentEditor<'a> {
    original: &'a str,
    /// The source text with the steps so far applied.
    text: String,
    /// The document's range in `text`.
    start: usize,
    end: usize,
    style: Style,
    /// The steps so far, in the original text's offsets: sorted, apart from each other.
    edits: Vec<Edit>,
}

impl<'a> DocumentEditor<'a> {
    pub fn new(original: &'a str, start: usize, end: usize) -> Result<Self, String> {
        let root = parse(original, start, end)?;
        let style = Style::infer(original, &root);
        Ok(DocumentEditor { original, text: original.to_string(), start, end, style, edits: Vec::new() })
    }

    /// Sets `path` to `value`. A mapping value that meets an existing mapping is merged into it
    /// key by key, so what is already there stays.
    pub fn set(&mut self, path: &FieldPath, value: &Value) -> Result<(), String> {
        let root = parse(&self.text, self.start, self.end)?;
        let (node, matched) = path.locate(&root);
        if matched == path.segments().len() {
            if node.to_json() == *value {
                return Ok(());
            }
            if let (Value::Object(entries), Some(_)) = (value, node.as_map()) {
                for (key, child) in entries {
                    self.set(&path.clone().field(key), child)?;
                }
                return Ok(());
            }
        }
        let edit = set_field::set_field(&self.text, &root, path, value, &self.style)?;
        let mut after = self.text.clone();
        after.replace_range(edit.start..edit.end, &edit.text);
        let end = self.end + edit.text.len() - (edit.end - edit.start);
        let mut expected = root.to_json();
        expected.set_at(&pointer(path), value.clone());
        if parse(&after, self.start, end)?.to_json() != expected {
            return Err(format!("setting {path} would change more than that field"));
        }
        compose(&mut self.edits, edit, &after);
        self.text = after;
        self.end = end;
        Ok(())
    }

    /// The edits of the original text, each trimmed to what really changes.
    pub fn finish(self) -> Vec<Edit> {
        self.edits.into_iter().filter_map(|edit| trim(self.original, edit)).collect()
    }
}

fn parse(text: &str, start: usize, end: usize) -> Result<Node, String> {
    match yaml::parse_range(text, start, end) {
        Ok(Some(root)) => Ok(root),
        Ok(None) => Err("the document is empty".into()),
        Err(error) => Err(format!("the edited document does not parse: {}", error.message)),
    }
}

/// The JSON pointer of a field path.
pub(super) fn pointer(path: &FieldPath) -> String {
    path.segments()
        .iter()
        .map(|segment| match segment {
            Segment::Field(name) | Segment::Key(name) => format!("/{}", escape_pointer(name)),
            Segment::Index(i) => format!("/{i}"),
        })
        .collect()
}

/// Adds `new` (an edit of the current text, which `after` is the result of) to `edits` (edits
/// of the original): apart from the others it is shifted back into the original's offsets;
/// touching or overlapping some, it is merged with them into one edit.
fn compose(edits: &mut Vec<Edit>, new: Edit, after: &str) {
    let grown = new.text.len() as isize - (new.end - new.start) as isize;
    // How far the current text is ahead of the original before the edit looked at.
    let mut delta = 0isize;
    let mut merged: Option<(usize, usize, isize)> = None; // first, last, delta before first
    let (mut from, mut to) = (new.start, new.end);
    let mut insert_at = edits.len();
    for (k, edit) in edits.iter().enumerate() {
        let start = (edit.start as isize + delta) as usize;
        let end = start + edit.text.len();
        if end < new.start {
            delta += edit.text.len() as isize - (edit.end - edit.start) as isize;
            continue;
        }
        if start > new.end {
            insert_at = k;
            break;
        }
        let first = merged.map_or((k, delta), |(first, _, before)| (first, before));
        merged = Some((first.0, k, first.1));
        from = from.min(start);
        to = to.max(end);
        delta += edit.text.len() as isize - (edit.end - edit.start) as isize;
    }
    match merged {
        None => {
            let shift = |at: usize| (at as isize - delta) as usize;
            edits.insert(insert_at, Edit { start: shift(new.start), end: shift(new.end), text: new.text });
        }
        Some((first, last, before)) => {
            let start = (from as isize - before) as usize;
            let end = (to as isize - delta) as usize;
            let text = after[from..(to as isize + grown) as usize].to_string();
            edits.splice(first..=last, [Edit { start, end, text }]);
        }
    }
}

/// Drops what an edit's replacement shares with the text it replaces at both ends; `None`
/// when nothing changes.
fn trim(original: &str, mut edit: Edit) -> Option<Edit> {
    let old = &original[edit.start..edit.end];
    let mut prefix = old.bytes().zip(edit.text.bytes()).take_while(|(a, b)| a == b).count();
    while !old.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let (old_rest, new_rest) = (&old[prefix..], &edit.text[prefix..]);
    let mut suffix = old_rest.bytes().rev().zip(new_rest.bytes().rev()).take_while(|(a, b)| a == b).count();
    while !old_rest.is_char_boundary(old_rest.len() - suffix) || !new_rest.is_char_boundary(new_rest.len() - suffix) {
        suffix -= 1;
    }
    if old_rest.len() == suffix && new_rest.len() == suffix {
        return None;
    }
    edit.text = new_rest[..new_rest.len() - suffix].to_string();
    edit.end -= suffix;
    edit.start += prefix;
    Some(edit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, edits: &[Edit]) -> String {
        let mut out = text.to_string();
        for edit in edits.iter().rev() {
            out.replace_range(edit.start..edit.end, &edit.text);
        }
        out
    }

    /// Applies steps one after the other and checks the composed edits give the same text.
    fn steps(original: &str, steps: &[(usize, usize, &str)]) -> Vec<Edit> {
        let mut text = original.to_string();
        let mut edits = Vec::new();
        for &(start, end, replacement) in steps {
            let mut after = text.clone();
            after.replace_range(start..end, replacement);
            compose(&mut edits, Edit { start, end, text: replacement.into() }, &after);
            text = after;
            assert_eq!(apply(original, &edits), text, "after step {start}..{end} {replacement:?}");
            assert!(edits.windows(2).all(|w| w[0].end < w[1].start), "{edits:?}");
        }
        edits
    }

    #[test]
    fn apart_edits_stay_apart_and_shift_back() {
        let edits = steps("0123456789", &[(2, 3, "ab"), (8, 9, ""), (0, 0, "x")]);
        assert_eq!(edits.len(), 3);
        assert_eq!(edits[0], Edit { start: 0, end: 0, text: "x".into() });
        assert_eq!(edits[2], Edit { start: 7, end: 8, text: String::new() });
    }

    #[test]
    fn touching_and_nested_edits_merge() {
        let edits = steps("aaaa\nbbbb\n", &[(5, 5, "x: 1\n"), (10, 10, "y: 2\n"), (8, 9, "Z")]);
        assert_eq!(edits, vec![Edit { start: 5, end: 5, text: "x: Z\ny: 2\n".into() }]);
        let edits = steps("0123456789", &[(2, 4, "abcdef"), (0, 9, "")]);
        assert_eq!(apply("0123456789", &edits), "56789");
    }

    #[test]
    fn steps_at_the_same_place_come_out_in_order_and_mean_what_was_set() {
        // The container's mapping and the pod spec end on the same line: both insertions
        // land there, the container's first.
        let text = "kind: Pod\nspec:\n  containers:\n  - name: a\n    image: x\n---\nkind: Other\n";
        let (start, end) = crate::yaml::document_ranges(text)[0];
        let mut editor = DocumentEditor::new(text, start, end).expect("parses");
        let container = FieldPath::parse("spec.containers[0].securityContext");
        editor.set(&container, &serde_json::json!({"capabilities": {"drop": ["ALL"]}})).expect("set");
        editor.set(&FieldPath::parse("spec.securityContext.runAsNonRoot"), &serde_json::json!(true)).expect("set");
        editor.set(&container.clone().field("allowPrivilegeEscalation"), &serde_json::json!(false)).expect("set");
        let edits = editor.finish();
        assert_eq!(edits.len(), 1, "{edits:?}");
        let out = apply(text, &edits);
        let root = parse(&out, 0, out.find("---").unwrap()).expect("parses").to_json();
        assert_eq!(
            root.pointer("/spec"),
            Some(&serde_json::json!({
                "containers": [{"name": "a", "image": "x", "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}],
                "securityContext": {"runAsNonRoot": true},
            }))
        );
        assert!(out.ends_with("---\nkind: Other\n"), "{out}");
    }

    #[test]
    fn a_step_that_cannot_be_written_safely_is_an_error() {
        let text = "a: &x {b: 1}\nc: *x\n";
        let mut editor = DocumentEditor::new(text, 0, text.len()).expect("parses");
        assert!(editor.set(&FieldPath::parse("c.d"), &serde_json::json!(1)).is_err());
        assert!(editor.finish().is_empty());
    }

    #[test]
    fn trimming_keeps_character_boundaries() {
        let edit = trim("aéb", Edit { start: 0, end: 4, text: "aèb".into() }).unwrap();
        assert_eq!(edit, Edit { start: 1, end: 3, text: "è".into() });
        assert_eq!(trim("abc", Edit { start: 0, end: 3, text: "abc".into() }), None);
        let edit = trim("ab", Edit { start: 1, end: 1, text: "xb".into() }).unwrap();
        assert_eq!(apply("ab", &[edit]), "axbb");
    }
}
