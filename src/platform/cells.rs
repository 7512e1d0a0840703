//! [`SharedCells`] on a `SharedArrayBuffer`: the one piece of memory that
//! isolated workers share, as `multiprocessing.Value` shares one between
//! processes. The compute worker makes the buffer for a run and sends it to
//! every isolated worker (posting a `SharedArrayBuffer` shares it, it is
//! not copied); each side reaches it through `Atomics`.

use std::cell::RefCell;

use js_sys::{Atomics, Int32Array, SharedArrayBuffer};

use crate::core::workload::SharedCells;

thread_local! {
    // This thread's view of the run's buffer (JS values stay on their thread).
    static VIEW: RefCell<Option<Int32Array>> = const { RefCell::new(None) };
}

/// A new buffer of `n` cells, zeroed, which this thread now uses.
pub fn create(n: usize) -> SharedArrayBuffer {
    let buffer = SharedArrayBuffer::new((n * 4) as u32);
    adopt(&buffer);
    buffer
}

/// Uses `buffer`, received from the compute worker, on this thread.
pub fn adopt(buffer: &SharedArrayBuffer) {
    VIEW.with(|v| *v.borrow_mut() = Some(Int32Array::new(buffer)));
}

/// Whether this thread has a buffer to share.
pub fn adopted() -> bool {
    VIEW.with(|v| v.borrow().is_some())
}

/// The cells of this thread's buffer. Zero-sized: every call finds the
/// view of the thread it runs on (isolated workers are single-threaded).
pub struct JsCells;

fn with<T>(f: impl FnOnce(&Int32Array) -> Result<T, wasm_bindgen::JsValue>, otherwise: T) -> T {
    VIEW.with(|v| v.borrow().as_ref().and_then(|view| f(view).ok())).unwrap_or(otherwise)
}

impl SharedCells for JsCells {
    fn load(&self, cell: usize) -> i32 {
        with(|view| Atomics::load(view, cell as u32), 0)
    }
    fn store(&self, cell: usize, value: i32) {
        with(|view| Atomics::store(view, cell as u32, value).map(drop), ());
    }
    fn add(&self, cell: usize, value: i32) {
        with(|view| Atomics::add(view, cell as u32, value).map(drop), ());
    }
    fn compare_exchange(&self, cell: usize, current: i32, new: i32) -> i32 {
        // Without a view nothing can be exchanged: report the lock as free.
        with(|view| Atomics::compare_exchange(view, cell as u32, current, new), current)
    }
}
