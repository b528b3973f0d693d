//! The manifest editor: a plain textarea with a line-number and diagnostics gutter. Only
//! the visible gutter lines are rendered, so a 50 MB paste costs what a short one does.
//! This is the `Editor` boundary: a richer editor can replace it behind the same props.
//! Positions arrive as UTF-8 byte offsets and leave as UTF-16 (`setSelectionRange`).

use crate::outcome::{Marker, severity_name};
use crate::text::{byte_offset, line_count, line_range, utf16_offset};
use gloo::events::EventListener;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// Must equal the textarea's CSS line-height and padding (style/main.css, `.editor`).
const LINE_HEIGHT: f64 = 20.0;
const PADDING_TOP: f64 = 8.0;
/// Lines rendered above and below the visible ones.
const OVERSCAN: usize = 10;
/// A paste larger than this never enters the textarea (Chromium's textarea freezes for
/// seconds per keystroke with tens of MB); the app keeps it and shows its head.
pub const LARGE_PASTE_BYTES: usize = 4 << 20;

/// Select a range (bytes of the text) and scroll it into view; `token` makes each request new.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Highlight {
    pub token: u64,
    pub line: u32,
    pub start: usize,
    pub end: usize,
}

impl Highlight {
    /// The whole of a 1-based line.
    pub fn line(text: &str, token: u64, line: u32) -> Self {
        let (start, end) = line_range(text, line);
        Highlight { token, line, start, end }
    }
}

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The text; written into the textarea only when `revision` changes (the textarea owns
    /// what the user types).
    pub text: Rc<str>,
    pub revision: u64,
    pub markers: Rc<Vec<Marker>>,
    pub highlight: Option<Highlight>,
    /// The textarea's new value, and whether the edit replaced all of it (everything was
    /// selected), which also drops a large text's part that is not shown.
    pub on_input: Callback<(String, bool)>,
    /// The whole new text after a paste too large for the textarea.
    pub on_large_paste: Callback<String>,
    pub on_marker: Callback<u32>,
    #[prop_or_default]
    pub placeholder: AttrValue,
}

pub enum Msg {
    Input,
    Scrolled,
    /// A paste too large for the textarea, kept out of it.
    LargePaste(String),
}

pub struct Editor {
    textarea: NodeRef,
    scroll_top: f64,
    height: f64,
    lines: usize,
    revision: Option<u64>,
    highlight: Option<u64>,
    _resize: Option<EventListener>,
    /// Set by `beforeinput` when the edit replaces the whole value.
    replacing_all: Rc<Cell<bool>>,
    _before_input: Option<EventListener>,
    _paste: Option<EventListener>,
}

impl Component for Editor {
    type Message = Msg;
    type Properties = EditorProps;

    fn create(ctx: &Context<Self>) -> Self {
        let link = ctx.link().clone();
        let resize =
            web_sys::window().map(|w| EventListener::new(&w, "resize", move |_| link.send_message(Msg::Scrolled)));
        Editor {
            textarea: NodeRef::default(),
            scroll_top: 0.0,
            height: 600.0,
            lines: line_count(&ctx.props().text),
            revision: None,
            highlight: None,
            _resize: resize,
            replacing_all: Rc::default(),
            _before_input: None,
            _paste: None,
        }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let Some(area) = self.textarea.cast::<HtmlTextAreaElement>() else { return false };
        match msg {
            Msg::Input => {
                let value = area.value();
                self.lines = line_count(&value);
                ctx.props().on_input.emit((value, self.replacing_all.replace(false)));
                true
            }
            Msg::LargePaste(pasted) => {
                let value = area.value();
                let (start, end) = (area.selection_start().ok().flatten(), area.selection_end().ok().flatten());
                let (start, end) = (byte_offset(&value, start.unwrap_or(0)), byte_offset(&value, end.unwrap_or(0)));
                let mut text = String::with_capacity(value.len() + pasted.len());
                text.push_str(&value[..start]);
                text.push_str(&pasted);
                text.push_str(&value[end..]);
                ctx.props().on_large_paste.emit(text);
                false
            }
            Msg::Scrolled => self.measure(&area),
        }
    }

    fn changed(&mut self, ctx: &Context<Self>, _old: &EditorProps) -> bool {
        if self.revision != Some(ctx.props().revision) {
            self.lines = line_count(&ctx.props().text);
        }
        true
    }

    fn rendered(&mut self, ctx: &Context<Self>, first: bool) {
        let Some(area) = self.textarea.cast::<HtmlTextAreaElement>() else { return };
        if first {
            let flag = self.replacing_all.clone();
            let target = area.clone();
            self._before_input = Some(EventListener::new(&area, "beforeinput", move |_| {
                let length = target.text_length();
                let whole = target.selection_start().ok().flatten() == Some(0)
                    && target.selection_end().ok().flatten() == Some(length);
                flag.set(whole);
            }));
            // Listened to on the element itself, not through Yew's delegation, so that
            // cancelling happens before the browser inserts the text.
            let link = ctx.link().clone();
            let options = gloo::events::EventListenerOptions::enable_prevent_default();
            self._paste = Some(EventListener::new_with_options(&area, "paste", options, move |event| {
                let Some(event) = event.dyn_ref::<web_sys::ClipboardEvent>() else { return };
                let Some(data) = event.clipboard_data() else { return };
                let pasted = data.get_data("text/plain").unwrap_or_default();
                if pasted.len() > LARGE_PASTE_BYTES {
                    event.prevent_default();
                    link.send_message(Msg::LargePaste(pasted));
                }
            }));
        }
        let props = ctx.props();
        if self.revision != Some(props.revision) {
            // `changed` already counted the new text's lines for this render.
            self.revision = Some(props.revision);
            area.set_value(&props.text);
        }
        if let Some(h) = props.highlight
            && self.highlight != Some(h.token)
        {
            self.highlight = Some(h.token);
            let text = area.value();
            let (start, end) = (utf16_offset(&text, h.start), utf16_offset(&text, h.end));
            let _ = area.focus();
            let _ = area.set_selection_range(start, end);
            let top = (f64::from(h.line) - 1.0) * LINE_HEIGHT - f64::from(area.client_height()) / 3.0;
            area.set_scroll_top(top.max(0.0) as i32);
        }
        if self.differs(&area) {
            ctx.link().send_message(Msg::Scrolled);
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let props = ctx.props();
        let link = ctx.link();
        let first =
            (((self.scroll_top - PADDING_TOP) / LINE_HEIGHT).floor().max(0.0) as usize).saturating_sub(OVERSCAN);
        let visible = (self.height / LINE_HEIGHT).ceil() as usize + 2 * OVERSCAN + 1;
        let last = (first + visible).min(self.lines);
        let markers = &props.markers;
        let start = markers.partition_point(|m| (m.line as usize) < first + 1);
        let mut marker_iter = markers[start..].iter().peekable();
        let rows = (first..last).map(|index| {
            let line = index + 1;
            let top = PADDING_TOP + index as f64 * LINE_HEIGHT - self.scroll_top;
            while marker_iter.peek().is_some_and(|m| (m.line as usize) < line) {
                marker_iter.next();
            }
            let marker = marker_iter.peek().filter(|m| m.line as usize == line).map(|m| {
                let severity = severity_name(m.severity);
                let title = m.messages.join("\n");
                let on_marker = props.on_marker.clone();
                let at = m.line;
                html! {
                    <button type="button" class={classes!("marker", severity)} data-testid="gutter-marker"
                        data-line={line.to_string()} data-severity={severity} title={title.clone()}
                        aria-label={format!("{severity} on line {line}: {title}")}
                        onclick={Callback::from(move |_| on_marker.emit(at))}>
                        { marker_glyph(severity) }
                    </button>
                }
            });
            html! {
                <div class="gutter-line" key={line} style={format!("top:{top}px")}>
                    { marker }<span class="line-number">{ line }</span>
                </div>
            }
        });
        html! {
            <div class="editor">
                <div class="gutter">{ for rows }</div>
                <textarea ref={self.textarea.clone()} data-testid="editor" wrap="off" spellcheck="false"
                    autocapitalize="off" autocomplete="off" aria-label="Manifests for the virtual cluster"
                    placeholder={props.placeholder.clone()}
                    oninput={link.callback(|_| Msg::Input)} onscroll={link.callback(|_| Msg::Scrolled)}  />
            </div>
        }
    }
}

impl Editor {
    fn geometry(area: &HtmlTextAreaElement) -> (f64, f64) {
        (f64::from(area.scroll_top()), f64::from(area.client_height()).max(LINE_HEIGHT))
    }

    fn differs(&self, area: &HtmlTextAreaElement) -> bool {
        Self::geometry(area) != (self.scroll_top, self.height)
    }

    /// Reads scroll position and height; `true` when they changed.
    fn measure(&mut self, area: &HtmlTextAreaElement) -> bool {
        let changed = self.differs(area);
        (self.scroll_top, self.height) = Self::geometry(area);
        changed
    }
}

fn marker_glyph(severity: &str) -> &'static str {
    match severity {
        "error" => "●",
        "warning" => "▲",
        _ => "·",
    }
}
