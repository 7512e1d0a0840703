//! End-to-end tests: the release build in `dist/`, served with or without
//! the cross-origin isolation headers, driven over WebDriver in headless
//! Chromium, Firefox ESR and WebKitGTK (Safari's engine). The scenarios
//! every browser must pass run once per engine (`in_every_engine!`); the
//! rest run in Chromium. Run by scripts/check.sh after `trunk build
//! --release`; `cargo test --features e2e --test e2e -- --test-threads=1`.

mod hosting;
mod layout;
mod lessons;
mod results;
mod serve;
mod support;

use serde_json::Value;
use support::{console_errors, open, open_in, open_unisolated, wait_done, wait_done_where, Engine};

const DEFAULT_SUMS: &str = "37550402023,142913828922,312471072265";

fn run_of<'a>(doc: &'a Value, mode: &str) -> &'a Value {
    doc["runs"]
        .as_array()
        .and_then(|runs| runs.iter().find(|r| r["mode"] == mode))
        .unwrap_or_else(|| panic!("no {mode} run in {doc:#}"))
}

/// The most tasks of a run that were under way at one instant, from the
/// timeline (a task ending as another starts does not count as overlap).
/// Unlike a wall time, this does not move with the machine's load.
fn most_in_flight(run: &Value) -> usize {
    let mut events: Vec<(f64, i32)> = run["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| [(t["start_ms"].as_f64().unwrap(), 1), (t["end_ms"].as_f64().unwrap(), -1)])
        .collect();
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut now, mut most) = (0i32, 0i32);
    for (_, step) in events {
        now += step;
        most = most.max(now);
    }
    most as usize
}

#[test]
fn both_modes_give_the_known_sums_on_the_default_bounds() {
    let (_server, browser) = open("?workers=2&autorun=1");
    let doc = wait_done(&browser, 120);
    let source = browser.wait_for("p.source", 5).text();
    assert!(source.starts_with("From the tutorial on threads vs processes for sum of primes"), "{source}");
    let page = browser.eval("return document.body.textContent;", vec![]);
    assert!(!page.as_str().unwrap().contains("shared/"), "the page names no path of this repository");

    assert_eq!(doc["version"], 2);
    assert_eq!(doc["workload"], "primes");
    assert_eq!(doc["params"]["bounds"], "1000000,2000000,3000000");
    assert_eq!(doc["workers"], 2);
    assert_eq!(doc["env"]["crossOriginIsolated"], true, "COOP/COEP must isolate the page");
    assert!(doc["env"]["hardwareConcurrency"].as_u64().unwrap() >= 1);
    assert!(doc["env"]["userAgent"].as_str().unwrap().contains("Chrome"));
    assert_eq!(doc["pool"]["threads"], 2);

    let modes: Vec<&str> = doc["runs"].as_array().unwrap().iter().map(|r| r["mode"].as_str().unwrap()).collect();
    assert_eq!(modes, ["sequential", "pool"]);
    for mode in modes {
        let run = run_of(&doc, mode);
        assert_eq!(run["result"], DEFAULT_SUMS, "{mode}");
        assert_eq!(run["correct"], true, "{mode}");
        assert_eq!(run["checked_against"], "known answers");
        assert!(run["wall_ms"].as_f64().unwrap() > 0.0);
        let tasks = run["tasks"].as_array().unwrap();
        assert_eq!(tasks.len(), 3, "{mode}: one task per bound");
        for t in tasks {
            let (start, end) = (t["start_ms"].as_f64().unwrap(), t["end_ms"].as_f64().unwrap());
            assert!(0.0 <= start && start <= end, "{t}");
            assert!(t["worker"].is_u64() && t["result"].as_str().unwrap().parse::<u64>().is_ok(), "{t}");
        }
    }
    assert_eq!(run_of(&doc, "pool")["threads"], 2);
    assert_eq!(run_of(&doc, "sequential")["threads"], 1);

    // By default: a warm-up run (excluded), then 3 measured repeats.
    assert_eq!(
        (doc["repeat"].as_u64(), doc["warmup"].as_bool(), doc["cancelled"].as_bool()),
        (Some(3), Some(true), Some(false))
    );
    let stats = doc["stats"].as_array().unwrap();
    assert_eq!(stats.len(), 2);
    for s in stats {
        let walls: Vec<f64> = s["walls_ms"].as_array().unwrap().iter().map(|w| w.as_f64().unwrap()).collect();
        assert_eq!(walls.len(), 3, "{s}");
        assert!(s["warmup_ms"].as_f64().unwrap() > 0.0, "{s}");
        let (min, max, median) =
            (s["min_ms"].as_f64().unwrap(), s["max_ms"].as_f64().unwrap(), s["median_ms"].as_f64().unwrap());
        assert!(min <= median && median <= max && walls.iter().all(|w| (min..=max).contains(w)), "{s}");
        assert_eq!(s["correct"], true);
    }
    let pool = stats.iter().find(|s| s["mode"] == "pool").unwrap();
    let speedup = pool["speedup"].as_f64().unwrap();
    assert!((pool["efficiency"].as_f64().unwrap() - speedup / 2.0).abs() < 1e-9);
    assert!(browser.wait_for("#summary-pool .efficiency", 5).text().ends_with('%'));

    // The page shows the same numbers and the check.
    let answer = browser.wait_for("#answer", 5).text();
    assert!(answer.contains("37,550,402,023 · 142,913,828,922 · 312,471,072,265"), "{answer}");
    assert!(answer.contains("known answers"), "{answer}");
    for mode in ["sequential", "pool"] {
        let row = browser.wait_for(&format!("#summary-{mode}"), 5).text();
        assert!(row.contains("✓ correct"), "{row}");
    }
    assert_eq!(browser.wait_for("#env-isolated", 5).text(), "yes");
    assert_eq!(browser.wait_for("#env-pool-size", 5).text(), "2");

    let errors = console_errors(&browser);
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}

#[test]
fn a_chunk_size_splits_every_bound_into_even_tasks() {
    let (_server, browser) = open("?workers=2&chunk=250000&repeat=1&warmup=0&autorun=1");
    let doc = wait_done(&browser, 120);
    assert_eq!(doc["params"]["chunk"], "250000");
    for mode in ["sequential", "pool"] {
        let run = run_of(&doc, mode);
        assert_eq!(run["result"], DEFAULT_SUMS);
        assert_eq!(run["correct"], true);
        assert_eq!(run["tasks"].as_array().unwrap().len(), 4 + 8 + 12);
    }
    assert!(console_errors(&browser).is_empty());
}

#[test]
fn largest_first_hands_out_the_costliest_chunks_first_in_every_mode() {
    let (_server, browser) = open("?workers=2&chunk=250000&modes=sequential,pool,isolated&repeat=1&warmup=0&autorun=1");
    let first = wait_done(&browser, 120);
    assert_eq!(run_of(&first, "sequential")["tasks"][0]["label"], "≤ 1000000: 1…250000");

    browser.eval(
        "const order = document.getElementById('param-order'); order.value = 'largest';
         order.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![],
    );
    assert!(browser.current_url().contains("order=largest"), "the URL follows the form: {}", browser.current_url());
    browser.wait_until(5, || (browser.find("#run")?.enabled()).then_some(())).expect("Run enabled");
    browser.find("#run").unwrap().click();
    let doc = wait_done_where(&browser, 120, "a run with order=largest", |doc| doc["params"]["order"] == "largest");
    for mode in ["sequential", "pool", "isolated"] {
        let run = run_of(&doc, mode);
        assert_eq!(run["result"], DEFAULT_SUMS, "{mode}");
        assert_eq!(run["correct"], true, "{mode}");
        let tasks = run["tasks"].as_array().unwrap();
        assert_eq!(tasks.len(), 24, "{mode}");
        assert_eq!(tasks[0]["label"], "≤ 3000000: 2750001…3000000", "{mode}");
        let last = tasks[23]["label"].as_str().unwrap();
        assert!(last.ends_with(": 1…250000"), "{mode}: the cheapest last, not {last}");
        // Task 0, the costliest, is the first its worker ran.
        let worker = &tasks[0]["worker"];
        let earliest = tasks
            .iter()
            .filter(|t| &t["worker"] == worker)
            .min_by(|a, b| a["start_ms"].as_f64().unwrap().total_cmp(&b["start_ms"].as_f64().unwrap()))
            .unwrap();
        assert_eq!(earliest["index"], 0, "{mode}: {earliest}");
    }
    assert!(console_errors(&browser).is_empty());
}

#[test]
fn a_new_worker_count_takes_effect_on_the_next_run() {
    let (_server, browser) = open("?workers=1&bounds=300000&modes=pool&repeat=1&warmup=0&autorun=1");
    let first = wait_done(&browser, 60);
    assert_eq!(first["pool"]["threads"], 1);
    assert_eq!(run_of(&first, "pool")["threads"], 1);

    browser.wait_for("#workers option[value=\"2\"]", 5).click();
    assert!(browser.current_url().contains("workers=2"), "the URL follows the form: {}", browser.current_url());
    browser.wait_for("#run", 5).click();
    let second = wait_done_where(&browser, 60, "a run with 2 workers", |doc| doc["workers"] == 2);
    assert_eq!(second["pool"]["threads"], 2, "a new pool, without reloading the page");
    let run = run_of(&second, "pool");
    assert_eq!(run["threads"], 2);
    assert_eq!(run["correct"], true);
    assert_eq!(browser.wait_for("#env-pool-size", 5).text(), "2");
    assert!(console_errors(&browser).is_empty());
}

#[test]
fn invalid_url_parameters_give_a_message_and_safe_values() {
    let (_server, browser) = open("?workload=nope&workers=999&bounds=12,-3&modes=pool,warp&chunk=abc");
    let messages = browser.wait_for("#messages", 30).text();
    for needle in ["Unknown workload", "Worker count \"999\"", "negative", "\"warp\"", "chunk"] {
        assert!(messages.contains(needle), "no message about {needle}: {messages}");
    }
    let url = browser.current_url();
    assert!(url.contains("bounds=1000000,2000000,3000000") && url.contains("modes=pool"), "{url}");
    assert!(!url.contains("999") && !url.contains("warp"), "{url}");

    // Still usable: the safe setup runs and is correct.
    let run_button = browser.wait_for("#run", 5);
    assert!(browser.wait_until(30, || run_button.enabled().then_some(())).is_some(), "Run stays disabled");
    run_button.click();
    let doc = wait_done(&browser, 120);
    assert_eq!(run_of(&doc, "pool")["result"], DEFAULT_SUMS);
    assert_eq!(run_of(&doc, "pool")["correct"], true);
}

/// A page that stays unisolated (no headers, and its service worker
/// refused: here a host without `sw.js`) says why, refuses a run of modes
/// that all need shared memory, and runs the page's own modes of a mix,
/// listing the others as not run.
fn without_isolation_the_page_says_why_and_runs_what_it_can(engine: Engine) {
    let (server, browser) = open_unisolated(engine, "?repeat=1&warmup=0&autorun=1");
    let warning = browser.wait_for("#isolation-warning", 30);
    let warning = browser
        .wait_until(30, || Some(warning.text()).filter(|w| w.contains("refused the page's service worker")))
        .unwrap_or_else(|| panic!("no reason given: {}", warning.text()));
    assert!(warning.contains("not cross-origin isolated"), "{warning}");
    assert!(warning.contains("Cross-Origin-Embedder-Policy"), "{warning}");
    assert_eq!(browser.wait_for("#env-isolated", 5).text(), "no");
    assert!(!browser.wait_for("#run", 5).enabled(), "Run must be disabled when no ticked mode can run");
    let result = browser.wait_for("#spindle-result", 5);
    assert_eq!(result.attr("data-state").as_deref(), Some("idle"));
    assert!(browser.wait_for("#messages", 5).text().contains("autorun=1 ignored"));
    assert_eq!(server.page_loads(), 1, "no reload without a service worker");

    browser.goto(&server.url(PAGE_AND_POOL));
    let doc = wait_done(&browser, 60);
    assert_eq!(doc["env"]["crossOriginIsolated"], false);
    for mode in ["main", "coop"] {
        assert_eq!(run_of(&doc, mode)["correct"], true, "{mode}");
    }
    for mode in ["sequential", "pool"] {
        let result = run_of(&doc, mode)["result"].as_str().unwrap().to_string();
        assert!(result.starts_with("not run: shared memory is unavailable"), "{mode}: {result}");
    }
}

in_every_engine!(without_isolation_the_page_says_why_and_runs_what_it_can);

const ALL_MODES: [&str; 8] = ["sequential", "main", "spawn", "pool", "gil", "isolated", "async", "coop"];

/// All eight modes ran, in order, each right and without a failed task.
fn assert_every_mode_gives_the_default_sums(doc: &Value) {
    let modes: Vec<&str> = doc["runs"].as_array().unwrap().iter().map(|r| r["mode"].as_str().unwrap()).collect();
    assert_eq!(modes, ALL_MODES, "all modes, in the fixed order");
    for mode in ALL_MODES {
        let run = run_of(doc, mode);
        assert_eq!(run["result"], DEFAULT_SUMS, "{mode}");
        assert_eq!(run["correct"], true, "{mode}");
        assert_eq!(run["failures"], 0, "{mode}");
    }
}

#[test]
fn every_mode_gives_the_known_sums_and_the_page_measures_itself() {
    let (_server, browser) = open(
        "?workers=2&chunk=500000&modes=sequential,main,spawn,pool,gil,isolated,async,coop&repeat=1&warmup=0&autorun=1",
    );
    let doc = wait_done(&browser, 180);
    assert_every_mode_gives_the_default_sums(&doc);
    for mode in ALL_MODES {
        let run = run_of(&doc, mode);
        assert_eq!(run["tasks"].as_array().unwrap().len(), 12, "{mode}");
        let r = &run["responsiveness"];
        assert!(r["longest_gap_ms"].as_f64().is_some() && r["gaps_over_50ms"].as_u64().is_some(), "{mode}: {r}");
        // The explanation and the Python equivalent stand next to the result.
        let details = browser.wait_for(&format!("#details-{mode}"), 5).text_content();
        assert!(details.contains("In Python:"), "{mode}: {details}");
    }
    // The page's own thread: frozen by `main`, alive during `pool`.
    let gaps = |mode: &str| run_of(&doc, mode)["responsiveness"]["gaps_over_50ms"].as_u64().unwrap();
    assert!(gaps("main") >= 1, "main must freeze the page: {}", run_of(&doc, "main")["responsiveness"]);
    assert_eq!(gaps("pool"), 0, "pool must not: {}", run_of(&doc, "pool")["responsiveness"]);

    // Who ran what.
    let workers = |mode: &str| -> Vec<u64> {
        let mut w: Vec<u64> =
            run_of(&doc, mode)["tasks"].as_array().unwrap().iter().map(|t| t["worker"].as_u64().unwrap()).collect();
        w.sort_unstable();
        w.dedup();
        w
    };
    assert_eq!(workers("spawn"), (0..12).collect::<Vec<_>>(), "one thread per task");
    assert_eq!(run_of(&doc, "spawn")["threads"], 12);
    for mode in ["pool", "gil", "isolated"] {
        assert_eq!(run_of(&doc, mode)["threads"], 2, "{mode}");
        assert!(workers(mode).iter().all(|&w| w < 2), "{mode}");
    }
    for mode in ["sequential", "main", "async", "coop"] {
        assert_eq!(workers(mode), [0], "{mode} runs on one thread");
    }
    // Each mode's own figures.
    assert!(run_of(&doc, "spawn")["metrics"]["thread_startup_ms"].as_f64().unwrap() > 0.0);
    assert!(run_of(&doc, "isolated")["metrics"]["message_ms"].as_f64().is_some());
    assert!(run_of(&doc, "gil")["metrics"]["switches"].as_f64().unwrap() > 0.0, "two threads must hand the GIL over");
    assert!(run_of(&doc, "coop")["metrics"]["yields"].as_f64().unwrap() > 0.0);
    // Cooperative tasks interleave: the last task starts before the first ends.
    let coop = run_of(&doc, "coop")["tasks"].as_array().unwrap();
    assert!(coop[11]["start_ms"].as_f64().unwrap() < coop[0]["end_ms"].as_f64().unwrap());

    // The main thread is looked at every 16 ms while a run is in progress
    // (the 100 ms progress refresh alone would be seen a tenth as often),
    // and an idle page sets no timer and asks for no frame (a frame loop
    // alone kept 8 % of a core busy).
    let pool = run_of(&doc, "pool");
    let (seen, wall) = (pool["responsiveness"]["frames"].as_u64().unwrap(), pool["wall_ms"].as_f64().unwrap());
    assert!(seen as f64 >= wall / 50.0, "seen {seen} times in {wall} ms of pool: {}", pool["responsiveness"]);
    let idle_calls = browser.eval_async_with(
        "const done = arguments[0];
        setTimeout(() => {
            let calls = 0;
            const [timeout, frame] = [window.setTimeout, window.requestAnimationFrame];
            window.setTimeout = (...args) => { calls += 1; return timeout.apply(window, args); };
            window.requestAnimationFrame = (cb) => { calls += 1; return frame.call(window, cb); };
            timeout(() => {
                [window.setTimeout, window.requestAnimationFrame] = [timeout, frame];
                done(calls);
            }, 1000);
        }, 300);",
        vec![],
        10,
    );
    assert_eq!(idle_calls, 0, "an idle page set timers or asked for frames");
    let errors = console_errors(&browser);
    assert!(errors.is_empty(), "{errors:#?}");
}

/// Every mode, in every engine, with its shared memory, module workers and
/// pool: the known sums, and the page's own thread frozen by `main` only.
fn every_mode_gives_the_known_sums(engine: Engine) {
    let (_server, browser) = open_in(
        engine,
        "?workers=2&chunk=500000&modes=sequential,main,spawn,pool,gil,isolated,async,coop&repeat=1&autorun=1",
        true,
    );
    let doc = wait_done(&browser, 240);
    assert_eq!(doc["env"]["crossOriginIsolated"], true, "COOP/COEP must isolate the page in {engine:?}");
    let ua = doc["env"]["userAgent"].as_str().unwrap_or_default();
    assert!(ua.contains(engine.user_agent_mark()), "{engine:?}: {ua}");
    assert_every_mode_gives_the_default_sums(&doc);
    assert_eq!(run_of(&doc, "pool")["threads"], 2);
    let gaps = |mode: &str| run_of(&doc, mode)["responsiveness"]["gaps_over_50ms"].as_u64().unwrap();
    let longest = |mode: &str| run_of(&doc, mode)["responsiveness"]["longest_gap_ms"].as_f64().unwrap();
    assert!(gaps("main") >= 1, "main must freeze the page: {}", run_of(&doc, "main")["responsiveness"]);
    // WebKitGTK draws on a real (virtual) display, where the benchmark saw
    // single frames of up to 50 ms during worker-based modes: one is let
    // pass there.
    let allowed = if engine == Engine::WebKit { 1 } else { 0 };
    assert!(gaps("pool") <= allowed, "pool must not: {}", run_of(&doc, "pool")["responsiveness"]);
    // Regression: Firefox ran Cooperative's message-task yields ahead of
    // rendering (2–5 gaps over 50 ms, the longest 55–67 ms, in a run).
    assert!(gaps("coop") <= allowed, "coop must keep the page drawing: {}", run_of(&doc, "coop")["responsiveness"]);
    for mode in ALL_MODES.into_iter().filter(|&m| m != "main") {
        assert!(longest(mode) < longest("main"), "{mode} froze the page longer than main did");
    }
}

in_every_engine!(every_mode_gives_the_known_sums);

/// Also guards a regression: a replaced worker's late error event, left
/// unhandled, propagated to the page as a crash of the compute worker and
/// failed the isolated run about half the time.
#[test]
fn isolated_workers_survive_a_panicking_task_and_a_crashed_pool_recovers() {
    let (_server, browser) = open("?workers=2&modes=isolated,pool&panic=1&repeat=1&warmup=0&autorun=1");
    let doc = wait_done(&browser, 120);

    let isolated = run_of(&doc, "isolated");
    assert_eq!(isolated["failures"], 1);
    assert_eq!(isolated["correct"], false);
    assert_eq!(isolated["metrics"]["workers_replaced"], 1.0);
    let tasks = isolated["tasks"].as_array().unwrap();
    assert!(tasks[1]["error"].as_str().is_some(), "task 1 failed: {}", tasks[1]);
    assert_eq!(tasks[0]["result"], "37550402023", "the other tasks finished");
    assert_eq!(tasks[2]["result"], "312471072265", "the other tasks finished");

    let pool = run_of(&doc, "pool");
    assert_eq!(pool["correct"], false);
    assert!(pool["result"].as_str().unwrap().contains("crashed"), "{}", pool["result"]);

    // The page restarted the compute worker: without the panic, the pool runs again.
    browser.eval(
        "const e = document.getElementById('panic'); e.value = ''; e.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![],
    );
    browser.wait_for("#run", 5).click();
    let again = wait_done_where(&browser, 60, "the pool runs correctly after the crash", |doc| {
        run_of(doc, "pool")["correct"] == true
    });
    assert_eq!(run_of(&again, "pool")["result"], DEFAULT_SUMS);
    assert_eq!(run_of(&again, "isolated")["failures"], 0);
}

#[test]
fn the_tight_loop_is_right_in_every_mode() {
    let (_server, browser) = open(
        "?workload=loop&tasks=3&passes=50&workers=2&modes=sequential,main,spawn,pool,gil,isolated,async,coop&repeat=1&warmup=0&autorun=1",
    );
    let doc = wait_done(&browser, 120);
    assert_eq!(doc["workload"], "loop");
    for mode in ALL_MODES {
        let run = run_of(&doc, mode);
        assert_eq!(run["result"], (3 * 333_328_333_350_000u64).to_string(), "{mode}");
        assert_eq!(run["correct"], true, "{mode}");
    }
}

/// The tutorial's `time.sleep` lesson: waits overlap on threads, under the
/// GIL (a waiting thread lets go of it) and with async; not sequentially.
/// Only "overlapped or not" is asserted, with wide margins.
fn timers_overlap_except_sequentially(engine: Engine) {
    let (_server, browser) = open_in(
        engine,
        "?workload=timers&tasks=4&ms=300&workers=2&modes=sequential,main,spawn,pool,gil,isolated,async,coop&repeat=1&warmup=0&autorun=1",
        true,
    );
    let doc = wait_done(&browser, 60);
    let wall = |mode: &str| run_of(&doc, mode)["wall_ms"].as_f64().unwrap();
    for mode in ALL_MODES {
        assert_eq!(run_of(&doc, mode)["result"], "1200 ms waited", "{mode}");
        assert_eq!(run_of(&doc, mode)["correct"], true, "{mode}");
    }
    assert!(wall("sequential") >= 1200.0, "sequential waits 4 × 300 ms: {}", wall("sequential"));
    assert!(wall("main") >= 1200.0, "the page's thread waits 4 × 300 ms too: {}", wall("main"));
    assert_overlap(&doc);
}

in_every_engine!(timers_overlap_except_sequentially);

/// Waits overlap as each mode allows: one at a time sequentially and on the
/// page's thread, one per worker on 2 workers, all four at once where
/// waiting is asynchronous, and at least two with a thread per task (its
/// threads start one after another, so how many overlap depends on how
/// fast this machine starts a Web Worker).
fn assert_overlap(doc: &Value) {
    let expected: [(&str, std::ops::RangeInclusive<usize>); 8] = [
        ("sequential", 1..=1),
        ("main", 1..=1),
        ("pool", 2..=2),
        ("gil", 2..=2),
        ("isolated", 2..=2),
        ("spawn", 2..=4),
        ("async", 4..=4),
        ("coop", 4..=4),
    ];
    for (mode, range) in expected {
        let most = most_in_flight(run_of(doc, mode));
        assert!(range.contains(&most), "{mode}: {most} tasks at once, expected {range:?}");
    }
}

/// 1,000 × 100 ms is 100 s of waiting: the main-thread mode, which would
/// busy-wait with the page frozen, refuses it with its reason; Cooperative,
/// on the same thread but waiting on timers, runs it (it once refused too).
#[test]
fn a_thousand_timers_run_cooperatively_but_not_blocking_the_page() {
    let (_server, browser) =
        open("?workload=timers&tasks=1000&ms=100&workers=2&modes=main,async,coop&repeat=1&warmup=0&autorun=1");
    let doc = wait_done(&browser, 60);
    let main = run_of(&doc, "main");
    assert_eq!(main["correct"], false);
    assert!(main["result"].as_str().unwrap().contains("not run on the main thread"), "{}", main["result"]);
    for mode in ["async", "coop"] {
        assert_eq!(run_of(&doc, mode)["result"], "100000 ms waited", "{mode}");
        assert_eq!(run_of(&doc, mode)["correct"], true, "{mode}");
    }
    // Overlapped, with a wide margin: 100 s in a row would not finish here.
    let coop = run_of(&doc, "coop")["wall_ms"].as_f64().unwrap();
    assert!(coop < 10_000.0, "coop overlaps the waits: {coop} ms");
}

/// Lost updates must be real, on real threads: retried a few times, as a
/// loss needs two tasks to interleave.
#[test]
fn the_unsynchronised_counter_loses_updates_where_memory_is_shared() {
    let (_server, browser) =
        open("?workload=counter&workers=2&modes=sequential,main,spawn,pool,gil,isolated,async,coop&repeat=1&warmup=0&autorun=1");
    let mut lost_in_pool = false;
    for attempt in 0..4 {
        if attempt > 0 {
            browser.wait_for("#run", 5).click();
            browser.wait_until(10, || {
                (browser.wait_for("#spindle-result", 5).attr("data-state")? == "running").then_some(())
            });
        }
        let doc = wait_done(&browser, 120);
        for mode in ["sequential", "main", "spawn", "pool", "gil", "async", "coop"] {
            let run = run_of(&doc, mode);
            let result = run["result"].as_str().unwrap();
            assert_eq!(run["correct"], true, "{mode}: atomic and mutex exact: {result}");
            assert!(result.contains("atomic 10000000 · mutex 10000000"), "{mode}: {result}");
            if !["pool", "spawn"].contains(&mode) {
                assert!(result.contains("(lost 0)"), "{mode} runs one slice at a time: {result}");
            }
        }
        // Isolated workers: each bumped its own copy (the run's stays 0);
        // only the SharedArrayBuffer they all got is shared, and exact
        // where atomic or locked (`multiprocessing.Value`).
        let isolated = run_of(&doc, "isolated");
        let result = isolated["result"].as_str().unwrap();
        assert_eq!(isolated["correct"], true, "{result}");
        assert!(result.contains("· atomic 10000000 · with a lock 10000000; not shared: 0 here"), "{result}");
        // The page shows each mode's own right answer where they differ.
        let row = browser.wait_for("#summary-isolated", 5).text();
        assert!(row.contains("✓ shared: unsynchronised"), "{row}");
        if !run_of(&doc, "pool")["result"].as_str().unwrap().contains("(lost 0)") {
            lost_in_pool = true;
            break;
        }
    }
    assert!(lost_in_pool, "the pool never lost an unsynchronised update in 4 runs");
}

#[test]
fn mandelbrot_is_checked_against_the_sequential_render_and_drawn() {
    let (_server, browser) = open(
        "?workload=mandelbrot&width=320&height=240&iters=300&band=8&workers=2&modes=sequential,main,spawn,pool,gil,isolated,async,coop&repeat=1&warmup=0&autorun=1",
    );
    let doc = wait_done(&browser, 120);
    let checksum = run_of(&doc, "sequential")["result"].as_str().unwrap().to_string();
    assert!(checksum.starts_with("checksum "), "{checksum}");
    for mode in ALL_MODES.iter().skip(1) {
        let run = run_of(&doc, mode);
        assert_eq!(run["result"], checksum.as_str(), "{mode}");
        assert_eq!(run["correct"], true, "{mode}");
        assert_eq!(run["checked_against"], "sequential run", "{mode}");
        assert_eq!(run["tasks"].as_array().unwrap().len(), 30, "{mode}: 240 rows in bands of 8");
    }
    // The picture is drawn: black inside the set, colour outside.
    let counts = browser
        .wait_until(20, || {
            let v = browser.eval(
                "const c = document.getElementById('picture'); if (!c) return null;
                 const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                 let black = 0, lit = 0;
                 for (let i = 0; i < d.length; i += 4) { if (d[i] + d[i + 1] + d[i + 2] === 0) black++; else lit++; }
                 return [c.width, c.height, black, lit];",
                vec![],
            );
            (!v.is_null() && v[3].as_u64()? > 0).then_some(v)
        })
        .expect("a drawn picture");
    assert_eq!((counts[0].as_u64(), counts[1].as_u64()), (Some(320), Some(240)));
    assert!(counts[2].as_u64().unwrap() > 1_000, "the set is black: {counts}");
    let errors = console_errors(&browser);
    assert!(errors.is_empty(), "{errors:#?}");
}

/// The tutorial's `requests.get` lesson with real downloads from the test
/// server: every mode gets every byte right; waiting requests overlap
/// except sequentially and on the page's own thread.
fn downloads_are_checked_in_every_mode_and_overlap_except_sequentially(engine: Engine) {
    let (_server, browser) = open_in(
        engine,
        "?workload=fetch&tasks=4&kib=256&latency=250&workers=2&modes=sequential,main,spawn,pool,gil,isolated,async,coop&repeat=1&warmup=0&autorun=1",
        true,
    );
    let doc = wait_done(&browser, 120);
    let wall = |mode: &str| run_of(&doc, mode)["wall_ms"].as_f64().unwrap();
    for mode in ALL_MODES {
        let run = run_of(&doc, mode);
        assert_eq!(run["result"], "1048576 bytes in 4 downloads, every byte checked", "{mode}: {run}");
        assert_eq!(run["correct"], true, "{mode}");
        assert_eq!(run["checked_against"], "k × size", "{mode}");
    }
    assert!(wall("sequential") >= 1000.0, "sequential waits 4 × 250 ms: {}", wall("sequential"));
    assert_overlap(&doc);
    let main_gap = run_of(&doc, "main")["responsiveness"]["longest_gap_ms"].as_f64().unwrap();
    assert!(main_gap >= 500.0, "blocking requests on the page's thread freeze it: {main_gap} ms");
    let errors = console_errors(&browser);
    assert!(errors.is_empty(), "{errors:#?}");
}

in_every_engine!(downloads_are_checked_in_every_mode_and_overlap_except_sequentially);

/// `shutil.copy` in the browser's private file system, in the modes that
/// can await it; the others are offered disabled with the reason.
fn files_are_copied_and_checked_in_the_private_file_system(engine: Engine) {
    let (_server, browser) = open_in(
        engine,
        "?workload=files&files=3&mib=2&workers=2&modes=sequential,isolated,async,coop&repeat=1&warmup=0&autorun=1",
        true,
    );
    let doc = wait_done(&browser, 120);
    if engine == Engine::WebKit {
        // WebKit's limit here: MiniBrowser under WebDriver runs an
        // ephemeral session, whose private file system refuses to open
        // (`getDirectory` fails with UnknownError). The page says so.
        for mode in ["sequential", "isolated", "async", "coop"] {
            let result = run_of(&doc, mode)["result"].as_str().unwrap_or_default().to_string();
            assert!(result.contains("the browser refused its private file system"), "{mode}: {result}");
            assert!(result.contains("sessions driven by automation"), "{mode}: {result}");
        }
        let row = browser.wait_for("#summary-sequential", 5).text();
        assert!(row.contains("refused its private file system"), "the page shows why: {row}");
        return;
    }
    for mode in ["sequential", "isolated", "async", "coop"] {
        let run = run_of(&doc, mode);
        assert_eq!(run["result"], "6291456 bytes copied in 3 files, every byte checked", "{mode}: {run}");
        assert_eq!(run["correct"], true, "{mode}");
    }
    for mode in ["main", "spawn", "pool", "gil"] {
        let input = browser.wait_for(&format!("#mode-{mode}"), 5);
        assert!(!input.enabled(), "{mode} is disabled for files");
    }
    // Every file and copy was deleted.
    let left = browser.eval_async(
        "const done = arguments[0];
         navigator.storage.getDirectory().then(async (dir) => {
           const names = []; for await (const name of dir.keys()) names.push(name); done(names);
         }, (e) => done(String(e)));",
    );
    assert_eq!(left, serde_json::json!([]), "OPFS is empty after the run");
    let errors = console_errors(&browser);
    assert!(errors.is_empty(), "{errors:#?}");
}

in_every_engine!(files_are_copied_and_checked_in_the_private_file_system);

/// The tutorial's queue: 10 producers × 10 items, none lost, none taken
/// twice, in every mode; isolated workers pass every item by message.
fn the_queue_passes_every_item_once_in_every_mode(engine: Engine) {
    let (_server, browser) = open_in(
        engine,
        "?workload=queue&producers=10&items=200&consumers=3&workers=2&modes=sequential,main,spawn,pool,gil,isolated,async,coop&repeat=1&warmup=0&autorun=1",
        true,
    );
    let doc = wait_done(&browser, 120);
    for mode in ALL_MODES {
        let run = run_of(&doc, mode);
        assert_eq!(run["result"], "2000 put, 2000 taken: none lost, none taken twice", "{mode}: {run}");
        assert_eq!(run["correct"], true, "{mode}");
        assert!(run["metrics"]["us_per_item"].as_f64().unwrap() > 0.0, "{mode}");
    }
    assert_eq!(run_of(&doc, "isolated")["metrics"]["items_by_message"], 2000.0);
    let errors = console_errors(&browser);
    assert!(errors.is_empty(), "{errors:#?}");
}

in_every_engine!(the_queue_passes_every_item_once_in_every_mode);

/// Regression: the queue with its defaults on 2 isolated workers reported
/// "100 put, 0 taken: 100 lost" in about 1 run in 3, when one new worker
/// loaded first and ran every producer. Each page load starts new
/// workers, so the case is repeated on fresh pages.
#[test]
fn the_default_queue_on_two_isolated_workers_loses_nothing_on_fresh_pages() {
    let (server, browser) = open("?workload=queue&workers=2&modes=pool,isolated&autorun=1");
    for attempt in 0..10 {
        if attempt > 0 {
            browser.goto(&server.url("/?workload=queue&workers=2&modes=pool,isolated&autorun=1"));
        }
        let doc = wait_done(&browser, 60);
        for mode in ["pool", "isolated"] {
            let run = run_of(&doc, mode);
            assert_eq!(run["result"], "100 put, 100 taken: none lost, none taken twice", "page load {attempt}, {mode}");
            assert_eq!(run["correct"], true);
        }
    }
}

/// What a page whose pool cannot start must show once autorun=1 is done:
/// its own modes right, the others not run, and why.
fn assert_page_modes_ran(browser: &support::Browser, secs: u64) {
    let doc = wait_done(browser, secs);
    for mode in ["main", "coop"] {
        assert_eq!(run_of(&doc, mode)["correct"], true, "{mode}");
    }
    for mode in ["sequential", "pool"] {
        let result = run_of(&doc, mode)["result"].as_str().unwrap().to_string();
        assert!(result.starts_with("not run: the thread pool could not start here"), "{mode}: {result}");
    }
    let warning = browser.wait_for("#pool-warning", 5).text();
    assert!(warning.contains("Main thread and Cooperative still run"), "{warning}");
}

const PAGE_AND_POOL: &str = "/?modes=sequential,main,pool,coop&bounds=300000&repeat=1&warmup=0&autorun=1";

/// A compute worker whose script does not load (a 404) or never answers
/// (a script that hangs): the page says so, runs its own modes, and
/// autorun=1 completes with the other modes listed as not run.
#[test]
fn when_the_compute_worker_cannot_load_or_never_answers_the_page_modes_run() {
    for (name, script, secs) in [("404", None, 60), ("silent", Some("// never answers\n"), 90)] {
        let dir = support::dist_without(&format!("compute-{name}"), "compute.js", script);
        let server = support::Server::start(dir.clone(), true);
        let browser = support::Browser::launch();
        browser.goto(&server.url(PAGE_AND_POOL));
        assert_page_modes_ran(&browser, secs);
        if script.is_some() {
            let pool = browser.wait_for("#env-pool", 5).text();
            assert!(pool.contains("did not answer within 20 s"), "{pool}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// WebKitGTK as Debian ships it cannot clone shared memory to a worker, so
/// its pool cannot start: the page says so, runs its own modes and an
/// autorun=1 URL completes, in the real browser where it used to run
/// nothing.
#[test]
fn in_webkit_without_shared_memory_the_page_modes_run_and_autorun_completes() {
    let (_server, browser) = open_in(Engine::WebKitWithoutSharedMemory, &PAGE_AND_POOL[1..], true);
    assert_page_modes_ran(&browser, 120);
    let pool = browser.wait_for("#env-pool", 5).text();
    assert!(pool.contains("The object can not be cloned"), "{pool}");
}
