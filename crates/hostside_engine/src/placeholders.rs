//! Deterministic stand-ins for what Kubernetes draws at random or derives from Go hashing.
//!
//! The engine has no randomness: every placeholder is a pure function of the user's seed and
//! a stable key naming what it is for (`pod-name-suffix/default/web-7d4b9c6d8f/0`), so one
//! object's names do not change when unrelated input changes. Shapes match the real ones:
//! - `generateName` suffixes: 5 characters from apimachinery's `rand.String` alphabet;
//! - `pod-template-hash` / `controller-revision-hash`: `rand.SafeEncodeString` of a decimal
//!   32-bit hash, as `controller.ComputeHash` produces (the real value hashes Go's printing
//!   of the template, which cannot be reproduced outside Go);
//! - UIDs: RFC 4122 version 4 shape; cluster IPs: inside the default service CIDR 10.96.0.0/12;
//! - vcluster's token annotation suffix: 8 lowercase letters.

/// apimachinery `util/rand` alphabet: no vowels, no confusable characters.
const K8S_ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

#[derive(Clone, Debug)]
pub struct Placeholders {
    seed: u64,
}

impl Placeholders {
    pub fn new(seed: u64) -> Self {
        Placeholders { seed }
    }

    fn stream(&self, key: &str) -> SplitMix64 {
        SplitMix64(self.seed ^ fnv1a64(key.as_bytes()))
    }

    /// The 5-character suffix of a `generateName`d object.
    pub fn name_suffix(&self, key: &str) -> String {
        let mut rng = self.stream(key);
        (0..5).map(|_| K8S_ALPHANUMS[(rng.next() % K8S_ALPHANUMS.len() as u64) as usize] as char).collect()
    }

    /// `pod-template-hash` shape for a template (its canonical JSON).
    pub fn template_hash(&self, template_json: &str) -> String {
        let hash = fnv1a32(template_json.as_bytes()) ^ (self.seed as u32);
        safe_encode(&hash.to_string())
    }

    pub fn uid(&self, key: &str) -> String {
        let mut rng = self.stream(&format!("uid/{key}"));
        let (a, b) = (rng.next(), rng.next());
        let b = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
        let a = (a & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xffff,
            b >> 48,
            b & 0xffff_ffff_ffff
        )
    }

    /// An address in 10.96.0.0/12 (avoiding .0, .1 and the DNS address .10).
    pub fn cluster_ip(&self, key: &str) -> String {
        let mut rng = self.stream(&format!("ip/{key}"));
        let n = rng.next() % ((1 << 20) - 256) + 256;
        format!("10.{}.{}.{}", 96 + (n >> 16), (n >> 8) & 0xff, n & 0xff)
    }

    /// vcluster's `vcluster.loft.sh/token-<8 letters>` annotation suffix.
    pub fn lowercase_letters(&self, key: &str, len: usize) -> String {
        let mut rng = self.stream(key);
        (0..len).map(|_| (b'a' + (rng.next() % 26) as u8) as char).collect()
    }
}

/// apimachinery `rand.SafeEncodeString`: each byte mapped into the safe alphabet.
pub fn safe_encode(text: &str) -> String {
    text.bytes().map(|b| K8S_ALPHANUMS[b as usize % K8S_ALPHANUMS.len()] as char).collect()
}

pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

pub fn fnv1a32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, &b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}

struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_have_the_real_shapes_and_are_stable() {
        let p = Placeholders::new(0);
        let suffix = p.name_suffix("pod/default/web");
        assert_eq!(suffix.len(), 5);
        assert!(suffix.bytes().all(|b| K8S_ALPHANUMS.contains(&b)));
        assert_eq!(suffix, p.name_suffix("pod/default/web"));
        assert_ne!(suffix, Placeholders::new(1).name_suffix("pod/default/web"));
        let hash = p.template_hash("{}");
        assert!(hash.bytes().all(|b| b"456789bcdf".contains(&b)), "{hash}");
        let uid = p.uid("x");
        assert_eq!(uid.len(), 36);
        assert_eq!(&uid[14..15], "4");
        assert!(p.cluster_ip("svc").starts_with("10."));
    }
}
