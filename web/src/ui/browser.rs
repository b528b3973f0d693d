//! The browser's services the app uses: the URL, local storage, the colour scheme, clocks.

use crate::share::State;
use gloo::storage::{LocalStorage, Storage};

const STATE_KEY: &str = "hostside.v1.state";
const THEME_KEY: &str = "hostside.v1.theme";
/// Local storage holds a few MB per origin; larger texts are not saved (and we say so).
const MAX_SAVED_BYTES: usize = 2 << 20;

pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

pub fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    search.trim_start_matches('?').split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == name).then(|| js_sys::decode_uri_component(value).ok().map(String::from).unwrap_or_default())
    })
}

pub fn fragment() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// The page's address with `fragment` (without `#`), for share links.
pub fn url_with_fragment(fragment: &str) -> String {
    let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    let base = href.split('#').next().unwrap_or_default();
    format!("{base}#{fragment}")
}

/// Drops the fragment from the address bar once read, so a reload shows the saved work.
pub fn clear_fragment() {
    let Some(window) = web_sys::window() else { return };
    let href = window.location().href().unwrap_or_default();
    let base = href.split('#').next().unwrap_or_default().to_string();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&base));
    }
}

pub fn load_state() -> Option<State> {
    LocalStorage::get(STATE_KEY).ok()
}

/// Saves `text` and `settings` (as a [`State`]); only texts local storage can hold.
pub fn save_state(text: &str, settings: &crate::settings::Settings) -> Result<(), String> {
    if text.len() > MAX_SAVED_BYTES {
        return Err(format!(
            "Not saved in this browser: the text is {:.1} MB, more than local storage keeps ({} MB).",
            text.len() as f64 / f64::from(1 << 20),
            MAX_SAVED_BYTES >> 20
        ));
    }
    let state = State { text: text.to_string(), settings: settings.clone() };
    LocalStorage::set(STATE_KEY, state).map_err(|e| format!("Not saved in this browser: {e}."))
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn other(self) -> Theme {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }
}

/// The stored choice, or the system's preference.
pub fn initial_theme() -> Theme {
    match LocalStorage::get::<String>(THEME_KEY).ok().as_deref() {
        Some("dark") => Theme::Dark,
        Some("light") => Theme::Light,
        _ if system_prefers_dark() => Theme::Dark,
        _ => Theme::Light,
    }
}

fn system_prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

pub fn apply_theme(theme: Theme, persist: bool) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-theme", theme.name());
    }
    if persist {
        let _ = LocalStorage::set(THEME_KEY, theme.name());
    }
}

pub fn copy_to_clipboard(text: &str) {
    if let Some(window) = web_sys::window() {
        // Refused without a user gesture or permission; the link stays selectable anyway.
        let _ = window.navigator().clipboard().write_text(text);
    }
}
