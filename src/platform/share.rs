//! Downloads and the clipboard (JS in `share.js`).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/platform/share.js")]
extern "C" {
    /// Saves `text` as a file named `name` of MIME type `kind`.
    pub fn download(name: &str, kind: &str, text: &str);
    fn copy_text(text: &str) -> js_sys::Promise;
}

/// Puts `text` on the clipboard; false if the browser refused.
pub async fn copy(text: &str) -> bool {
    wasm_bindgen_futures::JsFuture::from(copy_text(text)).await.ok().and_then(|v| v.as_bool()).unwrap_or(false)
}
