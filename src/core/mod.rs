//! Pure Rust: nothing here knows about the browser, and all of it is
//! tested on the host with `cargo test`.
//!
//! - [`mode`]: the execution modes' ids and words (how each runs is in
//!   `exec`).
//! - [`workload`]: the work itself. The [`workload::Workload`] trait, its
//!   optional capabilities, the catalogue and one file per workload, each
//!   with its known answers.
//! - [`run`]: what a run is made of and produces: the clock every
//!   worker shares, the GIL, per-task and per-mode records, the plan
//!   of steps with its statistics, and the result document.
//! - [`session`]: what crosses a boundary: the setup ↔ query string, share
//!   links, downloads, and the messages between the page and its workers.
//!
//! - [`lesson`]: the tutorials' claims as experiments, and the verdict
//!   each run's figures give.
//!
//! Dependencies point one way: `lesson` → `session` → `run` → `workload` →
//! `mode` (the result document carries a lesson's verdict as plain data).

pub mod lesson;
pub mod mode;
pub mod run;
pub mod session;
pub mod workload;
