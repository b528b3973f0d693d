//! The Hostside playground. The main thread runs the Yew app (`ui`); the engine runs in a
//! Web Worker (`worker.rs`), reached through `protocol` messages. Everything that is not
//! DOM work lives in pure modules tested natively (`cargo test -p hostside_web`).

pub mod diff;
pub mod examples;
pub mod outcome;
pub mod protocol;
pub mod settings;
pub mod share;
pub mod text;
pub mod ui;
