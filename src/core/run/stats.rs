//! Repeats, statistics and the worker-count sweep: which runs a click
//! makes ([`plan`]), what they add up to ([`summarise`]) and the Amdahl
//! curve that fits them ([`fit_amdahl`]).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::bounded;
use crate::core::mode::Mode;
use crate::core::run::record::RunRecord;

/// One run of one mode in a click's plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanStep {
    pub mode: Mode,
    pub workers: u32,
    /// 0 is the warm-up when there is one; measured repeats follow.
    pub round: u32,
    pub warmup: bool,
}

/// The runs of one click, in order: at each worker count (just `workers`,
/// or 1 … `max_workers` for a sweep), an optional warm-up round of every
/// mode, then `repeat` measured rounds. Modes interleave within a round,
/// so slow drift (heat, other tabs) spreads over all modes alike.
pub fn plan(modes: &[Mode], workers: u32, repeat: u32, warmup: bool, sweep_to: Option<u32>) -> Vec<PlanStep> {
    let counts: Vec<u32> = match sweep_to {
        Some(max) => (1..=max.max(1)).collect(),
        None => vec![workers],
    };
    let mut steps = Vec::new();
    for workers in counts {
        let rounds = repeat.max(1) + u32::from(warmup);
        for round in 0..rounds {
            for &mode in modes {
                steps.push(PlanStep { mode, workers, round, warmup: warmup && round == 0 });
            }
        }
    }
    steps
}

/// A finished step and what it measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    pub step: PlanStep,
    /// Shared: the page's state is cloned on every action.
    pub run: Arc<RunRecord>,
}

/// One mode at one worker count, over its measured repeats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModeStats {
    pub mode: Mode,
    pub workers: u32,
    /// Threads that could run tasks (1 for the single-threaded modes).
    pub threads: u32,
    /// Wall time of each measured repeat, in order (warm-up excluded).
    #[serde(deserialize_with = "bounded::at_most::<_, _, { bounded::MAX_REPEATS }>")]
    pub walls_ms: Vec<f64>,
    pub median_ms: f64,
    pub min_ms: f64,
    pub max_ms: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warmup_ms: Option<f64>,
    /// Sequential's median at the same worker count ÷ this median.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speedup: Option<f64>,
    /// Speedup ÷ threads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub efficiency: Option<f64>,
    /// Every repeat checked right (`None`: nothing to check against).
    pub correct: Option<bool>,
}

/// The median (mean of the middle two for an even count); `None` if empty.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_unstable_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len().is_multiple_of(2) { (v[mid - 1] + v[mid]) / 2.0 } else { v[mid] })
}

/// Statistics per (worker count, mode), in plan order. Runs that failed
/// still count (their time is what happened) and mark `correct` false.
pub fn summarise(measured: &[Measured]) -> Vec<ModeStats> {
    let mut keys: Vec<(u32, Mode)> = Vec::new();
    for m in measured {
        let key = (m.step.workers, m.step.mode);
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    let mut stats: Vec<ModeStats> = keys
        .iter()
        .filter_map(|&(workers, mode)| {
            let of_key = || measured.iter().filter(move |m| m.step.workers == workers && m.step.mode == mode);
            let walls: Vec<f64> = of_key().filter(|m| !m.step.warmup).map(|m| m.run.wall_ms).collect();
            let median_ms = median(&walls)?;
            let checks: Vec<Option<bool>> = of_key().filter(|m| !m.step.warmup).map(|m| m.run.correct).collect();
            let correct = if checks.contains(&Some(false)) {
                Some(false)
            } else if checks.iter().all(Option::is_some) {
                Some(true)
            } else {
                None
            };
            Some(ModeStats {
                mode,
                workers,
                threads: of_key().next_back().map_or(1, |m| m.run.threads.max(1)),
                min_ms: walls.iter().copied().fold(f64::INFINITY, f64::min),
                max_ms: walls.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                median_ms,
                walls_ms: walls,
                warmup_ms: of_key().find(|m| m.step.warmup).map(|m| m.run.wall_ms),
                speedup: None,
                efficiency: None,
                correct,
            })
        })
        .collect();
    let baselines: Vec<(u32, f64)> =
        stats.iter().filter(|s| s.mode == Mode::Sequential).map(|s| (s.workers, s.median_ms)).collect();
    for s in &mut stats {
        if let Some(&(_, base)) = baselines.iter().find(|(w, _)| *w == s.workers) {
            if s.median_ms > 0.0 {
                let speedup = base / s.median_ms;
                s.speedup = Some(speedup);
                s.efficiency = Some(speedup / s.threads as f64);
            }
        }
    }
    stats
}

/// Amdahl's law on a machine with `cores`: `n` workers can run the
/// parallel part on at most `min(n, cores)` cores at once.
pub fn amdahl(serial_fraction: f64, workers: f64, cores: u32) -> f64 {
    let n = workers.min(f64::from(cores.max(1))).max(1.0);
    1.0 / (serial_fraction + (1.0 - serial_fraction) / n)
}

/// A fitted Amdahl curve for one mode of a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AmdahlFit {
    pub mode: Mode,
    /// The estimated serial fraction, 0 … 1.
    pub serial_fraction: f64,
    /// Root-mean-square distance of the measured speedups from the curve.
    pub rms_error: f64,
}

/// The serial fraction whose Amdahl curve is nearest (least squares) to
/// `points` (workers, speedup) on `cores` cores. `None` with fewer than
/// two worker counts, since one point fits any curve through it.
pub fn fit_amdahl(points: &[(u32, f64)], cores: u32) -> Option<(f64, f64)> {
    let points: Vec<(f64, f64)> =
        points.iter().filter(|(_, s)| s.is_finite() && *s > 0.0).map(|&(n, s)| (f64::from(n), s)).collect();
    let mut counts: Vec<u64> = points.iter().map(|p| p.0 as u64).collect();
    counts.sort_unstable();
    counts.dedup();
    if counts.len() < 2 {
        return None;
    }
    let error = |f: f64| points.iter().map(|&(n, s)| (amdahl(f, n, cores) - s).powi(2)).sum::<f64>();
    // A coarse scan finds the basin (the error is smooth in f), then a
    // golden-section search narrows it to 1e-9.
    let best = (0..=1000).map(|i| f64::from(i) / 1000.0).min_by(|&a, &b| error(a).total_cmp(&error(b)))?;
    let (mut lo, mut hi) = ((best - 0.001).max(0.0), (best + 0.001).min(1.0));
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    while hi - lo > 1e-9 {
        let (a, b) = (hi - ratio * (hi - lo), lo + ratio * (hi - lo));
        if error(a) <= error(b) {
            hi = b;
        } else {
            lo = a;
        }
    }
    let f = (lo + hi) / 2.0;
    Some((f, (error(f) / points.len() as f64).sqrt()))
}

/// A fit per mode that uses the worker count and ran at two or more.
pub fn fit_all(stats: &[ModeStats], cores: u32) -> Vec<AmdahlFit> {
    let modes = crate::core::mode::normalise_modes(stats.iter().map(|s| s.mode).filter(|m| m.uses_workers()).collect());
    modes
        .into_iter()
        .filter_map(|mode| {
            let points: Vec<(u32, f64)> =
                stats.iter().filter(|s| s.mode == mode).filter_map(|s| Some((s.workers, s.speedup?))).collect();
            let (serial_fraction, rms_error) = fit_amdahl(&points, cores)?;
            Some(AmdahlFit { mode, serial_fraction, rms_error })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(mode: Mode, wall_ms: f64, threads: u32) -> RunRecord {
        RunRecord { wall_ms, threads, ..RunRecord::checked(mode) }
    }

    #[test]
    fn a_plan_warms_up_then_repeats_with_modes_interleaved() {
        let p = plan(&[Mode::Sequential, Mode::Pool], 2, 3, true, None);
        assert_eq!(p.len(), 8);
        assert!(p[..2].iter().all(|s| s.warmup && s.round == 0));
        assert!(p[2..].iter().all(|s| !s.warmup && s.workers == 2));
        assert_eq!(p[2].mode, Mode::Sequential);
        assert_eq!(p[3].mode, Mode::Pool);
        assert_eq!(p[7].round, 3);
        assert_eq!(plan(&[Mode::Pool], 2, 1, false, None).len(), 1);
        let sweep = plan(&[Mode::Sequential, Mode::Pool], 2, 2, true, Some(4));
        assert_eq!(sweep.len(), 4 * 3 * 2);
        let counts: Vec<u32> = sweep.iter().map(|s| s.workers).collect();
        assert_eq!((counts[0], counts[23]), (1, 4));
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[f64::NAN, 5.0]), Some(5.0));
    }

    #[test]
    fn statistics_exclude_the_warm_up_and_pair_speedups_by_worker_count() {
        let mut measured = Vec::new();
        for (i, step) in plan(&[Mode::Sequential, Mode::Pool], 2, 3, true, None).into_iter().enumerate() {
            let wall = match (step.mode, step.warmup) {
                (_, true) => 1000.0,
                (Mode::Sequential, _) => 100.0 + i as f64,
                _ => 50.0 + i as f64,
            };
            let threads = if step.mode == Mode::Pool { 2 } else { 1 };
            measured.push(Measured { step, run: run(step.mode, wall, threads).into() });
        }
        let stats = summarise(&measured);
        assert_eq!(stats.len(), 2);
        let (seq, pool) = (&stats[0], &stats[1]);
        assert_eq!(seq.walls_ms, vec![102.0, 104.0, 106.0]);
        assert_eq!((seq.median_ms, seq.min_ms, seq.max_ms, seq.warmup_ms), (104.0, 102.0, 106.0, Some(1000.0)));
        assert_eq!(pool.median_ms, 55.0);
        assert!((pool.speedup.unwrap() - 104.0 / 55.0).abs() < 1e-12);
        assert!((pool.efficiency.unwrap() - 104.0 / 55.0 / 2.0).abs() < 1e-12);
        assert_eq!(seq.speedup, Some(1.0));
        assert_eq!(pool.correct, Some(true));
    }

    #[test]
    fn one_wrong_repeat_marks_the_mode_wrong() {
        let step = |round| PlanStep { mode: Mode::Pool, workers: 2, round, warmup: false };
        let mut bad = run(Mode::Pool, 10.0, 2);
        bad.correct = Some(false);
        let stats = summarise(&[
            Measured { step: step(0), run: run(Mode::Pool, 10.0, 2).into() },
            Measured { step: step(1), run: bad.into() },
        ]);
        assert_eq!(stats[0].correct, Some(false));
        assert_eq!(stats[0].speedup, None, "no Sequential run: no speedup");
    }

    #[test]
    fn amdahl_fit_recovers_a_known_serial_fraction() {
        for f in [0.0, 0.05, 0.2, 0.5, 1.0] {
            let points: Vec<(u32, f64)> = (1..=8).map(|n| (n, amdahl(f, f64::from(n), 8))).collect();
            let (fit, rms) = fit_amdahl(&points, 8).unwrap();
            assert!((fit - f).abs() < 1e-6, "{f} → {fit}");
            assert!(rms < 1e-6);
        }
        // On 2 cores, 3 and 4 workers are no faster than 2: the fit sees
        // the flattening as the core limit, not as serial work.
        let points = [(1, 1.0), (2, 1.9), (3, 1.9), (4, 1.9)];
        let (fit, _) = fit_amdahl(&points, 2).unwrap();
        assert!((fit - (2.0 / 1.9 - 1.0)).abs() < 0.01, "{fit}");
        assert_eq!(fit_amdahl(&[(2, 1.8)], 2), None);
        assert_eq!(fit_amdahl(&[(2, 1.8), (2, 1.7)], 2), None);
    }

    #[test]
    fn fits_are_made_for_swept_modes_that_use_workers() {
        let mut measured = Vec::new();
        for step in plan(&[Mode::Sequential, Mode::Async, Mode::Pool], 2, 1, false, Some(4)) {
            let n = f64::from(step.workers.min(2));
            let wall = match step.mode {
                Mode::Pool => 100.0 * (0.1 + 0.9 / n),
                _ => 100.0,
            };
            measured.push(Measured { step, run: run(step.mode, wall, step.workers).into() });
        }
        let fits = fit_all(&summarise(&measured), 2);
        assert_eq!(fits.len(), 1);
        assert_eq!(fits[0].mode, Mode::Pool);
        assert!((fits[0].serial_fraction - 0.1).abs() < 1e-6, "{:?}", fits[0]);
    }
}
