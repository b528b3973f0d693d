//! Hostile inputs, generated (too large to commit): each must end in a clear finding.

/// Ten levels of nine aliases each: a billion nodes if expanded.
pub fn alias_bomb() -> String {
    let mut text = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x]\n",
    );
    for i in 1..10 {
        let p = i - 1;
        text.push_str(&format!("  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
    }
    text
}

/// 10,000 nested block sequences (`- - - … x`).
pub fn deep_block_nesting() -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: deep}}\ndata:\n  x:\n    {}x\n", "- ".repeat(10_000))
}

/// 10,000 nested flow sequences.
pub fn deep_flow_nesting() -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: deep}}\ndata: {{x: {}{}}}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    )
}

/// One document of 50 MB.
pub fn huge_document() -> String {
    let mut text = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: huge}\ndata:\n");
    let line = format!("  k{{}}: {}\n", "v".repeat(100));
    let mut i = 0;
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(&line.replace("{}", &i.to_string()));
        i += 1;
    }
    text
}

/// A document with bytes that are not UTF-8, between two good ones.
pub fn invalid_utf8() -> Vec<u8> {
    let mut bytes = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad}\ndata: {k: \"".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, 0x80]);
    bytes.extend_from_slice(b"\"}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: also-good}\n");
    bytes
}

/// A number where the API expects a string.
pub fn number_for_string() -> String {
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: 12345\nspec:\n  containers:\n  - name: app\n    image: nginx:1.25\n"
        .into()
}
