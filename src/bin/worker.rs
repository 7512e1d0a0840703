//! The compute worker: owns the shared-memory rayon pool and runs the
//! workloads, off the page's main thread.

#[cfg(target_arch = "wasm32")]
fn main() {
    spindle::platform::compute::register();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("spindle-worker runs in a Web Worker: build it with `trunk build` (see README.md).");
}
