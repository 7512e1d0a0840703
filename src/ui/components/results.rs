use yew::prelude::*;

use super::task_table::TaskTable;
use crate::core::mode::Mode;
use crate::core::record::{speedup, Responsiveness, RunRecord};
use crate::ui::format::{group_digits, ms};
use crate::ui::state::RunStatus;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub run: RunStatus,
}

/// The check, and the answer itself only where it is not the right one.
fn check(run: &RunRecord) -> Html {
    match run.correct {
        Some(true) => html! { <span class="yes">{ "✓ correct" }</span> },
        Some(false) => html! {
            <span class="no">{ format!("✗ {} (vs {})", group_digits(&run.result), run.checked_against) }</span>
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
    let get = |k: &str| run.metrics.get(k).copied();
    if let Some(v) = get("thread_startup_ms") {
        out.push(format!("thread start-up {} per thread", ms(v)));
    }
    if let Some(v) = get("message_ms") {
        out.push(format!("{} in messages per task", ms(v)));
    }
    if let Some(v) = get("worker_startup_ms") {
        out.push(format!("worker start-up {}", ms(v)));
    }
    if let Some(v) = get("workers_replaced").filter(|&v| v > 0.0) {
        out.push(format!("{v} worker(s) replaced after a crash"));
    }
    if let Some(v) = get("us_per_item") {
        out.push(format!("{v:.2} µs per item, start-up included"));
    }
    if let Some(v) = get("items_by_message") {
        out.push(format!("{v} items sent by message"));
    }
    if let Some(v) = get("switches") {
        out.push(format!("{v} GIL hand-overs (every {} ms)", get("switch_interval_ms").unwrap_or(5.0)));
    }
    if let Some(v) = get("yields") {
        out.push(format!("{v} yields to the event loop"));
    }
    if run.failures > 0 {
        out.push(format!("{} task(s) failed", run.failures));
    }
    out
}

/// Per mode: wall time, speedup against Sequential, responsiveness, the
/// check; then, per mode, what it is and its tasks.
#[component]
pub fn Results(props: &Props) -> Html {
    let (runs, running, error) = match &props.run {
        RunStatus::Idle => return html! {},
        RunStatus::Running(p) => {
            let now = p.current.map(|(m, _)| m.name()).unwrap_or("…");
            (p.done.clone(), Some((p.request.modes.len(), now)), None)
        }
        RunStatus::Done(doc) => (doc.runs.clone(), None, None),
        RunStatus::Error(e) => (Vec::new(), None, Some(e.clone())),
    };
    let baseline = runs.iter().find(|r| r.mode == Mode::Sequential).cloned();
    let rows = runs.iter().map(|run| {
        let speed = baseline.as_ref().and_then(|b| speedup(b, run));
        let (gap, over) = responsiveness(run.responsiveness);
        html! {
            <tr id={format!("summary-{}", run.mode.id())} class={format!("mode-{}", run.mode.id())}>
                <td>{ run.mode.name() }</td>
                <td class="num">{ run.threads }</td>
                <td class="num wall">{ ms(run.wall_ms) }</td>
                <td class="num speedup">{ speed.map(|s| format!("{s:.2}×")).unwrap_or_else(|| "—".into()) }</td>
                <td class="num gap">{ gap }</td>
                <td class="num">{ over }</td>
                <td class="check">{ check(run) }</td>
            </tr>
        }
    });
    html! {
        <section class="panel results" id="results">
            <h2>{ "Results" }</h2>
            if let Some(e) = error { <p class="no" id="run-error">{ e }</p> }
            if let Some((total, now)) = running {
                <p class="progress" id="progress">{ format!("Running {now}… {} of {total} modes done.", runs.len()) }</p>
            }
            if let Some(right) = runs.iter().find(|r| r.correct == Some(true)) {
                <p class="answer" id="answer">
                    { "Answer: " }<strong>{ group_digits(&right.result) }</strong>
                    { format!(", checked in every mode against {}.", right.checked_against) }
                </p>
            }
            if !runs.is_empty() {
                <table class="summary">
                    <thead><tr>
                        <th>{ "Mode" }</th><th class="num">{ "Threads" }</th><th class="num">{ "Wall time" }</th>
                        <th class="num">{ "Speedup" }</th>
                        <th class="num" title="Longest time the page went without drawing a frame">{ "Longest frame gap" }</th>
                        <th class="num" title="Frames a person notices missing">{ "Gaps > 50 ms" }</th>
                        <th>{ "Answer" }</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
                <p class="note">{ "Speedup = Sequential's wall time ÷ the mode's, from the same run. Frame gaps: the page's own main thread while the mode ran (a gap over 50 ms is a visible freeze). The first run after loading is slower while the browser optimises the code." }</p>
                { for runs.iter().map(|run| {
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
                                    <code>{ order.iter().map(usize::to_string).collect::<Vec<_>>().join(", ") }</code>
                                    { if in_order { " (the same)" } else { "" } }
                                </p>
                                <TaskTable run={run.clone()} />
                            }
                        </details>
                    }
                }) }
            }
        </section>
    }
}
