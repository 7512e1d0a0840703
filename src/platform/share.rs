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
    fn to_base64url(bytes: &js_sys::Uint8Array) -> String;
    #[wasm_bindgen(catch)]
    fn from_base64url(text: &str) -> Result<js_sys::Uint8Array, JsValue>;
}

/// `data` as base64url without padding, by the browser.
pub fn base64url(data: &[u8]) -> String {
    to_base64url(&bytes(data))
}

/// The bytes of base64url text without padding, by the browser; why not.
pub fn from_base64(text: &str) -> Result<Vec<u8>, String> {
    from_base64url(text).map(|b| b.to_vec()).map_err(|e| super::compute::js_error_text(&e))
}

/// JSON indented by two spaces, by the browser's own `JSON.stringify`
/// (`text` as it was if the browser cannot).
pub fn indented(text: &str) -> String {
    js_sys::JSON::parse(text)
        .and_then(|v| js_sys::JSON::stringify_with_replacer_and_space(&v, &JsValue::NULL, &JsValue::from(2)))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| text.to_string())
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
    let packed = share::unframed(from_base64(share::payload(fragment)?).map_err(ShareError::NotBase64)?)?;
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
        let packed = packed.unchecked_into::<js_sys::Uint8Array>().to_vec();
        Some(format!("{}{}", share::FRAGMENT_KEY, base64url(&share::framed(&packed))))
    };
    let fragment = pack(share::document_json(doc, true)).await?;
    if fragment.len() <= MAX_LINK_CHARS {
        return Some(Link { fragment, tasks_left_out: false });
    }
    Some(Link { fragment: pack(share::document_json(doc, false)).await?, tasks_left_out: true })
}
