//! What a run produces: a record per task and per mode's run, and how the
//! page's own thread fared meanwhile.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::bounded;
use crate::core::mode::Mode;

/// One task as it ran.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TaskRecord {
    /// Task number in submission order.
    pub index: usize,
    /// What the task covers (e.g. `≤ 1000000: 1…250000`).
    #[serde(deserialize_with = "bounded::text::<_, { bounded::MAX_TEXT }>")]
    pub label: String,
    /// The thread that ran it: the pool thread's index, 0 for Sequential.
    pub worker: u32,
    /// Start and end in ms since the run started, on one clock for all workers.
    pub start_ms: f64,
    pub end_ms: f64,
    /// The task's own value (a partial sum).
    #[serde(deserialize_with = "bounded::text::<_, { bounded::MAX_TEXT }>")]
    pub result: String,
    /// Why the task produced no value (it panicked, its worker died).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "bounded::optional_text::<_, { bounded::MAX_TEXT }>"
    )]
    pub error: Option<String>,
}

impl TaskRecord {
    pub fn duration_ms(&self) -> f64 {
        self.end_ms - self.start_ms
    }
}

/// One mode's run of the workload.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RunRecord {
    pub mode: Mode,
    /// Threads that could run tasks (1 for Sequential).
    pub threads: u32,
    pub wall_ms: f64,
    /// The whole answer (for primes: one sum per bound, comma-separated).
    #[serde(deserialize_with = "bounded::text::<_, { bounded::MAX_TEXT }>")]
    pub result: String,
    /// `None` when there was nothing to check against.
    pub correct: Option<bool>,
    /// What `correct` compared with: "known answers", "sieve of
    /// Eratosthenes", "sequential run" or "nothing".
    #[serde(deserialize_with = "bounded::text::<_, { bounded::MAX_TEXT }>")]
    pub checked_against: String,
    /// Tasks in submission order.
    #[serde(deserialize_with = "bounded::at_most::<_, _, { bounded::MAX_TASKS }>")]
    pub tasks: Vec<TaskRecord>,
    /// Tasks that failed (see [`TaskRecord::error`]).
    #[serde(default)]
    pub failures: usize,
    /// The mode's own figures (see [`Metric`]).
    #[serde(default)]
    pub metrics: BTreeMap<Metric, f64>,
    /// How the page's main thread fared while this mode ran.
    #[serde(default)]
    pub responsiveness: Option<Responsiveness>,
    /// For a run read from a share link: whether this page checked its
    /// answer itself (`true`) or `correct` is the link's word (`false`).
    /// Never part of the document.
    #[serde(skip)]
    pub checked_here: bool,
}

/// A figure only some modes measure; in JSON, its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Thread per task: mean time from asking for a thread to its task
    /// starting, ms.
    ThreadStartupMs,
    /// Isolated workers: median time a task spent in messages, ms.
    MessageMs,
    /// Isolated workers: mean start-up of a new worker, ms.
    WorkerStartupMs,
    /// Isolated workers left by the last run and used again.
    WorkersReused,
    /// Isolated workers replaced after a crash.
    WorkersReplaced,
    /// Queue: wall time per item passed, µs.
    UsPerItem,
    /// Queue on isolated workers: items sent by message.
    ItemsByMessage,
    /// GIL: hand-overs of the lock.
    Switches,
    /// GIL: the switch interval, ms.
    SwitchIntervalMs,
    /// Cooperative: turns given back to the event loop.
    Yields,
}

/// The page's own main thread while a mode ran: the times it was seen
/// running (a timer beating every 16 ms, and drawn frames).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Responsiveness {
    /// Longest time the thread was not seen (between two sightings, or
    /// from the span's start or to its end).
    pub longest_gap_ms: f64,
    /// Gaps of more than 50 ms: a freeze a person notices.
    pub gaps_over_50ms: u32,
    /// Sightings in the span (JSON `frames`, the name links were made with).
    #[serde(rename = "frames")]
    pub sightings: u32,
}

impl Responsiveness {
    /// The limit above which a gap counts as a freeze.
    pub const LONG_GAP_MS: f64 = 50.0;

    /// From the times (ms, ascending) the thread was seen running.
    pub fn from_sightings(seen: &[f64], start: f64, end: f64) -> Responsiveness {
        let mut points = vec![start];
        points.extend(seen.iter().copied().filter(|&t| t > start && t < end));
        points.push(end);
        let gaps = points.windows(2).map(|w| w[1] - w[0]);
        let (mut longest, mut over) = (0.0f64, 0);
        for gap in gaps {
            longest = longest.max(gap);
            if gap > Self::LONG_GAP_MS {
                over += 1;
            }
        }
        Responsiveness { longest_gap_ms: longest, gaps_over_50ms: over, sightings: points.len() as u32 - 2 }
    }
}

impl RunRecord {
    /// Task indices in the order they finished (`as_completed`).
    pub fn completion_order(&self) -> Vec<usize> {
        let mut tasks: Vec<&TaskRecord> = self.tasks.iter().collect();
        tasks.sort_unstable_by(|a, b| a.end_ms.total_cmp(&b.end_ms).then(a.index.cmp(&b.index)));
        tasks.iter().map(|t| t.index).collect()
    }

    /// The record without its per-task records (cheap to copy around).
    pub fn without_tasks(&self) -> RunRecord {
        RunRecord {
            mode: self.mode,
            threads: self.threads,
            wall_ms: self.wall_ms,
            result: self.result.clone(),
            correct: self.correct,
            checked_against: self.checked_against.clone(),
            tasks: Vec::new(),
            failures: self.failures,
            metrics: self.metrics.clone(),
            responsiveness: self.responsiveness,
            checked_here: self.checked_here,
        }
    }

    /// A right answer ("1") in 10 ms on one thread, no tasks: for tests.
    #[cfg(test)]
    pub(crate) fn checked(mode: Mode) -> RunRecord {
        RunRecord {
            mode,
            threads: 1,
            wall_ms: 10.0,
            result: "1".into(),
            correct: Some(true),
            checked_against: "known answers".into(),
            tasks: vec![],
            failures: 0,
            metrics: Default::default(),
            responsiveness: None,
            checked_here: false,
        }
    }

    /// Distinct workers that ran at least one task.
    pub fn workers_used(&self) -> usize {
        let mut w: Vec<u32> = self.tasks.iter().map(|t| t.worker).collect();
        w.sort_unstable();
        w.dedup();
        w.len()
    }
}

/// Speedup of `run` against `baseline`: how many times faster it was.
pub fn speedup(baseline: &RunRecord, run: &RunRecord) -> Option<f64> {
    (run.wall_ms > 0.0).then(|| baseline.wall_ms / run.wall_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responsiveness_counts_gaps_including_the_edges() {
        let r = Responsiveness::from_sightings(&[5.0, 21.0, 37.0, 120.0, 136.0], 0.0, 140.0);
        assert_eq!(r.sightings, 5);
        assert_eq!(r.longest_gap_ms, 83.0);
        assert_eq!(r.gaps_over_50ms, 1);
        // Not seen at all during a 300 ms run: one 300 ms gap.
        let r = Responsiveness::from_sightings(&[-10.0, 400.0], 0.0, 300.0);
        assert_eq!((r.longest_gap_ms, r.gaps_over_50ms, r.sightings), (300.0, 1, 0));
    }
}
