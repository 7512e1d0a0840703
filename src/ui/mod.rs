//! The page, in Yew. [`state`] is pure (tested on the host); the rest
//! renders it and exists only on wasm32.

pub mod format;
pub mod state;

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod components;

#[cfg(target_arch = "wasm32")]
pub use app::App;
