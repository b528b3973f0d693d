//! Shared rendering and traversal helpers for the Pod Security checks
//! (spec `pod-security.md`, "Conventions" and §1.6).

use k8s_openapi::api::core::v1::{
    Container, ContainerPort, EphemeralContainer, Lifecycle, PodSpec, Probe, SecurityContext,
};

/// `singular` when `count == 1`, otherwise `plural` (spec convention `{X|Y}`).
pub(crate) fn pluralize(singular: &'static str, plural: &'static str, count: usize) -> &'static str {
    if count == 1 { singular } else { plural }
}

/// Each item wrapped in plain double quotes, joined with `, ` (spec convention `{C}`).
/// Embedded quotes are not escaped.
pub(crate) fn join_quote<S: AsRef<str>>(items: &[S]) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('"');
        out.push_str(item.as_ref());
        out.push('"');
    }
    out
}

/// `container "a"` / `containers "a", "b"` (names kept in the given order).
pub(crate) fn containers_phrase<S: AsRef<str>>(names: &[S]) -> String {
    format!("{} {}", pluralize("container", "containers", names.len()), join_quote(names))
}

/// Byte-wise ascending sort with duplicates removed (Go string-set `List()` semantics).
pub(crate) fn sorted_set(mut items: Vec<String>) -> Vec<String> {
    items.sort_unstable();
    items.dedup();
    items
}

/// `<key>="<value>"` with the value quoted like Go's `%q`.
pub(crate) fn annotation_entry(key: &str, value: &str) -> String {
    format!("{key}={}", go_quote(value))
}

/// Quote a string the way Go's `strconv.Quote` (and `%q`) does: printable characters are kept,
/// `"` and `\` are backslash-escaped, and everything else uses `\a \b \f \n \r \t \v`, `\xHH`,
/// `\uHHHH` or `\UHHHHHHHH`.
///
/// Go decides "printable" with `unicode.IsPrint` (letters, marks, numbers, punctuation, symbols
/// and the ASCII space). Without Unicode category tables this helper treats as non-printable:
/// control characters, every white-space character except U+0020, the format characters (Cf),
/// private-use code points, surrogates and non-characters. Unassigned code points are the only
/// known divergence (Go escapes them, this keeps them).
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if is_go_printable(c) => out.push(c),
            '\u{07}' => out.push_str("\\a"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0C}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{0B}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7F}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

fn is_go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let cp = c as u32;
    // Format characters (general category Cf, Unicode 15).
    const FORMAT: &[(u32, u32)] = &[
        (0x00AD, 0x00AD),
        (0x0600, 0x0605),
        (0x061C, 0x061C),
        (0x06DD, 0x06DD),
        (0x070F, 0x070F),
        (0x0890, 0x0891),
        (0x08E2, 0x08E2),
        (0x180E, 0x180E),
        (0x200B, 0x200F),
        (0x202A, 0x202E),
        (0x2060, 0x2064),
        (0x2066, 0x206F),
        (0xFEFF, 0xFEFF),
        (0xFFF9, 0xFFFB),
        (0x110BD, 0x110BD),
        (0x110CD, 0x110CD),
        (0x13430, 0x1343F),
        (0x1BCA0, 0x1BCA3),
        (0x1D173, 0x1D17A),
        (0xE0001, 0xE0001),
        (0xE0020, 0xE007F),
    ];
    if FORMAT.iter().any(|&(lo, hi)| (lo..=hi).contains(&cp)) {
        return false;
    }
    // Private use (Co).
    if (0xE000..=0xF8FF).contains(&cp) || cp >= 0xF0000 {
        return false;
    }
    // Non-characters (unassigned by definition).
    if (0xFDD0..=0xFDEF).contains(&cp) || (cp & 0xFFFE) == 0xFFFE {
        return false;
    }
    true
}

/// The fields of a container (regular, init or ephemeral) that the checks read.
pub(crate) struct ContainerView<'a> {
    pub name: &'a str,
    pub security_context: Option<&'a SecurityContext>,
    pub ports: &'a [ContainerPort],
    pub liveness_probe: Option<&'a Probe>,
    pub readiness_probe: Option<&'a Probe>,
    pub startup_probe: Option<&'a Probe>,
    pub lifecycle: Option<&'a Lifecycle>,
}

impl<'a> ContainerView<'a> {
    fn from_container(c: &'a Container) -> Self {
        ContainerView {
            name: &c.name,
            security_context: c.security_context.as_ref(),
            ports: c.ports.as_deref().unwrap_or_default(),
            liveness_probe: c.liveness_probe.as_ref(),
            readiness_probe: c.readiness_probe.as_ref(),
            startup_probe: c.startup_probe.as_ref(),
            lifecycle: c.lifecycle.as_ref(),
        }
    }

    fn from_ephemeral(c: &'a EphemeralContainer) -> Self {
        ContainerView {
            name: &c.name,
            security_context: c.security_context.as_ref(),
            ports: c.ports.as_deref().unwrap_or_default(),
            liveness_probe: c.liveness_probe.as_ref(),
            readiness_probe: c.readiness_probe.as_ref(),
            startup_probe: c.startup_probe.as_ref(),
            lifecycle: c.lifecycle.as_ref(),
        }
    }
}

/// The "visited containers" of the spec: `initContainers`, then `containers`, then
/// `ephemeralContainers`, each in spec order.
pub(crate) fn visit_containers(spec: &PodSpec) -> impl Iterator<Item = ContainerView<'_>> {
    let init = spec.init_containers.iter().flatten();
    let regular = spec.containers.iter();
    let ephemeral = spec.ephemeral_containers.iter().flatten();
    init.chain(regular).map(ContainerView::from_container).chain(ephemeral.map(ContainerView::from_ephemeral))
}

/// `spec.os.name == "windows"` (the v1.25 Windows exemption of several restricted checks).
pub(crate) fn is_windows_pod(spec: &PodSpec) -> bool {
    spec.os.as_ref().is_some_and(|os| os.name == "windows")
}

/// `spec.hostUsers` explicitly `false` (user-namespaced pod; the v1.35 relaxations).
pub(crate) fn is_user_namespaced_pod(spec: &PodSpec) -> bool {
    spec.host_users == Some(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_quote_and_plural() {
        assert_eq!(join_quote::<&str>(&[]), "");
        assert_eq!(join_quote(&["a", "b", "c"]), r#""a", "b", "c""#);
        assert_eq!(containers_phrase(&["a"]), r#"container "a""#);
        assert_eq!(containers_phrase(&["a", "b"]), r#"containers "a", "b""#);
    }

    #[test]
    fn sorted_set_is_bytewise_and_dedups() {
        let v = sorted_set(vec!["80".into(), "443".into(), "80".into(), "B".into(), "a".into()]);
        assert_eq!(v, ["443", "80", "B", "a"]);
    }

    #[test]
    fn go_quote_matches_strconv_quote() {
        assert_eq!(go_quote("unconfined"), r#""unconfined""#);
        assert_eq!(go_quote(""), r#""""#);
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(go_quote("a\nb\tc\u{7}"), r#""a\nb\tc\a""#);
        assert_eq!(go_quote("\u{1}\u{7f}"), r#""\x01\x7f""#);
        assert_eq!(go_quote("é日本"), "\"é日本\"");
        assert_eq!(go_quote("\u{a0}\u{200b}"), r#""\u00a0\u200b""#);
        assert_eq!(go_quote("\u{e0001}"), r#""\U000e0001""#);
        assert_eq!(go_quote("x y"), r#""x y""#);
    }
}
