//! wasm-bindgen-test in headless Chromium, inside a dedicated worker (the
//! only place the pool may block): the real wasm-bindgen-rayon pool runs
//! both modes of the real workload code.
//!
//! Run by scripts/check.sh: `cargo test --target wasm32-unknown-unknown
//! --release --test web` (the runner is set in .cargo/config.toml).
#![cfg(target_arch = "wasm32")]

use spindle::core::mode::Mode;
use spindle::core::primes::Primes;
use spindle::core::workload::Workload;
use spindle::exec::run_mode;
use spindle::platform::clock::SharedClock;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// The global pool can be created once per wasm instance, so one test
/// creates it and checks everything that needs it.
#[wasm_bindgen_test]
async fn the_pool_runs_in_a_worker_and_agrees_with_sequential() {
    let env = spindle::platform::env::read();
    assert!(
        env.cross_origin_isolated,
        "the test server must send COOP/COEP"
    );

    JsFuture::from(wasm_bindgen_rayon::init_thread_pool(2))
        .await
        .expect("initThreadPool(2)");
    assert_eq!(rayon::current_num_threads(), 2);

    let work = Primes::new(vec![100_000, 200_000], Some(10_000)).unwrap();
    let reference = work.reference();
    let seq = run_mode(
        Mode::Sequential,
        &work,
        &SharedClock,
        reference.as_ref(),
        None,
    );
    let pool = run_mode(
        Mode::Pool,
        &work,
        &SharedClock,
        reference.as_ref(),
        Some(&seq),
    );
    for run in [&seq, &pool] {
        assert_eq!(run.result, "454396537,1709600813");
        assert_eq!(
            run.correct,
            Some(true),
            "{} vs {}",
            run.result,
            run.checked_against
        );
        assert_eq!(run.tasks.len(), work.task_count());
    }
    assert_eq!(pool.threads, 2);
    assert!(pool.tasks.iter().all(|t| t.worker < 2));
    // Task times from different workers share one axis inside the run.
    assert!(pool
        .tasks
        .iter()
        .all(|t| t.start_ms >= 0.0 && t.end_ms <= pool.wall_ms + 1.0));
}

/// Regression: the sieve computed p² in `usize`, which wraps on wasm32 for
/// p > 65,535, so the independent check disagreed with trial division for
/// bounds not in the table (seen as "✗ wrong" for bounds=300000).
#[wasm_bindgen_test]
fn the_sieve_is_right_on_32_bit_wasm() {
    use spindle::core::primes::{sieve_sum, sum_primes_in, KNOWN_SUMS};
    for &(n, sum) in KNOWN_SUMS {
        assert_eq!(sieve_sum(n), sum, "n = {n}");
    }
    assert_eq!(sieve_sum(300_000), sum_primes_in(1, 300_000));
}

#[wasm_bindgen_test]
fn the_shared_clock_moves_forward() {
    use spindle::core::clock::Clock;
    let a = SharedClock.now_ms();
    let b = SharedClock.now_ms();
    assert!(
        a > 1.0e12,
        "epoch milliseconds, not a worker-relative time: {a}"
    );
    assert!(b >= a);
}
