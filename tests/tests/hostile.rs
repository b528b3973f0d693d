//! Hostile input: every case ends in a clear, located finding — never a panic or a hang.
//! (How long each takes is printed by the budget check, `cargo xtask test`.)

use hostside_engine::report::Origin;
use hostside_engine::source::Source;
use hostside_engine::{Input, check};
use hostside_tests::hostile;

fn findings(source: Source) -> Vec<(String, Option<u32>)> {
    let report = check(&Input { sources: vec![source], ..Input::default() });
    report.findings.iter().map(|f| (f.message.clone(), f.location.as_ref().map(|l| l.line))).collect()
}

#[test]
fn alias_bomb_is_refused() {
    let found = findings(Source::new("bomb.yaml", hostile::alias_bomb()));
    assert!(
        found.iter().any(|(m, line)| m.ends_with("document contains excessive aliasing") && line.is_some()),
        "{found:?}"
    );
}

#[test]
fn deep_nesting_is_refused() {
    for text in [hostile::deep_block_nesting(), hostile::deep_flow_nesting()] {
        let found = findings(Source::new("deep.yaml", text));
        assert!(
            found
                .iter()
                .any(|(m, line)| (m.contains("exceeded max depth of 256") || m.contains("recursion limit exceeded"))
                    && line.is_some()),
            "{found:?}"
        );
    }
}

#[test]
fn huge_document_is_refused() {
    let found = findings(Source::new("huge.yaml", hostile::huge_document()));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].0.starts_with("Request entity too large: limit is 3145728"), "{found:?}");
    assert_eq!(found[0].1, Some(1));
}

#[test]
fn invalid_utf8_fails_its_document_only() {
    let report =
        check(&Input { sources: vec![Source::from_bytes("bytes.yaml", &hostile::invalid_utf8())], ..Input::default() });
    let names: Vec<&str> =
        report.objects.iter().filter(|o| matches!(o.origin, Origin::Input { .. })).map(|o| o.name.as_str()).collect();
    assert_eq!(names, vec!["good", "also-good"]);
    let finding =
        report.findings.iter().find(|f| f.message.contains("invalid leading UTF-8 octet")).expect("a finding");
    assert_eq!(finding.location.as_ref().map(|l| l.line), Some(8));
}

#[test]
fn number_for_a_string_is_a_located_type_error() {
    let found = findings(Source::new("pod.yaml", hostile::number_for_string()));
    assert!(
        found.contains(&(
            "Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string".into(),
            Some(4)
        )),
        "{found:?}"
    );
}
