use std::rc::Rc;

use yew::prelude::*;

use super::same;

use super::share_bar::ShareBar;
use super::sweep_chart::SweepChart;
use super::task_table::TaskTable;
use super::timeline::Timeline;
use crate::core::run::document::ResultDoc;
use crate::core::run::record::Metric;
use crate::core::run::record::{Responsiveness, RunRecord};
use crate::core::run::stats::ModeStats;
use crate::core::session::share::Link;
use crate::ui::format::{group_digits, ms};
use crate::ui::state::Action;

/// The check, and the answer itself where it is wrong or differs from the
/// one above the table (a right answer may differ by mode: the counter's
/// lost updates).
/// A shared document's checks are the link's word, not this page's: they
/// say so.
fn check(run: &RunRecord, headline: Option<&str>, shared: bool) -> Html {
    let by = match (shared, run.checked_here) {
        (false, _) => "",
        (true, true) => " (checked here)",
        (true, false) => " (reported by the link)",
    };
    match run.correct {
        Some(true) if headline.is_some_and(|h| h != run.result) => {
            html! { <span class="yes">{ format!("✓ {}{by}", group_digits(&run.result)) }</span> }
        }
        Some(true) => html! { <span class="yes">{ format!("✓ correct{by}") }</span> },
        Some(false) => html! {
            <span class="no">{ format!("✗ {} (vs {}){by}", group_digits(&run.result), run.checked_against) }</span>
        },
        None => {
            html! { <span title={run.checked_against.clone()}>{ format!("reference: {}", group_digits(&run.result)) }</span> }
        }
    }
}

fn responsiveness(r: Option<Responsiveness>) -> (String, Html) {
    match r {
        None => ("…".into(), html! { "…" }),
        Some(r) => {
            let frozen = r.gaps_over_50ms > 0;
            (
                ms(r.longest_gap_ms),
                html! { <span class={if frozen { "no" } else { "yes" }}>{ r.gaps_over_50ms }</span> },
            )
        }
    }
}

/// The mode's own figures, in words.
fn figures(run: &RunRecord) -> Vec<String> {
    let mut out = Vec::new();
    let get = |k: Metric| run.metrics.get(&k).copied();
    if let Some(v) = get(Metric::ThreadStartupMs) {
        out.push(format!("thread start-up {} per thread", ms(v)));
    }
    if let Some(v) = get(Metric::MessageMs) {
        out.push(format!("{} in messages per task (median)", ms(v)));
    }
    if let Some(v) = get(Metric::WorkerStartupMs) {
        out.push(format!("worker start-up {}", ms(v)));
    }
    if let Some(v) = get(Metric::WorkersReused).filter(|&v| v > 0.0) {
        out.push(format!("{v} worker(s) reused from the last run (no start-up)"));
    }
    if let Some(v) = get(Metric::WorkersReplaced).filter(|&v| v > 0.0) {
        out.push(format!("{v} worker(s) replaced after a crash"));
    }
    if let Some(v) = get(Metric::UsPerItem) {
        out.push(format!("{v:.2} µs per item, start-up included"));
    }
    if let Some(v) = get(Metric::ItemsByMessage) {
        out.push(format!("{v} items sent by message"));
    }
    if let Some(v) = get(Metric::Switches) {
        out.push(format!("{v} GIL hand-overs (every {} ms)", get(Metric::SwitchIntervalMs).unwrap_or(5.0)));
    }
    if let Some(v) = get(Metric::Yields) {
        out.push(format!("{v} yields to the event loop"));
    }
    if run.failures > 0 {
        out.push(format!("{} task(s) failed", run.failures));
    }
    out
}

#[derive(Properties)]
pub struct Props {
    /// This machine's result (finished, or so far).
    pub here: Option<Rc<ResultDoc>>,
    /// A result opened from a share link.
    pub shared: Option<Rc<ResultDoc>>,
    pub error: Option<String>,
    /// The run is over (the share and export buttons apply).
    pub done: bool,
    pub link: Option<Link>,
    pub on_action: Callback<Action>,
    pub cores: u32,
}

impl PartialEq for Props {
    fn eq(&self, other: &Self) -> bool {
        same(&self.here, &other.here)
            && same(&self.shared, &other.shared)
            && (&self.error, self.done, &self.link, &self.on_action, self.cores)
                == (&other.error, other.done, &other.link, &other.on_action, other.cores)
    }
}

fn speed(s: Option<&ModeStats>) -> String {
    s.and_then(|s| s.speedup).map(|v| format!("{v:.2}×")).unwrap_or_else(|| "—".into())
}

/// Per mode: statistics over the repeats, speedup and efficiency against
/// Sequential, responsiveness, the check (and the shared figures beside
/// this machine's); then the share bar, the sweep chart, the timelines and
/// each mode's tasks.
#[component]
pub fn Results(props: &Props) -> Html {
    let error = props.error.clone();
    let (main, other) = match (&props.here, &props.shared) {
        (Some(here), shared) => (Some(here.clone()), shared.clone()),
        (None, Some(shared)) => (Some(shared.clone()), None),
        (None, None) => (None, None),
    };
    let Some(doc) = main else {
        return html! {
            if let Some(e) = error {
                <section class="panel results" id="results"><p class="no" id="run-error">{ e }</p></section>
            }
        };
    };
    let is_shared = props.here.is_none();
    let compare = other.is_some();
    // The first right answer stands above the table; rows repeat only others.
    let right = doc.runs.iter().find(|r| r.correct == Some(true));
    let headline = right.map(|r| r.result.as_str());
    let rows = doc.runs.iter().map(|run| {
        let stats = doc.stats_of(run.mode);
        let theirs = other.as_ref().and_then(|o| o.stats_of(run.mode));
        let (gap, over) = responsiveness(run.responsiveness);
        let spread = stats
            .filter(|s| s.walls_ms.len() > 1)
            .map(|s| format!("{} – {}", ms(s.min_ms), ms(s.max_ms)))
            .unwrap_or_else(|| "—".into());
        html! {
            <tr id={format!("summary-{}", run.mode.id())} class={format!("mode-{}", run.mode.id())}>
                <td>{ run.mode.name() }</td>
                <td class="num">{ run.threads }</td>
                <td class="num wall">{ ms(stats.map_or(run.wall_ms, |s| s.median_ms)) }</td>
                <td class="num spread">{ spread }</td>
                <td class="num speedup">{ speed(stats) }</td>
                <td class="num efficiency">
                    { stats.and_then(|s| s.efficiency).map(|e| format!("{:.0} %", e * 100.0)).unwrap_or_else(|| "—".into()) }
                </td>
                if compare {
                    <td class="num shared-wall">{ theirs.map(|s| ms(s.median_ms)).unwrap_or_else(|| "—".into()) }</td>
                    <td class="num shared-speedup">{ speed(theirs) }</td>
                }
                <td class="num gap">{ gap }</td>
                <td class="num">{ over }</td>
                <td class="check">{ check(run, headline, is_shared) }</td>
            </tr>
        }
    });
    // One time axis for both documents while they are comparable; a shared
    // run far longer than this one's gets its own axis rather than shrink
    // the local bars to nothing.
    let span_of = |d: &ResultDoc| {
        d.runs
            .iter()
            .map(|r| r.tasks.iter().map(|t| t.end_ms).fold(r.wall_ms, f64::max))
            .filter(|t| t.is_finite())
            .fold(0.0, f64::max)
    };
    let span = span_of(&doc);
    let their_span = other.as_ref().map_or(span, |o| {
        let theirs = span_of(o);
        if theirs <= 4.0 * span {
            theirs.max(span)
        } else {
            theirs
        }
    });
    let span = if their_span <= 4.0 * span { their_span.max(span) } else { span };
    let repeats = if doc.warmup {
        format!("median of {} repeat(s) after a warm-up run (excluded)", doc.repeat)
    } else {
        format!("median of {} repeat(s), no warm-up", doc.repeat)
    };
    html! {
        <section class="panel results" id="results">
            <h2>{ if is_shared { "Shared results" } else { "Results" } }</h2>
            if let Some(e) = error { <p class="no" id="run-error">{ e }</p> }
            // Hidden rather than left out, so it keeps its place when it appears.
            <p class="warning" id="cancelled" hidden={!doc.cancelled}>
                { "Cancelled: these figures are from the runs that finished before Cancel." }
            </p>
            if let Some(right) = right {
                <p class="answer" id="answer">
                    { "Answer: " }<strong>{ group_digits(&right.result) }</strong>
                    { format!(
                        ", checked in every mode against {}{}.",
                        right.checked_against,
                        match (is_shared, right.checked_here) {
                            (false, _) => "",
                            (true, true) => ", and checked again here",
                            (true, false) => ", as the link reports",
                        }
                    ) }
                </p>
            }
            if !doc.runs.is_empty() {
                <table class="summary">
                    <thead><tr>
                        <th>{ "Mode" }</th><th class="num">{ "Threads" }</th>
                        <th class="num" title={repeats.clone()}>{ if compare { "Median here" } else { "Median" } }</th>
                        <th class="num">{ "Min – max" }</th>
                        <th class="num">{ if compare { "Speedup here" } else { "Speedup" } }</th>
                        <th class="num" title="Speedup ÷ threads">{ "Efficiency" }</th>
                        if compare {
                            <th class="num">{ "Median shared" }</th><th class="num">{ "Speedup shared" }</th>
                        }
                        <th class="num" title="Longest time the page's main thread could neither respond nor draw">{ "Longest gap" }</th>
                        <th class="num" title="Freezes a person notices">{ "Gaps > 50 ms" }</th>
                        <th>{ "Answer" }</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
                <p class="note">{ format!("Times: {repeats}, at {} workers. Speedup = Sequential's median ÷ the mode's, from the same session; efficiency = speedup ÷ threads. Gaps: the page's own main thread, looked at every 16 ms during the latest run of the mode (over 50 ms is a visible freeze).", doc.workers) }</p>
            }
            // Always there (disabled while running): an element that appears
            // later is placed after its siblings by Yew's reconciler.
            if !is_shared {
                <ShareBar doc={doc.clone()} link={props.link.clone()} on_action={props.on_action.clone()} done={props.done} />
            }
            <SweepChart here={props.here.clone()} shared={props.shared.clone()} cores={props.cores} />
            if doc.runs.iter().any(|r| !r.tasks.is_empty()) {
                <h3>{ "Timelines" }</h3>
                <p class="note">{ "The latest run of each mode: one row per worker, one bar per task, all on one time axis. Hover a bar, or focus a chart and use the arrow keys, for the task's details." }</p>
                { for doc.runs.iter().enumerate().map(|(index, run)| {
                    let theirs = other.as_ref().and_then(|o| Some((o.clone(), o.runs.iter().position(|r| r.mode == run.mode)?)));
                    html! {
                        <>
                            <Timeline doc={doc.clone()} {index} {span} source={if is_shared { "shared" } else { "here" }} />
                            if let Some((theirs, index)) = theirs {
                                <Timeline doc={theirs} {index} span={their_span} source="shared" />
                            }
                        </>
                    }
                }) }
            }
            { for doc.runs.iter().enumerate().map(|(index, run)| {
                let figures = figures(run);
                let order = run.completion_order();
                let in_order = order.windows(2).all(|w| w[0] < w[1]);
                html! {
                    <details class="mode-tasks" id={format!("details-{}", run.mode.id())}>
                        <summary>{ format!("{}: {} tasks", run.mode.name(), run.tasks.len()) }
                            if !figures.is_empty() { <span class="figures">{ format!(" · {}", figures.join(" · ")) }</span> }
                        </summary>
                        <p class="about">{ run.mode.about() }</p>
                        <p class="python">{ "In Python: " }<code>{ run.mode.python() }</code></p>
                        if !run.tasks.is_empty() {
                            <p class="order">
                                { "Results are listed in submission order (like map). Completion order (like as_completed): " }
                                <code>{ order.iter().take(200).map(usize::to_string).collect::<Vec<_>>().join(", ") }
                                    { if order.len() > 200 { ", …" } else { "" } }</code>
                                { if in_order { " (the same)" } else { "" } }
                            </p>
                            <TaskTable doc={doc.clone()} {index} />
                        }
                    </details>
                }
            }) }
        </section>
    }
}
