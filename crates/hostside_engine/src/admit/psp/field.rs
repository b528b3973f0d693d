//! Field errors as the PodSecurityPolicy admission plugin reports them: the
//! `k8s.io/apimachinery/pkg/util/validation/field` `Error`/`ErrorList` rendering of Kubernetes
//! 1.19–1.24 (`field/errors.go`, `field/path.go`), reduced to the three error types PSP emits.
//!
//! * A path is dot-joined, list indices render as `[i]`, map keys as `[key]` (unquoted).
//! * `Invalid value: <value>: <detail>`, where the bad value renders like `ErrorBody` does:
//!   booleans and integers bare, strings Go-quoted, a nil pointer as `"null"`, anything else in
//!   Go-syntax (`%#v`), e.g. `[]int64{1001}` or `[]core.Capability{"NET_RAW"}`.
//! * `Required value[: <detail>]`, `Forbidden[: <detail>]` (the `: <detail>` only when the detail
//!   is non-empty).
//! * An `ErrorList` printed with `%v` is `[` + the errors joined by one space + `]`.

use crate::admit::resource_quota::go_quote;

/// The bad value of an `Invalid value` error, already reduced to how Go prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Bad {
    Bool(bool),
    Int(i64),
    Str(String),
    /// A nil pointer or nil interface: printed as the Go-quoted string `"null"`.
    Null,
    /// A composite value, pre-rendered in Go syntax (`%#v`).
    Go(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Invalid(Bad),
    Required,
    Forbidden,
}

/// One `*field.Error`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub path: String,
    pub kind: Kind,
    pub detail: String,
}

impl FieldError {
    pub(crate) fn invalid(path: impl Into<String>, bad: Bad, detail: impl Into<String>) -> Self {
        FieldError { path: path.into(), kind: Kind::Invalid(bad), detail: detail.into() }
    }

    pub(crate) fn required(path: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError { path: path.into(), kind: Kind::Required, detail: detail.into() }
    }

    pub(crate) fn forbidden(path: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError { path: path.into(), kind: Kind::Forbidden, detail: detail.into() }
    }

    /// `Error()`: `<path>: <body>`.
    pub(crate) fn render(&self) -> String {
        let mut body = match &self.kind {
            Kind::Required => "Required value".to_string(),
            Kind::Forbidden => "Forbidden".to_string(),
            Kind::Invalid(bad) => format!("Invalid value: {}", render_bad(bad)),
        };
        if !self.detail.is_empty() {
            body.push_str(": ");
            body.push_str(&self.detail);
        }
        format!("{}: {}", self.path, body)
    }
}

fn render_bad(bad: &Bad) -> String {
    match bad {
        Bad::Bool(b) => b.to_string(),
        Bad::Int(i) => i.to_string(),
        Bad::Str(s) => go_quote(s),
        Bad::Null => "\"null\"".to_string(),
        Bad::Go(s) => s.clone(),
    }
}

/// `fmt.Sprintf("%v", errorList)`: `[e1 e2 ...]`, `[]` when empty.
pub(crate) fn render_list(errors: &[FieldError]) -> String {
    let rendered: Vec<String> = errors.iter().map(FieldError::render).collect();
    format!("[{}]", rendered.join(" "))
}

/// `%#v` of a `[]int64`: `[]int64(nil)` for nil, `[]int64{}` for empty, `[]int64{1, 2}`.
pub(crate) fn go_int64_slice(values: Option<&[i64]>) -> String {
    match values {
        None => "[]int64(nil)".to_string(),
        Some(values) => {
            let items: Vec<String> = values.iter().map(i64::to_string).collect();
            format!("[]int64{{{}}}", items.join(", "))
        }
    }
}

/// `%#v` of a `[]core.Capability` (the internal API type).
pub(crate) fn go_capability_slice(values: Option<&[String]>) -> String {
    match values {
        None => "[]core.Capability(nil)".to_string(),
        Some(values) => {
            let items: Vec<String> = values.iter().map(|v| go_quote(v)).collect();
            format!("[]core.Capability{{{}}}", items.join(", "))
        }
    }
}

/// `child` appended to `path` the way `Path.Child` does.
pub(crate) fn child(path: &str, name: &str) -> String {
    if path.is_empty() { name.to_string() } else { format!("{path}.{name}") }
}

/// `Path.Key(key)`.
pub(crate) fn key(path: &str, key: &str) -> String {
    format!("{path}[{key}]")
}

/// `Path.Index(i)`.
pub(crate) fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_kind() {
        let invalid = FieldError::invalid("spec.volumes[0]", Bad::Str("hostPath".into()), "no");
        assert_eq!(invalid.render(), r#"spec.volumes[0]: Invalid value: "hostPath": no"#);
        let null = FieldError::invalid("a.b", Bad::Null, "x");
        assert_eq!(null.render(), r#"a.b: Invalid value: "null": x"#);
        let bare = FieldError::invalid("spec.runtimeClassName", Bad::Str("kata".into()), "");
        assert_eq!(bare.render(), r#"spec.runtimeClassName: Invalid value: "kata""#);
        assert_eq!(FieldError::required("a", "").render(), "a: Required value");
        assert_eq!(FieldError::required("a", "must be true").render(), "a: Required value: must be true");
        assert_eq!(FieldError::forbidden("a", " x").render(), "a: Forbidden:  x");
        let list = render_list(&[FieldError::forbidden("a", "x"), FieldError::invalid("b", Bad::Int(80), "y")]);
        assert_eq!(list, "[a: Forbidden: x b: Invalid value: 80: y]");
        assert_eq!(render_list(&[]), "[]");
    }

    #[test]
    fn go_syntax_values() {
        assert_eq!(go_int64_slice(None), "[]int64(nil)");
        assert_eq!(go_int64_slice(Some(&[])), "[]int64{}");
        assert_eq!(go_int64_slice(Some(&[1, 2])), "[]int64{1, 2}");
        assert_eq!(go_capability_slice(Some(&["bar".into()])), r#"[]core.Capability{"bar"}"#);
        assert_eq!(go_capability_slice(None), "[]core.Capability(nil)");
    }
}
