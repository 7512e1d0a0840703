//! Real IO in the browser, both ways a mode can wait for it: blocking
//! ([`BrowserIo`]: a synchronous `XMLHttpRequest`, allowed in workers and,
//! deprecated but working, on the page's thread) and awaited ([`perform`]:
//! `fetch`, the private file system). Every byte read is checked against
//! the pattern it must have (`core::workload::io`).

use std::sync::OnceLock;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::compute::js_error_text;
use crate::core::workload::io::{
    check_download, check_fetched, check_file_chunk, file_bytes, BlockingIo, Io, IoError, FILE_CHUNK,
};

#[wasm_bindgen(module = "/src/platform/io.js")]
extern "C" {
    fn unique_url(base: &str, path: &str) -> String;
    fn own_base() -> String;
    #[wasm_bindgen(catch)]
    fn get_sync(url: &str) -> Result<String, JsValue>;
    fn get(url: &str) -> js_sys::Promise;
    fn opfs_available() -> bool;
    fn opfs_free() -> js_sys::Promise;
    fn opfs_create(name: &str) -> js_sys::Promise;
    fn stream_write(stream: &JsValue, chunk: &js_sys::Uint8Array) -> js_sys::Promise;
    fn stream_close(stream: &JsValue) -> js_sys::Promise;
    fn opfs_copy(from: &str, to: &str) -> js_sys::Promise;
    fn opfs_file(name: &str) -> js_sys::Promise;
    fn read_slice(file: &JsValue, start: f64, end: f64) -> js_sys::Promise;
    fn opfs_remove(name: &str) -> js_sys::Promise;
}

/// The page's address, which downloads are relative to. Kept in the shared
/// memory: pool threads run from a script elsewhere (or a blob) and learn
/// it from the thread that set it.
static BASE: OnceLock<String> = OnceLock::new();

/// Remembers this thread's page address for every thread of this memory;
/// called at start-up by the page and by the compute worker (whose script
/// sits beside the page).
pub fn set_base() {
    let _ = BASE.set(own_base());
}

fn url_for(path: &str) -> String {
    unique_url(BASE.get().map(String::as_str).unwrap_or(&own_base()), path)
}

/// Blocking IO for worker threads (and the page's thread, which it
/// freezes): downloads only; files need an event loop.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserIo;

impl BlockingIo for BrowserIo {
    fn perform(&self, io: &Io) -> Result<u64, IoError> {
        match io {
            Io::Fetch { path, bytes } => {
                let text = get_sync(&url_for(path)).map_err(|e| IoError::Refused(js_error_text(&e)))?;
                // x-user-defined maps byte b ≥ 0x80 to U+F700 + b.
                check_download(text.chars().map(|c| c as u32 as u8), *bytes)
            }
            Io::Files { .. } => Err(IoError::CannotBlock("the private file system")),
        }
    }
}

async fn wait(promise: js_sys::Promise) -> Result<JsValue, IoError> {
    JsFuture::from(promise).await.map_err(|e| IoError::Refused(js_error_text(&e)))
}

/// Performs `io` on this thread's event loop.
///
/// # Errors
/// The IO failed or its bytes are wrong.
pub async fn perform(io: Io) -> Result<u64, IoError> {
    match io {
        Io::Fetch { path, bytes } => {
            let body: js_sys::Uint8Array = wait(get(&url_for(&path))).await?.unchecked_into();
            let len = body.length() as u64;
            if len != bytes {
                return Err(IoError::WrongLength { got: len, expected: bytes });
            }
            // Checked a chunk at a time: a few MiB in wasm memory at most.
            let mut offset = 0u64;
            while offset < len {
                let end = (offset + FILE_CHUNK as u64).min(len);
                check_fetched(body.subarray(offset as u32, end as u32).to_vec(), offset)?;
                offset = end;
            }
            Ok(len)
        }
        Io::Files { name, bytes, seed } => copy_file(&name, bytes, seed).await,
    }
}

/// `shutil.copy` in the private file system: write, copy, check, delete.
async fn copy_file(name: &str, bytes: u64, seed: u64) -> Result<u64, IoError> {
    if !opfs_available() {
        return Err(IoError::Refused(
            "this browser has no private file system (OPFS): navigator.storage.getDirectory is missing".into(),
        ));
    }
    let free = wait(opfs_free()).await?.as_f64().unwrap_or(0.0);
    if free < 2.0 * bytes as f64 {
        return Err(IoError::Refused(format!(
            "a {} MiB file and its copy need {} MiB; the browser grants {:.0} MiB more to this page",
            bytes >> 20,
            bytes >> 19,
            free / 1_048_576.0
        )));
    }
    // Unique names: other tabs of the page share this file system.
    let nonce = (js_sys::Math::random() * 1e12) as u64;
    let src = format!("spindle-{nonce:x}-{name}");
    let dst = format!("{src}.copy");
    let result = write_copy_check(&src, &dst, bytes, seed).await;
    let _ = wait(opfs_remove(&src)).await;
    let _ = wait(opfs_remove(&dst)).await;
    result
}

async fn write_copy_check(src: &str, dst: &str, bytes: u64, seed: u64) -> Result<u64, IoError> {
    let out = wait(opfs_create(src)).await?;
    let mut buf = vec![0u8; FILE_CHUNK];
    let mut offset = 0u64;
    while offset < bytes {
        let len = (bytes - offset).min(FILE_CHUNK as u64) as usize;
        file_bytes(seed, offset, &mut buf[..len]);
        // Copied out of the shared wasm memory: storage takes no views on it.
        let chunk = js_sys::Uint8Array::new_with_length(len as u32);
        chunk.copy_from(&buf[..len]);
        wait(stream_write(&out, &chunk)).await?;
        offset += len as u64;
    }
    wait(stream_close(&out)).await?;

    wait(opfs_copy(src, dst)).await?;

    let copy = wait(opfs_file(dst)).await?;
    let size = copy.unchecked_ref::<web_sys::Blob>().size();
    if size != bytes as f64 {
        return Err(IoError::WrongLength { got: size as u64, expected: bytes });
    }
    let mut offset = 0u64;
    while offset < bytes {
        let end = (offset + FILE_CHUNK as u64).min(bytes);
        let chunk: js_sys::Uint8Array = wait(read_slice(&copy, offset as f64, end as f64)).await?.unchecked_into();
        check_file_chunk(seed, offset, &chunk.to_vec())?;
        offset = end;
    }
    Ok(bytes)
}
