//! Host names and generated label keys (vcluster-translation.md §1; identical in v0.19 and
//! latest: `pkg/util/translate/translate.go` `SafeConcatName`, `single_namespace.go`).

use sha2::{Digest, Sha256};

/// First 10 lowercase hex characters of SHA-256.
pub fn sha10(text: &str) -> String {
    hex_prefix(text, 10)
}

fn hex_prefix(text: &str, len: usize) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex.truncate(len);
    hex
}

/// §1.1: join with `-`; above 63 bytes keep 52, add `-` and the hash of the whole, then
/// collapse every `.-` into `-`.
pub fn safe_concat_name(parts: &[&str]) -> String {
    let full = parts.join("-");
    if full.len() <= 63 {
        return full;
    }
    let mut cut = 52;
    while !full.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}-{}", &full[..cut], sha10(&full)).replace(".-", "-")
}

/// §1.2: `<name>-x-<namespace>-x-<vcluster>`.
pub fn host_name(name: &str, namespace: &str, vcluster: &str) -> String {
    if name.is_empty() {
        return String::new();
    }
    safe_concat_name(&[name, "x", namespace, "x", vcluster])
}

/// §1.3: `vcluster-<name>-x-<host namespace>-x-<vcluster>`.
pub fn host_name_cluster_scoped(name: &str, host_namespace: &str, vcluster: &str) -> String {
    safe_concat_name(&["vcluster", name, "x", host_namespace, "x", vcluster])
}

/// §1.6: `vcluster.loft.sh/label-<vcluster>-x-<sha10(key)>`.
pub fn hashed_label_key(key: &str, vcluster: &str) -> String {
    safe_concat_name(&["vcluster.loft.sh/label", vcluster, "x", &sha10(key)])
}

/// §1.6: `vcluster.loft.sh/ns-label-<vcluster>-x-<sha10(key)>`.
pub fn namespace_label_key(key: &str, vcluster: &str) -> String {
    safe_concat_name(&["vcluster.loft.sh/ns-label", vcluster, "x", &sha10(key)])
}

/// §1.7(a): the host namespace of a virtual namespace in v0.19–v0.25 multi-namespace mode.
pub fn multi_namespace_host_namespace(virtual_namespace: &str, control_namespace: &str, vcluster: &str) -> String {
    format!(
        "vcluster-{}-{}",
        hex_prefix(virtual_namespace, 8),
        hex_prefix(&format!("{control_namespace}x{vcluster}"), 8)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_spec_examples() {
        assert_eq!(host_name("nginx", "default", "my-vcluster"), "nginx-x-default-x-my-vcluster");
        assert_eq!(
            host_name("my-very-long-deployment-name-7d9c8b6f5-abcde", "production", "my-vcluster"),
            "my-very-long-deployment-name-7d9c8b6f5-abcde-x-produ-112740008d"
        );
        let dotted = format!("{}.example", "a".repeat(51));
        assert_eq!(host_name(&dotted, "default", "vc1"), format!("{}-015ce9d4d3", "a".repeat(51)));
        assert_eq!(
            host_name_cluster_scoped("high-priority", "test", "vcluster"),
            "vcluster-high-priority-x-test-x-vcluster"
        );
        assert_eq!(hashed_label_key("release", "suffix"), "vcluster.loft.sh/label-suffix-x-a4d451ec23");
        assert_eq!(
            hashed_label_key("release", "a-very-long-virtual-cluster-name-indeed"),
            "vcluster.loft.sh/label-a-very-long-virtual-cluster-n-78f0c227fd"
        );
        assert_eq!(
            namespace_label_key("kubernetes.io/metadata.name", "my-vcluster"),
            "vcluster.loft.sh/ns-label-my-vcluster-x-cf1227b7b2"
        );
        assert_eq!(
            multi_namespace_host_namespace("default", "vcluster-ns", "my-vcluster"),
            "vcluster-37a8eec1-68aa9749"
        );
        assert_eq!(
            multi_namespace_host_namespace("kube-system", "vcluster-ns", "my-vcluster"),
            "vcluster-88007f70-68aa9749"
        );
        for (key, hash) in [
            ("vcluster.loft.sh/namespace", "101dcd4e86"),
            ("vcluster.loft.sh/managed-by", "e5f1b28ab2"),
            ("app", "a172cedcae"),
        ] {
            assert_eq!(sha10(key), hash);
        }
    }
}
