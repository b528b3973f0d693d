//! The page: editor and settings on one side, results on the other; the engine in a worker.
//!
//! State flow: every edit bumps `requested` and, after a short debounce, sends the input to
//! the worker; only the answer to the newest request is shown. The text is saved in local
//! storage unless a restore banner is up: a shared link or an example never replaces the
//! saved work without the user's answer.

use super::browser::{self, Theme};
use super::editor::{Editor, Highlight, LARGE_PASTE_BYTES};
use super::results::{EventsPane, FindingsPane, HostObjectsPane, SharedReport, Tab, VerdictsPane};
use super::settings_panel::SettingsPanel;
use super::worker_client::{EngineWorker, WorkerEvent};
use crate::examples::{self, EXAMPLES, Example};
use crate::outcome::{Marker, Outcome, markers, summary_line};
use crate::protocol::Request;
use crate::settings::Settings;
use crate::share::{self, State};
use crate::text::head_length;
use gloo::timers::callback::Timeout;
use hostside_engine::report::Report;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlSelectElement, ResizeObserver};
use yew::prelude::*;

const DEBOUNCE_MS: u32 = 150;
const SAVE_DELAY_MS: u32 = 500;
/// Links longer than this may be cut by chat tools and some browsers.
const LONG_LINK: usize = 8_000;
/// Texts larger than this are not put into share links (deflating them would stall the page).
const MAX_LINK_TEXT: usize = 1 << 20;
/// How much of a large text the textarea shows.
const HEAD_BYTES: usize = 64 << 10;

pub enum Msg {
    /// The textarea's value, and whether the edit replaced all of it.
    TextChanged((String, bool)),
    LargePaste(String),
    DropRest,
    SettingsChanged(Settings),
    ExampleSelected(String),
    Evaluate,
    Worker(WorkerEvent),
    Tab(Tab),
    SelectHost(usize),
    ShowHostObject(usize),
    FocusFinding(usize),
    ApplyFix(usize),
    UndoFix,
    FocusLine(u32),
    ShowAll,
    CopyLink,
    /// From an embed: the same state in a full playground tab.
    OpenInPlayground,
    ToggleTheme,
    KeepCurrent,
    RestoreSaved,
    Save,
    Workshop(isize),
}

/// A note after an action, with the text to go back to when it changed the text.
struct Notice {
    text: String,
    undo: Option<Rc<str>>,
}

/// What the restore banner offers back.
struct Restore {
    saved: State,
    why: &'static str,
}

enum Status {
    Idle,
    Running,
    Done,
    Error(String),
}

struct Shown {
    seq: u64,
    /// The text the report is about: fixes' byte offsets point into it.
    text: Rc<str>,
    elapsed_ms: f64,
    report: Rc<Report>,
    markers: Rc<Vec<Marker>>,
}

struct ShareLink {
    url: String,
}

/// A settings change whose effect workshop mode reports when its result arrives.
struct PendingChange {
    from_label: String,
    before: Outcome,
    seq: u64,
}

pub struct App {
    text: Rc<str>,
    /// For a text too large for the textarea: the length of the head it shows (the rest is
    /// kept here and checked, not shown).
    head_len: Option<usize>,
    /// The text of the newest request (what the next shown report is about).
    evaluated_text: Rc<str>,
    revision: u64,
    settings: Settings,
    example: Option<&'static Example>,
    embed: bool,
    workshop: bool,
    worker: EngineWorker,
    requested: u64,
    shown: Option<Shown>,
    status: Status,
    first_result_ms: Option<f64>,
    debounce: Option<Timeout>,
    tab: Tab,
    selected_host: Option<usize>,
    show_all: bool,
    highlight: Option<Highlight>,
    highlight_token: u64,
    share: Option<ShareLink>,
    restore: Option<Restore>,
    link_error: Option<String>,
    save_timer: Option<Timeout>,
    save_error: Option<String>,
    notice: Option<Notice>,
    theme: Theme,
    pending_change: Option<PendingChange>,
    what_changed: Option<(String, Vec<String>)>,
    root: NodeRef,
    _resize: Option<HeightReporter>,
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let theme = browser::initial_theme();
        browser::apply_theme(theme, false);
        let embed = browser::query_param("embed").is_some_and(|v| v != "0");
        let workshop = browser::query_param("workshop").is_some_and(|v| v != "0");
        let mut example = browser::query_param("example").and_then(|id| examples::find(&id));
        if workshop && example.is_none() {
            example = EXAMPLES.first();
        }
        // Embedded pages neither read nor write the reader's saved work.
        let saved = if embed { None } else { browser::load_state() };
        let mut link_error = None;
        let link = match share::decode(&browser::fragment()) {
            Some(Ok(state)) => Some(state),
            Some(Err(e)) => {
                link_error = Some(e);
                None
            }
            None => None,
        };
        let (state, why) = match (link, example) {
            (Some(state), _) => (state, "This page opened a shared link."),
            (None, Some(example)) => {
                (State { text: example.text.into(), settings: example.settings() }, "This page opened an example.")
            }
            (None, None) => (saved.clone().unwrap_or_default(), ""),
        };
        let restore = saved
            .filter(|s| !why.is_empty() && *s != state && !s.text.trim().is_empty())
            .map(|saved| Restore { saved, why });

        let worker = EngineWorker::new(ctx.link().callback(Msg::Worker));
        ctx.link().send_message(Msg::Evaluate);
        let text: Rc<str> = Rc::from(state.text);
        App {
            evaluated_text: text.clone(),
            head_len: head_of(&text),
            text,
            revision: 1,
            settings: state.settings,
            example,
            embed,
            workshop,
            worker,
            requested: 0,
            shown: None,
            status: Status::Idle,
            first_result_ms: None,
            debounce: None,
            tab: Tab::HostObjects,
            selected_host: None,
            show_all: false,
            highlight: None,
            highlight_token: 0,
            share: None,
            restore,
            link_error,
            save_timer: None,
            save_error: None,
            notice: None,
            theme,
            pending_change: None,
            what_changed: None,
            root: NodeRef::default(),
            _resize: None,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::TextChanged((value, replaced_all)) => {
                self.text = match self.head_len {
                    Some(head) if !replaced_all => {
                        self.head_len = Some(value.len());
                        Rc::from(value + &self.text[head..])
                    }
                    _ => {
                        self.head_len = None;
                        Rc::from(value)
                    }
                };
                self.notice = None;
                self.edited(ctx);
                self.schedule_evaluation(ctx);
                // The textarea already shows the text; only the status line changes.
                true
            }
            Msg::LargePaste(text) => {
                self.set_text(Rc::from(text));
                self.edited(ctx);
                self.schedule_evaluation(ctx);
                true
            }
            Msg::DropRest => {
                if let Some(head) = self.head_len {
                    let text: Rc<str> = Rc::from(&self.text[..head]);
                    self.replace_text(ctx, text);
                }
                true
            }
            Msg::SettingsChanged(settings) => {
                if settings == self.settings {
                    return false;
                }
                if let Some(shown) = &self.shown {
                    self.pending_change = Some(PendingChange {
                        from_label: self.settings.label(),
                        before: Outcome::of(&shown.report),
                        seq: self.requested + 1,
                    });
                }
                self.settings = settings;
                self.edited(ctx);
                self.evaluate_now(ctx);
                true
            }
            Msg::ExampleSelected(id) => {
                match examples::find(&id) {
                    Some(example) => self.load_example(ctx, example),
                    None => self.example = None,
                }
                true
            }
            Msg::Evaluate => {
                self.evaluate_now(ctx);
                true
            }
            Msg::Worker(event) => self.on_worker(event),
            Msg::Tab(tab) => {
                self.tab = tab;
                self.show_all = false;
                true
            }
            Msg::SelectHost(index) => {
                self.selected_host = Some(index);
                true
            }
            Msg::ShowHostObject(index) => {
                self.tab = Tab::HostObjects;
                self.selected_host = Some(index);
                true
            }
            Msg::FocusFinding(index) => {
                let line = self
                    .shown
                    .as_ref()
                    .and_then(|s| s.report.findings.get(index))
                    .and_then(|f| f.location.as_ref())
                    .filter(|l| l.source == 0)
                    .map(|l| l.line);
                if let Some(line) = line {
                    self.focus_line(line);
                }
                true
            }
            Msg::ApplyFix(index) => {
                self.apply_fix(ctx, index);
                true
            }
            Msg::UndoFix => {
                if let Some(before) = self.notice.take().and_then(|n| n.undo) {
                    self.replace_text(ctx, before);
                }
                true
            }
            Msg::FocusLine(line) => {
                self.tab = Tab::Findings;
                self.focus_line(line);
                true
            }
            Msg::ShowAll => {
                self.show_all = true;
                true
            }
            Msg::CopyLink => {
                if self.text.len() > MAX_LINK_TEXT {
                    self.share = None;
                    self.notice = Some(Notice {
                        text: format!(
                            "The text is {} — too large for a share link (at most {}); share the file instead.",
                            megabytes(self.text.len()),
                            megabytes(MAX_LINK_TEXT)
                        ),
                        undo: None,
                    });
                    return true;
                }
                let fragment = share::encode(&self.state());
                let url = browser::url_with_fragment(&fragment);
                browser::copy_to_clipboard(&url);
                self.share = Some(ShareLink { url });
                true
            }
            Msg::OpenInPlayground => {
                // Encoded on click, not on every render of the embed's header.
                let url = browser::url_with_fragment(&share::encode(&self.state())).replace("embed=1", "embed=0");
                if let Some(window) = web_sys::window() {
                    let _ = window.open_with_url_and_target(&url, "_blank");
                }
                false
            }
            Msg::ToggleTheme => {
                self.theme = self.theme.other();
                browser::apply_theme(self.theme, true);
                true
            }
            Msg::KeepCurrent => {
                self.restore = None;
                self.save_now();
                true
            }
            Msg::RestoreSaved => {
                if let Some(restore) = self.restore.take() {
                    self.set_text(Rc::from(restore.saved.text));
                    self.settings = restore.saved.settings;
                    self.example = None;
                    browser::clear_fragment();
                    self.evaluate_now(ctx);
                }
                true
            }
            Msg::Save => {
                self.save_now();
                true
            }
            Msg::Workshop(step) => {
                let index = self.example.map_or(0, Example::index) as isize + step;
                if let Some(example) = usize::try_from(index).ok().and_then(|i| EXAMPLES.get(i)) {
                    self.load_example(ctx, example);
                }
                true
            }
        }
    }

    fn rendered(&mut self, _ctx: &Context<Self>, first_render: bool) {
        if first_render && self.embed {
            self._resize = self.root.cast::<web_sys::Element>().and_then(|root| report_height_to_parent(&root));
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let first_result = self.first_result_ms.map(|ms| format!("{ms:.0}"));
        html! {
            <div class={classes!("app", self.embed.then_some("embed"))} ref={self.root.clone()} data-testid="app"
                data-embed={self.embed.to_string()} data-first-result-ms={first_result}>
                { self.view_header(link) }
                { self.view_banners(link) }
                { self.view_workshop(link) }
                <main class="workspace">
                    <section class="input-side" aria-label="Input">
                        { self.view_examples(link) }
                        { self.view_large_text(link) }
                        <Editor text={self.editor_text()} revision={self.revision}
                            markers={self.shown.as_ref().map(|s| s.markers.clone()).unwrap_or_default()}
                            highlight={self.highlight} on_input={link.callback(Msg::TextChanged)}
                            on_large_paste={link.callback(Msg::LargePaste)}
                            on_marker={link.callback(Msg::FocusLine)}
                            placeholder="Paste the manifests you would apply inside the virtual cluster (YAML or JSON, several documents), or pick an example." />
                        <details class="settings" open={!self.embed}>
                            <summary>{ format!("Settings: {}", self.settings.label()) }</summary>
                            <SettingsPanel settings={self.settings.clone()} on_change={link.callback(Msg::SettingsChanged)} />
                        </details>
                    </section>
                    <section class="results" aria-label="Results">
                        { self.view_status() }
                        { self.view_tabs(link) }
                        { self.view_pane(link) }
                    </section>
                </main>
            </div>
        }
    }
}

impl App {
    fn state(&self) -> State {
        State { text: self.text.to_string(), settings: self.settings.clone() }
    }

    fn load_example(&mut self, ctx: &Context<Self>, example: &'static Example) {
        // Keep the user's own text reachable: the banner offers it back until answered.
        if self.restore.is_none() && self.example.is_none() && !self.text.trim().is_empty() && !self.embed {
            self.restore = Some(Restore { saved: self.state(), why: "An example replaced your text." });
        }
        self.example = Some(example);
        self.set_text(Rc::from(example.text));
        self.settings = example.settings();
        self.selected_host = None;
        self.what_changed = None;
        self.pending_change = None;
        self.evaluate_now(ctx);
    }

    /// The user changed text or settings: the link they came from no longer describes the
    /// page, and the change is worth saving.
    fn edited(&mut self, ctx: &Context<Self>) {
        self.share = None;
        if !browser::fragment().is_empty() {
            browser::clear_fragment();
        }
        if self.embed || self.restore.is_some() {
            return;
        }
        let link = ctx.link().clone();
        self.save_timer = Some(Timeout::new(SAVE_DELAY_MS, move || link.send_message(Msg::Save)));
    }

    fn save_now(&mut self) {
        self.save_timer = None;
        if self.embed || self.restore.is_some() {
            return;
        }
        self.save_error = browser::save_state(&self.text, &self.settings).err();
    }

    fn schedule_evaluation(&mut self, ctx: &Context<Self>) {
        self.requested += 1;
        self.status = Status::Running;
        let link = ctx.link().clone();
        self.debounce = Some(Timeout::new(DEBOUNCE_MS, move || link.send_message(Msg::Evaluate)));
    }

    fn evaluate_now(&mut self, _ctx: &Context<Self>) {
        self.debounce = None;
        self.requested += 1;
        self.status = Status::Running;
        self.evaluated_text = self.text.clone();
        let request = Request { seq: self.requested, input: self.settings.input(&self.text) };
        match serde_json::to_string(&request) {
            Ok(json) => self.worker.submit(self.requested, json),
            Err(e) => self.status = Status::Error(format!("cannot send the input to the engine: {e}")),
        }
    }

    fn on_worker(&mut self, event: WorkerEvent) -> bool {
        match event {
            WorkerEvent::Report { seq, elapsed_ms, report } => {
                // An answer to an older input: a newer one is on its way.
                if seq != self.requested {
                    return false;
                }
                if let Some(change) = self.pending_change.take_if(|c| seq >= c.seq) {
                    let lines = Outcome::of(&report).changes_since(&change.before, 12);
                    self.what_changed = Some((format!("{} → {}", change.from_label, self.settings.label()), lines));
                }
                if self.selected_host.is_some_and(|i| i >= report.host_objects.len()) {
                    self.selected_host = None;
                }
                let markers = Rc::new(markers(&report));
                let text = self.evaluated_text.clone();
                self.shown = Some(Shown { seq, text, elapsed_ms, report, markers });
                self.status = Status::Done;
                if self.first_result_ms.is_none() {
                    self.first_result_ms = Some(browser::now_ms());
                }
            }
            WorkerEvent::Failed { seq, message } => {
                if seq != 0 && seq != self.requested {
                    return false;
                }
                self.status = Status::Error(message);
            }
        }
        true
    }

    fn apply_fix(&mut self, ctx: &Context<Self>, index: usize) {
        let Some(shown) = &self.shown else { return };
        let Some(fix) = shown.report.findings.get(index).and_then(|f| f.fix.as_ref()) else { return };
        // Offsets are only valid for the text the report was computed from.
        if *shown.text != *self.text {
            self.notice = Some(Notice {
                text: "The text changed since this fix was computed; apply it from the new result.".into(),
                undo: None,
            });
            return;
        }
        let edits: Vec<_> = fix.edits.iter().filter(|e| e.source == 0).cloned().collect();
        match hostside_engine::apply_edits(&self.text, &edits) {
            Ok(fixed) => {
                let before = self.text.clone();
                let text = format!("Applied: {}", fix.description);
                self.replace_text(ctx, Rc::from(fixed));
                self.notice = Some(Notice { text, undo: Some(before) });
            }
            Err(e) => self.notice = Some(Notice { text: format!("The fix could not be applied: {e}"), undo: None }),
        }
    }

    /// Puts a new text into the editor (fix, undo) and evaluates it.
    fn replace_text(&mut self, ctx: &Context<Self>, text: Rc<str>) {
        self.set_text(text);
        self.edited(ctx);
        self.evaluate_now(ctx);
    }

    /// A new text for the editor; a large one shows only its head.
    fn set_text(&mut self, text: Rc<str>) {
        self.head_len = head_of(&text);
        self.text = text;
        self.revision += 1;
    }

    /// What the textarea shows.
    fn editor_text(&self) -> Rc<str> {
        match self.head_len {
            Some(head) => Rc::from(&self.text[..head]),
            None => self.text.clone(),
        }
    }

    fn focus_line(&mut self, line: u32) {
        self.highlight_token += 1;
        self.highlight = Some(Highlight::line(&self.text, self.highlight_token, line));
    }

    fn view_header(&self, link: &html::Scope<Self>) -> Html {
        if self.embed {
            return html! {
                <header class="topbar compact">
                    <strong>{ "Hostside" }</strong>
                    <button type="button" class="link" onclick={link.callback(|_| Msg::OpenInPlayground)}>
                        { "Open in the playground ↗" }
                    </button>
                </header>
            };
        }
        let theme_label = format!("Switch to the {} theme", self.theme.other().name());
        let share = self.share.as_ref().map(|s| {
            let length = s.url.chars().count();
            html! {
                <div class="share">
                    <input data-testid="share-url" readonly=true value={s.url.clone()} aria-label="Share link"
                        onfocus={Callback::from(|e: FocusEvent| {
                            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() { input.select(); }
                        })} />
                    <span data-testid="share-length" class={classes!("muted", (length > LONG_LINK).then_some("warn"))}>
                        { format!("{length} characters") }
                    </span>
                    if length > LONG_LINK {
                        <span class="warn">{ " (long links may be cut by chat tools)" }</span>
                    }
                </div>
            }
        });
        html! {
            <header class="topbar">
                <h1>{ "Hostside" }</h1>
                <span class="tagline">{ "what the host cluster will really do with your vcluster manifests" }</span>
                <div class="actions">
                    <button type="button" data-testid="copy-link" onclick={link.callback(|_| Msg::CopyLink)}>{ "Copy link" }</button>
                    <button type="button" data-testid="theme-toggle" aria-label={theme_label.clone()} title={theme_label}
                        onclick={link.callback(|_| Msg::ToggleTheme)}>
                        { if self.theme == Theme::Dark { "☀ Light" } else { "☾ Dark" } }
                    </button>
                </div>
                { share }
            </header>
        }
    }

    fn view_banners(&self, link: &html::Scope<Self>) -> Html {
        let restore = self.restore.as_ref().map(|r| {
            html! {
                <div class="banner" data-testid="restore-banner" role="alert">
                    <span>{ format!("{} Your own work is kept in this browser and is not overwritten until you choose.", r.why) }</span>
                    <button type="button" data-testid="restore-keep-link" onclick={link.callback(|_| Msg::KeepCurrent)}>
                        { "Keep what is shown" }
                    </button>
                    <button type="button" data-testid="restore-back" onclick={link.callback(|_| Msg::RestoreSaved)}>
                        { "Back to my work" }
                    </button>
                </div>
            }
        });
        let link_error = self.link_error.as_ref().map(|e| html! { <div class="banner error" role="alert">{ format!("The link could not be opened: {e}.") }</div> });
        let save_error = self.save_error.as_ref().map(|e| html! { <div class="banner warn" role="status">{ e }</div> });
        let notice = self.notice.as_ref().map(|n| {
            html! {
                <div class="banner info" data-testid="notice" role="status">
                    <span>{ &n.text }</span>
                    if n.undo.is_some() {
                        <button type="button" data-testid="undo-fix" onclick={link.callback(|_| Msg::UndoFix)}>{ "Undo" }</button>
                    }
                </div>
            }
        });
        html! { <>{ restore }{ link_error }{ save_error }{ notice }</> }
    }

    fn view_large_text(&self, link: &html::Scope<Self>) -> Html {
        let Some(head) = self.head_len else { return html! {} };
        html! {
            <div class="banner" data-testid="large-text" role="status">
                <span>{ format!(
                    "The text is {}: the editor shows its first {} and edits apply there; the other {} are kept as pasted and checked in full. Select all and type to replace everything.",
                    megabytes(self.text.len()), megabytes(head), megabytes(self.text.len() - head)
                ) }</span>
                <button type="button" data-testid="drop-rest" onclick={link.callback(|_| Msg::DropRest)}>{ "Drop the rest" }</button>
            </div>
        }
    }

    fn view_workshop(&self, link: &html::Scope<Self>) -> Html {
        if !self.workshop {
            return html! {};
        }
        let example = self.example.unwrap_or(&EXAMPLES[0]);
        let index = example.index();
        let changed = self.what_changed.as_ref().map(|(title, lines)| {
            html! {
                <div class="what-changed" data-testid="what-changed">
                    <h3>{ format!("What changed: {title}") }</h3>
                    if lines.is_empty() {
                        <p>{ "Nothing: same host objects, verdicts and findings." }</p>
                    } else {
                        <ul>{ for lines.iter().map(|l| html! { <li>{ l }</li> }) }</ul>
                    }
                </div>
            }
        });
        html! {
            <section class="workshop" data-testid="workshop" aria-label="Workshop">
                <div class="workshop-nav">
                    <button type="button" data-testid="workshop-prev" disabled={index == 0}
                        onclick={link.callback(|_| Msg::Workshop(-1))}>{ "← Previous" }</button>
                    <h2>{ format!("{} of {}: {}", index + 1, EXAMPLES.len(), example.title()) }</h2>
                    <button type="button" data-testid="workshop-next" disabled={index + 1 == EXAMPLES.len()}
                        onclick={link.callback(|_| Msg::Workshop(1))}>{ "Next →" }</button>
                </div>
                <pre class="description">{ example.description() }</pre>
                <p class="muted">{ "Switch the host profile in the settings to see what changes." }</p>
                { changed }
            </section>
        }
    }

    fn view_examples(&self, link: &html::Scope<Self>) -> Html {
        let selected = self.example.map_or("", |e| e.id);
        let on_change = link.callback(|e: Event| {
            Msg::ExampleSelected(e.target_dyn_into::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default())
        });
        let description = self.example.filter(|_| !self.workshop).map(|e| {
            html! {
                <details class="example-description">
                    <summary>{ e.title() }</summary>
                    <pre data-testid="example-description">{ e.description() }</pre>
                </details>
            }
        });
        html! {
            <div class="examples">
                <label>{ "Example " }
                    <select data-testid="examples" onchange={on_change}>
                        <option value="" selected={selected.is_empty()}>{ "— your own manifests —" }</option>
                        { for EXAMPLES.iter().map(|e| html! {
                            <option value={e.id} selected={e.id == selected}>{ format!("{}: {}", &e.id[..2], e.title()) }</option>
                        }) }
                    </select>
                </label>
                { description }
            </div>
        }
    }

    fn view_status(&self) -> Html {
        let (state, text) = match &self.status {
            Status::Idle => ("idle", "Waiting for input".to_string()),
            Status::Running => ("running", "Evaluating…".to_string()),
            Status::Done => ("done", String::new()),
            Status::Error(e) => ("error", format!("Error: {e}. Your text is kept; edit it to try again.")),
        };
        let seq = self.shown.as_ref().map_or(0, |s| s.seq);
        let elapsed = self.shown.as_ref().map(|s| format!("{:.1}", s.elapsed_ms));
        let summary = self.shown.as_ref().map(|s| summary_line(&s.report)).unwrap_or_default();
        let timing = self.shown.as_ref().map(|s| format!("checked in {:.0} ms", s.elapsed_ms)).unwrap_or_default();
        html! {
            <div class="status-bar">
                <span data-testid="summary" class="summary">{ summary }</span>
                <span data-testid="status" class={classes!("status", state)} role="status" aria-live="polite"
                    data-state={state} data-seq={seq.to_string()} data-elapsed-ms={elapsed}>
                    { if text.is_empty() { timing } else { text } }
                </span>
            </div>
        }
    }

    fn view_tabs(&self, link: &html::Scope<Self>) -> Html {
        let counts = self.shown.as_ref().map(|s| {
            let r = &s.report;
            [
                r.host_objects.len(),
                r.host_objects.iter().filter(|h| h.admission.is_some()).count(),
                r.findings.len(),
                r.objects.iter().map(|o| o.events.len()).sum(),
            ]
        });
        let tabs = Tab::ALL.iter().enumerate().map(|(i, tab)| {
            let tab = *tab;
            let selected = tab == self.tab;
            let count = counts.map(|c| format!(" ({})", c[i])).unwrap_or_default();
            let on_key = link.batch_callback(move |e: KeyboardEvent| {
                let step = match e.key().as_str() {
                    "ArrowRight" => 1,
                    "ArrowLeft" => Tab::ALL.len() - 1,
                    _ => return None,
                };
                Some(Msg::Tab(Tab::ALL[(i + step) % Tab::ALL.len()]))
            });
            html! {
                <button type="button" role="tab" id={format!("tab-{}", tab.id())} data-testid={format!("tab-{}", tab.id())}
                    aria-selected={selected.to_string()} aria-controls={format!("pane-{}", tab.id())}
                    tabindex={if selected { "0" } else { "-1" }} class={classes!("tab", selected.then_some("selected"))}
                    onclick={link.callback(move |_| Msg::Tab(tab))} onkeydown={on_key}>
                    { format!("{}{count}", tab.title()) }
                </button>
            }
        });
        html! { <div class="tabs" role="tablist" aria-label="Results">{ for tabs }</div> }
    }

    fn view_pane(&self, link: &html::Scope<Self>) -> Html {
        let id = self.tab.id();
        let body = match &self.shown {
            None => html! { <p class="empty">{ "The results appear here as you type." }</p> },
            Some(shown) => {
                let report = SharedReport(shown.report.clone());
                let show_all = self.show_all;
                let on_show_all = link.callback(|()| Msg::ShowAll);
                match self.tab {
                    Tab::HostObjects => html! {
                        <HostObjectsPane {report} selected={self.selected_host} on_select={link.callback(Msg::SelectHost)}
                            {show_all} {on_show_all} />
                    },
                    Tab::Verdicts => html! { <VerdictsPane {report} {show_all} {on_show_all} /> },
                    Tab::Findings => html! {
                        <FindingsPane {report} on_focus={link.callback(Msg::FocusFinding)}
                            on_apply_fix={link.callback(Msg::ApplyFix)}
                            on_host_object={link.callback(Msg::ShowHostObject)} {show_all} {on_show_all} />
                    },
                    Tab::Events => html! { <EventsPane {report} /> },
                }
            }
        };
        html! {
            <div class="pane" role="tabpanel" id={format!("pane-{id}")} data-testid={format!("pane-{id}")}
                aria-labelledby={format!("tab-{id}")}>
                { body }
            </div>
        }
    }
}

fn head_of(text: &str) -> Option<usize> {
    (text.len() > LARGE_PASTE_BYTES).then(|| head_length(text, HEAD_BYTES))
}

fn megabytes(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// Embedded pages tell their parent how tall they are, so the iframe can fit them.
/// The observer and its callback, kept alive together.
type HeightReporter = (ResizeObserver, Closure<dyn FnMut(js_sys::Array)>);

fn report_height_to_parent(root: &web_sys::Element) -> Option<HeightReporter> {
    let window = web_sys::window()?;
    let parent = window.parent().ok().flatten()?;
    let target = root.clone();
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |_entries: js_sys::Array| {
        let message = js_sys::Object::new();
        let height = f64::from(target.scroll_height());
        let _ = js_sys::Reflect::set(&message, &"type".into(), &"hostside:resize".into());
        let _ = js_sys::Reflect::set(&message, &"height".into(), &height.into());
        let _ = parent.post_message(&message, "*");
    });
    let observer = ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
    observer.observe(root);
    Some((observer, callback))
}
