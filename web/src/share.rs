//! Share links: the state (text + settings that differ from the defaults) as JSON, raw
//! DEFLATE, base64url without padding, behind a version prefix: `#v1.<data>`. Reading a
//! link never trusts it: bad base64, a bomb or bad JSON are errors, never panics.

use crate::settings::Settings;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub const PREFIX: &str = "v1.";
/// What a link may inflate to (the engine refuses documents over 3 MiB anyway).
const MAX_INFLATED: usize = 16 << 20;

/// Everything the page needs to show the same result elsewhere.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub text: String,
    pub settings: Settings,
}

#[derive(Serialize, Deserialize)]
struct Wire {
    #[serde(default)]
    t: String,
    #[serde(default)]
    s: Map<String, Value>,
}

/// The fragment (without `#`) for a state.
pub fn encode(state: &State) -> String {
    let wire = Wire { t: state.text.clone(), s: state.settings.non_defaults() };
    let json = serde_json::to_vec(&wire).unwrap_or_default();
    let deflated = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(deflated))
}

/// Reads a fragment (with or without `#`); `None` when it is not a share link at all.
pub fn decode(fragment: &str) -> Option<Result<State, String>> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if fragment.is_empty() {
        return None;
    }
    let Some(data) = fragment.strip_prefix(PREFIX) else {
        let version = fragment.split('.').next().unwrap_or_default();
        return Some(Err(format!(
            "this link's format {version:?} is not one this page reads (it reads {PREFIX:?} links)"
        )));
    };
    Some(decode_data(data))
}

fn decode_data(data: &str) -> Result<State, String> {
    let bytes = URL_SAFE_NO_PAD.decode(data.trim()).map_err(|e| format!("the link is damaged (base64: {e})"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_INFLATED)
        .map_err(|_| "the link is damaged or too large to open".to_string())?;
    let wire: Wire = serde_json::from_slice(&json).map_err(|e| format!("the link's content is not readable: {e}"))?;
    let settings = serde_json::from_value(Value::Object(wire.s))
        .map_err(|e| format!("the link's settings are not readable: {e}"))?;
    Ok(State { text: wire.t, settings })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_stays_short() {
        let state = State {
            text: "apiVersion: v1\nkind: Pod\nmetadata: {name: ü😀}\n".repeat(20),
            settings: Settings {
                vcluster_version: "0.20".into(),
                host: "pss-restricted".into(),
                ..Settings::default()
            },
        };
        let link = encode(&state);
        assert!(link.starts_with("v1."));
        assert!(link.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)), "{link}");
        assert!(link.len() < 250, "{}", link.len());
        assert_eq!(decode(&format!("#{link}")), Some(Ok(state)));
    }

    #[test]
    fn hostile_links_are_errors() {
        assert_eq!(decode(""), None);
        assert!(decode("#v2.abc").unwrap().unwrap_err().contains("\"v2\""));
        assert!(decode("v1.***").unwrap().is_err());
        assert!(decode("v1.AAAA").unwrap().is_err());
        // 64 MiB of zeros deflates to a few KB: refused, not inflated.
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; 64 << 20], 9);
        assert!(decode(&format!("v1.{}", URL_SAFE_NO_PAD.encode(bomb))).unwrap().is_err());
        let not_settings = miniz_oxide::deflate::compress_to_vec(br#"{"t":"x","s":{"virtualNodes":"many"}}"#, 9);
        assert!(decode(&format!("v1.{}", URL_SAFE_NO_PAD.encode(not_settings))).unwrap().is_err());
    }
}
