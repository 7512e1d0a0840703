//! The page: renders Spindle's UI on the main thread, which never blocks.

#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<spindle::ui::App>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("spindle-page is a web page: build it with `trunk build` (see README.md).");
}
