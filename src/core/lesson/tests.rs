use std::collections::BTreeSet;

use super::*;
use crate::core::run::document::{EnvInfo, ResultDoc, RESULT_VERSION};
use crate::core::run::record::{Metric, Responsiveness, RunRecord, TaskRecord};
use crate::core::run::stats::ModeStats;
use crate::core::session::setup::Setup;
use crate::core::workload;

const CORES: u32 = 2;

fn env(cores: u32, isolated: bool) -> EnvInfo {
    EnvInfo {
        cross_origin_isolated: isolated,
        shared_array_buffer: isolated,
        hardware_concurrency: cores,
        user_agent: "test".into(),
    }
}

/// A run that checked right in `wall` ms, its tasks one after another on
/// one worker, the page fluid.
fn run(mode: Mode, wall: f64, tasks: usize) -> RunRecord {
    let each = wall / tasks.max(1) as f64;
    RunRecord {
        mode,
        threads: 2,
        wall_ms: wall,
        result: "1".into(),
        correct: Some(true),
        checked_against: "known answers".into(),
        tasks: (0..tasks)
            .map(|i| TaskRecord {
                index: i,
                worker: 0,
                start_ms: i as f64 * each,
                end_ms: (i + 1) as f64 * each,
                ..Default::default()
            })
            .collect(),
        failures: 0,
        metrics: Default::default(),
        responsiveness: Some(Responsiveness { longest_gap_ms: 17.0, gaps_over_50ms: 0, sightings: 10 }),
        checked_here: false,
    }
}

/// The documents of `lesson`'s parts, every mode at 100 ms; `tune`
/// changes the runs of each part (part, run).
fn docs(lesson: &Lesson, tune: impl Fn(usize, &mut RunRecord)) -> Vec<ResultDoc> {
    lesson
        .parts
        .iter()
        .enumerate()
        .map(|(part, p)| {
            let (setup, messages) = Setup::from_query(p.setup, CORES);
            assert!(messages.is_empty(), "{}: {messages:?}", lesson.id);
            let tasks = setup.build().task_count().min(64);
            let runs: Vec<RunRecord> = setup
                .modes
                .iter()
                .map(|&m| {
                    let mut r = run(m, 100.0, tasks);
                    tune(part, &mut r);
                    r
                })
                .collect();
            // A sweep: the same figures at every worker count, except
            // where a run's metrics say otherwise (see `swept`).
            let counts: Vec<u32> = if setup.sweep { (1..=2 * CORES).collect() } else { vec![setup.workers] };
            let stats = counts
                .iter()
                .flat_map(|&w| {
                    runs.iter().map(move |r| {
                        let wall = r.metrics.get(&Metric::Yields).filter(|_| setup.sweep).map_or(r.wall_ms, |&per| {
                            // In a sweep test, `Yields` carries the wall
                            // at 1 worker ÷ the speedup wanted per worker.
                            if r.mode == Mode::Sequential {
                                r.wall_ms
                            } else {
                                r.wall_ms / f64::from(w.min(CORES)) * per
                            }
                        });
                        ModeStats {
                            mode: r.mode,
                            workers: w,
                            threads: w,
                            walls_ms: vec![wall],
                            median_ms: wall,
                            min_ms: wall,
                            max_ms: wall,
                            warmup_ms: None,
                            speedup: None,
                            efficiency: None,
                            correct: r.correct,
                        }
                    })
                })
                .collect();
            ResultDoc {
                version: RESULT_VERSION,
                spindle: "test".into(),
                workload: setup.workload.id.into(),
                params: setup.params.clone(),
                workers: setup.workers,
                setup: Setup { autorun: false, ..setup }.to_query(),
                repeat: 1,
                warmup: false,
                sweep: false,
                cancelled: false,
                env: env(CORES, true),
                pool: None,
                runs,
                stats,
                amdahl: vec![],
                lesson: None,
            }
        })
        .collect()
}

fn verdict(lesson: &Lesson, docs: &[ResultDoc]) -> Verdict {
    judge(lesson, &docs.iter().collect::<Vec<_>>())
}

fn lesson(id: &str) -> &'static Lesson {
    find(id).unwrap()
}

/// Figures shaped like each lesson's claim, and figures that contradict it.
fn holding(id: &str, contradict: bool) -> Vec<ResultDoc> {
    let l = lesson(id);
    let c = contradict;
    docs(l, |part, r| {
        use Mode::*;
        let m = r.mode;
        match id {
            "gil" => r.wall_ms = [(Sequential, 500.0), (Gil, if c { 300.0 } else { 520.0 }), (Pool, 260.0), (Isolated, 280.0)]
                .iter().find(|(k, _)| *k == m).map_or(100.0, |x| x.1),
            "cpu-loops" => r.wall_ms = match m { Sequential => 320.0, Isolated => if c { 300.0 } else { 170.0 }, _ => 330.0 },
            "sleep" => r.wall_ms = match m { Sequential => 3_210.0, Async if c => 3_200.0, _ => 820.0 },
            "downloads" => r.wall_ms = match m { Sequential => 2_100.0, Gil => 900.0, _ => if c { 1_500.0 } else { 450.0 } },
            "files" => r.wall_ms = match m { Isolated if !c => 120.0, _ => 200.0 },
            "thousand-waits" => r.wall_ms = if c { 900.0 } else { 110.0 },
            "thread-per-task" => {
                r.wall_ms = match m { Spawn => 1_200.0, Pool => if c { 900.0 } else { 20.0 }, _ => 30.0 };
                if m == Spawn {
                    r.metrics.insert(Metric::ThreadStartupMs, 37.0);
                }
            }
            "chunks" => r.wall_ms = match (part, m) {
                (0, Sequential) => 50.0,
                (0, Pool) => 45.0,
                (0, _) => if c { 8.0 } else { 700.0 },
                _ => 5.0,
            },
            "uneven" => r.wall_ms = match (part, m) {
                (_, Sequential) => 1_000.0,
                (0, _) => 800.0,
                _ => if c { 900.0 } else { 520.0 },
            },
            "amdahl" => {
                r.wall_ms = 200.0;
                // The wall at w workers: 200 / min(w, cores) × this.
                r.metrics.insert(Metric::Yields, if c { 1.5 } else { 1.05 });
            }
            "race" => r.result = format!("unsynchronised 3000000 (lost {}) · atomic 4000000 · mutex 4000000",
                match m { Pool => 1_000_000, Gil if c => 5, _ => 0 }),
            "shared-value" => r.result = format!(
                "shared: unsynchronised 700,000 (lost 100,000) · atomic 800,000 · with a lock 800,000; not shared: {} here (each worker bumped its own copy)",
                if c { 200_000 } else { 0 }),
            "crash" => {
                if m == Pool || c {
                    r.tasks.clear();
                    r.failures = 1;
                    r.correct = Some(false);
                } else {
                    r.tasks[3].error = Some("task 3 panicked".into());
                    r.failures = 1;
                    r.correct = Some(false);
                }
            }
            "queue" => {
                r.wall_ms = match m { Pool => 20.0, _ => if c { 30.0 } else { 90.0 } };
                if m == Isolated {
                    r.metrics.insert(Metric::ItemsByMessage, 5_000.0);
                }
            }
            "frozen-page" => {
                r.wall_ms = 480.0;
                let gap = match m { Main => if c { 300.0 } else { 481.0 }, _ => 17.0 };
                r.responsiveness = Some(Responsiveness { longest_gap_ms: gap, gaps_over_50ms: 0, sightings: 10 });
            }
            "map-order" => {
                if m == Pool {
                    // Task 0 (the biggest) on worker 0 ends last.
                    r.tasks[0] = TaskRecord { index: 0, worker: 0, start_ms: 0.0, end_ms: 280.0, ..Default::default() };
                    r.tasks[1] = TaskRecord { index: 1, worker: 1, start_ms: 0.0, end_ms: 54.0, ..Default::default() };
                    r.tasks[2] = TaskRecord { index: 2, worker: 1, start_ms: 54.0, end_ms: 210.0, ..Default::default() };
                    if c {
                        r.tasks[0].end_ms = 10.0;
                        r.tasks[1].start_ms = 10.0;
                        r.tasks[1].end_ms = 64.0;
                        r.tasks[2].start_ms = 64.0;
                        r.tasks[2].end_ms = 210.0;
                    }
                }
            }
            other => panic!("no figures for lesson {other}"),
        }
    })
}

#[test]
fn every_lesson_holds_with_figures_shaped_like_its_claim() {
    for l in CATALOGUE {
        let v = verdict(l, &holding(l.id, false));
        assert_eq!(v.outcome, Outcome::Holds, "{}: {v:#?}", l.id);
        assert!(v.reason.is_none());
        assert_eq!(v.lines.len(), l.checks.len());
        assert!(v.lines.iter().all(|line| line.met == Some(true) && !line.measured.is_empty()), "{}", l.id);
    }
}

#[test]
fn every_lesson_does_not_hold_with_figures_that_contradict_it_and_names_them() {
    for l in CATALOGUE {
        let v = verdict(l, &holding(l.id, true));
        assert_eq!(v.outcome, Outcome::DoesNotHold, "{}: {v:#?}", l.id);
        let against: Vec<&Line> = v.lines.iter().filter(|line| line.met == Some(false)).collect();
        assert!(!against.is_empty(), "{}", l.id);
        let reason = v.reason.unwrap();
        for line in against {
            assert!(reason.contains(&line.criterion) && reason.contains(&line.measured), "{}: {reason}", l.id);
        }
    }
}

#[test]
fn a_cancelled_or_unfinished_lesson_cannot_be_shown() {
    for l in CATALOGUE {
        let mut d = holding(l.id, false);
        d.last_mut().unwrap().cancelled = true;
        let v = verdict(l, &d);
        assert_eq!(v.outcome, Outcome::CannotShow, "{}", l.id);
        assert!(v.lines.iter().all(|line| line.measured.is_empty() && line.met.is_none()), "no misleading figures");
        assert!(v.reason.unwrap().contains("cancelled"));
        let d = holding(l.id, false);
        let v = verdict(l, &d[..d.len() - 1]);
        assert_eq!(v.outcome, Outcome::CannotShow, "{}", l.id);
    }
}

#[test]
fn one_core_no_isolation_and_no_private_file_system_each_say_why() {
    for l in CATALOGUE {
        let mut d = holding(l.id, false);
        for doc in &mut d {
            doc.env.hardware_concurrency = 1;
        }
        let v = verdict(l, &d);
        if l.needs.contains(&Need::Cores(2)) {
            assert_eq!(v.outcome, Outcome::CannotShow, "{}", l.id);
            assert!(v.reason.unwrap().contains("reports 1 core,"), "{}", l.id);
        }
        let mut d = holding(l.id, false);
        for doc in &mut d {
            doc.env.cross_origin_isolated = false;
        }
        let v = verdict(l, &d);
        if l.needs.contains(&Need::Isolation) {
            assert_eq!(v.outcome, Outcome::CannotShow, "{}", l.id);
            assert!(v.reason.unwrap().contains("not cross-origin isolated"), "{}", l.id);
        } else {
            assert_eq!(v.outcome, Outcome::Holds, "{}", l.id);
        }
    }
    let files = lesson("files");
    let mut d = holding("files", false);
    d[0].runs[2].tasks[0].error = Some("the browser refused its private file system (UnknownError)".into());
    d[0].runs[2].failures = 1;
    let v = verdict(files, &d);
    assert_eq!(v.outcome, Outcome::CannotShow);
    assert!(v.reason.unwrap().contains("private file system"));
}

#[test]
fn a_mode_that_did_not_run_or_a_changed_setup_cannot_show_it() {
    let gil = lesson("gil");
    let mut d = holding("gil", false);
    d[0].runs[1].result = "not run: shared memory is unavailable".into();
    let v = verdict(gil, &d);
    assert_eq!(v.outcome, Outcome::CannotShow);
    assert!(v.reason.unwrap().contains("did not run: shared memory"));

    let mut d = holding("gil", false);
    d[0].setup = d[0].setup.replace("workers=2", "workers=1");
    let v = verdict(gil, &d);
    assert_eq!(v.outcome, Outcome::CannotShow);
    assert!(v.reason.unwrap().contains("not the lesson's"));
}

#[test]
fn a_wrong_answer_contradicts_a_lesson_unless_failures_are_its_point() {
    let mut d = holding("gil", false);
    d[0].runs[1].correct = Some(false);
    let v = verdict(lesson("gil"), &d);
    assert_eq!(v.outcome, Outcome::DoesNotHold);
    assert!(v.reason.unwrap().contains("answer was wrong"));
    assert_eq!(verdict(lesson("crash"), &holding("crash", false)).outcome, Outcome::Holds);
}

#[test]
fn a_figure_missing_from_the_run_cannot_show_the_lesson() {
    let mut d = holding("thread-per-task", false);
    d[0].runs.iter_mut().for_each(|r| r.metrics.clear());
    let v = verdict(lesson("thread-per-task"), &d);
    assert_eq!(v.outcome, Outcome::CannotShow);
    assert!(v.reason.unwrap().contains("was not measured"));
}

#[test]
fn every_lesson_states_its_criterion_in_numbers_and_runs_setups_the_page_accepts() {
    let mut ids = BTreeSet::new();
    for l in CATALOGUE {
        assert!(ids.insert(l.id), "duplicate id {}", l.id);
        assert!(!l.parts.is_empty() && !l.checks.is_empty(), "{}", l.id);
        assert!(l.criterion().iter().all(|c| c.chars().any(|ch| ch.is_ascii_digit())), "{}", l.id);
        for p in l.parts {
            let (setup, messages) = Setup::from_query(p.setup, CORES);
            assert!(messages.is_empty(), "{}: {messages:?}", l.id);
            assert!(!setup.autorun);
        }
        for c in l.checks {
            assert!(c.part < l.parts.len(), "{}", l.id);
        }
        let shows = match l.shows {
            Shows::Walls { part } | Shows::Gaps { part } | Shows::Sweep { part } | Shows::Answers { part } => part,
            Shows::Timeline { part, .. } => part,
        };
        assert!(shows < l.parts.len(), "{}", l.id);
        assert!(l.python.lines().count() <= 6, "{}: a sketch, not a program", l.id);
    }
}

/// Every mode and every workload is in at least one lesson: each row of the
/// tutorials' map of concepts has its experiment.
#[test]
fn the_lessons_cover_every_mode_and_workload() {
    let mut modes = BTreeSet::new();
    let mut workloads = BTreeSet::new();
    for l in CATALOGUE {
        for p in l.parts {
            let (setup, _) = Setup::from_query(p.setup, CORES);
            modes.extend(setup.modes.iter().copied());
            workloads.insert(setup.workload.id);
        }
    }
    assert_eq!(modes.into_iter().collect::<Vec<_>>(), Mode::ALL.to_vec());
    assert_eq!(workloads.len(), workload::CATALOGUE.len());
}

#[test]
fn a_stamp_writes_its_verdict_and_reads_back_without_it() {
    let v = verdict(lesson("gil"), &holding("gil", true));
    let stamp = LessonStamp { id: "gil".into(), earlier: vec![], verdict: Some(v) };
    let json = serde_json::to_string(&stamp).unwrap();
    assert!(json.contains("\"outcome\":\"does_not_hold\""), "{json}");
    let read: LessonStamp = serde_json::from_str(&json).unwrap();
    assert_eq!((read.id.as_str(), read.verdict), ("gil", None), "a page judges a link's figures itself");
    let long = json.replace("\"gil\"", &format!("\"{}\"", "x".repeat(100)));
    assert!(serde_json::from_str::<LessonStamp>(&long).is_err());
}

/// A link whose lesson nests lessons as deep as it likes is refused, not a
/// stack overflow: the JSON reader's depth limit, then the share checks.
#[test]
fn lessons_nested_in_a_link_are_refused() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/seeds/share_link");
    let nested = std::fs::read(dir.join("lesson-nested-json")).unwrap();
    assert!(crate::core::session::share::read_document(&nested).is_err());
    let one = std::fs::read(dir.join("lesson-uneven-json")).unwrap();
    let doc = crate::core::session::share::read_document(&one).unwrap();
    assert_eq!(doc.lesson.unwrap().earlier.len(), 1);
}
