use super::*;

fn parse(text: &str) -> Vec<Document> {
    parse_source(0, &Source::new("t.yaml", text))
}

fn root(doc: &Document) -> &Node {
    doc.result.as_ref().expect("parses").as_ref().expect("not empty")
}

#[test]
fn documents_split_at_separator_lines_and_keep_helm_sources() {
    let text =
        "---\n# Source: chart/templates/a.yaml\na: 1\n---\n# only a comment\n--- # trailing comment\nb: [x, y]\n";
    let docs = parse(text);
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[0].helm_source.as_deref(), Some("chart/templates/a.yaml"));
    assert!(matches!(docs[1].result, Ok(None)));
    let b = root(&docs[2]).get("b").unwrap();
    assert_eq!(&text[b.span.start as usize..b.span.end as usize], "[x, y]");
}

#[test]
fn invalid_separator_is_reported_on_its_document_only() {
    let docs = parse("a: 1\n--- b: 2\nc: 3\n---\nd: 4\n");
    assert_eq!(docs.len(), 3);
    assert!(docs[0].result.is_ok());
    assert_eq!(docs[1].result.as_ref().unwrap_err().message, "invalid Yaml document separator: b: 2");
    assert!(docs[2].result.is_ok());
}

#[test]
fn json_streams_are_cut_into_values() {
    let docs = parse("{\"a\": \"}\"}\n{\"b\": [1, {\"c\": 2}]}");
    assert_eq!(docs.len(), 2);
    assert_eq!(root(&docs[1]).to_json(), serde_json::json!({"b": [1, {"c": 2}]}));
}

#[test]
fn merge_keys_and_aliases_expand() {
    let docs = parse("base: &b {x: 1, z: 2}\nderived:\n  <<: *b\n  z: 3\n");
    assert_eq!(root(&docs[0]).get("derived").unwrap().to_json(), serde_json::json!({"x": 1, "z": 3}));
}

#[test]
fn yaml_1_1_keys_become_json_strings_like_kubectl() {
    // go-yaml v2 reads `y` as a boolean; sigs.k8s.io/yaml then prints it as "true".
    let docs = parse("y: 1\n0777: octal\n");
    assert_eq!(root(&docs[0]).to_json(), serde_json::json!({"true": 1, "511": "octal"}));
}

#[test]
fn spans_point_at_values_even_after_multibyte_text() {
    let text = "a: \"héllo\"\nb: 2\n";
    let docs = parse(text);
    let b = root(&docs[0]).get("b").unwrap();
    assert_eq!(&text[b.span.start as usize..b.span.end as usize], "2");
}

#[test]
fn syntax_errors_name_the_problem() {
    let docs = parse("a: b: c\n");
    let err = docs[0].result.as_ref().unwrap_err();
    assert!(err.message.contains("mapping values are not allowed"), "{}", err.message);
}

#[test]
fn deep_nesting_is_refused() {
    let text = format!("{}1", "- ".repeat(10_000));
    let docs = parse(&text);
    assert_eq!(docs[0].result.as_ref().unwrap_err().message, format!("exceeded max depth of {MAX_DEPTH}"));
}

#[test]
fn alias_bombs_are_refused() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
    }
    let docs = parse(&text);
    assert_eq!(docs[0].result.as_ref().unwrap_err().message, "document contains excessive aliasing");
}

#[test]
fn invalid_utf8_fails_only_its_document() {
    let source = Source::from_bytes("f", b"a: 1\n---\nb: \xff\n---\nc: 3\n");
    let docs = parse_source(0, &source);
    assert!(docs[0].result.is_ok());
    assert_eq!(docs[1].result.as_ref().unwrap_err().message, "invalid leading UTF-8 octet");
    assert!(docs[2].result.is_ok());
}
