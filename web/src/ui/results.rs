//! The result panes: host objects (YAML and diff), verdicts, findings, events. Everything
//! from the input is rendered as text nodes, never as markup.

use crate::diff::{Change, diff_lines};
use crate::outcome::{allowed, host_key, severity_name};
use hostside_engine::report::{
    Confidence, Event, EventType, Finding, HostObject, Report, Stage, StepVerdict, VirtualObject,
};
use hostside_engine::yaml::to_yaml;
use std::rc::Rc;
use yew::prelude::*;

/// A report shared between components; equal when it is the same report (no deep compare).
#[derive(Clone)]
pub struct SharedReport(pub Rc<Report>);

impl PartialEq for SharedReport {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for SharedReport {
    type Target = Report;
    fn deref(&self) -> &Report {
        &self.0
    }
}

/// Rows rendered per list before "show all" (a 1 MB install has thousands of findings).
pub const LIST_LIMIT: usize = 300;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    HostObjects,
    Verdicts,
    Findings,
    Events,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::HostObjects, Tab::Verdicts, Tab::Findings, Tab::Events];

    pub fn id(self) -> &'static str {
        match self {
            Tab::HostObjects => "host-objects",
            Tab::Verdicts => "verdicts",
            Tab::Findings => "findings",
            Tab::Events => "events",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Tab::HostObjects => "Host objects",
            Tab::Verdicts => "Verdicts",
            Tab::Findings => "Findings",
            Tab::Events => "Events",
        }
    }
}

fn verdict_badge(host: &HostObject) -> Html {
    match allowed(host) {
        Some(true) => html! { <span class="badge ok">{ "admitted" }</span> },
        Some(false) => html! { <span class="badge error">{ "denied" }</span> },
        None => html! {},
    }
}

fn list_limit(show_all: bool) -> usize {
    if show_all { usize::MAX } else { LIST_LIMIT }
}

fn more_note(total: usize, shown: usize, on_show_all: &Callback<()>) -> Html {
    if total <= shown {
        return html! {};
    }
    let on_show_all = on_show_all.clone();
    html! {
        <p class="more">
            { format!("{shown} of {total} shown. ") }
            <button type="button" class="link" onclick={Callback::from(move |_| on_show_all.emit(()))}>{ "Show all" }</button>
        </p>
    }
}

#[derive(Properties, PartialEq)]
pub struct HostObjectsProps {
    pub report: SharedReport,
    pub selected: Option<usize>,
    pub on_select: Callback<usize>,
    pub show_all: bool,
    pub on_show_all: Callback<()>,
}

#[function_component(HostObjectsPane)]
pub fn host_objects_pane(props: &HostObjectsProps) -> Html {
    let report = &props.report;
    if report.host_objects.is_empty() {
        return html! { <p class="empty">{ "No host objects: nothing in the input reaches the host." }</p> };
    }
    let limit = list_limit(props.show_all);
    let selected = props.selected.filter(|i| *i < report.host_objects.len()).unwrap_or(0);
    let rows = report.host_objects.iter().take(limit).enumerate().map(|(index, host)| {
        let on_select = props.on_select.clone();
        html! {
            <li>
                <button type="button" class={classes!("row", (index == selected).then_some("selected"))}
                    data-testid="host-object" data-name={host_key(host)} data-kind={host.kind.clone()}
                    aria-pressed={(index == selected).to_string()}
                    onclick={Callback::from(move |_| on_select.emit(index))}>
                    <span class="kind">{ &host.kind }</span>
                    <span class="name">{ host_key(host) }</span>
                    { verdict_badge(host) }
                </button>
            </li>
        }
    });
    html! {
        <div class="split">
            <ul class="object-list" aria-label="Host objects">{ for rows }</ul>
            { more_note(report.host_objects.len(), limit.min(report.host_objects.len()), &props.on_show_all) }
            <HostObjectDetail report={report.clone()} host={selected} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct DetailProps {
    report: SharedReport,
    host: usize,
}

#[function_component(HostObjectDetail)]
fn host_object_detail(props: &DetailProps) -> Html {
    let host = &props.report.host_objects[props.host];
    let virtual_object = host.from.and_then(|id| props.report.objects.get(id));
    let yaml = to_yaml(&host.object);
    let origin = match virtual_object {
        Some(v) => format!("written by {} for {}", host.written_by, v.display_name()),
        None => format!("written by {}", host.written_by),
    };
    let diff = virtual_object.map(|v| {
        let before = to_yaml(&v.object);
        let lines = diff_lines(&before, &yaml).into_iter().map(|line| {
            let (class, mark) = match line.change {
                Change::Same => ("same", ' '),
                Change::Removed => ("removed", '-'),
                Change::Added => ("added", '+'),
            };
            html! { <span class={class}>{ format!("{mark} {}\n", line.text) }</span> }
        });
        html! {
            <details class="diff-block">
                <summary>{ format!("Diff against the virtual {}", v.display_name()) }</summary>
                <pre class="diff" data-testid="host-object-diff">{ for lines }</pre>
            </details>
        }
    });
    let mutations = host.admission.as_ref().map(|a| {
        let changes: Vec<Html> = a
            .steps
            .iter()
            .flat_map(|step| step.changes.iter().map(move |c| (step, c)))
            .map(|(step, c)| html! { <li><code>{ format!("{}: {} → {}", c.path, c.from, c.to) }</code>{ format!(" ({})", step.plugin) }</li> })
            .collect();
        if changes.is_empty() {
            html! {}
        } else {
            html! { <div class="mutations"><h4>{ "Changed by the host's admission" }</h4><ul>{ for changes }</ul></div> }
        }
    });
    html! {
        <article class="detail">
            <h3>{ format!("{} {}", host.kind, host_key(host)) }</h3>
            <p class="muted">{ origin }</p>
            { diff }
            <pre class="yaml" data-testid="host-object-yaml">{ yaml }</pre>
            { mutations }
        </article>
    }
}

#[derive(Properties, PartialEq)]
pub struct VerdictsProps {
    pub report: SharedReport,
    pub show_all: bool,
    pub on_show_all: Callback<()>,
}

#[function_component(VerdictsPane)]
pub fn verdicts_pane(props: &VerdictsProps) -> Html {
    let checked: Vec<&HostObject> = props.report.host_objects.iter().filter(|h| h.admission.is_some()).collect();
    if checked.is_empty() {
        return html! { <p class="empty">{ "No verdicts: pick a host profile in the settings to run the host's admission." }</p> };
    }
    let limit = list_limit(props.show_all);
    let items = checked.iter().take(limit).map(|host| {
        let Some(admission) = &host.admission else { return html! {} };
        let steps = admission.steps.iter().map(|step| {
            let outcome = match step.verdict {
                StepVerdict::Allowed => "allowed",
                StepVerdict::Mutated => "mutated",
                StepVerdict::Warned => "warned",
                StepVerdict::Audited => "audited",
                StepVerdict::Denied => "denied",
            };
            let policy = step.policy.as_deref().map(|p| format!(" {p}")).unwrap_or_default();
            html! {
                <li class={classes!("step", outcome)}>
                    <span class="step-name">{ format!("{}{policy}", step.plugin) }</span>
                    <span class="step-outcome">{ outcome }</span>
                    { for step.messages.iter().map(|m| html! { <pre class="message">{ m }</pre> }) }
                </li>
            }
        });
        html! {
            <section class={classes!("verdict", if admission.allowed { "ok" } else { "denied" })} data-testid="verdict"
                data-host-object={host_key(host)} data-allowed={admission.allowed.to_string()}>
                <h3>{ format!("{} {} ", host.kind, host_key(host)) }{ verdict_badge(host) }</h3>
                { for admission.error.iter().map(|e| html! { <pre class="message error">{ e }</pre> }) }
                { for admission.warnings.iter().map(|w| html! { <pre class="message warning">{ format!("Warning: {w}") }</pre> }) }
                <ol class="steps" aria-label="Admission steps">{ for steps }</ol>
            </section>
        }
    });
    html! { <div>{ for items }{ more_note(checked.len(), limit.min(checked.len()), &props.on_show_all) }</div> }
}

#[derive(Properties, PartialEq)]
pub struct FindingsProps {
    pub report: SharedReport,
    pub on_focus: Callback<usize>,
    pub on_apply_fix: Callback<usize>,
    pub on_host_object: Callback<usize>,
    pub show_all: bool,
    pub on_show_all: Callback<()>,
}

#[function_component(FindingsPane)]
pub fn findings_pane(props: &FindingsProps) -> Html {
    let report = &props.report;
    if report.findings.is_empty() {
        return html! { <p class="empty">{ "No findings." }</p> };
    }
    // Most severe first, then in input order.
    let mut order: Vec<usize> = (0..report.findings.len()).collect();
    order.sort_by_key(|i| std::cmp::Reverse(report.findings[*i].severity));
    let limit = list_limit(props.show_all);
    let items = order.iter().take(limit).map(|index| finding_item(props, *index, &report.findings[*index]));
    html! {
        <div>
            <ul class="findings">{ for items }</ul>
            { more_note(order.len(), limit.min(order.len()), &props.on_show_all) }
        </div>
    }
}

fn finding_item(props: &FindingsProps, index: usize, finding: &Finding) -> Html {
    let report = &props.report;
    let severity = severity_name(finding.severity);
    let location = finding.location.as_ref().map(|l| {
        let source = report.sources.get(l.source).map_or("input", |s| s.name.as_str());
        let label = format!("{source}:{}", l.line);
        if l.source == 0 {
            // The whole finding is clickable; this button is its keyboard way in.
            let on_focus = props.on_focus.clone();
            html! {
                <button type="button" class="link location" data-testid="finding-location"
                    onclick={Callback::from(move |e: MouseEvent| { e.stop_propagation(); on_focus.emit(index) })}>{ label }</button>
            }
        } else {
            html! { <span class="location" data-testid="finding-location">{ label }</span> }
        }
    });
    let host = finding.host_object.and_then(|id| report.host_objects.get(id)).map(|h| {
        let on_host = props.on_host_object.clone();
        let id = h.id;
        html! {
            <button type="button" class="link" onclick={Callback::from(move |_| on_host.emit(id))}>
                { format!("{} {}", h.kind, host_key(h)) }
            </button>
        }
    });
    let object = finding
        .object
        .and_then(|id| report.objects.get(id))
        .map(|o| html! { <span class="muted">{ o.display_name() }</span> });
    let fix = finding.fix.as_ref().map(|fix| {
        // Only edits to the editor's own text can be applied here.
        let applicable = !fix.edits.is_empty() && fix.edits.iter().all(|e| e.source == 0);
        let apply = applicable.then(|| {
            let on_apply = props.on_apply_fix.clone();
            html! {
                <button type="button" class="primary" data-testid="apply-fix"
                    onclick={Callback::from(move |e: MouseEvent| { e.stop_propagation(); on_apply.emit(index) })}>{ "Apply fix" }</button>
            }
        });
        let recheck = fix.recheck.as_ref().map(|r| {
            let (class, text) = match (r.resolved, r.new_findings.as_slice()) {
                (true, []) => ("ok", "Re-checked: this fix resolves it.".to_string()),
                (true, new) => ("bad", format!("Re-checked: resolves it, but then: {}", new.join("; "))),
                (false, _) => ("bad", "Re-checked: not enough on its own.".to_string()),
            };
            html! { <span class={classes!("recheck", class)} data-testid="fix-recheck">{ text }</span> }
        });
        html! {
            <div class="fix" data-testid="fix">
                <span class="fix-label">{ "Fix:" }</span><span>{ &fix.description }</span>
                { apply }
                { recheck }
            </div>
        }
    });
    // Runtime predictions say how sure they are (from the image knowledge base).
    let predicted = (finding.stage == Stage::Predict).then(|| {
        let confidence = match finding.confidence {
            Some(Confidence::Verified) => " · verified",
            Some(Confidence::Documented) => " · documented",
            Some(Confidence::Inferred) => " · inferred",
            None => "",
        };
        html! { <span class="badge info" data-testid="prediction">{ format!("at run time{confidence}") }</span> }
    });
    let line = finding.location.as_ref().filter(|l| l.source == 0).map(|l| l.line.to_string());
    let on_click = line.is_some().then(|| {
        let on_focus = props.on_focus.clone();
        Callback::from(move |_: MouseEvent| on_focus.emit(index))
    });
    html! {
        <li class={classes!("finding", severity, on_click.is_some().then_some("clickable"))} data-testid="finding"
            data-rule={finding.rule.to_string()} data-severity={severity} data-line={line} onclick={on_click}>
            <div class="finding-head">
                <span class={classes!("badge", severity)}>{ severity }</span>
                { predicted }
                <code class="rule">{ finding.rule.to_string() }</code>
                { location }
                { object }
                { host }
            </div>
            <pre class="message">{ &finding.message }</pre>
            { for finding.explanation.iter().map(|e| html! { <p class="explanation">{ e }</p> }) }
            { fix }
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub struct EventsProps {
    pub report: SharedReport,
}

#[function_component(EventsPane)]
pub fn events_pane(props: &EventsProps) -> Html {
    let with_events: Vec<&VirtualObject> = props.report.objects.iter().filter(|o| !o.events.is_empty()).collect();
    if with_events.is_empty() {
        return html! { <p class="empty">{ "No events." }</p> };
    }
    let blocks = with_events.iter().take(LIST_LIMIT).map(|object| {
        let header = format!(
            "Name:         {}\nNamespace:    {}\nKind:         {}\nEvents:\n",
            object.name,
            object.namespace.as_deref().unwrap_or(""),
            object.kind
        );
        let rows = describe_rows(&object.events);
        html! {
            <pre class="describe" aria-label={format!("kubectl describe {}", object.display_name())}>
                { header }
                { for rows.into_iter().enumerate().map(|(i, row)| if i < 2 {
                    html! { <span>{ row }</span> }
                } else {
                    html! { <span data-testid="event">{ row }</span> }
                }) }
            </pre>
        }
    });
    html! {
        <div>
            <p class="muted">{ "What `kubectl describe` shows inside the virtual cluster (ages are not simulated)." }</p>
            { for blocks }
        </div>
    }
}

/// The events table as `kubectl describe` lays it out: two-space indent, columns padded to
/// the widest cell plus two spaces (its tabwriter settings), the message last.
fn describe_rows(events: &[Event]) -> Vec<String> {
    let mut rows: Vec<[String; 5]> = vec![
        ["Type", "Reason", "Age", "From", "Message"].map(String::from),
        ["----", "------", "----", "----", "-------"].map(String::from),
    ];
    for event in events {
        let kind = match event.event_type {
            EventType::Normal => "Normal",
            EventType::Warning => "Warning",
        };
        rows.push([kind.into(), event.reason.clone(), "0s".into(), event.from.clone(), event.message.clone()]);
    }
    let widths: Vec<usize> = (0..4).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    rows.iter()
        .map(|row| {
            let mut line = String::from("  ");
            for (c, width) in widths.iter().enumerate() {
                line.push_str(&format!("{:width$}  ", row[c], width = width));
            }
            line.push_str(&row[4]);
            line.push('\n');
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_table_pads_like_kubectl() {
        let event = Event {
            event_type: EventType::Warning,
            reason: "SyncError".into(),
            message: "Error syncing".into(),
            from: "pod-syncer".into(),
            action: None,
        };
        assert_eq!(
            describe_rows(&[event]).concat(),
            "  Type     Reason     Age   From        Message\n  \
             ----     ------     ----  ----        -------\n  \
             Warning  SyncError  0s    pod-syncer  Error syncing\n"
        );
    }
}
