//! The Hostside playground's page. Built for wasm32 by Trunk: `cargo xtask serve` serves it
//! on http://127.0.0.1:8080. The engine runs in the `hostside_worker` bin.

fn main() {
    console_error_panic_hook::set_once();
    yew::Renderer::<hostside_web::ui::App>::new().render();
}
