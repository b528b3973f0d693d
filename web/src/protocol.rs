//! Messages between the page and the engine's worker: JSON strings (the report already
//! serialises to JSON, and strings cross `postMessage` without a structured clone walk).

use hostside_engine::Input;
use hostside_engine::report::Report;
use serde::{Deserialize, Serialize};

/// Page → worker: check this input; `seq` orders requests, newest wins.
#[derive(Serialize, Deserialize)]
pub struct Request {
    pub seq: u64,
    pub input: Input,
}

/// Worker → page.
#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Response {
    /// The worker's wasm is instantiated; messages posted earlier would have been lost.
    Ready,
    Report {
        seq: u64,
        /// Time the engine took inside the worker (`performance.now()` difference).
        elapsed_ms: f64,
        report: Box<Report>,
    },
}
