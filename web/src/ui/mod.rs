//! The page's components. Only this module touches the DOM.

mod app;
mod browser;
mod editor;
mod results;
mod settings_panel;
mod worker_client;

pub use app::App;
