//! The wasm entry point: `init()` in the page's module script runs [`main`], which mounts the
//! app into `<body>`.

use wasm_bindgen::prelude::wasm_bindgen;

/// Mounts the app; runs once when the wasm module starts.
#[wasm_bindgen(start)]
pub fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
