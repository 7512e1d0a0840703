//! Share links with the browser's own zlib, downloads and the clipboard
//! (JS in `share.js`). The link's framing and checks are
//! `core::session::share`'s.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::core::run::document::ResultDoc;
use crate::core::session::share::{self, Link, ShareError, MAX_JSON_BYTES, MAX_LINK_CHARS};

#[wasm_bindgen(module = "/src/platform/share.js")]
extern "C" {
    /// Saves `text` as a file named `name` of MIME type `kind`.
    pub fn download(name: &str, kind: &str, text: &str);
    fn copy_text(text: &str) -> js_sys::Promise;
    fn inflate(bytes: &js_sys::Uint8Array, limit: f64) -> js_sys::Promise;
    fn deflate(bytes: &js_sys::Uint8Array) -> js_sys::Promise;
}

/// Puts `text` on the clipboard; false if the browser refused.
pub async fn copy(text: &str) -> bool {
    JsFuture::from(copy_text(text)).await.ok().and_then(|v| v.as_bool()).unwrap_or(false)
}

/// Bytes out of the wasm memory: streams take no views of shared memory.
fn bytes(data: &[u8]) -> js_sys::Uint8Array {
    let out = js_sys::Uint8Array::new_with_length(data.len() as u32);
    out.copy_from(data);
    out
}

/// Reads a share link's fragment, off the page's first render: framing,
/// the browser's inflate (stopped past the size limit), the document.
///
/// # Errors
/// Anything that is not an intact, plausible result, in words.
pub async fn decode(fragment: &str) -> Result<ResultDoc, ShareError> {
    let packed = share::unframe(fragment)?;
    let json = JsFuture::from(inflate(&bytes(&packed), MAX_JSON_BYTES as f64)).await.map_err(|e| {
        if e.is_instance_of::<js_sys::RangeError>() {
            ShareError::TooLarge
        } else {
            ShareError::Damaged(super::compute::js_error_text(&e))
        }
    })?;
    share::read_document(&json.unchecked_into::<js_sys::Uint8Array>().to_vec())
}

/// The link for `doc`, with the browser's deflate; `None` if the browser
/// could not compress.
pub async fn encode(doc: &ResultDoc) -> Option<Link> {
    let pack = |json: Vec<u8>| async move {
        let packed = JsFuture::from(deflate(&bytes(&json))).await.ok()?;
        Some(share::frame(&packed.unchecked_into::<js_sys::Uint8Array>().to_vec()))
    };
    let fragment = pack(share::document_json(doc, true)).await?;
    if fragment.len() <= MAX_LINK_CHARS {
        return Some(Link { fragment, tasks_left_out: false });
    }
    Some(Link { fragment: pack(share::document_json(doc, false)).await?, tasks_left_out: true })
}
