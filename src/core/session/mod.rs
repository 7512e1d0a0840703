//! What crosses a boundary, validated on the way in: the setup as a query
//! string, share links, downloads, and the page ↔ worker messages.

pub mod export;
pub mod protocol;
pub mod setup;
pub mod share;
