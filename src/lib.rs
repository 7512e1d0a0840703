//! Spindle: see concurrency. The same work, run sequentially and on a
//! shared-memory thread pool in the browser, measured, drawn and checked.
//!
//! Map of the crate:
//!
//! - [`core`]: pure Rust, no browser: workloads with their known answers,
//!   execution modes' ids, the setup ↔ query-string codec, run records and
//!   the page ↔ worker protocol. Tested on the host.
//! - [`exec`]: one [`exec::Executor`] per mode, chosen in one `match`; plain
//!   rayon, so the host tests run the pool natively.
//! - `platform` (wasm32 only): the only home of browser glue: the clock
//!   shared by all workers, the compute worker on both of its sides, the
//!   URL, the environment checks.
//! - `ui` (wasm32 only, but for its pure state): the Yew page; one reducer
//!   in [`ui::state`], components that only render.
//!
//! The binary in `src/bin` is an entry point only: `spindle-page` renders
//! the page; workers load the same bundle and call
//! `platform::compute::spindle_compute_start`.

#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
compile_error!(
    "Spindle's wasm build needs shared memory: build with the flags in .cargo/config.toml \
     (+atomics,+bulk-memory,+mutable-globals and build-std)"
);

pub mod core;
pub mod exec;
#[cfg(target_arch = "wasm32")]
pub mod platform;
pub mod ui;
