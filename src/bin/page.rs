//! The page: renders Spindle's UI on the main thread, which never blocks.
//! Workers instantiate this same bundle (see `www/compute.js`); there,
//! with no window, the start function does nothing.

#[cfg(target_arch = "wasm32")]
fn main() {
    if web_sys::window().is_some() {
        yew::Renderer::<spindle::ui::App>::new().render();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("spindle-page is a web page: build it with `trunk build` (see README.md).");
}
