//! Reading manifests the way `kubectl apply -f` does.
//!
//! 1. The stream is cut into documents at lines starting with `---`
//!    (`k8s.io/apimachinery/pkg/util/yaml.YAMLReader`), or into top-level JSON values when
//!    it starts with `{` (`YAMLOrJSONDecoder`). A broken document does not hide the others.
//! 2. Each document is parsed into a [`Node`] tree that keeps byte spans, with go-yaml v2's
//!    scalar rules ([`resolve`]), merge keys, and bounds on size, depth and aliasing so that
//!    hostile input fails fast with a clear message instead of exhausting memory or stack.

mod emit;
mod node;
mod resolve;

pub use emit::to_yaml;
pub use node::{Node, NodeKind, float_to_json};
pub(crate) use resolve::resolve_plain;

use crate::source::{Source, Span};
use saphyr_parser::{Event, Parser, ScalarStyle, Span as YSpan};
use std::collections::HashMap;

/// The API server refuses request bodies above 3 MiB (`Request entity too large`).
pub const MAX_DOCUMENT_BYTES: usize = 3 * 1024 * 1024;
/// Nesting deeper than this is refused; real objects (CRD schemas included) stay far below.
pub const MAX_DEPTH: usize = 256;
/// Hard cap on nodes materialised by one document, aliases included.
const MAX_NODES: usize = 1_000_000;

/// One document of a stream, before or after parsing.
#[derive(Debug)]
pub struct Document {
    /// 0-based position in its source.
    pub index: usize,
    pub span: Span,
    /// The chart template named by Helm's `# Source:` comment, if any.
    pub helm_source: Option<String>,
    /// `None` for documents holding nothing but comments or whitespace.
    pub result: Result<Option<Node>, YamlError>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct YamlError {
    pub message: String,
    pub span: Span,
}

/// Splits and parses every document of a source.
pub fn parse_source(source_index: usize, source: &Source) -> Vec<Document> {
    let text = source.text.as_str();
    split_stream(text)
        .into_iter()
        .enumerate()
        .map(|(index, chunk)| {
            let span = Span::new(source_index, chunk.start, chunk.end);
            let helm_source = helm_source_comment(&text[chunk.start..chunk.end]);
            let result = match chunk.error {
                Some(message) => Err(YamlError { message, span: Span::new(source_index, chunk.start, chunk.start) }),
                None => parse_chunk(source_index, text, &source.invalid_utf8_at, chunk.start, chunk.end),
            };
            Document { index, span, helm_source, result }
        })
        .collect()
}

fn split_stream(text: &str) -> Vec<Chunk> {
    if text.trim_start().starts_with('{') { split_json_stream(text) } else { split_yaml_stream(text) }
}

/// Where each document of a stream starts and ends (byte offsets), cut as [`parse_source`]
/// cuts it; fix builders re-read one document at a time.
pub(crate) fn document_ranges(text: &str) -> Vec<(usize, usize)> {
    split_stream(text).into_iter().map(|c| (c.start, c.end)).collect()
}

/// Parses the document at `start..end` of `text` (a range from [`document_ranges`]) with
/// spans in `text`'s coordinates.
pub(crate) fn parse_range(text: &str, start: usize, end: usize) -> Result<Option<Node>, YamlError> {
    parse_chunk(0, text, &[], start, end)
}

struct Chunk {
    start: usize,
    end: usize,
    error: Option<String>,
}

fn split_yaml_stream(text: &str) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    let mut pending_error = None;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if offset > start || pending_error.is_some() {
                chunks.push(Chunk { start, end: offset, error: pending_error.take() });
            }
            start = offset + line.len();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                pending_error = Some(format!("invalid Yaml document separator: {trimmed}"));
                start = offset;
            }
        }
        offset += line.len();
    }
    if offset > start || pending_error.is_some() {
        chunks.push(Chunk { start, end: offset, error: pending_error });
    }
    chunks
}

/// Cuts a stream of concatenated JSON values at their top-level boundaries.
fn split_json_stream(text: &str) -> Vec<Chunk> {
    let bytes = text.as_bytes();
    let mut chunks = Vec::new();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                if depth == 0 {
                    start = Some(i);
                }
                depth += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && let Some(s) = start.take()
                {
                    chunks.push(Chunk { start: s, end: i + 1, error: None });
                }
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        chunks.push(Chunk { start: s, end: text.len(), error: None });
    }
    chunks
}

fn helm_source_comment(chunk: &str) -> Option<String> {
    for line in chunk.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("# Source:") {
            return Some(rest.trim().to_string());
        }
        if !line.is_empty() && !line.starts_with('#') {
            break;
        }
    }
    None
}

fn parse_chunk(
    source_index: usize,
    text: &str,
    invalid_utf8_at: &[usize],
    start: usize,
    end: usize,
) -> Result<Option<Node>, YamlError> {
    let chunk = &text[start..end];
    let error_at =
        |offset: usize, message: String| YamlError { message, span: Span::new(source_index, offset, offset) };
    if chunk.len() > MAX_DOCUMENT_BYTES {
        return Err(error_at(
            start,
            format!(
                "Request entity too large: limit is {MAX_DOCUMENT_BYTES} (this document has {} bytes)",
                chunk.len()
            ),
        ));
    }
    if let Some(&bad) = invalid_utf8_at.iter().find(|&&at| at >= start && at < end) {
        return Err(error_at(bad, "invalid leading UTF-8 octet".to_string()));
    }
    if chunk.trim().is_empty() || chunk.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
        return Ok(None);
    }
    Builder::new(source_index, start, chunk).run()
}

enum Frame {
    Seq { items: Vec<Node>, start: usize, anchor: usize },
    Map { entries: Vec<(Node, Node)>, key: Option<Node>, start: usize, anchor: usize },
}

struct Anchored {
    node: Node,
    aliases_inside: usize,
}

/// Builds the tree from parser events without recursion.
struct Builder<'a> {
    source_index: usize,
    base: usize,
    text: &'a str,
    /// Byte offset of every character, only for non-ASCII chunks (parser marks count characters).
    char_offsets: Option<Vec<u32>>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    decoded: usize,
    aliases: usize,
    /// Alias counts at the start of each open anchored collection.
    anchor_alias_marks: Vec<usize>,
}

impl<'a> Builder<'a> {
    fn new(source_index: usize, base: usize, text: &'a str) -> Self {
        let char_offsets = (!text.is_ascii()).then(|| {
            let mut offsets: Vec<u32> = text.char_indices().map(|(i, _)| i as u32).collect();
            offsets.push(text.len() as u32);
            offsets
        });
        Builder {
            source_index,
            base,
            text,
            char_offsets,
            stack: Vec::new(),
            anchors: HashMap::new(),
            decoded: 0,
            aliases: 0,
            anchor_alias_marks: Vec::new(),
        }
    }

    fn offset(&self, char_index: usize) -> usize {
        let local = match &self.char_offsets {
            Some(offsets) => offsets.get(char_index).map_or(self.text.len(), |&o| o as usize),
            None => char_index.min(self.text.len()),
        };
        self.base + local
    }

    fn span(&self, span: &YSpan) -> Span {
        Span::new(self.source_index, self.offset(span.start.index()), self.offset(span.end.index()))
    }

    fn error(&self, char_index: usize, message: impl Into<String>) -> YamlError {
        let at = self.offset(char_index);
        YamlError { message: message.into(), span: Span::new(self.source_index, at, at) }
    }

    fn run(mut self) -> Result<Option<Node>, YamlError> {
        let mut parser = Parser::new_from_str(self.text);
        let mut root: Option<Node> = None;
        let mut documents = 0;
        while let Some(next) = parser.next_event() {
            let (event, yspan) = next.map_err(|e| self.error(e.marker().index(), e.info().to_string()))?;
            match event {
                Event::DocumentStart(_) => {
                    documents += 1;
                    if documents > 1 {
                        // go-yaml's Unmarshal reads only the first document of its input.
                        break;
                    }
                }
                Event::Scalar(value, style, anchor, tag) => {
                    let kind = match (&tag, style) {
                        (Some(tag), _) if tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!" => {
                            resolve::resolve_tagged(&value, &tag.suffix).ok_or_else(|| {
                                self.error(yspan.start.index(), format!("cannot decode !!{} `{}`", tag.suffix, value))
                            })?
                        }
                        (_, ScalarStyle::Plain) if tag.is_none() => resolve::resolve_plain(&value),
                        _ => NodeKind::Str(value.into_owned()),
                    };
                    let node = Node::new(kind, self.span(&yspan));
                    self.count(1, yspan.start.index())?;
                    if anchor > 0 {
                        self.anchors.insert(anchor, Anchored { node: node.clone(), aliases_inside: 0 });
                    }
                    if let Some(done) = self.push(node, yspan.start.index())? {
                        root = Some(done);
                    }
                }
                Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                    if self.stack.len() >= MAX_DEPTH {
                        return Err(self.error(yspan.start.index(), format!("exceeded max depth of {MAX_DEPTH}")));
                    }
                    self.count(1, yspan.start.index())?;
                    let start = self.offset(yspan.start.index());
                    self.anchor_alias_marks.push(self.aliases);
                    self.stack.push(if matches!(event, Event::SequenceStart(..)) {
                        Frame::Seq { items: Vec::new(), start, anchor }
                    } else {
                        Frame::Map { entries: Vec::new(), key: None, start, anchor }
                    });
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let end = self.offset(yspan.end.index());
                    let aliases_before = self.anchor_alias_marks.pop().unwrap_or(self.aliases);
                    let (node, anchor) = match self.stack.pop() {
                        Some(Frame::Seq { items, start, anchor }) => {
                            (Node::new(NodeKind::Seq(items), Span::new(self.source_index, start, end)), anchor)
                        }
                        Some(Frame::Map { entries, start, anchor, .. }) => {
                            let entries = merge_keys(entries);
                            (Node::new(NodeKind::Map(entries), Span::new(self.source_index, start, end)), anchor)
                        }
                        None => continue,
                    };
                    if anchor > 0 {
                        let aliases_inside = self.aliases - aliases_before;
                        self.anchors.insert(anchor, Anchored { node: node.clone(), aliases_inside });
                    }
                    if let Some(done) = self.push(node, yspan.start.index())? {
                        root = Some(done);
                    }
                }
                Event::Alias(id) => {
                    let Some(anchored) = self.anchors.get(&id) else {
                        return Err(self.error(yspan.start.index(), "unknown anchor referenced"));
                    };
                    let (size, inside) = (anchored.node.size(), anchored.aliases_inside);
                    self.aliases += 1 + inside;
                    self.count(size, yspan.start.index())?;
                    let mut node = self.anchors[&id].node.clone();
                    node.span = self.span(&yspan);
                    if let Some(done) = self.push(node, yspan.start.index())? {
                        root = Some(done);
                    }
                }
                Event::DocumentEnd | Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
            }
        }
        Ok(root)
    }

    /// Counts materialised nodes and applies go-yaml v2.4's excessive-aliasing rule.
    fn count(&mut self, nodes: usize, at: usize) -> Result<(), YamlError> {
        self.decoded += nodes;
        if self.decoded > MAX_NODES {
            return Err(self.error(at, "document contains excessive aliasing"));
        }
        if self.aliases > 100
            && self.decoded > 1000
            && self.aliases as f64 / self.decoded as f64 > allowed_alias_ratio(self.decoded)
        {
            return Err(self.error(at, "document contains excessive aliasing"));
        }
        Ok(())
    }

    /// Adds a finished node to the open collection; returns it when it is the document root.
    fn push(&mut self, node: Node, at: usize) -> Result<Option<Node>, YamlError> {
        let key_error_span = self.error(at, "").span;
        match self.stack.last_mut() {
            None => Ok(Some(node)),
            Some(Frame::Seq { items, .. }) => {
                items.push(node);
                Ok(None)
            }
            Some(Frame::Map { entries, key, .. }) => {
                match key.take() {
                    None => *key = Some(map_key(node).map_err(|message| YamlError { message, span: key_error_span })?),
                    Some(k) => entries.push((k, node)),
                }
                Ok(None)
            }
        }
    }
}

/// go-yaml v2.4: the share of aliases allowed shrinks from 99% to 10% as documents grow.
fn allowed_alias_ratio(decoded: usize) -> f64 {
    const LOW: f64 = 400_000.0;
    const HIGH: f64 = 4_000_000.0;
    let decoded = decoded as f64;
    if decoded <= LOW {
        0.99
    } else if decoded >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decoded - LOW) / (HIGH - LOW))
    }
}

/// JSON keys are strings: scalars are printed as `sigs.k8s.io/yaml` prints them.
fn map_key(node: Node) -> Result<Node, String> {
    let text = match &node.kind {
        NodeKind::Str(s) => return Ok(Node::new(NodeKind::Str(s.clone()), node.span)),
        NodeKind::Null => "null".to_string(),
        NodeKind::Bool(b) => b.to_string(),
        NodeKind::Int(i) => i.to_string(),
        NodeKind::UInt(u) => u.to_string(),
        NodeKind::Float(f) => float_to_json(*f).to_string(),
        NodeKind::Seq(_) | NodeKind::Map(_) => {
            return Err("invalid map key: a mapping or sequence cannot be a key".into());
        }
    };
    Ok(Node::new(NodeKind::Str(text), node.span))
}

/// Applies YAML merge keys (`<<: *base`): explicit keys win, earlier merged maps win.
fn merge_keys(entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
    if !entries.iter().any(|(k, _)| k.as_str() == Some("<<")) {
        return entries;
    }
    let mut own = Vec::new();
    let mut merged: Vec<(Node, Node)> = Vec::new();
    for (key, value) in entries {
        if key.as_str() != Some("<<") {
            own.push((key, value));
            continue;
        }
        let sources: Vec<Node> = match value.kind {
            NodeKind::Map(_) => vec![value],
            NodeKind::Seq(ref items) => items.clone(),
            _ => Vec::new(),
        };
        for source in sources {
            if let NodeKind::Map(ref inner) = source.kind {
                for (k, v) in inner {
                    if !merged.iter().any(|(m, _)| m.as_str() == k.as_str()) {
                        merged.push((k.clone(), v.clone()));
                    }
                }
            }
        }
    }
    merged.retain(|(k, _)| !own.iter().any(|(o, _)| o.as_str() == k.as_str()));
    merged.extend(own);
    merged
}

#[cfg(test)]
mod tests;
