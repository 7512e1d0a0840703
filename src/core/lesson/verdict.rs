//! The verdict: a lesson's checks against the documents its parts
//! produced. Pure, so every outcome is tested on the host with figures
//! that produce it.

use serde::Serialize;

use super::Lesson;
use crate::core::mode::Mode;
use crate::core::run::document::ResultDoc;
use crate::core::run::record::{Metric, RunRecord};
use crate::core::session::setup::Setup;

/// What the browser must offer for a lesson to be testable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// At least this many cores (threads that really run at once).
    Cores(u32),
    /// Cross-origin isolation: shared memory, threads, isolated workers.
    Isolation,
    /// The browser's private file system (OPFS).
    Files,
}

/// A figure a lesson reads from its parts' documents.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Quantity {
    /// The mode's median wall time, ms.
    Wall(Mode),
    /// Sequential's median ÷ the mode's.
    Speedup(Mode),
    /// The first mode's median ÷ the second's.
    Ratio(Mode, Mode),
    /// The mode's median in the check's part ÷ its median in part `other`.
    AcrossParts { mode: Mode, other: usize },
    /// One of the mode's own figures.
    Metric(Mode, Metric),
    /// The longest time the page's main thread went unseen, ms.
    LongestGap(Mode),
    /// That longest gap ÷ the mode's own time: 1 is a page frozen for the
    /// whole run.
    FrozenShare(Mode),
    /// Tasks that produced a value.
    Completed(Mode),
    /// Tasks that failed (a panic, a dead worker, a crashed pool).
    Failed(Mode),
    /// Updates the unsynchronised counter lost.
    Lost(Mode),
    /// The run's own, unshared copy of the counter (isolated workers).
    Unshared(Mode),
    /// 1 when the answer checked right, 0 when wrong.
    Right(Mode),
    /// Tasks that finished before a task submitted earlier.
    OutOfOrder(Mode),
    /// Distinct workers that ran a task.
    WorkersUsed(Mode),
    /// A sweep: the mode's speedup at the core count.
    SpeedupAtCores(Mode),
    /// A sweep: its speedup at twice the core count ÷ at the core count.
    BeyondCores(Mode),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    AtMost(f64),
    AtLeast(f64),
}

/// One condition of a lesson's criterion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Check {
    /// The part whose document it reads.
    pub part: usize,
    pub quantity: Quantity,
    pub bound: Bound,
}

/// How a lesson fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Holds,
    DoesNotHold,
    CannotShow,
}

impl Outcome {
    pub fn words(self) -> &'static str {
        match self {
            Outcome::Holds => "holds here",
            Outcome::DoesNotHold => "does not hold here",
            Outcome::CannotShow => "cannot be shown here",
        }
    }
}

/// One check as it came out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub criterion: String,
    /// The measured figure, in words; empty when it was not measured.
    pub measured: String,
    /// `None` when it was not measured.
    pub met: Option<bool>,
}

/// A lesson's verdict: written in the result document, never read from
/// one (see [`super::LessonStamp`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub outcome: Outcome,
    /// Why it cannot be shown, or what contradicts it.
    pub reason: Option<String>,
    pub lines: Vec<Line>,
}

impl Verdict {
    fn cannot(reason: String, lines: Vec<Line>) -> Verdict {
        Verdict { outcome: Outcome::CannotShow, reason: Some(reason), lines }
    }
}

impl Bound {
    fn holds(self, value: f64) -> bool {
        match self {
            Bound::AtMost(limit) => value <= limit,
            Bound::AtLeast(limit) => value >= limit,
        }
    }
}

/// How a quantity's value reads: its unit.
#[derive(Clone, Copy)]
enum Unit {
    Ms,
    Times,
    Count,
    Us,
}

fn show(value: f64, unit: Unit) -> String {
    match unit {
        Unit::Ms if value >= 10.0 => format!("{value:.0} ms"),
        Unit::Ms => format!("{value:.1} ms"),
        Unit::Times => format!("{value:.2}×"),
        Unit::Count => format!("{}", value.round()),
        Unit::Us => format!("{value:.2} µs"),
    }
}

impl Quantity {
    fn unit(self) -> Unit {
        match self {
            Quantity::Wall(_) | Quantity::LongestGap(_) => Unit::Ms,
            Quantity::Speedup(_)
            | Quantity::Ratio(..)
            | Quantity::AcrossParts { .. }
            | Quantity::FrozenShare(_)
            | Quantity::SpeedupAtCores(_)
            | Quantity::BeyondCores(_) => Unit::Times,
            Quantity::Metric(_, Metric::UsPerItem) => Unit::Us,
            Quantity::Metric(_, Metric::ThreadStartupMs | Metric::MessageMs | Metric::WorkerStartupMs) => Unit::Ms,
            _ => Unit::Count,
        }
    }

    /// The quantity in words ("GIL emulation's speedup over Sequential").
    fn describe(self, lesson: &Lesson, part: usize) -> String {
        let label = |p: usize| lesson.parts.get(p).map_or("", |p| p.label);
        let of = |m: Mode| possessive(m.name());
        let text = match self {
            Quantity::Wall(m) => format!("{} time", of(m)),
            Quantity::Speedup(m) => format!("{} speedup over Sequential", of(m)),
            Quantity::Ratio(a, b) => format!("{} time ÷ {}", of(a), of(b)),
            Quantity::AcrossParts { mode, other } => {
                format!("{} time {} ÷ its time {}", of(mode), label(part), label(other))
            }
            Quantity::Metric(m, metric) => format!("{} {}", of(m), metric_words(metric)),
            Quantity::LongestGap(m) => format!("the page's longest freeze during {}", m.name()),
            Quantity::FrozenShare(m) => format!("the page's longest freeze during {} ÷ its time", m.name()),
            Quantity::Completed(m) => format!("tasks {} completed", m.name()),
            Quantity::Failed(m) => format!("tasks {} lost", m.name()),
            Quantity::Lost(m) => format!("updates the unsynchronised counter lost in {}", m.name()),
            Quantity::Unshared(m) => format!("the run's own, unshared counter after {}", m.name()),
            Quantity::Right(m) => format!("{} answer checked right (1 = yes)", of(m)),
            Quantity::OutOfOrder(m) => format!("tasks {} finished before one submitted earlier", m.name()),
            Quantity::WorkersUsed(m) => format!("workers that ran tasks in {}", m.name()),
            Quantity::SpeedupAtCores(m) => format!("{} speedup at the core count", of(m)),
            Quantity::BeyondCores(m) => format!("{} speedup at 2 × the cores ÷ at the cores", of(m)),
        };
        match (self, label(part)) {
            (Quantity::AcrossParts { .. }, _) | (_, "") => text,
            (_, label) => format!("{label}: {text}"),
        }
    }

    /// The value in the documents, or why there is none.
    fn value(self, docs: &[&ResultDoc], part: usize) -> Option<f64> {
        let doc = docs.get(part)?;
        let run = |m: Mode| doc.run_of(m);
        let wall = |d: &ResultDoc, m: Mode| {
            d.stats_of(m).map(|s| s.median_ms).or_else(|| d.run_of(m).map(|r| r.wall_ms)).filter(|&w| w > 0.0)
        };
        let ratio = |a: Option<f64>, b: Option<f64>| Some(a? / b?);
        let swept = |m: Mode, workers: u32| {
            let of = |mode: Mode| doc.stats.iter().find(|s| s.mode == mode && s.workers == workers);
            Some(of(Mode::Sequential)?.median_ms / of(m)?.median_ms).filter(|v| v.is_finite())
        };
        let cores = doc.env.hardware_concurrency;
        match self {
            Quantity::Wall(m) => wall(doc, m),
            Quantity::Speedup(m) => ratio(wall(doc, Mode::Sequential), wall(doc, m)),
            Quantity::Ratio(a, b) => ratio(wall(doc, a), wall(doc, b)),
            Quantity::AcrossParts { mode, other } => ratio(wall(doc, mode), wall(docs.get(other)?, mode)),
            Quantity::Metric(m, metric) => run(m)?.metrics.get(&metric).copied(),
            Quantity::LongestGap(m) => Some(run(m)?.responsiveness?.longest_gap_ms),
            Quantity::FrozenShare(m) => ratio(Some(run(m)?.responsiveness?.longest_gap_ms), Some(run(m)?.wall_ms)),
            Quantity::Completed(m) => Some(run(m)?.tasks.iter().filter(|t| t.error.is_none()).count() as f64),
            Quantity::Failed(m) => {
                let r = run(m)?;
                Some(r.failures.max(r.tasks.iter().filter(|t| t.error.is_some()).count()) as f64)
            }
            Quantity::Lost(m) => number_after(&run(m)?.result, "(lost "),
            Quantity::Unshared(m) => number_after(&run(m)?.result, "not shared: "),
            Quantity::Right(m) => run(m)?.correct.map(|c| f64::from(u8::from(c))),
            Quantity::OutOfOrder(m) => {
                // By submission order: a task finished early when a task
                // submitted before it finished after it.
                let order = run(m)?.completion_order();
                let mut position = vec![0; order.len()];
                for (at, &task) in order.iter().enumerate() {
                    *position.get_mut(task)? = at;
                }
                let mut latest = None;
                let mut early = 0;
                for &at in &position {
                    if latest.is_some_and(|l| l > at) {
                        early += 1;
                    }
                    latest = latest.max(Some(at));
                }
                Some(f64::from(early))
            }
            Quantity::WorkersUsed(m) => Some(run(m)?.workers_used() as f64).filter(|&n| n > 0.0),
            Quantity::SpeedupAtCores(m) => swept(m, cores),
            Quantity::BeyondCores(m) => Some(swept(m, 2 * cores)? / swept(m, cores)?),
        }
    }
}

/// "Sequential's", "Isolated workers'".
fn possessive(name: &str) -> String {
    if name.ends_with('s') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

fn metric_words(metric: Metric) -> &'static str {
    match metric {
        Metric::ThreadStartupMs => "start-up per thread",
        Metric::MessageMs => "time in messages per task",
        Metric::WorkerStartupMs => "start-up per worker",
        Metric::WorkersReused => "workers reused",
        Metric::WorkersReplaced => "workers replaced after a crash",
        Metric::UsPerItem => "time per item passed",
        Metric::ItemsByMessage => "items sent by message",
        Metric::Switches => "GIL hand-overs",
        Metric::SwitchIntervalMs => "switch interval",
        Metric::Yields => "yields to the event loop",
    }
}

/// The whole number right after `key` in `text` (digits and separators).
fn number_after(text: &str, key: &str) -> Option<f64> {
    let rest = text.split_once(key)?.1;
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == ',').filter(|c| *c != ',').collect();
    digits.parse::<u64>().ok().map(|n| n as f64)
}

impl Check {
    /// The check in words, with its bound in numbers.
    pub fn describe(&self, lesson: &Lesson) -> String {
        let unit = self.quantity.unit();
        let what = self.quantity.describe(lesson, self.part);
        match self.bound {
            Bound::AtMost(v) => format!("{what} ≤ {}", show(v, unit)),
            Bound::AtLeast(v) => format!("{what} ≥ {}", show(v, unit)),
        }
    }
}

/// Why the documents cannot show the lesson, if they cannot.
fn cannot_show(lesson: &Lesson, docs: &[&ResultDoc]) -> Option<String> {
    if docs.iter().any(|d| d.cancelled) {
        return Some("the run was cancelled before every part finished".into());
    }
    if docs.len() < lesson.parts.len() {
        return Some(format!("only {} of its {} parts ran", docs.len(), lesson.parts.len()));
    }
    for (part, doc) in lesson.parts.iter().zip(docs) {
        let cores = doc.env.hardware_concurrency;
        for need in lesson.needs {
            match *need {
                Need::Cores(n) if cores < n => {
                    return Some(format!(
                    "this browser reports {cores} core{}, and the lesson needs {n}: threads must really run at once",
                    if cores == 1 { "" } else { "s" }
                ))
                }
                Need::Isolation if !doc.env.cross_origin_isolated => {
                    return Some(
                        "the page is not cross-origin isolated, so it has no shared-memory threads or isolated \
                         workers"
                            .into(),
                    )
                }
                _ => {}
            }
        }
        if Setup::canonical(&doc.setup, cores) != Setup::canonical(part.setup, cores) {
            return Some(format!("the run's setup is not the lesson's ({} instead of {})", doc.setup, part.setup));
        }
        for run in &doc.runs {
            if let Some(why) = run.result.strip_prefix("not run: ") {
                return Some(format!("{} did not run: {why}", run.mode.name()));
            }
            if lesson.needs.contains(&Need::Files) {
                if let Some(error) = refused_files(run) {
                    return Some(format!("{} could not use the private file system: {error}", run.mode.name()));
                }
            }
        }
    }
    None
}

/// The error of a task the browser's private file system refused.
fn refused_files(run: &RunRecord) -> Option<&str> {
    run.tasks.iter().filter_map(|t| t.error.as_deref()).find(|e| e.contains("file system"))
}

/// The verdict of `lesson` from its parts' documents, in part order.
pub fn judge(lesson: &Lesson, docs: &[&ResultDoc]) -> Verdict {
    let lines: Vec<Line> = lesson
        .checks
        .iter()
        .map(|check| {
            let value = check.quantity.value(docs, check.part);
            Line {
                criterion: check.describe(lesson),
                measured: value.map(|v| show(v, check.quantity.unit())).unwrap_or_default(),
                met: value.map(|v| check.bound.holds(v)),
            }
        })
        .collect();
    if let Some(why) = cannot_show(lesson, docs) {
        // Figures of runs that cannot show the lesson would only mislead.
        let lines = lines.into_iter().map(|l| Line { measured: String::new(), met: None, ..l }).collect();
        return Verdict::cannot(why, lines);
    }
    if !lesson.expects_failures {
        let wrong = docs.iter().flat_map(|d| &d.runs).find(|r| r.correct == Some(false) || r.failures > 0);
        if let Some(run) = wrong {
            return Verdict {
                outcome: Outcome::DoesNotHold,
                reason: Some(format!(
                    "{} answer was wrong ({}), so its times prove nothing",
                    possessive(run.mode.name()),
                    run.result
                )),
                lines,
            };
        }
    }
    if let Some(line) = lines.iter().find(|l| l.met.is_none()) {
        return Verdict::cannot(format!("a figure it needs was not measured ({})", line.criterion), lines);
    }
    let against: Vec<String> =
        lines.iter().filter(|l| l.met == Some(false)).map(|l| format!("{}: {}", l.criterion, l.measured)).collect();
    if against.is_empty() {
        Verdict { outcome: Outcome::Holds, reason: None, lines }
    } else {
        Verdict { outcome: Outcome::DoesNotHold, reason: Some(against.join("; ")), lines }
    }
}
