//! wasm-bindgen-test in headless Chromium, inside a dedicated worker (the
//! only place the pool may block): the real wasm-bindgen-rayon pool runs
//! both modes of the real workload code.
//!
//! Run by scripts/check.sh: `cargo test --target wasm32-unknown-unknown
//! --release --test web` (the runner is set in .cargo/config.toml).
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use spindle::core::mode::Mode;
use spindle::core::workload::primes::Primes;
use spindle::core::workload::Workload;
use spindle::exec::{run_mode, RunContext};
use spindle::platform::clock::SharedClock;
use spindle::platform::host::BrowserHost;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// The global pool can be created once per wasm instance, so one test
/// creates it and runs every mode that needs only this worker and its
/// pool. (Thread per task and isolated workers load the page's scripts:
/// the end-to-end tests run those.)
#[wasm_bindgen_test]
async fn the_pool_runs_in_a_worker_and_every_mode_agrees() {
    let env = spindle::platform::env::read();
    assert!(env.cross_origin_isolated, "the test server must send COOP/COEP");

    JsFuture::from(wasm_bindgen_rayon::init_thread_pool(2)).await.expect("initThreadPool(2)");
    assert_eq!(rayon::current_num_threads(), 2);

    let work = Primes::new(vec![100_000, 200_000], Some(10_000)).unwrap();
    let tasks = work.task_count();
    let ctx = RunContext {
        workload_id: "primes".into(),
        params: Default::default(),
        workload: Arc::new(work),
        clock: Arc::new(SharedClock),
        io: Arc::new(spindle::platform::io::BrowserIo),
        workers: 2,
        switch_ms: 5.0,
        panic_task: None,
        progress: Arc::new(spindle::exec::NoProgress),
    };
    let reference = ctx.workload.reference();
    for mode in [Mode::Sequential, Mode::Pool, Mode::Gil, Mode::Async] {
        let run = run_mode(mode, &ctx, &BrowserHost, reference.as_ref(), None).await;
        assert_eq!(run.result, "454396537,1709600813", "{mode:?}");
        assert_eq!(run.correct, Some(true), "{mode:?}: {} vs {}", run.result, run.checked_against);
        assert_eq!(run.tasks.len(), tasks, "{mode:?}");
        // Task times from different workers share one axis inside the run.
        assert!(run.tasks.iter().all(|t| t.start_ms >= 0.0 && t.end_ms <= run.wall_ms + 1.0), "{mode:?}");
        if mode.uses_workers() {
            assert_eq!(run.threads, 2, "{mode:?}");
            assert!(run.tasks.iter().all(|t| t.worker < 2), "{mode:?}");
        }
    }
}

/// Regression: the sieve computed p² in `usize`, which wraps on wasm32 for
/// p > 65,535, so the independent check disagreed with trial division for
/// bounds not in the table (seen as "✗ wrong" for bounds=300000).
#[wasm_bindgen_test]
fn the_sieve_is_right_on_32_bit_wasm() {
    use spindle::core::workload::primes::{sieve_sum, sum_primes_in, KNOWN_SUMS};
    for &(n, sum) in KNOWN_SUMS {
        assert_eq!(sieve_sum(n), sum, "n = {n}");
    }
    assert_eq!(sieve_sum(300_000), sum_primes_in(1, 300_000));
}

#[wasm_bindgen_test]
fn the_shared_clock_moves_forward() {
    use spindle::core::run::clock::Clock;
    let a = SharedClock.now_ms();
    let b = SharedClock.now_ms();
    assert!(a > 1.0e12, "epoch milliseconds, not a worker-relative time: {a}");
    assert!(b >= a);
}

/// Many sleeps share one browser timer: each ends no earlier than asked,
/// all end, and a sleep dropped before its time (a cancelled task) does
/// not strand the others.
#[wasm_bindgen_test]
async fn sleeps_share_one_timer_and_none_ends_early() {
    use spindle::core::run::clock::Clock;
    use spindle::exec::join_all;
    use spindle::platform::timer::sleep;

    let dropped = sleep(1.0); // polled never, dropped first
    let cancelled = Box::pin(sleep(2.0));
    let waker = std::task::Waker::noop();
    let mut cancelled = cancelled;
    assert!(std::future::Future::poll(cancelled.as_mut(), &mut std::task::Context::from_waker(waker)).is_pending());
    drop((dropped, cancelled)); // registered, then dropped before its deadline

    let tasks = (0..300)
        .map(|i| -> spindle::exec::LocalFuture<'static, (f64, f64)> {
            let ms = f64::from(i % 7) * 3.0 + 1.0;
            Box::pin(async move {
                let start = SharedClock.now_ms();
                sleep(ms).await;
                (ms, SharedClock.now_ms() - start)
            })
        })
        .collect();
    let waited = join_all(tasks).await;
    assert_eq!(waited.len(), 300);
    for (asked, took) in waited {
        assert!(took >= asked, "a sleep of {asked} ms ended after {took} ms");
        assert!(took < asked + 1_000.0, "a sleep of {asked} ms took {took} ms");
    }
}
