//! A page address's query string: read into a setup with messages, never
//! a panic or more than the documented messages.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let query = String::from_utf8_lossy(data);
    let (setup, messages) = spindle::core::session::setup::Setup::from_query(&query, 4);
    assert!(messages.len() <= spindle::core::session::setup::MAX_MESSAGES);
    let _ = setup.to_query();
});
