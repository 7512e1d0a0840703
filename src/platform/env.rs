//! What this browser offers: isolation, SharedArrayBuffer, cores.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use crate::core::record::EnvInfo;

fn global_get(key: &str) -> JsValue {
    Reflect::get(&js_sys::global(), &key.into()).unwrap_or(JsValue::UNDEFINED)
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
