//! The settings: vcluster version, name and host namespace, `vcluster.yaml`, host profile
//! and overrides, container runtime, target, virtual nodes.

use crate::settings::{MAX_VIRTUAL_NODES, RUNTIMES, Settings, VCLUSTER_VERSIONS};
use hostside_engine::host::PRESETS;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SettingsProps {
    pub settings: Settings,
    pub on_change: Callback<Settings>,
}

/// A callback that edits one field of a copy of the settings.
fn edit<E: JsCast + AsRef<web_sys::EventTarget> + 'static>(
    props: &SettingsProps,
    apply: fn(&mut Settings, String),
    read: fn(E) -> String,
) -> Callback<Event> {
    let settings = props.settings.clone();
    let on_change = props.on_change.clone();
    Callback::from(move |event: Event| {
        let Some(target) = event.target_dyn_into::<E>() else { return };
        let mut next = settings.clone();
        apply(&mut next, read(target));
        on_change.emit(next);
    })
}

fn select_value(e: HtmlSelectElement) -> String {
    e.value()
}
fn input_value(e: HtmlInputElement) -> String {
    e.value()
}
fn area_value(e: HtmlTextAreaElement) -> String {
    e.value()
}

fn options(values: impl Iterator<Item = (String, String)>, selected: &str) -> Html {
    values
        .map(|(value, label)| html! { <option value={value.clone()} selected={value == selected}>{ label }</option> })
        .collect()
}

#[function_component(SettingsPanel)]
pub fn settings_panel(props: &SettingsProps) -> Html {
    let s = &props.settings;
    let versions = VCLUSTER_VERSIONS.iter().map(|v| (v.to_string(), v.to_string()));
    let mut hosts = vec![(String::new(), "none (no host admission)".to_string())];
    hosts.extend(PRESETS.iter().map(|p| (p.name.to_string(), p.name.to_string())));
    let runtimes = RUNTIMES.iter().map(|(v, l)| (v.to_string(), l.to_string()));
    let targets = [("virtual", "inside the virtual cluster"), ("host", "straight to the host namespace")]
        .map(|(v, l)| (v.to_string(), l.to_string()));
    let problems = s.problems();
    html! {
        <div class="settings-grid">
            <label>{ "vcluster version" }
                <select data-testid="setting-vcluster-version"
                    onchange={edit(props, |s, v| s.vcluster_version = v, select_value)}>
                    { options(versions, &s.vcluster_version) }
                </select>
            </label>
            <label>{ "Host profile" }
                <select data-testid="setting-host" onchange={edit(props, |s, v| s.host = v, select_value)}>
                    { options(hosts.into_iter(), &s.host) }
                </select>
            </label>
            <label>{ "Container runtime" }
                <select data-testid="setting-runtime" onchange={edit(props, |s, v| s.runtime = v, select_value)}>
                    { options(runtimes, &s.runtime) }
                </select>
            </label>
            <label>{ "Applied" }
                <select data-testid="setting-target" onchange={edit(props, |s, v| s.target = v, select_value)}>
                    { options(targets.into_iter(), &s.target) }
                </select>
            </label>
            <label>{ "vcluster name" }
                <input data-testid="setting-vcluster-name" value={s.vcluster_name.clone()} spellcheck="false"
                    onchange={edit(props, |s, v| s.vcluster_name = v, input_value)} />
            </label>
            <label>{ "Host namespace" }
                <input data-testid="setting-host-namespace" value={s.host_namespace.clone()} spellcheck="false"
                    onchange={edit(props, |s, v| s.host_namespace = v, input_value)} />
            </label>
            <label>{ "Virtual nodes" }
                <input data-testid="setting-virtual-nodes" type="number" min="1" max={MAX_VIRTUAL_NODES.to_string()}
                    value={s.virtual_nodes.to_string()}
                    onchange={edit(props, |s, v| s.virtual_nodes = v.trim().parse().unwrap_or(1), input_value)} />
            </label>
            <label class="wide">{ "Host profile overrides (KEY=VALUE per line)" }
                <textarea data-testid="setting-overrides" rows="2" spellcheck="false" value={s.overrides.clone()}
                    placeholder="gatekeeper.enforcementAction=dryrun"
                    onchange={edit(props, |s, v| s.overrides = v, area_value)} />
            </label>
            <label class="wide">{ "vcluster.yaml (0.20+) or Helm values (0.19)" }
                <textarea data-testid="setting-vcluster-config" rows="4" spellcheck="false" value={s.vcluster_config.clone()}
                    placeholder="sync:\n  toHost:\n    ingresses:\n      enabled: true"
                    onchange={edit(props, |s, v| s.vcluster_config = v, area_value)} />
            </label>
            { for problems.iter().map(|p| html! { <p class="problem wide" role="alert">{ p }</p> }) }
        </div>
    }
}
