//! Every mode on the host: native rayon threads, std threads for "thread
//! per task" and for isolated workers, a no-op event loop.

use std::sync::Arc;

use super::*;
use crate::core::run::clock::HostClock;
use crate::core::workload::primes::Primes;

pub(crate) use super::native::{block_on, NativeHost as ThreadHost};

/// A run of catalogue workload `id` with the parameters of `query`, built
/// as the page builds it: isolated workers build their copies from the
/// same id and parameters.
pub(crate) fn context(id: &str, query: &str, workers: u32) -> RunContext {
    let params: Params = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let (clock, io) = (Arc::new(HostClock), Arc::new(crate::core::workload::io::NoBlockingIo));
    RunContext::build(id, &params, workers, crate::core::run::gil::DEFAULT_SWITCH_MS, None, clock, io).unwrap()
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap()
}

fn run(mode: Mode, ctx: &RunContext, baseline: Option<&str>) -> RunRecord {
    let reference = ctx.workload.reference();
    pool(ctx.workers as usize)
        .install(|| block_on(run_mode(mode, ctx, &ThreadHost::default(), reference.as_ref(), baseline)))
}

#[test]
fn every_mode_gives_the_known_answers() {
    let ctx = context("primes", "bounds=1000000,2000000&chunk=250000", 2);
    for &mode in Mode::ALL {
        let r = run(mode, &ctx, None);
        assert_eq!(r.result, "37550402023,142913828922", "{mode:?}");
        assert_eq!(r.correct, Some(true), "{mode:?}");
        assert_eq!(r.checked_against, "known answers");
        assert_eq!(r.tasks.len(), 12, "{mode:?}");
        assert_eq!(r.failures, 0);
        assert!(r.tasks.iter().enumerate().all(|(i, t)| t.index == i), "{mode:?}: submission order kept");
        assert!(
            r.tasks.iter().all(|t| t.start_ms >= 0.0 && t.end_ms >= t.start_ms && t.end_ms <= r.wall_ms + 1e-6),
            "{mode:?}: task times inside the run"
        );
    }
}

#[test]
fn every_mode_reports_each_finished_task_once() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    struct Count(AtomicUsize);
    impl TaskProgress for Count {
        fn task_done(&self) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
    for &mode in Mode::ALL {
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let ctx = context("primes", "bounds=100000,200000&chunk=25000", 2).with_progress(count.clone());
        run(mode, &ctx, None);
        assert_eq!(count.0.load(Ordering::Relaxed), 12, "{mode:?}");
    }
}

#[test]
fn modes_report_their_threads_and_figures() {
    let ctx = context("primes", "bounds=2000000&chunk=62500", 4);
    let pool_run = run(Mode::Pool, &ctx, None);
    assert_eq!(pool_run.threads, 4);
    assert!(pool_run.workers_used() >= 2, "32 tasks on 4 threads use more than one");
    let seq = run(Mode::Sequential, &ctx, None);
    assert!(seq.tasks.iter().all(|t| t.worker == 0));
    let spawn = run(Mode::Spawn, &ctx, None);
    assert_eq!(spawn.threads, 32, "one thread per task");
    assert_eq!(spawn.workers_used(), 32);
    assert!(spawn.metrics[&Metric::ThreadStartupMs] >= 0.0);
    let gil = run(Mode::Gil, &ctx, None);
    assert!(gil.metrics.contains_key(&Metric::Switches));
    let coop = run(Mode::Coop, &ctx, None);
    assert!(coop.metrics.contains_key(&Metric::Yields));
}

#[test]
fn cooperative_tasks_interleave() {
    // Two tasks of many slices: the second starts long before the first ends.
    let ctx = context("primes", "bounds=400000&chunk=200000", 1);
    let r = run(Mode::Coop, &ctx, None);
    let (a, b) = (&r.tasks[0], &r.tasks[1]);
    assert!(b.start_ms < a.end_ms, "task 1 started at {} after task 0 ended at {}", b.start_ms, a.end_ms);
    let seq = run(Mode::Sequential, &ctx, None);
    assert!(seq.tasks[1].start_ms >= seq.tasks[0].end_ms, "sequential does not interleave");
}

#[test]
fn the_main_thread_refuses_large_inputs() {
    let ctx = context("primes", "bounds=6000000,5000000", 1);
    let r = run(Mode::Main, &ctx, None);
    assert_eq!(r.correct, Some(false));
    assert!(r.result.contains("not run on the main thread"), "{}", r.result);
}

#[test]
fn cooperative_is_not_held_to_the_blocking_modes_limits() {
    // 100 × 30 ms is 3 s of waiting: too long to busy-wait on the page's
    // thread, while Cooperative waits on timers and overlaps the waits.
    let work = crate::core::workload::timers::Timers { tasks: 100, ms: 30 };
    assert!(crate::core::workload::main_thread_limit(&work).is_some());
    let ctx = context("timers", "tasks=100&ms=30", 1);
    let main = run(Mode::Main, &ctx, None);
    assert!(main.result.contains("not run on the main thread"), "{}", main.result);
    let coop = run(Mode::Coop, &ctx, None);
    assert_eq!(coop.correct, Some(true), "{}", coop.result);
    assert_eq!(coop.result, "3000 ms waited");
    let (first_end, last_start) = (coop.tasks[0].end_ms, coop.tasks[99].start_ms);
    assert!(last_start < first_end, "the waits overlap: task 99 started at {last_start}, task 0 ended at {first_end}");
}

#[test]
fn an_injected_panic_is_a_failed_task_where_it_can_be_contained() {
    let mut ctx = context("primes", "bounds=1000,2000,3000", 2);
    ctx.panic_task = Some(1);
    for mode in [Mode::Main, Mode::Coop, Mode::Isolated] {
        let r = run(mode, &ctx, None);
        assert_eq!(r.failures, 1, "{mode:?}");
        assert_eq!(r.correct, Some(false), "{mode:?}");
        assert!(r.result.starts_with("incomplete"), "{mode:?}: {}", r.result);
        assert!(r.tasks[1].error.is_some() && r.tasks[0].error.is_none(), "{mode:?}");
    }
}

#[test]
fn without_a_reference_the_sequential_answer_is_the_check() {
    struct NoReference(Primes);
    impl Workload for NoReference {
        fn task_count(&self) -> usize {
            self.0.task_count()
        }
        fn task_label(&self, i: usize) -> String {
            self.0.task_label(i)
        }
        fn run_task(&self, i: usize) -> u64 {
            self.0.run_task(i) + i as u64 // deliberately not the prime sum
        }
        fn answer(&self, v: &[u64]) -> String {
            self.0.answer(v)
        }
        fn reference(&self) -> Option<Reference> {
            None
        }
    }
    let mut ctx = context("primes", "bounds=100,200", 2);
    ctx.workload = Arc::new(NoReference(Primes::new(vec![100, 200], None).unwrap()));
    let seq = run(Mode::Sequential, &ctx, None);
    assert_eq!(seq.correct, None);
    let pool_run = run(Mode::Pool, &ctx, Some(&seq.result));
    assert_eq!((pool_run.correct, pool_run.checked_against.as_str()), (Some(true), "sequential run"));
    let wrong = run(Mode::Pool, &ctx, Some("1,2"));
    assert_eq!(wrong.correct, Some(false), "a different answer is marked wrong");
}

#[test]
fn join_all_keeps_order() {
    let futures: Vec<LocalFuture<'_, usize>> =
        (0..5).map(|i| -> LocalFuture<'_, usize> { Box::pin(async move { i * 2 }) }).collect();
    assert_eq!(block_on(join_all(futures)), vec![0, 2, 4, 6, 8]);
}

#[test]
fn waits_overlap_where_the_mode_lets_them() {
    // 4 tasks × 60 ms on 4 workers.
    let ctx = context("timers", "tasks=4&ms=60", 4);
    let reference = ctx.workload.reference();
    let mut wall = std::collections::BTreeMap::new();
    for &mode in Mode::ALL {
        let r = pool(4).install(|| block_on(run_mode(mode, &ctx, &ThreadHost::default(), reference.as_ref(), None)));
        assert_eq!(r.result, "240 ms waited", "{mode:?}");
        assert_eq!(r.correct, Some(true), "{mode:?}");
        // Every task really waited.
        assert!(r.tasks.iter().all(|t| t.duration_ms() >= 59.0), "{mode:?}: {:?}", r.tasks);
        wall.insert(mode, r.wall_ms);
    }
    // Serial modes wait 4 × 60 ms; the others overlap (GIL included: a
    // waiting thread holds no lock). Generous margins: no timing asserts
    // beyond "overlapped or not".
    for mode in [Mode::Sequential, Mode::Main] {
        assert!(wall[&mode] >= 239.0, "{mode:?} {}", wall[&mode]);
    }
    for mode in [Mode::Spawn, Mode::Pool, Mode::Gil, Mode::Isolated, Mode::Async, Mode::Coop] {
        assert!(wall[&mode] < 200.0, "{mode:?} did not overlap: {} ms", wall[&mode]);
    }
}

#[test]
fn thread_per_task_refuses_to_start_hundreds_of_threads() {
    let ctx = context("primes", "bounds=100000&chunk=1000", 2);
    let r = run(Mode::Spawn, &ctx, None);
    assert_eq!(r.correct, Some(false));
    assert!(r.result.contains("limited to 64"), "{}", r.result);
}

/// A directory with the download files the build serves (the same bytes
/// as `scripts/post-build.sh` writes), for [`super::native::DirIo`].
fn data_dir(name: &str) -> std::path::PathBuf {
    let root = std::env::temp_dir().join(format!("spindle-test-{name}-{}", std::process::id()));
    std::fs::create_dir_all(root.join("data")).unwrap();
    let body: Vec<u8> = (0..16 * 1024).map(crate::core::workload::io::fetch_byte).collect();
    std::fs::write(root.join("data/fetch-16k.bin"), body).unwrap();
    root
}

#[test]
fn downloads_are_checked_in_every_mode() {
    let root = data_dir("fetch");
    let mut ctx = context("fetch", "tasks=3&kib=16&latency=20", 2);
    ctx.io = Arc::new(super::native::DirIo { root: root.clone() });
    for &mode in Mode::ALL {
        let r = run(mode, &ctx, None);
        assert_eq!(r.result, "49152 bytes in 3 downloads, every byte checked", "{mode:?}");
        assert_eq!(r.correct, Some(true), "{mode:?}");
        assert!(r.tasks.iter().all(|t| t.duration_ms() >= 19.0), "{mode:?}: the latency is waited");
    }
    // A wrong byte on "the server" fails the check, in every mode.
    std::fs::write(root.join("data/fetch-16k.bin"), vec![b'x'; 16 * 1024]).unwrap();
    for &mode in Mode::ALL {
        let r = run(mode, &ctx, None);
        assert_eq!(r.correct, Some(false), "{mode:?}");
        assert_eq!(r.failures, 3, "{mode:?}");
        assert!(r.tasks[0].error.as_deref().unwrap_or("").starts_with("byte 0 is 0x78"), "{mode:?}: {:?}", r.tasks[0]);
    }
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn files_are_copied_and_checked_where_the_mode_applies() {
    let root = data_dir("files");
    let mut ctx = context("files", "files=3&mib=1", 2);
    ctx.io = Arc::new(super::native::DirIo { root: root.clone() });
    for &mode in Mode::ALL {
        let r = run(mode, &ctx, None);
        if crate::core::workload::unsupported(&*ctx.workload, mode).is_some() {
            assert!(r.result.starts_with("not run"), "{mode:?}");
            continue;
        }
        assert_eq!(r.result, "3145728 bytes copied in 3 files, every byte checked", "{mode:?}");
        assert_eq!(r.correct, Some(true), "{mode:?}");
    }
    let left: Vec<_> = std::fs::read_dir(&root).unwrap().filter_map(Result::ok).map(|e| e.file_name()).collect();
    assert_eq!(left, vec![std::ffi::OsString::from("data")], "every file and copy was deleted");
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn the_queue_loses_nothing_in_any_mode_even_with_fewer_threads_than_consumers() {
    // 2 threads, 3 consumers: consumers that wait must not hold every
    // thread while producers are still queued (the pool runs them inside
    // the wait; the GIL lets go).
    for (p, q, c) in [(10, 10, 2), (4, 2_000, 3), (1, 50, 6)] {
        for &mode in Mode::ALL {
            let ctx = context("queue", &format!("producers={p}&items={q}&consumers={c}"), 2);
            let r = run(mode, &ctx, None);
            let n = p * q;
            assert_eq!(r.result, format!("{n} put, {n} taken: none lost, none taken twice"), "{mode:?} {p}×{q}, {c}");
            assert_eq!(r.correct, Some(true), "{mode:?}");
        }
    }
}

/// Regression: the queue with its defaults on 2 isolated workers lost
/// every item ("100 put, 0 taken: 100 lost") when one worker started late
/// (a fresh worker beside a reused one) and the other ran every producer:
/// its copy took its own producers finishing for "all done", and its
/// consumers ended before the items came back to them.
#[test]
fn the_queue_loses_nothing_on_isolated_workers_when_one_starts_late() {
    for (consumers, stagger_ms) in [(2, 0), (2, 200), (1, 200)] {
        let ctx = context("queue", &format!("producers=10&items=10&consumers={consumers}"), 2);
        let reference = ctx.workload.reference();
        let host = ThreadHost { stagger_ms, ..ThreadHost::default() };
        let r = block_on(run_mode(Mode::Isolated, &ctx, &host, reference.as_ref(), None));
        let case = format!("{consumers} consumer(s), the second worker {stagger_ms} ms late");
        assert_eq!(r.result, "100 put, 100 taken: none lost, none taken twice", "{case}");
        assert_eq!(r.correct, Some(true), "{case}");
        assert_eq!(r.metrics[&Metric::ItemsByMessage], 100.0, "{case}");
        if stagger_ms > 0 {
            assert!(r.tasks.iter().all(|t| t.worker == 0), "{case}: the late worker got no task: {:?}", r.tasks);
        }
    }
}

#[test]
fn isolated_workers_replace_a_crashed_one_and_carry_on() {
    let mut ctx = context("primes", "bounds=1000,2000,3000,4000", 2);
    ctx.panic_task = Some(0);
    let reference = ctx.workload.reference();
    let r = block_on(run_mode(Mode::Isolated, &ctx, &ThreadHost::default(), reference.as_ref(), None));
    assert_eq!(r.failures, 1);
    assert!(r.tasks[0].error.as_deref().is_some_and(|e| e.contains("panicked")), "{:?}", r.tasks[0]);
    assert!(r.tasks[1..].iter().all(|t| t.error.is_none()));
    assert_eq!(r.metrics[&Metric::WorkersReplaced], 1.0);
}

/// Workers that never answer (a script that hangs) are taken for dead
/// after the start-up timeout and replaced; when no worker ever starts,
/// the run ends with every task failed and why, instead of waiting forever.
#[test]
fn isolated_workers_that_never_answer_end_the_run_with_why() {
    let ctx = context("primes", "bounds=1000,2000,3000", 2);
    let host = ThreadHost { silent_workers: Some(100.0), ..ThreadHost::default() };
    let r = block_on(run_mode(Mode::Isolated, &ctx, &host, ctx.workload.reference().as_ref(), None));
    assert_eq!(r.failures, 3, "{:?}", r.tasks);
    assert_eq!(r.correct, Some(false));
    let why = r.tasks[0].error.as_deref().unwrap_or_default();
    assert!(why.contains("did not start within 0.1 s"), "{why}");
}
