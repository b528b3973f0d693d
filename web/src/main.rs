//! The Hostside playground (placeholder page). Built for wasm32 by Trunk:
//! `cargo xtask serve` serves it on http://127.0.0.1:8080.

use yew::prelude::*;

#[function_component(App)]
fn app() -> Html {
    html! {
        <main class="page">
            <header>
                <h1>{ "Hostside playground" }</h1>
                <p class="version">
                    { "engine " }
                    <code>{ format!("v{}", hostside_engine::VERSION) }</code>
                </p>
            </header>
            <p>
                { "Hostside reads the manifests you apply inside a " }
                <strong>{ "vcluster" }</strong>
                { " (the virtual cluster) and works out what the syncer will create for them \
                   on the host cluster: the host objects, with their translated names, \
                   namespaces, labels and references. It then runs the host's admission rules \
                   against those objects to give each one a verdict, and predicts the runtime \
                   failures that would follow, so that you see what breaks on the host \
                   before you apply anything." }
            </p>
            <ol class="flow" aria-label="What Hostside computes">
                <li>{ "virtual manifests" }</li>
                <li>{ "host objects" }</li>
                <li>{ "host admission verdicts" }</li>
                <li>{ "predicted runtime failures" }</li>
            </ol>
            <p class="note">
                { "This page is a placeholder: the interactive playground, where you paste \
                   manifests and see the host's view of them as you type, comes next. \
                   Until then the same engine runs in the CLI: " }
                <code>{ "hostside check FILE..." }</code>
            </p>
        </main>
    }
}

fn main() {
    console_error_panic_hook::set_once();
    yew::Renderer::<App>::new().render();
}
