//! Fixes as data: what a finding's fix changes ([`Plan`]), turned into text edits of the
//! input ([`TextEdit`]) that front ends apply with [`apply_edits`], and checked again by the
//! engine ([`recheck`]).
//!
//! The stage that makes a finding knows *what* must change (a document and field values, or
//! an object to add); the builders here know *how* to write that into the user's text in its
//! own style (`set_field`, `append_document`). Every edit is re-parsed before it is kept: a
//! builder that cannot keep the document valid and the rest of it unchanged gives no edit.

mod append_document;
mod editor;
pub(crate) mod missing_object;
pub(crate) mod pod_security;
pub(crate) mod psp;
pub(crate) mod recheck;
mod set_field;

use crate::path::FieldPath;
use crate::report::{Finding, TextEdit};
use crate::source::Source;
use crate::yaml::Node;
use serde_json::Value;

/// What a fix changes, before it is written as text.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Plan {
    /// Set fields of one parsed document (an index into `Cluster::documents`), in order;
    /// paths start at the document's root, missing mappings are created.
    SetFields { document: usize, sets: Vec<(FieldPath, Value)> },
    /// Add an object as a new document at the end of a manifest source.
    AppendObject { source: usize, object: Value },
}

/// An edit of one text, in byte offsets (internal form of [`TextEdit`]).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Edit {
    start: usize,
    end: usize,
    text: String,
}

/// Applies one source's edits: sorted by `start`, not overlapping, on character boundaries.
/// Anything else is an `Err` (never a panic), so front ends can pass along what they got.
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut at = 0usize;
    for (i, edit) in edits.iter().enumerate() {
        if edits.first().is_some_and(|first| first.source != edit.source) {
            return Err(format!("edit {i} is for source {}, the others for {}", edit.source, edits[0].source));
        }
        let (start, end) = (edit.start as usize, edit.end as usize);
        if start > end || end > text.len() {
            return Err(format!("edit {i} ({start}..{end}) is outside the text ({} bytes)", text.len()));
        }
        if start < at {
            return Err(format!("edit {i} ({start}..{end}) overlaps the one before or is out of order"));
        }
        if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            return Err(format!("edit {i} ({start}..{end}) does not fall on character boundaries"));
        }
        out.push_str(&text[at..start]);
        out.push_str(&edit.replacement);
        at = end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// Turns the findings' plans into text edits (each distinct plan is built once).
pub(crate) fn materialise(findings: &mut [Finding], sources: &[Source], documents: &[Node]) {
    let mut built: Vec<(Plan, Vec<TextEdit>)> = Vec::new();
    for finding in findings.iter_mut() {
        let Some(plan) = finding.plan.take() else { continue };
        let Some(fix) = finding.fix.as_mut() else { continue };
        let edits = match built.iter().find(|(p, _)| *p == plan) {
            Some((_, edits)) => edits.clone(),
            None => {
                // A plan the builders cannot write safely leaves the fix to a human.
                let edits = edits_for(&plan, sources, documents).unwrap_or_default();
                built.push((plan, edits.clone()));
                edits
            }
        };
        fix.edits = edits;
    }
}

fn edits_for(plan: &Plan, sources: &[Source], documents: &[Node]) -> Result<Vec<TextEdit>, String> {
    let (source, edits) = match plan {
        Plan::SetFields { document, sets } => {
            let root = documents.get(*document).ok_or("no such document")?;
            let source = root.span.source as usize;
            let text = &sources.get(source).ok_or("no such source")?.text;
            let at = root.span.start as usize;
            let (start, end) = crate::yaml::document_ranges(text)
                .into_iter()
                .find(|&(start, end)| start <= at && at < end)
                .ok_or("the document is not in its source any more")?;
            let mut editor = editor::DocumentEditor::new(text, start, end)?;
            for (path, value) in sets {
                editor.set(path, value)?;
            }
            (source, editor.finish())
        }
        Plan::AppendObject { source, object } => {
            let text = &sources.get(*source).ok_or("no such source")?.text;
            (*source, vec![append_document::append_document(text, object)?])
        }
    };
    Ok(edits
        .into_iter()
        .map(|e| TextEdit { source, start: e.start as u32, end: e.end as u32, replacement: e.text })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: u32, end: u32, replacement: &str) -> TextEdit {
        TextEdit { source: 0, start, end, replacement: replacement.into() }
    }

    #[test]
    fn edits_apply_in_order() {
        let edits = [edit(0, 1, "A"), edit(2, 2, "+"), edit(3, 4, "")];
        assert_eq!(apply_edits("abcd", &edits).unwrap(), "Ab+c");
        assert_eq!(apply_edits("abcd", &[]).unwrap(), "abcd");
    }

    #[test]
    fn bad_edits_are_errors_not_panics() {
        assert!(apply_edits("abcd", &[edit(2, 3, ""), edit(1, 2, "")]).is_err());
        assert!(apply_edits("abcd", &[edit(1, 3, ""), edit(2, 4, "")]).is_err());
        assert!(apply_edits("abcd", &[edit(3, 9, "")]).is_err());
        assert!(apply_edits("abcd", &[edit(3, 2, "")]).is_err());
        assert!(apply_edits("é", &[edit(1, 2, "")]).is_err());
        let mut other = edit(3, 3, "");
        other.source = 1;
        assert!(apply_edits("abcd", &[edit(0, 0, ""), other]).is_err());
    }
}
