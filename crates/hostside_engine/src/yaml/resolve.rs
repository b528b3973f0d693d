//! Plain-scalar resolution as the Kubernetes client does it.
//!
//! kubectl converts YAML to JSON with `sigs.k8s.io/yaml`, which decodes with go-yaml v2:
//! YAML 1.1 booleans (`yes`, `on`, `y`…), octal `0777`, `0x`/`0b` prefixes, `_` separators,
//! and timestamps kept as strings. Modelled on go-yaml v2.4 `resolve.go` (behaviour, not code).

use super::node::NodeKind;

pub fn resolve_plain(text: &str) -> NodeKind {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return NodeKind::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return NodeKind::Bool(false);
        }
        "" | "~" | "null" | "Null" | "NULL" => return NodeKind::Null,
        ".nan" | ".NaN" | ".NAN" => return NodeKind::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return NodeKind::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return NodeKind::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.') {
        return NodeKind::Str(text.to_string());
    }
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if first != b'.' {
        if let Some(i) = parse_go_int(&plain) {
            return NodeKind::Int(i);
        }
        if let Some(u) = parse_go_uint(&plain) {
            return NodeKind::UInt(u);
        }
    }
    if is_yaml_style_float(&plain)
        && let Ok(f) = plain.parse::<f64>()
    {
        return NodeKind::Float(f);
    }
    NodeKind::Str(text.to_string())
}

/// Resolution of a scalar carrying an explicit core tag (`!!str`, `!!int`…).
pub fn resolve_tagged(text: &str, tag_suffix: &str) -> Option<NodeKind> {
    match tag_suffix {
        "str" | "binary" | "timestamp" => Some(NodeKind::Str(text.to_string())),
        "null" => Some(NodeKind::Null),
        "bool" | "int" | "float" => {
            let resolved = resolve_plain(text);
            let fits = matches!(
                (&resolved, tag_suffix),
                (NodeKind::Bool(_), "bool")
                    | (NodeKind::Int(_) | NodeKind::UInt(_), "int")
                    | (NodeKind::Float(_) | NodeKind::Int(_) | NodeKind::UInt(_), "float")
            );
            fits.then_some(match resolved {
                NodeKind::Int(i) if tag_suffix == "float" => NodeKind::Float(i as f64),
                other => other,
            })
        }
        _ => None,
    }
}

/// `strconv.ParseInt(s, 0, 64)`: sign, then `0x`, `0o`, `0b` or a leading `0` for octal.
fn parse_go_int(s: &str) -> Option<i64> {
    let (negative, digits) = split_sign(s);
    let magnitude = parse_go_magnitude(digits)?;
    if negative {
        if magnitude <= i64::MAX as u64 + 1 { Some((magnitude as i64).wrapping_neg()) } else { None }
    } else {
        i64::try_from(magnitude).ok()
    }
}

fn parse_go_uint(s: &str) -> Option<u64> {
    if s.starts_with('-') || s.starts_with('+') {
        return None;
    }
    parse_go_magnitude(s)
}

fn split_sign(s: &str) -> (bool, &str) {
    if let Some(rest) = s.strip_prefix('-') {
        (true, rest)
    } else if let Some(rest) = s.strip_prefix('+') {
        (false, rest)
    } else {
        (false, s)
    }
}

fn parse_go_magnitude(s: &str) -> Option<u64> {
    let (radix, digits) = if let Some(rest) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (16, rest)
    } else if let Some(rest) = s.strip_prefix("0b").or_else(|| s.strip_prefix("0B")) {
        (2, rest)
    } else if let Some(rest) = s.strip_prefix("0o").or_else(|| s.strip_prefix("0O")) {
        (8, rest)
    } else if s.len() > 1 && s.starts_with('0') {
        (8, &s[1..])
    } else {
        (10, s)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// go-yaml's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_scalars_resolve_like_go_yaml_v2() {
        assert_eq!(resolve_plain("0777"), NodeKind::Int(511));
        assert_eq!(resolve_plain("0x1F"), NodeKind::Int(31));
        assert_eq!(resolve_plain("1_000"), NodeKind::Int(1000));
        assert_eq!(resolve_plain("-12"), NodeKind::Int(-12));
        assert_eq!(resolve_plain("yes"), NodeKind::Bool(true));
        assert_eq!(resolve_plain("Off"), NodeKind::Bool(false));
        assert_eq!(resolve_plain("~"), NodeKind::Null);
        assert_eq!(resolve_plain("08"), NodeKind::Float(8.0));
        assert_eq!(resolve_plain("1.5"), NodeKind::Float(1.5));
        assert_eq!(resolve_plain("1e3"), NodeKind::Float(1000.0));
        assert_eq!(resolve_plain("2024-01-01"), NodeKind::Str("2024-01-01".into()));
        assert_eq!(resolve_plain("500m"), NodeKind::Str("500m".into()));
        assert_eq!(resolve_plain("1.2.3"), NodeKind::Str("1.2.3".into()));
        assert_eq!(resolve_plain("-"), NodeKind::Str("-".into()));
        assert_eq!(resolve_plain("18446744073709551615"), NodeKind::UInt(u64::MAX));
    }
}
