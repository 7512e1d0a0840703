//! A share link's fragment, as any text: decoded or refused, never a
//! panic, a hang or an allocation past the documented limits.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = spindle::core::session::share::decode(text);
    }
    // Also as the unpacked JSON: the document, its limits and its checks.
    let _ = spindle::core::session::share::read_document(data);
});
