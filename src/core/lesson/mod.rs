//! Lessons: each claim of the tutorials as a preset experiment whose
//! verdict is computed from what this machine just measured.
//!
//! A [`Lesson`] is data: the claim in words, the setups it runs (one
//! [`Part`] each), the criterion as [`Check`]s stated in numbers before
//! anything runs, and the picture that makes the point. [`judge`] turns the
//! result documents of its parts into a [`Verdict`]: *holds here*, *does
//! not hold here* (with the figures that contradict it) or *cannot be shown
//! here* (with the reason). Adding a lesson is one entry in [`CATALOGUE`].

mod catalogue;
mod verdict;

pub use catalogue::CATALOGUE;
pub use verdict::{judge, Bound, Check, Line, Need, Outcome, Quantity, Verdict};

use serde::{Deserialize, Serialize};

use crate::core::mode::Mode;
use crate::core::run::bounded;
use crate::core::run::document::ResultDoc;

/// One lesson of the tutorials, as an experiment.
#[derive(Debug)]
pub struct Lesson {
    /// In URLs (`?lesson=gil`) and share links.
    pub id: &'static str,
    pub title: &'static str,
    /// The claim, in one or two sentences.
    pub claim: &'static str,
    /// A short Python sketch of the idea.
    pub python: &'static str,
    /// The figure the tutorial reported, on the author's machine.
    pub figure: &'static str,
    /// The setups it runs, in order; most lessons have one.
    pub parts: &'static [Part],
    /// What the browser must offer for the claim to be testable here.
    pub needs: &'static [Need],
    /// The criterion: every check must hold.
    pub checks: &'static [Check],
    /// The one picture that makes the point.
    pub shows: Shows,
    /// Failed tasks and wrong answers are the point (a crash), not a
    /// reason to distrust the run.
    pub expects_failures: bool,
}

/// One setup of a lesson, as a query string (see `session::setup`).
#[derive(Debug)]
pub struct Part {
    /// How the lesson's text names it ("one task per bound"); empty for a
    /// lesson of one part.
    pub label: &'static str,
    pub setup: &'static str,
}

/// The picture next to a verdict, drawn from the results view's parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shows {
    /// Each mode's median wall time in `part`, as bars.
    Walls { part: usize },
    /// Each mode's longest main-thread gap, as bars (the frame-gap strip).
    Gaps { part: usize },
    /// The timeline of `mode` in `part`.
    Timeline { part: usize, mode: Mode },
    /// The speedup against the worker count (a sweep).
    Sweep { part: usize },
    /// Each mode's answer as it came out (the lost-update counts).
    Answers { part: usize },
}

/// A lesson is its id.
impl PartialEq for Lesson {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Lesson {
    /// The whole criterion, one sentence per check.
    pub fn criterion(&self) -> Vec<String> {
        self.checks.iter().map(|c| c.describe(self)).collect()
    }
}

/// The lesson with this id.
pub fn find(id: &str) -> Option<&'static Lesson> {
    CATALOGUE.iter().find(|l| l.id == id)
}

/// Parts in one lesson, at most (a share link carries the earlier ones).
pub const MAX_PARTS: usize = 3;

/// The lesson a result belongs to, as the result document and share links
/// carry it: its id, the documents of its earlier parts (this document is
/// the last one that ran) and the verdict. A page that opens a link judges
/// the parts itself ([`judge`]) rather than take the verdict on the link's
/// word, so the verdict is not read back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonStamp {
    #[serde(deserialize_with = "bounded::text::<_, { bounded::MAX_NAME }>")]
    pub id: String,
    /// The earlier parts' documents, in order, without their tasks.
    #[serde(default, deserialize_with = "bounded::at_most::<_, _, { MAX_PARTS - 1 }>")]
    pub earlier: Vec<ResultDoc>,
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
}

impl LessonStamp {
    /// The lesson it names and its parts' documents, in order, ending with
    /// `last` (the document that carries the stamp).
    pub fn parts<'a>(&'a self, last: &'a ResultDoc) -> Option<(&'static Lesson, Vec<&'a ResultDoc>)> {
        Some((find(&self.id)?, self.earlier.iter().chain([last]).collect()))
    }
}

#[cfg(test)]
mod tests;
