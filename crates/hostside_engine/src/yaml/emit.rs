//! YAML output as `kubectl get -o yaml` prints it: `sigs.k8s.io/yaml` turns the JSON into
//! go-yaml v2 values and marshals them, so keys come in go-yaml's natural order, strings
//! that would read back as another type are double-quoted, multi-line strings use literal
//! style, and long lines fold at spaces past column 80 (libyaml's emitter, which go-yaml
//! v2 ports). Modelled on go-yaml v2.4 `encode.go`/`emitterc.go` (behaviour, not code).

use super::node::NodeKind;
use super::resolve::resolve_plain;
use serde_json::{Map, Value};
use std::cmp::Ordering;

const BEST_WIDTH: usize = 80;

/// The YAML text of a JSON value, ending in a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut out = Emitter { out: String::new(), column: 0 };
    out.node(value, 0, Context::Root);
    if !out.out.ends_with('\n') {
        out.out.push('\n');
    }
    out.out
}

#[derive(Clone, Copy, PartialEq)]
enum Context {
    Root,
    /// After `key:` — scalars go on the same line.
    MapValue,
    /// After `- ` — mappings start on the same line.
    SeqItem,
}

struct Emitter {
    out: String,
    column: usize,
}

impl Emitter {
    fn write(&mut self, text: &str) {
        self.out.push_str(text);
        match text.rfind('\n') {
            Some(i) => self.column = text[i + 1..].chars().count(),
            None => self.column += text.chars().count(),
        }
    }

    fn newline(&mut self, indent: usize) {
        self.out.push('\n');
        self.out.push_str(&" ".repeat(indent));
        self.column = indent;
    }

    fn node(&mut self, value: &Value, indent: usize, context: Context) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                for (i, key) in sorted_keys(map).into_iter().enumerate() {
                    match (i, context) {
                        (0, Context::SeqItem | Context::Root) => {}
                        _ => self.newline(indent),
                    }
                    self.scalar_string(key, indent, true);
                    self.write(":");
                    let child = &map[key];
                    match child {
                        Value::Object(m) if !m.is_empty() => {
                            self.newline(indent + 2);
                            self.node(child, indent + 2, Context::Root);
                        }
                        Value::Array(a) if !a.is_empty() => {
                            // go-yaml puts a mapping's sequence items at the key's indentation.
                            self.newline(indent);
                            self.node(child, indent, Context::MapValue);
                        }
                        _ => {
                            self.write(" ");
                            self.node(child, indent + 2, Context::MapValue);
                        }
                    }
                }
            }
            Value::Array(items) if !items.is_empty() => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.newline(indent);
                    }
                    self.write("- ");
                    match item {
                        Value::Array(inner) if !inner.is_empty() => self.node(item, indent + 2, Context::SeqItem),
                        _ => self.node(item, indent + 2, Context::SeqItem),
                    }
                }
            }
            Value::Object(_) => self.write("{}"),
            Value::Array(_) => self.write("[]"),
            Value::Null => self.write("null"),
            Value::Bool(b) => self.write(if *b { "true" } else { "false" }),
            Value::Number(n) => self.write(&number(n)),
            Value::String(s) => self.scalar_string(s, indent, false),
        }
    }

    fn scalar_string(&mut self, text: &str, indent: usize, is_key: bool) {
        let analysis = analyze(text);
        let resolves_to_string = matches!(resolve_plain(text), NodeKind::Str(_))
            && !looks_like_timestamp(text)
            && !is_base60_float(text)
            && text != "<<";
        if text.contains('\n') && !is_key {
            if analysis.block_allowed {
                return self.literal(text, indent);
            }
            return self.double_quoted(text, indent);
        }
        if !text.is_empty() && resolves_to_string && analysis.plain_allowed {
            return self.plain(text, indent, !is_key);
        }
        if !text.is_empty() && resolves_to_string && analysis.single_allowed {
            return self.single_quoted(text, indent, !is_key);
        }
        self.double_quoted(text, indent);
    }

    fn write_char(&mut self, c: char) {
        let mut buf = [0; 4];
        self.write(c.encode_utf8(&mut buf));
    }

    /// A space inside a scalar: libyaml breaks the line there instead once past the width.
    fn space_or_break(&mut self, may_break: bool, indent: usize) -> bool {
        if may_break && self.column > BEST_WIDTH {
            self.newline(indent);
            true
        } else {
            self.write(" ");
            false
        }
    }

    fn plain(&mut self, text: &str, indent: usize, breaks: bool) {
        let chars: Vec<char> = text.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_is_space = chars.get(i + 1) == Some(&' ');
                self.space_or_break(breaks && !spaces && !next_is_space, indent);
                spaces = true;
            } else {
                self.write_char(c);
                spaces = false;
            }
        }
    }

    fn single_quoted(&mut self, text: &str, indent: usize, breaks: bool) {
        self.write("'");
        let chars: Vec<char> = text.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let inner = i != 0 && i != chars.len() - 1 && chars[i + 1] != ' ';
                self.space_or_break(breaks && !spaces && inner, indent);
                spaces = true;
            } else {
                if c == '\'' {
                    self.write("''");
                } else {
                    self.write_char(c);
                }
                spaces = false;
            }
        }
        self.write("'");
    }

    fn double_quoted(&mut self, text: &str, indent: usize) {
        self.write("\"");
        let chars: Vec<char> = text.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if let Some(escaped) = escape(c) {
                self.write(&escaped);
                spaces = false;
            } else if c == ' ' {
                let inner = i != 0 && i != chars.len() - 1;
                // A space right after the break would be lost: libyaml escapes it.
                if self.space_or_break(!spaces && inner, indent) && chars[i + 1] == ' ' {
                    self.write("\\");
                }
                spaces = true;
            } else {
                self.write_char(c);
                spaces = false;
            }
        }
        self.write("\"");
    }

    fn literal(&mut self, text: &str, indent: usize) {
        let trailing = text.len() - text.trim_end_matches('\n').len();
        let chomp = match trailing {
            0 => "-",
            1 => "",
            _ => "+",
        };
        let indicator = if text.starts_with(' ') { "2" } else { "" };
        self.write(&format!("|{indicator}{chomp}"));
        let body = text.strip_suffix('\n').unwrap_or(text);
        for line in body.split('\n') {
            self.out.push('\n');
            if !line.is_empty() {
                self.out.push_str(&" ".repeat(indent));
                self.out.push_str(line);
            }
        }
        self.column = 0;
    }
}

/// The double-quoted escape of a character, if it needs one.
fn escape(c: char) -> Option<String> {
    let short = match c {
        '\0' => "\\0",
        '\u{7}' => "\\a",
        '\u{8}' => "\\b",
        '\t' => "\\t",
        '\n' => "\\n",
        '\u{b}' => "\\v",
        '\u{c}' => "\\f",
        '\r' => "\\r",
        '\u{1b}' => "\\e",
        '"' => "\\\"",
        '\\' => "\\\\",
        '\u{85}' => "\\N",
        '\u{a0}' => "\\_",
        '\u{2028}' => "\\L",
        '\u{2029}' => "\\P",
        c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{feff}' => return Some(format!("\\x{:02X}", c as u32)),
        _ => return None,
    };
    Some(short.to_string())
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)` as go-yaml writes JSON numbers.
fn number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    let exponent = if f == 0.0 { 0 } else { f.abs().log10().floor() as i32 };
    if !(-4..21).contains(&exponent) {
        let text = format!("{f:e}");
        let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        format!("{mantissa}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    } else {
        format!("{f}")
    }
}

struct Analysis {
    plain_allowed: bool,
    single_allowed: bool,
    block_allowed: bool,
}

/// libyaml's `analyze_scalar`, block context.
fn analyze(text: &str) -> Analysis {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return Analysis { plain_allowed: false, single_allowed: true, block_allowed: false };
    }
    let mut block_indicators = text.starts_with("---") || text.starts_with("...");
    let mut special = false;
    let (mut line_breaks, mut space_break, mut break_space) = (false, false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) = (false, false, false, false);
    let is_blank = |c: Option<&char>| c.is_none_or(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1);
        let followed_by_whitespace = is_blank(next);
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@' | '`' => {
                    block_indicators = true
                }
                '?' | ':' if followed_by_whitespace => block_indicators = true,
                '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if matches!(chars[i - 1], ' ' | '\t') => block_indicators = true,
                _ => {}
            }
        }
        // libyaml's IS_PRINTABLE: line feed, visible ASCII, NEL and the printable Unicode
        // planes; a tab is not, and forces double quotes.
        let printable = matches!(c, '\n' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
            && c != '\u{feff}';
        if !printable {
            special = true;
        }
        if c == '\n' {
            line_breaks = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i == chars.len() - 1 {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if c == '\n' {
            if i == 0 {
                leading_break = true;
            }
            if i == chars.len() - 1 {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
    }
    let mut plain_allowed = !(block_indicators
        || leading_space
        || leading_break
        || trailing_space
        || trailing_break
        || special
        || line_breaks);
    let mut single_allowed = !special;
    let mut block_allowed = !special;
    if space_break {
        plain_allowed = false;
        single_allowed = false;
        block_allowed = false;
    }
    if break_space {
        plain_allowed = false;
        single_allowed = false;
    }
    if trailing_space {
        block_allowed = false;
    }
    if line_breaks {
        plain_allowed = false;
    }
    Analysis { plain_allowed, single_allowed, block_allowed }
}

/// go-yaml v2 resolves plain `2024-01-01`-style values as timestamps (so they get quoted).
fn looks_like_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5].is_ascii_digit()
        && b.get(7) == Some(&b'-')
        || b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[6] == b'-'
}

/// go-yaml's `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(text: &str) -> bool {
    let body = text.trim_start_matches(['-', '+']);
    let (whole, _) = body.split_once('.').unwrap_or((body, ""));
    let mut parts = whole.split(':');
    let Some(first) = parts.next() else { return false };
    if first.is_empty()
        || !first.starts_with(|c: char| c.is_ascii_digit())
        || !first.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        return false;
    }
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && rest.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 2
                && p.chars().all(|c| c.is_ascii_digit())
                && (p.len() < 2 || p.as_bytes()[0] <= b'5')
        })
}

/// go-yaml v2's `keyList.Less`: letters after other characters, digit runs by value.
fn natural_order(a: &str, b: &str) -> Ordering {
    let (ar, br): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            continue;
        }
        let (al, bl) = (ar[i].is_alphabetic(), br[i].is_alphabetic());
        if al && bl {
            return ar[i].cmp(&br[i]);
        }
        if al || bl {
            return if bl { Ordering::Less } else { Ordering::Greater };
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_ascii_digit() {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an.saturating_mul(10).saturating_add(i64::from(ar[ai] as u8 - b'0'));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn.saturating_mul(10).saturating_add(i64::from(br[bi] as u8 - b'0'));
            bi += 1;
        }
        if an != bn {
            return an.cmp(&bn);
        }
        if ai != bi {
            return ai.cmp(&bi);
        }
        return ar[i].cmp(&br[i]);
    }
    ar.len().cmp(&br.len())
}

/// Keys of a map in the order go-yaml writes them.
fn sorted_keys(map: &Map<String, Value>) -> Vec<&String> {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort_by(|a, b| natural_order(a, b));
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn output_matches_kubectl_style() {
        let value = json!({
            "metadata": {"annotations": {"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."}, "name": "kube-root-ca.crt"},
            "data": {"ca.crt": "line one\nline two\n", "flag": "true", "port": "80", "empty": "", "star": "*", "date": "2024-01-01"},
            "spec": {"containers": [{"name": "a", "args": ["-c", "echo hi"]}], "list": [], "map": {}, "n": 1.5, "z": null},
        });
        let expected = "data:\n  ca.crt: |\n    line one\n    line two\n  date: \"2024-01-01\"\n  empty: \"\"\n  flag: \"true\"\n  port: \"80\"\n  star: '*'\nmetadata:\n  annotations:\n    kubernetes.io/description: Contains a CA bundle that can be used to verify the\n      kube-apiserver when using internal endpoints such as the internal service IP\n      or kubernetes.default.svc. No other usage is guaranteed across distributions\n      of Kubernetes clusters.\n  name: kube-root-ca.crt\nspec:\n  containers:\n  - args:\n    - -c\n    - echo hi\n    name: a\n  list: []\n  map: {}\n  \"n\": 1.5\n  z: null\n";
        assert_eq!(to_yaml(&value), expected);
    }

    #[test]
    fn quoting_follows_what_the_text_needs() {
        let value = json!({"a": "it's: here", "b": "tab\there", "c": "- x", "d": "yes", "e": "1:20"});
        assert_eq!(to_yaml(&value), "a: 'it''s: here'\nb: \"tab\\there\"\nc: '- x'\nd: \"yes\"\ne: \"1:20\"\n");
    }

    #[test]
    fn keys_sort_naturally() {
        let mut keys = vec!["a10", "a2", "b", "_x", "Z"];
        keys.sort_by(|a, b| natural_order(a, b));
        assert_eq!(keys, vec!["_x", "Z", "a2", "a10", "b"]);
    }
}
