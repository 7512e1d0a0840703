//! Pure Rust: workloads, checks, setup codec, records and the worker
//! protocol. Nothing here knows about the browser; all of it is tested on
//! the host with `cargo test`.

pub mod base64;
pub mod clock;
pub mod counter;
pub mod export;
pub mod fetch;
pub mod files;
pub mod gil;
pub mod io;
pub mod json;
pub mod mandelbrot;
pub mod map;
pub mod mode;
pub mod primes;
pub mod protocol;
pub mod queue;
pub mod record;
pub mod setup;
pub mod share;
pub mod stats;
pub mod tight_loop;
pub mod timers;
pub mod tiny;
pub mod workload;
pub mod zlib;
