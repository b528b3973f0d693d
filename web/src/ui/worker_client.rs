//! The page's side of the engine worker: at most one request in flight and the newest one
//! waiting; an evaluation that runs long while newer input waits is abandoned (the worker is
//! terminated and started again), so typing never waits for an old result.

use crate::protocol::Response;
use gloo::timers::callback::Timeout;
use hostside_engine::report::Report;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker};
use yew::Callback;

/// Trunk's loader for the worker bin (`data-loader-shim`), next to the page.
const WORKER_URL: &str = "./hostside_worker_loader.js";
/// A request older than this is abandoned when newer input is waiting.
const ABANDON_AFTER_MS: f64 = 1_500.0;
/// No evaluation may take longer; the page says so instead of waiting forever.
const WATCHDOG_MS: u32 = 30_000;

pub enum WorkerEvent {
    Report { seq: u64, elapsed_ms: f64, report: Rc<Report> },
    Failed { seq: u64, message: String },
}

pub struct EngineWorker {
    inner: Rc<RefCell<Inner>>,
}

struct Inner {
    worker: Option<Worker>,
    ready: bool,
    in_flight: Option<InFlight>,
    queued: Option<(u64, String)>,
    on_event: Callback<WorkerEvent>,
    handlers: Vec<Closure<dyn FnMut(JsValue)>>,
}

struct InFlight {
    seq: u64,
    started: f64,
    _watchdog: Timeout,
}

impl EngineWorker {
    pub fn new(on_event: Callback<WorkerEvent>) -> Self {
        let inner = Rc::new(RefCell::new(Inner {
            worker: None,
            ready: false,
            in_flight: None,
            queued: None,
            on_event,
            handlers: Vec::new(),
        }));
        EngineWorker { inner }
    }

    /// Asks for an evaluation; replaces any request still waiting.
    pub fn submit(&self, seq: u64, request_json: String) {
        let mut events = Vec::new();
        {
            let mut inner = self.inner.borrow_mut();
            inner.queued = Some((seq, request_json));
            let stale = inner.in_flight.as_ref().is_some_and(|f| now() - f.started > ABANDON_AFTER_MS);
            if stale {
                inner.stop();
            }
            if inner.worker.is_none()
                && let Err(message) = spawn(&self.inner, &mut inner)
            {
                inner.queued = None;
                events.push(WorkerEvent::Failed { seq, message });
            }
            dispatch(&self.inner, &mut inner);
        }
        emit(&self.inner, events);
    }
}

impl Drop for EngineWorker {
    fn drop(&mut self) {
        self.inner.borrow_mut().stop();
    }
}

impl Inner {
    fn stop(&mut self) {
        if let Some(worker) = self.worker.take() {
            worker.terminate();
        }
        self.ready = false;
        self.in_flight = None;
        self.handlers.clear();
    }
}

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

fn emit(inner: &Rc<RefCell<Inner>>, events: Vec<WorkerEvent>) {
    if events.is_empty() {
        return;
    }
    // Never emit while borrowed: the app may submit again from its handler.
    let on_event = inner.borrow().on_event.clone();
    for event in events {
        on_event.emit(event);
    }
}

fn spawn(shared: &Rc<RefCell<Inner>>, inner: &mut Inner) -> Result<(), String> {
    let worker = Worker::new(WORKER_URL).map_err(|e| format!("cannot start the engine's worker: {}", describe(&e)))?;
    let weak = Rc::downgrade(shared);
    let on_message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let event: MessageEvent = event.unchecked_into();
        on_message(&weak, event.data().as_string().unwrap_or_default());
    });
    let weak = Rc::downgrade(shared);
    let on_error = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let message = event.dyn_ref::<ErrorEvent>().map(|e| e.message()).unwrap_or_default();
        on_failure(&weak, format!("the engine stopped unexpectedly ({message})"));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    inner.handlers = vec![on_message, on_error];
    inner.worker = Some(worker);
    inner.ready = false;
    Ok(())
}

fn dispatch(shared: &Rc<RefCell<Inner>>, inner: &mut Inner) {
    if !inner.ready || inner.in_flight.is_some() {
        return;
    }
    let Some((seq, json)) = inner.queued.take() else { return };
    let Some(worker) = &inner.worker else { return };
    if let Err(e) = worker.post_message(&JsValue::from_str(&json)) {
        let message = format!("cannot reach the engine's worker: {}", describe(&e));
        let weak = Rc::downgrade(shared);
        // Reported from a fresh task: we are inside a borrow here.
        Timeout::new(0, move || on_failure(&weak, message)).forget();
        return;
    }
    let weak = Rc::downgrade(shared);
    let watchdog = Timeout::new(WATCHDOG_MS, move || {
        let running = weak.upgrade().is_some_and(|s| s.borrow().in_flight.as_ref().is_some_and(|f| f.seq == seq));
        if running {
            on_failure(&weak, format!("the evaluation took longer than {} s and was stopped", WATCHDOG_MS / 1000));
        }
    });
    inner.in_flight = Some(InFlight { seq, started: now(), _watchdog: watchdog });
}

fn on_message(weak: &Weak<RefCell<Inner>>, text: String) {
    let Some(shared) = weak.upgrade() else { return };
    let response: Result<Response, _> = serde_json::from_str(&text);
    let mut events = Vec::new();
    {
        let mut inner = shared.borrow_mut();
        match response {
            Ok(Response::Ready) => inner.ready = true,
            Ok(Response::Report { seq, elapsed_ms, report }) => {
                if inner.in_flight.as_ref().is_some_and(|f| f.seq == seq) {
                    inner.in_flight = None;
                }
                events.push(WorkerEvent::Report { seq, elapsed_ms, report: Rc::new(*report) });
            }
            Err(e) => {
                let seq = inner.in_flight.take().map_or(0, |f| f.seq);
                events.push(WorkerEvent::Failed { seq, message: format!("unreadable answer from the engine: {e}") });
            }
        }
        dispatch(&shared, &mut inner);
    }
    emit(&shared, events);
}

fn on_failure(weak: &Weak<RefCell<Inner>>, message: String) {
    let Some(shared) = weak.upgrade() else { return };
    let events;
    {
        let mut inner = shared.borrow_mut();
        let seq = inner.in_flight.as_ref().map_or(0, |f| f.seq);
        inner.stop();
        events = vec![WorkerEvent::Failed { seq, message }];
        // Newer input waits: start afresh for it.
        if inner.queued.is_some() && spawn(&shared, &mut inner).is_err() {
            inner.queued = None;
        }
    }
    emit(&shared, events);
}

fn describe(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}
