use std::rc::Rc;

use yew::prelude::*;

use super::same;

use crate::core::mode::Mode;
use crate::core::run::document::ResultDoc;
use crate::core::run::stats::amdahl;
use crate::core::session::setup::MAX_WORKERS;
use crate::ui::format::ticks;

#[derive(Properties)]
pub struct Props {
    pub here: Option<Rc<ResultDoc>>,
    pub shared: Option<Rc<ResultDoc>>,
    /// This browser's `hardwareConcurrency`.
    pub cores: u32,
    /// The figure's id: one per chart on the page.
    #[prop_or(AttrValue::Static("sweep-chart"))]
    pub id: AttrValue,
}

impl PartialEq for Props {
    fn eq(&self, other: &Self) -> bool {
        same(&self.here, &other.here)
            && same(&self.shared, &other.shared)
            && (self.cores, &self.id) == (other.cores, &other.id)
    }
}

/// Okabe–Ito colours (told apart with the common colour-vision
/// deficiencies), one per mode in `Mode::ALL` order.
pub const COLOURS: [&str; 8] = ["#555555", "#E69F00", "#56B4E9", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8C6D1F"];

pub fn colour(mode: Mode) -> &'static str {
    COLOURS[Mode::ALL.iter().position(|&m| m == mode).unwrap_or(0) % COLOURS.len()]
}

const W: f64 = 640.0;
const H: f64 = 360.0;
const L: f64 = 52.0;
const R: f64 = 16.0;
const T: f64 = 16.0;
const B: f64 = 44.0;

struct Series<'a> {
    source: &'static str,
    doc: &'a ResultDoc,
    mode: Mode,
    points: Vec<(u32, f64)>,
}

/// The series of a swept document: one per mode, speedup by worker count.
fn series_of<'a>(doc: &'a ResultDoc, source: &'static str) -> Vec<Series<'a>> {
    let mut counts: Vec<u32> = doc.stats.iter().map(|s| s.workers).collect();
    counts.sort_unstable();
    counts.dedup();
    if counts.len() < 2 {
        return Vec::new();
    }
    Mode::ALL
        .iter()
        .filter_map(|&mode| {
            // Only what a run can produce is drawn, whatever a document says.
            let mut points: Vec<(u32, f64)> = doc
                .stats
                .iter()
                .filter(|s| s.mode == mode && (1..=MAX_WORKERS).contains(&s.workers))
                .filter_map(|s| Some((s.workers, s.speedup.filter(|v| v.is_finite() && *v >= 0.0)?)))
                .collect();
            points.sort_unstable_by_key(|p| p.0);
            (!points.is_empty()).then_some(Series { source, doc, mode, points })
        })
        .collect()
}

/// Speedup against worker count, for a sweep: a line per mode (shared
/// ones dashed), the ideal line, each mode's fitted Amdahl curve (dotted)
/// and a mark at the core count.
#[component]
pub fn SweepChart(props: &Props) -> Html {
    let mut series = Vec::new();
    if let Some(doc) = &props.here {
        series.extend(series_of(doc, "here"));
    }
    if let Some(doc) = &props.shared {
        series.extend(series_of(doc, "shared"));
    }
    if series.is_empty() {
        return html! {};
    }
    let max_w = series.iter().flat_map(|s| s.points.iter().map(|p| p.0)).max().unwrap_or(1).max(2);
    // The local run sets the speedup scale when there is one: a shared
    // document cannot squash it, and its points past the top are drawn at
    // the top.
    let scaled = if series.iter().any(|s| s.source == "here") { "here" } else { "shared" };
    let max_s = series
        .iter()
        .filter(|s| s.source == scaled)
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(f64::from(max_w), f64::max);
    let y_ticks = ticks(max_s, 5);
    let y_max = *y_ticks.last().unwrap_or(&1.0);
    let x = |n: f64| L + (n - 1.0) / f64::from(max_w - 1) * (W - L - R);
    let y = |s: f64| T + (1.0 - s.clamp(0.0, y_max) / y_max) * (H - T - B);
    let path =
        |pts: &[(f64, f64)]| pts.iter().map(|&(n, s)| format!("{:.1},{:.1}", x(n), y(s))).collect::<Vec<_>>().join(" ");

    let grid = y_ticks.iter().map(|&s| html! {
        <g class="tick">
            <line x1={L.to_string()} x2={(W - R).to_string()} y1={format!("{:.1}", y(s))} y2={format!("{:.1}", y(s))} />
            <text x={(L - 6.0).to_string()} y={format!("{:.1}", y(s) + 4.0)} text-anchor="end">{ format!("{s}×") }</text>
        </g>
    });
    let x_ticks = (1..=max_w).map(|n| html! {
        <text x={format!("{:.1}", x(f64::from(n)))} y={(H - B + 16.0).to_string()} text-anchor="middle" class="tick">{ n }</text>
    });
    let mut cores: Vec<(u32, &str)> = vec![(props.cores, "here")];
    if let Some(doc) = &props.shared {
        if doc.env.hardware_concurrency != props.cores && series.iter().any(|s| s.source == "shared") {
            cores.push((doc.env.hardware_concurrency, "shared"));
        }
    }
    let core_marks = cores.iter().filter(|(c, _)| (1..=max_w).contains(c)).map(|&(c, source)| html! {
        <g class="cores" data-source={source}>
            <line x1={format!("{:.1}", x(f64::from(c)))} x2={format!("{:.1}", x(f64::from(c)))} y1={T.to_string()} y2={(H - B).to_string()} />
            <text x={format!("{:.1}", x(f64::from(c)) + 4.0)} y={(T + 12.0).to_string()}>
                { format!("hardwareConcurrency = {c}{}", if source == "shared" { " (shared)" } else { "" }) }
            </text>
        </g>
    });
    let ideal = path(&[(1.0, 1.0), (f64::from(max_w), f64::from(max_w))]);
    let lines = series.iter().map(|s| {
        let pts: Vec<(f64, f64)> = s.points.iter().map(|&(n, v)| (f64::from(n), v)).collect();
        let dash = if s.source == "shared" { "6 4" } else { "none" };
        let fit = s.doc.amdahl.iter().find(|f| f.mode == s.mode).map(|f| {
            let c = s.doc.env.hardware_concurrency;
            let curve: Vec<(f64, f64)> = (0..=(max_w - 1) * 10)
                .map(|i| 1.0 + f64::from(i) / 10.0)
                .map(|n| (n, amdahl(f.serial_fraction, n, c)))
                .collect();
            html! { <polyline class="amdahl" points={path(&curve)} stroke={colour(s.mode)} data-mode={s.mode.id()} data-source={s.source} /> }
        });
        html! {
            <g class="series" data-mode={s.mode.id()} data-source={s.source}>
                { for fit }
                <polyline class="line" points={path(&pts)} stroke={colour(s.mode)} stroke-dasharray={dash} />
                { for pts.iter().map(|&(n, v)| html! {
                    <circle cx={format!("{:.1}", x(n))} cy={format!("{:.1}", y(v))} r="4"
                        fill={if s.source == "shared" { "white" } else { colour(s.mode) }} stroke={colour(s.mode)}>
                        <title>{ format!("{} ({}), {n} workers: {v:.2}×", s.mode.name(), s.source) }</title>
                    </circle>
                }) }
            </g>
        }
    });
    let legend = series.iter().map(|s| {
        let fit = s.doc.amdahl.iter().find(|f| f.mode == s.mode);
        html! {
            <li data-mode={s.mode.id()} data-source={s.source}>
                <svg width="28" height="10" aria-hidden="true">
                    <line x1="0" x2="28" y1="5" y2="5" stroke={colour(s.mode)} stroke-width="3"
                        stroke-dasharray={if s.source == "shared" { "6 4" } else { "none" }} />
                </svg>
                { format!(" {}{}", s.mode.name(), if s.source == "shared" { " (shared)" } else { "" }) }
                if let Some(f) = fit {
                    <span class="serial-fraction">
                        { format!(" · Amdahl fit: serial fraction {:.1} % (rms {:.2}×)", f.serial_fraction * 100.0, f.rms_error) }
                    </span>
                }
            </li>
        }
    });
    html! {
        <figure class="sweep" id={props.id.clone()}>
            <figcaption>{ "Speedup by worker count" }</figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} role="img"
                aria-label="Speedup against worker count: one line per mode, the ideal line, fitted Amdahl curves and the core count">
                { for grid }
                { for x_ticks }
                <text x={format!("{:.1}", (L + W - R) / 2.0)} y={(H - 6.0).to_string()} text-anchor="middle" class="axis-label">{ "workers" }</text>
                <text x="14" y={format!("{:.1}", (T + H - B) / 2.0)} text-anchor="middle" class="axis-label"
                    transform={format!("rotate(-90 14 {:.1})", (T + H - B) / 2.0)}>{ "speedup vs Sequential" }</text>
                <polyline class="ideal" points={ideal} />
                { for core_marks }
                { for lines }
            </svg>
            <ul class="legend">
                <li><svg width="28" height="10" aria-hidden="true"><line x1="0" x2="28" y1="5" y2="5" class="ideal" /></svg>{ " ideal (speedup = workers)" }</li>
                { for legend }
            </ul>
            <p class="note">{ "Dotted: Amdahl's law fitted to each mode, with the parallel part limited to min(workers, cores) cores at once; past the core count more workers cannot add speed. Each point is a median over the repeats." }</p>
        </figure>
    }
}
