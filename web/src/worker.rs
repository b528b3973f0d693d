//! The engine's Web Worker: one `check` per request, answered with the report. Built by
//! Trunk as a worker (`data-type="worker"`), loaded by the page from
//! `hostside_worker_loader.js`.

use hostside_web::protocol::{Request, Response};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn main() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(text) = event.data().as_string() else { return };
        // The page only sends what it serialised itself; a request it cannot read is a bug
        // there, reported as the worker's error event.
        let request: Request = serde_json::from_str(&text).expect_throw("the page sent an unreadable request");
        let now = || reply_to.performance().map_or(0.0, |p| p.now());
        let started = now();
        let report = hostside_engine::check(&request.input);
        let elapsed_ms = now() - started;
        post(&reply_to, &Response::Report { seq: request.seq, elapsed_ms, report: Box::new(report) });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page; so does its handler.
    on_message.forget();
    post(&scope, &Response::Ready);
}

fn post(scope: &DedicatedWorkerGlobalScope, response: &Response) {
    let json = serde_json::to_string(response).expect_throw("reports serialise");
    scope.post_message(&JsValue::from_str(&json)).expect_throw("postMessage to the page");
}
