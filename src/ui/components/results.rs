use yew::prelude::*;

use super::task_table::TaskTable;
use crate::core::mode::Mode;
use crate::core::record::{speedup, RunRecord};
use crate::ui::format::{group_digits, ms};
use crate::ui::state::RunStatus;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub run: RunStatus,
}

fn check(run: &RunRecord) -> Html {
    match run.correct {
        Some(true) => {
            html! { <span class="yes" title={format!("checked against {}", run.checked_against)}>{ format!("✓ correct ({})", run.checked_against) }</span> }
        }
        Some(false) => {
            html! { <span class="no">{ format!("✗ wrong (vs {})", run.checked_against) }</span> }
        }
        None => html! { <span>{ "not checked" }</span> },
    }
}

/// Per mode: wall time, speedup against Sequential, the check, the tasks.
#[component]
pub fn Results(props: &Props) -> Html {
    let (runs, running, error) = match &props.run {
        RunStatus::Idle => return html! {},
        RunStatus::Running { done, request, .. } => (done.clone(), Some(request.modes.len()), None),
        RunStatus::Done(doc) => (doc.runs.clone(), None, None),
        RunStatus::Error(e) => (Vec::new(), None, Some(e.clone())),
    };
    let baseline = runs.iter().find(|r| r.mode == Mode::Sequential).cloned();
    let rows = runs.iter().map(|run| {
        let speed = baseline.as_ref().and_then(|b| speedup(b, run));
        html! {
            <tr id={format!("summary-{}", run.mode.id())} class={format!("mode-{}", run.mode.id())}>
                <td>{ run.mode.name() }</td>
                <td class="num">{ run.threads }</td>
                <td class="num wall">{ ms(run.wall_ms) }</td>
                <td class="num speedup">{ speed.map(|s| format!("{s:.2}×")).unwrap_or_else(|| "—".into()) }</td>
                <td class="num">{ run.workers_used() }</td>
                <td class="num answer">{ group_digits(&run.result) }</td>
                <td class="check">{ check(run) }</td>
            </tr>
        }
    });
    html! {
        <section class="panel results" id="results">
            <h2>{ "Results" }</h2>
            if let Some(e) = error { <p class="no" id="run-error">{ e }</p> }
            if let Some(total) = running {
                <p class="progress">{ format!("Running… {} of {} modes done.", runs.len(), total) }</p>
            }
            if !runs.is_empty() {
                <table class="summary">
                    <thead><tr>
                        <th>{ "Mode" }</th><th class="num">{ "Threads" }</th><th class="num">{ "Wall time" }</th>
                        <th class="num">{ "Speedup" }</th><th class="num">{ "Workers used" }</th>
                        <th class="num">{ "Answer" }</th><th>{ "Check" }</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
                <p class="note">{ "Speedup = Sequential's wall time ÷ the mode's, from the same run. The first run after loading is slower while the browser optimises the code." }</p>
                { for runs.iter().map(|run| html! {
                    <details class="mode-tasks">
                        <summary>{ format!("{}: {} tasks", run.mode.name(), run.tasks.len()) }</summary>
                        <TaskTable run={run.clone()} />
                    </details>
                }) }
            }
        </section>
    }
}
