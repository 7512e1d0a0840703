use std::rc::Rc;

use yew::prelude::*;

use super::sweep_chart::SweepChart;
use super::timeline::Timeline;
use crate::core::lesson::{Lesson, Outcome, Shows, Verdict, CATALOGUE};
use crate::core::run::document::{EnvInfo, ResultDoc};
use crate::ui::format::{group_digits, ms};
use crate::ui::state::{Action, LessonRun};

/// What the Lessons view shows.
pub struct Props<'a> {
    /// The lesson open, if any.
    pub lesson: Option<&'static Lesson>,
    /// The lesson being run here, or run last.
    pub run: Option<&'a LessonRun>,
    /// A result from a share link, which may belong to a lesson.
    pub shared: Option<&'a Rc<ResultDoc>>,
    /// That lesson's verdict, judged here from the link's figures.
    pub shared_verdict: Option<&'a Verdict>,
    pub running: bool,
    pub cores: u32,
    pub on_action: &'a Callback<Action>,
    pub on_run: &'a Callback<()>,
}

/// The Lessons view: the list, and the open lesson with its claim,
/// criterion, Run button, verdict and picture. A plain view, not a
/// component: the documents it draws from are compared by identity in the
/// components it uses (timeline, sweep chart).
pub fn lessons(props: &Props) -> Html {
    let list = CATALOGUE.iter().map(|l| {
        let open = props.lesson.is_some_and(|o| o.id == l.id);
        let onclick = props.on_action.reform(move |_: MouseEvent| Action::OpenLesson(Some(l.id.into())));
        html! {
            <li><button id={format!("open-{}", l.id)} class={classes!("lesson-link", open.then_some("open"))}
                aria-pressed={open.to_string()} disabled={props.running && !open} {onclick}>{ l.title }</button></li>
        }
    });
    html! {
        <section class="panel lessons" id="lessons">
            <h2>{ "Lessons" }</h2>
            <p class="note">{ "Each claim of the Python tutorials on threads, processes and asyncio, as an experiment: open one, read the claim and its criterion, press Run, and the page judges it from what this machine measures." }</p>
            <ol class="lesson-list">{ for list }</ol>
            if let Some(lesson) = props.lesson {
                { lesson_card(props, lesson) }
            }
        </section>
    }
}

fn lesson_card(props: &Props, lesson: &'static Lesson) -> Html {
    let run = props.run.filter(|r| r.lesson.id == lesson.id);
    let here = run.and_then(|r| r.verdict.as_ref());
    let shared = props.shared.filter(|d| d.lesson.as_ref().is_some_and(|s| s.id == lesson.id));
    let theirs = shared.zip(props.shared_verdict).map(|(d, v)| (v, &d.env));
    let on_run = props.on_run.reform(|_: MouseEvent| ());
    // One row per check: the criterion, stated before the run, then what
    // this machine and the link measured.
    let cell = |v: Option<&Verdict>, i: usize| match v.and_then(|v| v.lines.get(i)) {
        Some(line) if !line.measured.is_empty() => {
            let mark = match line.met {
                Some(true) => " ✓",
                Some(false) => " ✗",
                None => "",
            };
            format!("{}{mark}", line.measured)
        }
        _ => "—".into(),
    };
    let rows = lesson.criterion().into_iter().enumerate().map(|(i, c)| {
        html! {
            <tr><td>{ c }</td><td class="num here">{ cell(here, i) }</td>
                if theirs.is_some() { <td class="num shared">{ cell(theirs.map(|t| t.0), i) }</td> }</tr>
        }
    });
    html! {
        <article class="lesson" id="lesson" data-lesson={lesson.id} data-outcome={here.map_or("none", |v| outcome_id(v.outcome))}>
            <h3>{ lesson.title }</h3>
            <p class="claim">{ lesson.claim }</p>
            <pre class="python"><code>{ lesson.python }</code></pre>
            <p class="figure">{ "The tutorial's figure: " }{ lesson.figure }</p>
            if lesson.parts.len() > 1 {
                <p class="note">{ format!("It runs {} setups in turn: {}.", lesson.parts.len(), lesson.parts.iter().map(|p| p.label).collect::<Vec<_>>().join("; then ")) }</p>
            }
            <table class="checks" id="checks">
                <thead><tr><th>{ "Criterion, stated before the run" }</th><th class="num">{ "Here" }</th>
                    if theirs.is_some() { <th class="num">{ "Shared" }</th> }</tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            <p class="lesson-actions">
                <button id="run-lesson" class="run" onclick={on_run} disabled={props.running}>{ "Run this lesson" }</button>
            </p>
            <div class="verdicts">
                if let Some(v) = here { { outcome(v, "verdict", None) } }
                if let Some((v, env)) = theirs { { outcome(v, "shared-verdict", Some(env)) } }
            </div>
            { picture(lesson, run, shared, props.cores) }
        </article>
    }
}

fn outcome_id(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Holds => "holds",
        Outcome::DoesNotHold => "does-not-hold",
        Outcome::CannotShow => "cannot-show",
    }
}

/// A verdict's outcome and why: here, or on the machine of a shared link.
fn outcome(v: &Verdict, id: &'static str, elsewhere: Option<&EnvInfo>) -> Html {
    let headline = match elsewhere {
        None => format!("The claim {}", v.outcome.words()),
        Some(env) => {
            let held = match v.outcome {
                Outcome::Holds => "held",
                Outcome::DoesNotHold => "did not hold",
                Outcome::CannotShow => "could not be shown",
            };
            format!("Shared link: the lesson {held} on {}, {} cores", env.browser(), env.hardware_concurrency)
        }
    };
    html! {
        <div class={classes!("verdict", outcome_id(v.outcome))} {id} data-outcome={outcome_id(v.outcome)}>
            <p class="outcome">{ headline }</p>
            if let Some(reason) = &v.reason { <p class="reason">{ reason }</p> }
        </div>
    }
}

/// The picture that makes the lesson's point, from this machine's run
/// when there is one, else from the shared result (its last part).
fn picture(lesson: &Lesson, run: Option<&LessonRun>, shared: Option<&Rc<ResultDoc>>, cores: u32) -> Html {
    let part = match lesson.shows {
        Shows::Walls { part } | Shows::Gaps { part } | Shows::Sweep { part } | Shows::Answers { part } => part,
        Shows::Timeline { part, .. } => part,
    };
    let here = run.filter(|r| r.verdict.is_some()).and_then(|r| r.docs.get(part)).cloned();
    // A link's picture: of its last part (its earlier ones carry no tasks).
    let theirs = shared.filter(|d| d.lesson.as_ref().is_some_and(|s| s.earlier.len() == part)).cloned();
    let Some(doc) = here.or(theirs) else { return html! {} };
    let body = match lesson.shows {
        Shows::Walls { .. } => bars(
            "Median time per mode",
            doc.runs.iter().map(|r| (r.mode.name(), doc.stats_of(r.mode).map_or(r.wall_ms, |s| s.median_ms))).collect(),
            None,
        ),
        Shows::Gaps { .. } => bars(
            "The page's longest freeze per mode (the red line: 50 ms, a freeze a person notices)",
            doc.runs.iter().filter_map(|r| Some((r.mode.name(), r.responsiveness?.longest_gap_ms))).collect(),
            Some(50.0),
        ),
        Shows::Timeline { mode, .. } => match doc.runs.iter().position(|r| r.mode == mode) {
            Some(index) => {
                let run = &doc.runs[index];
                let span = run.tasks.iter().map(|t| t.end_ms).fold(run.wall_ms, f64::max).max(1.0);
                html! { <Timeline doc={doc.clone()} {index} {span} source="lesson" /> }
            }
            None => html! {},
        },
        Shows::Sweep { .. } => {
            html! { <SweepChart here={Some(doc.clone())} shared={None} {cores} id="lesson-sweep" /> }
        }
        Shows::Answers { .. } => html! {
            <ul class="answers">{ for doc.runs.iter().map(|r| html! {
                <li><strong>{ r.mode.name() }</strong>{ ": " }{ group_digits(&r.result) }
                    if r.failures > 0 { { format!(" · {} task(s) failed", r.failures) } }
                </li>
            }) }</ul>
        },
    };
    html! { <div class="lesson-picture" id="lesson-picture">{ body }</div> }
}

/// Horizontal bars under a title, one per mode, in ms; `mark` draws a
/// limit line.
fn bars(title: &'static str, rows: Vec<(&'static str, f64)>, mark: Option<f64>) -> Html {
    let max = rows.iter().map(|r| r.1).fold(mark.unwrap_or(0.0), f64::max).max(1e-9);
    let pct = |v: f64| format!("{:.1}%", (v / max * 100.0).clamp(0.0, 100.0));
    let mark = mark.map(|m| html! { <span class="bar-mark" style={format!("left: {}", pct(m))}></span> });
    html! {
        <div class="bars">
            <p class="note">{ title }</p>
            { for rows.into_iter().map(|(name, v)| html! {
                <div class="bar-row">
                    <span>{ name }</span>
                    <span class="bar-track"><span class="bar" style={format!("width: {}", pct(v))}></span>{ mark.clone() }</span>
                    <span class="bar-value">{ ms(v) }</span>
                </div>
            }) }
        </div>
    }
}
