use std::rc::Rc;

use web_sys::Element;
use yew::prelude::*;

use crate::core::run::document::ResultDoc;
use crate::core::session::setup::MAX_WORKERS;

use crate::core::run::record::RunRecord;
use crate::ui::format::{group_digits, ms, ticks};

#[derive(Properties)]
pub struct Props {
    /// The document, and which of its runs to draw.
    pub doc: Rc<ResultDoc>,
    pub index: usize,
    /// The time axis runs from 0 to this (ms), the same for all charts.
    pub span: f64,
    /// "here" or "shared".
    pub source: AttrValue,
}

impl PartialEq for Props {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.doc, &other.doc)
            && (self.index, self.span, &self.source) == (other.index, other.span, &other.source)
    }
}

const WIDTH: f64 = 900.0;
/// Above this many tasks, a worker's back-to-back tasks are drawn as one
/// bar (gaps under a pixel merged): idle gaps stay visible, the page stays
/// fast.
pub const MAX_BARS: usize = 2_000;

/// One drawn bar: one task, or a run of back-to-back tasks of one worker.
#[derive(Debug, Clone, PartialEq)]
struct Bar {
    worker: u32,
    start: f64,
    end: f64,
    /// Position in `run.tasks` of its (first) task, and how many it holds.
    first: usize,
    count: usize,
    failed: bool,
}

fn bars(run: &RunRecord, span: f64) -> Vec<Bar> {
    let one = |(i, t): (usize, &crate::core::run::record::TaskRecord)| Bar {
        worker: t.worker,
        start: t.start_ms,
        end: t.end_ms,
        first: i,
        count: 1,
        failed: t.error.is_some(),
    };
    if run.tasks.len() <= MAX_BARS {
        return run.tasks.iter().enumerate().map(one).collect();
    }
    let pixel = span / (WIDTH - LEFT - RIGHT);
    let mut sorted: Vec<Bar> = run.tasks.iter().enumerate().map(one).collect();
    sorted
        .sort_unstable_by(|a, b| a.worker.cmp(&b.worker).then(a.start.total_cmp(&b.start)).then(a.first.cmp(&b.first)));
    let mut merged: Vec<Bar> = Vec::new();
    for bar in sorted {
        match merged.last_mut() {
            Some(last) if last.worker == bar.worker && bar.start - last.end < pixel && !bar.failed && !last.failed => {
                last.end = last.end.max(bar.end);
                last.count += 1;
            }
            _ => merged.push(bar),
        }
    }
    merged
}
const LEFT: f64 = 64.0;
const RIGHT: f64 = 12.0;
const AXIS: f64 = 22.0;

/// A Gantt chart of one mode's latest run: a row per worker (idle ones
/// too), a bar per task. Hover a bar, or focus the chart and use the arrow
/// keys, for the task's details. One SVG, plain elements: fine at 1,000
/// tasks.
#[component]
pub fn Timeline(props: &Props) -> Html {
    let run = &props.doc.runs[props.index];
    let selected = use_state(|| None::<usize>);
    // A row per worker a run can have, whatever a document says.
    let rows =
        run.tasks.iter().map(|t| t.worker + 1).max().unwrap_or(0).max(run.threads).clamp(1, MAX_WORKERS) as usize;
    let row_h = if rows <= 16 { 18.0 } else { (288.0 / rows as f64).max(3.0) };
    let height = rows as f64 * row_h + AXIS;
    let span = props.span.max(run.wall_ms).max(1e-3);
    let x = |t: f64| LEFT + t.clamp(0.0, span) / span * (WIDTH - LEFT - RIGHT);
    let id = format!("timeline-{}-{}", props.source, run.mode.id());
    let drawn = bars(run, span);

    let busy: Vec<f64> = (0..rows)
        .map(|w| run.tasks.iter().filter(|t| t.worker as usize == w).map(|t| t.duration_ms()).sum::<f64>())
        .collect();
    let row_groups = (0..rows).map(|w| {
        let y = w as f64 * row_h;
        let share = if run.wall_ms > 0.0 { busy[w] / run.wall_ms * 100.0 } else { 0.0 };
        let row_bars = drawn.iter().enumerate().filter(|(_, b)| b.worker as usize == w).map(|(i, b)| {
            let (x0, x1) = (x(b.start), x(b.end));
            let hue = if b.count == 1 { (run.tasks[b.first].index * 47 % 360) as f64 } else { 210.0 };
            let class = classes!(
                "bar",
                b.failed.then_some("failed"),
                (b.count > 1).then_some("merged"),
                (*selected == Some(i)).then_some("selected")
            );
            html! {
                <rect {class} data-task={i.to_string()} x={format!("{x0:.2}")} y={format!("{:.2}", y + 1.0)}
                    width={format!("{:.2}", (x1 - x0).max(0.75))} height={format!("{:.2}", (row_h - 2.0).max(1.5))}
                    fill={format!("hsl({hue}, 55%, 48%)")}>
                    <title>{ detail(run, b) }</title>
                </rect>
            }
        });
        html! {
            <g class="row" data-worker={w.to_string()}>
                if row_h >= 9.0 {
                    <text x={(LEFT - 6.0).to_string()} y={format!("{:.1}", y + row_h * 0.7)} text-anchor="end" class="row-label">
                        { format!("w{w}") }<title>{ format!("worker {w}: busy {share:.0} % of the run") }</title>
                    </text>
                }
                <line x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()} y1={format!("{:.1}", y + row_h)} y2={format!("{:.1}", y + row_h)} class="row-line" />
                { for row_bars }
            </g>
        }
    });
    let axis_y = rows as f64 * row_h;
    let axis = ticks(span, 6).into_iter().filter(|&t| t <= span * 1.0001).map(|t| {
        html! {
            <g class="tick">
                <line x1={format!("{:.1}", x(t))} x2={format!("{:.1}", x(t))} y1="0" y2={format!("{:.1}", axis_y + 4.0)} />
                <text x={format!("{:.1}", x(t))} y={format!("{:.1}", axis_y + 16.0)} text-anchor="middle">{ ms(t) }</text>
            </g>
        }
    });

    let task_at = |target: Option<web_sys::EventTarget>| {
        target
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<Element>(t).ok())
            .and_then(|e| e.closest(".bar").ok().flatten())
            .and_then(|e| e.get_attribute("data-task"))
            .and_then(|v| v.parse::<usize>().ok())
    };
    let on_over = {
        let selected = selected.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(i) = task_at(e.target()) {
                selected.set(Some(i));
            }
        })
    };
    let count = drawn.len();
    let on_key = {
        let selected = selected.clone();
        Callback::from(move |e: KeyboardEvent| {
            if count == 0 {
                return;
            }
            let next = match (e.key().as_str(), *selected) {
                ("ArrowRight" | "ArrowDown", Some(i)) => (i + 1).min(count - 1),
                ("ArrowLeft" | "ArrowUp", Some(i)) => i.saturating_sub(1),
                ("ArrowRight" | "ArrowDown" | "ArrowLeft" | "ArrowUp" | "Home", _) => 0,
                ("End", _) => count - 1,
                _ => return,
            };
            e.prevent_default();
            selected.set(Some(next));
        })
    };
    let on_focus = {
        let selected = selected.clone();
        Callback::from(move |_: FocusEvent| {
            if selected.is_none() && count > 0 {
                selected.set(Some(0));
            }
        })
    };
    let merged = drawn.len() < run.tasks.len();
    let label = format!(
        "{} ({}): {} tasks on {rows} worker row(s), {} wall time",
        run.mode.name(),
        props.source,
        run.tasks.len(),
        ms(run.wall_ms)
    );
    html! {
        <figure class={classes!("timeline", format!("source-{}", props.source))} id={id.clone()}>
            <figcaption>{ format!("{}{}", run.mode.name(), if props.source == "shared" { " — shared" } else { "" }) }
                <span class="note">{ format!(" · {} · {} tasks · {rows} row(s)", ms(run.wall_ms), run.tasks.len()) }
                    if merged { { format!(" · more than {MAX_BARS} tasks: back-to-back tasks drawn as one bar ({} bars)", drawn.len()) } }
                </span>
            </figcaption>
            <svg viewBox={format!("0 0 {WIDTH} {height:.1}")} role="img" aria-label={label} tabindex="0"
                onmouseover={on_over} onkeydown={on_key} onfocus={on_focus}>
                { for axis }
                { for row_groups }
            </svg>
            <p class="timeline-detail" aria-live="polite" id={format!("{id}-detail")}>
                { match *selected {
                    Some(i) if i < drawn.len() => detail(run, &drawn[i]),
                    _ => "Hover a bar or focus the chart (arrow keys) for a task's details.".into(),
                } }
            </p>
        </figure>
    }
}

fn detail(run: &RunRecord, bar: &Bar) -> String {
    if bar.count > 1 {
        return format!(
            "{} tasks back to back on w{}: {} → {} ({}, {} per task)",
            bar.count,
            bar.worker,
            ms(bar.start),
            ms(bar.end),
            ms(bar.end - bar.start),
            ms((bar.end - bar.start) / bar.count as f64)
        );
    }
    let t = &run.tasks[bar.first];
    let outcome = match &t.error {
        Some(e) => format!("failed: {e}"),
        None => format!("result {}", group_digits(&t.result)),
    };
    format!(
        "Task {} ({}) on w{}: {} → {} ({}), {outcome}",
        t.index,
        t.label,
        t.worker,
        ms(t.start_ms),
        ms(t.end_ms),
        ms(t.duration_ms())
    )
}
