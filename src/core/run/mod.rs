//! A run: the shared clock, the GIL, the records each mode
//! produces, the plan of steps and its statistics, and the result document
//! that gathers them.

pub mod bounded;
pub mod clock;
pub mod document;
pub mod gil;

pub mod record;
pub mod stats;
