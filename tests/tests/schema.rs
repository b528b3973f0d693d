//! Every built-in host profile validates against the published JSON schema, so the schema
//! users write their profiles against cannot drift from what the engine ships.
//!
//! The validator covers exactly the JSON Schema keywords the schema uses; a keyword it does
//! not know fails the test instead of being silently ignored.

use hostside_engine::host::PRESETS;
use serde_json::Value;

const SCHEMA: &str = include_str!("../../docs/host-profile.schema.json");
const ANNOTATIONS: &[&str] = &["$schema", "$id", "$defs", "title", "description", "default"];

fn validate(root: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(schema) = schema.as_object() else {
        errors.push(format!("{at}: schema is not an object"));
        return;
    };
    for (keyword, rule) in schema {
        match keyword.as_str() {
            "$ref" => {
                let pointer = rule.as_str().and_then(|r| r.strip_prefix('#')).unwrap_or_default();
                match root.pointer(pointer) {
                    Some(target) => validate(root, target, value, at, errors),
                    None => errors.push(format!("{at}: unresolved $ref {rule}")),
                }
            }
            "type" => {
                let ok = match rule.as_str() {
                    Some("object") => value.is_object(),
                    Some("array") => value.is_array(),
                    Some("string") => value.is_string(),
                    Some("integer") => value.is_i64() || value.is_u64(),
                    Some("number") => value.is_number(),
                    Some("boolean") => value.is_boolean(),
                    _ => false,
                };
                if !ok {
                    errors.push(format!("{at}: expected type {rule}, got {value}"));
                }
            }
            "const" if value != rule => errors.push(format!("{at}: expected {rule}, got {value}")),
            "enum" if !rule.as_array().is_some_and(|choices| choices.contains(value)) => {
                errors.push(format!("{at}: {value} is not one of {rule}"))
            }
            "minLength" if value.as_str().is_some_and(|s| (s.chars().count() as u64) < rule.as_u64().unwrap_or(0)) => {
                errors.push(format!("{at}: shorter than {rule}"))
            }
            "pattern" => {
                let pattern = regex::Regex::new(rule.as_str().unwrap_or_default()).expect("schema pattern compiles");
                if value.as_str().is_some_and(|s| !pattern.is_match(s)) {
                    errors.push(format!("{at}: {value} does not match {rule}"));
                }
            }
            "required" => {
                for field in rule.as_array().into_iter().flatten().filter_map(Value::as_str) {
                    if value.as_object().is_some_and(|o| !o.contains_key(field)) {
                        errors.push(format!("{at}: missing required field {field:?}"));
                    }
                }
            }
            "properties" | "additionalProperties" => {
                let Some(fields) = value.as_object() else { continue };
                let declared = schema.get("properties").and_then(Value::as_object);
                for (field, field_value) in fields {
                    let field_at = format!("{at}/{field}");
                    let declared_schema = declared.and_then(|d| d.get(field));
                    match (keyword.as_str(), declared_schema, schema.get("additionalProperties")) {
                        ("properties", Some(field_schema), _) => {
                            validate(root, field_schema, field_value, &field_at, errors)
                        }
                        ("additionalProperties", None, Some(Value::Bool(false))) => {
                            errors.push(format!("{field_at}: not allowed by the schema"))
                        }
                        ("additionalProperties", None, Some(extra @ Value::Object(_))) => {
                            validate(root, extra, field_value, &field_at, errors)
                        }
                        _ => {}
                    }
                }
            }
            "items" => {
                for (index, item) in value.as_array().into_iter().flatten().enumerate() {
                    validate(root, rule, item, &format!("{at}/{index}"), errors);
                }
            }
            "const" | "enum" | "minLength" => {}
            other if ANNOTATIONS.contains(&other) => {}
            other => errors.push(format!("{at}: the test's validator does not know the keyword {other:?}")),
        }
    }
}

#[test]
fn presets_follow_the_published_schema() {
    let schema: Value = serde_json::from_str(SCHEMA).expect("the schema is JSON");
    let mut report = Vec::new();
    for preset in PRESETS {
        let profile: Value = serde_yaml::from_str(preset.text).expect("presets are YAML");
        let mut errors = Vec::new();
        validate(&schema, &schema, &profile, "", &mut errors);
        report.extend(errors.into_iter().map(|e| format!("{}: {e}", preset.name)));
    }
    assert!(PRESETS.len() >= 5, "all five presets are checked");
    assert_eq!(report, Vec::<String>::new(), "presets that break the schema");
}

#[test]
fn the_validator_notices_a_broken_profile() {
    let schema: Value = serde_json::from_str(SCHEMA).expect("the schema is JSON");
    let broken = serde_json::json!({
        "apiVersion": "hostside.dev/v1alpha1", "kind": "HostProfile", "metadata": {"name": "x"},
        "spec": {"kubernetesVersion": "one", "containerRuntime": "docker", "gatekeeper": {"version": "3.20.1", "mode": 1}}
    });
    let mut errors = Vec::new();
    validate(&schema, &schema, &broken, "", &mut errors);
    assert_eq!(
        errors,
        [
            r#"/spec/containerRuntime: "docker" is not one of ["containerd1","containerd2","cri-o"]"#,
            r#"/spec/gatekeeper/mode: not allowed by the schema"#,
            r#"/spec/kubernetesVersion: "one" does not match "^v?1\\.[0-9]+(\\.[0-9]+)?$""#,
        ]
    );
}
