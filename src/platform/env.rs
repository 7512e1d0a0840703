//! What this browser offers: isolation, SharedArrayBuffer, cores.

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};

use crate::core::run::document::EnvInfo;

#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/platform/features.js")]
extern "C" {
    /// Whether this browser starts module workers.
    pub fn module_workers() -> bool;
}

fn global_get(key: &str) -> JsValue {
    Reflect::get(&js_sys::global(), &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Records on `#spindle-result` (`data-ready-ms`) how long after the
/// navigation started the page first rendered: the benchmark reads it.
pub fn mark_ready() {
    let Some(window) = web_sys::window() else { return };
    let now = window.performance().map(|p| p.now()).unwrap_or(0.0);
    if let Some(el) = window.document().and_then(|d| d.get_element_by_id("spindle-result")) {
        let _ = el.set_attribute("data-ready-ms", &format!("{now:.1}"));
    }
}

/// Reads the environment of the current global (window or worker).
pub fn read() -> EnvInfo {
    let navigator = global_get("navigator");
    let nav_get = |key: &str| Reflect::get(&navigator, &key.into()).unwrap_or(JsValue::UNDEFINED);
    EnvInfo {
        cross_origin_isolated: global_get("crossOriginIsolated").as_bool().unwrap_or(false),
        shared_array_buffer: Reflect::has(&js_sys::global(), &"SharedArrayBuffer".into()).unwrap_or(false),
        hardware_concurrency: nav_get("hardwareConcurrency").as_f64().map_or(1, |n| n.clamp(1.0, 1024.0) as u32),
        user_agent: nav_get("userAgent").as_string().unwrap_or_default(),
    }
}

/// Why the page is not cross-origin isolated, as index.html's service
/// worker loader found out (`window.spindleIsolation`, a promise of a
/// sentence); `None` without a loader. Never ends when the loader is
/// about to reload the page under its worker.
pub async fn why_not_isolated() -> Option<String> {
    let promise = global_get("spindleIsolation").dyn_into::<js_sys::Promise>().ok()?;
    wasm_bindgen_futures::JsFuture::from(promise).await.ok()?.as_string()
}

/// Whether the page's service worker answers its requests (it was loaded
/// through it).
pub fn under_service_worker() -> bool {
    let navigator = global_get("navigator");
    let container = Reflect::get(&navigator, &"serviceWorker".into()).unwrap_or(JsValue::UNDEFINED);
    !container.is_undefined()
        && Reflect::get(&container, &"controller".into()).is_ok_and(|c| !c.is_null() && !c.is_undefined())
}
