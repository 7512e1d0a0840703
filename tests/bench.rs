//! `scripts/bench.sh`: Spindle measured against native Rust and against its
//! targets, in one invocation. The release page is served with the
//! isolation headers and driven in headless Chromium, and in Firefox ESR
//! where it is installed, through `autorun`
//! URLs (one warm-up, then `SPINDLE_BENCH_REPEATS` runs, default 5, each
//! read from `#spindle-result`; `SPINDLE_BENCH_BROWSERS`, e.g. `firefox`,
//! picks the browsers); the same core workload code runs natively
//! with rayon on the same thread counts. Ratios are taken pair by pair
//! within a run, then the median. Prints a table and writes BENCHMARKS.md.

#[allow(dead_code)] // shared with the e2e tests, which use all of it
#[path = "e2e/support/mod.rs"]
mod support;

use std::fmt::Write as _;
use std::process::Command;
use std::sync::Arc;

use serde_json::Value;
use spindle::core::mode::{Mode, Place};
use spindle::core::run::clock::HostClock;
use spindle::core::workload::io::NoBlockingIo;
use spindle::core::workload::Params;
use spindle::exec::native::{block_on, NativeHost};
use spindle::exec::{run_mode, RunContext};
use spindle::ui::format::group_digits;
use support::webdriver::Engine;
use support::{dist, wait_result, wait_result_quietly, Browser, Server};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        f64::NAN
    } else if v.len() % 2 == 1 {
        v[v.len() / 2]
    } else {
        (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0
    }
}

fn run_of<'a>(doc: &'a Value, mode: &str) -> &'a Value {
    doc["runs"].as_array().and_then(|r| r.iter().find(|r| r["mode"] == mode)).expect("mode in the result")
}

/// One of the mode's own figures (`metrics`) in its latest run.
fn metric(doc: &Value, mode: &str, key: &str) -> f64 {
    run_of(doc, mode)["metrics"][key].as_f64().unwrap_or(f64::NAN)
}

fn wall(doc: &Value, mode: &str) -> f64 {
    run_of(doc, mode)["wall_ms"].as_f64().expect("wall_ms")
}

/// The page's longest main-thread gap during the mode's latest run, ms.
fn longest_gap(doc: &Value, mode: &str) -> Option<f64> {
    run_of(doc, mode)["responsiveness"]["longest_gap_ms"].as_f64()
}

/// The most speedup `workers` workers could reach on these tasks taken in
/// submission order, each by the first idle worker, with no overhead at
/// all: Sequential's task times dealt out that way (what isolated workers
/// do; a limit the workload's uneven tasks set, not the platform).
fn in_order_limit(doc: &Value, workers: usize) -> f64 {
    let mut busy = vec![0.0f64; workers.max(1)];
    let mut total = 0.0;
    for task in run_of(doc, "sequential")["tasks"].as_array().into_iter().flatten() {
        let d = task["end_ms"].as_f64().unwrap_or(0.0) - task["start_ms"].as_f64().unwrap_or(0.0);
        let idle = busy.iter_mut().min_by(|a, b| a.total_cmp(b)).expect("a worker");
        *idle += d;
        total += d;
    }
    total / busy.iter().copied().fold(0.0, f64::max)
}

/// Loads `query` with autorun (the warm-up), then clicks Run `repeats`
/// times; returns the measured result documents.
fn browser_runs(browser: &Browser, server: &Server, query: &str, repeats: usize) -> Vec<Value> {
    browser.goto(&server.url(&format!("/?{query}&repeat=1&warmup=0&autorun=1")));
    let (state, mut last) = wait_result_quietly(browser, "", 600);
    assert_eq!(state, "done", "{query}: {last}");
    let mut docs = Vec::new();
    for _ in 0..repeats {
        browser.wait_for("#run", 10).click();
        let (state, text) = wait_result_quietly(browser, &last, 600);
        assert_eq!(state, "done", "{query}: {text}");
        let doc: Value = serde_json::from_str(&text).expect("JSON");
        for run in doc["runs"].as_array().unwrap() {
            // `null` is Sequential when it is itself the reference (Mandelbrot).
            assert_ne!(run["correct"], false, "{query}: {} was wrong: {}", run["mode"], run["result"]);
        }
        last = text;
        docs.push(doc);
    }
    docs
}

/// The same workload natively: (sequential, pool) wall times per repeat.
fn native_runs(workload: &str, params: &[(&str, &str)], threads: usize, repeats: usize) -> Vec<(f64, f64)> {
    let params: Params = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let ctx =
        RunContext::build(workload, &params, threads as u32, 5.0, None, Arc::new(HostClock), Arc::new(NoBlockingIo))
            .expect("valid");
    let reference = ctx.workload.reference();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a native pool");
    let once = |mode| pool.install(|| block_on(run_mode(mode, &ctx, &NativeHost::default(), reference.as_ref(), None)));
    once(Mode::Sequential);
    (0..repeats)
        .map(|_| {
            let seq = once(Mode::Sequential);
            let par = once(Mode::Pool);
            (seq.wall_ms, par.wall_ms)
        })
        .collect()
}

fn command_output(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

/// One figure of the targets table and what each browser measured.
struct Row {
    figure: String,
    target: String,
    measured: Vec<(String, Option<bool>)>,
}

/// The native side of a case: (sequential, pool) wall times per repeat.
struct NativeCase {
    runs: Vec<(f64, f64)>,
}

impl NativeCase {
    /// Runs the case's workload (named by its query) natively.
    fn measure(query: &str, params: &[(&str, &str)], threads: usize, repeats: usize) -> NativeCase {
        let workload = query.split('&').next().unwrap().trim_start_matches("workload=");
        NativeCase { runs: native_runs(workload, params, threads, repeats) }
    }

    /// Median wall times, ms: (sequential, pool).
    fn walls(&self) -> (f64, f64) {
        (median(self.runs.iter().map(|r| r.0).collect()), median(self.runs.iter().map(|r| r.1).collect()))
    }

    fn speedup(&self) -> f64 {
        median(self.runs.iter().map(|r| r.0 / r.1).collect())
    }
}

type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

/// The CPU-bound cases the pool is measured on, in the browser and natively.
const CASES: [Case<'static>; 6] = [
    ("sum of primes, default bounds, chunk=250000", "workload=primes&chunk=250000", &[("chunk", "250000")]),
    ("sum of primes, default bounds, chunk=50000", "workload=primes&chunk=50000", &[("chunk", "50000")]),
    (
        "sum of primes, default bounds, chunk=250000, order=largest",
        "workload=primes&chunk=250000&order=largest",
        &[("chunk", "250000"), ("order", "largest")],
    ),
    (
        "sum of primes ≤ 20,000,000, chunk=1000000",
        "workload=primes&bounds=20000000&chunk=1000000",
        &[("bounds", "20000000"), ("chunk", "1000000")],
    ),
    (
        "sum of primes ≤ 20,000,000, chunk=1000000, order=largest",
        "workload=primes&bounds=20000000&chunk=1000000&order=largest",
        &[("bounds", "20000000"), ("chunk", "1000000"), ("order", "largest")],
    ),
    ("Mandelbrot 800×600, 500 iterations, 10 rows a task", "workload=mandelbrot", &[]),
];

/// Every browser figure of one engine, in the order of the targets table,
/// and its detail tables.
struct BrowserReport {
    rows: Vec<(String, String, String, Option<bool>)>,
    pool_vs_native: String,
    every_mode: String,
}

fn measure_browser(engine: Engine, server: &Server, repeats: usize, cores: usize) -> BrowserReport {
    let label = engine.name();
    let mut rows = Vec::new();
    let mut gaps = Vec::new();
    let mut pool_vs_native = String::new();
    eprintln!("[bench] {label}: cold loads");

    // Cold loads (a fresh profile, so nothing of the page is cached):
    // navigation to first render, pool start-up. Twice each time: in a
    // browser that has just started (its own start-up still competes for
    // the 2 cores) and in one already running, idle at about:blank for a
    // second, as when a person follows a link.
    let (mut ready, mut ready_launch, mut startup) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..repeats {
        let first_render = |browser: &Browser| {
            browser.goto(&server.url(&format!("/?workers={cores}")));
            let el = browser.wait_for("#spindle-result", 30);
            browser.wait_until(30, || el.attr("data-ready-ms")?.parse::<f64>().ok()).expect("data-ready-ms")
        };
        ready_launch.push(first_render(&Browser::launch_engine(engine)));
        let browser = Browser::launch_engine(engine);
        browser.goto("about:blank");
        std::thread::sleep(std::time::Duration::from_secs(1));
        ready.push(first_render(&browser));
        let pool = browser.wait_until(30, || {
            let v = browser.eval("return document.getElementById('env-pool').textContent", vec![]);
            (v.as_str()? == "ready").then_some(())
        });
        assert!(pool.is_some(), "{label}: the pool never became ready");
        // The pool's own start-up, as the worker measured it, from a tiny run.
        browser.goto(&server.url(&format!("/?workers={cores}&bounds=10&modes=pool&repeat=1&warmup=0&autorun=1")));
        let (_, text) = wait_result(&browser, 60);
        let doc: Value = serde_json::from_str(&text).expect("JSON");
        startup.push(doc["pool"]["startup_ms"].as_f64().unwrap_or(f64::NAN));
    }

    let browser = Browser::launch_engine(engine);

    // Native rayon with this browser beside it, showing a run that only
    // waits (timers, one at a time): the page's timer, progress and
    // drawing and the browser's own threads take their share of the cores,
    // as they do while the pool runs, with no work of the page's own.
    {
        let (name, query, params) = CASES[0];
        eprintln!("[bench] {label}: native rayon beside a waiting page");
        browser.goto(&server.url("/?workload=timers&tasks=100&ms=300&modes=sequential&repeat=1&warmup=0&autorun=1"));
        let running = browser.wait_until(30, || {
            let v = browser
                .eval("const e = document.getElementById('spindle-result'); return e && e.dataset.state", vec![]);
            (v.as_str()? == "running").then_some(())
        });
        assert!(running.is_some(), "{label}: the waiting run never started");
        let beside = NativeCase::measure(query, params, cores, repeats);
        browser.goto("about:blank");
        let (nseq, npar) = beside.walls();
        let _ = writeln!(
            pool_vs_native,
            "| {name}, native with {label} beside it showing a run that only waits | {label} | — | — | — | {nseq:.0} ms | {npar:.0} ms | {:.2}× | — |",
            beside.speedup()
        );
    }

    // Thread-pool speedup on CPU-bound work, against native rayon run just
    // before, with this browser idle at about:blank: the machine's speed
    // drifts within an hour, so each pair is measured minutes apart at most.
    for (name, query, params) in CASES {
        eprintln!("[bench] {label}: {name}");
        browser.goto("about:blank");
        let native = &NativeCase::measure(query, params, cores, repeats);
        let docs = browser_runs(&browser, server, &format!("{query}&workers={cores}&modes=sequential,pool"), repeats);
        let seq = median(docs.iter().map(|d| wall(d, "sequential")).collect());
        let par = median(docs.iter().map(|d| wall(d, "pool")).collect());
        let speedup = median(docs.iter().map(|d| wall(d, "sequential") / wall(d, "pool")).collect());
        let (nseq, npar) = native.walls();
        let nspeed = native.speedup();
        let ratio = median(docs.iter().zip(&native.runs).map(|(d, n)| wall(d, "sequential") / n.0).collect());
        let limit = median(docs.iter().map(|d| in_order_limit(d, cores)).collect());
        gaps.extend(docs.iter().map(|d| longest_gap(d, "pool").unwrap_or(0.0)));
        let _ = writeln!(
            pool_vs_native,
            "| {name} | {label} | {seq:.0} ms | {par:.0} ms | {speedup:.2}× | {nseq:.0} ms | {npar:.0} ms | {nspeed:.2}× | {ratio:.2} |"
        );
        rows.push((
            format!("Thread-pool speedup, {cores} workers: {name}"),
            format!("≥ {:.2}× and ≥ native's {nspeed:.2}×", 0.95 * cores as f64),
            format!("{speedup:.2}× (these tasks in order allow {limit:.2}×)"),
            Some(speedup >= 0.95 * cores as f64 && speedup >= nspeed * 0.999),
        ));
        // Sequential code is the same in both orders: one row, the given one.
        if params.contains(&("bounds", "20000000")) && !params.iter().any(|&(key, _)| key == "order") {
            rows.push((
                format!("wasm sequential ÷ native sequential: {name}"),
                "≤ 1.2".into(),
                format!("{ratio:.2} ({seq:.0} ms vs {nseq:.0} ms)"),
                Some(ratio <= 1.2),
            ));
        }
    }

    // Every mode side by side, as the page shows them.
    eprintln!("[bench] {label}: every mode");
    let modes = "sequential,main,spawn,pool,gil,isolated,async,coop";
    let docs =
        browser_runs(&browser, server, &format!("workload=primes&chunk=250000&workers={cores}&modes={modes}"), repeats);
    let mut every_mode = String::new();
    for mode in modes.split(',') {
        let w = median(docs.iter().map(|d| wall(d, mode)).collect());
        let s = median(docs.iter().map(|d| wall(d, "sequential") / wall(d, mode)).collect());
        let g = median(docs.iter().map(|d| longest_gap(d, mode).unwrap_or(f64::NAN)).collect());
        let metrics = run_of(&docs[0], mode)["metrics"].as_object().cloned().unwrap_or_default();
        let figures: Vec<String> = metrics
            .keys()
            .map(|k| format!("{k} {:.2}", median(docs.iter().map(|d| metric(d, mode, k)).collect())))
            .collect();
        // The target is for modes that run off the page's thread; the two
        // that run on it (Main thread freezes it, Cooperative slices it)
        // show their gaps in this table only.
        if Mode::from_id(mode).map(Mode::place) == Some(Place::Worker) {
            gaps.push(g);
        }
        let _ = writeln!(every_mode, "| {mode} | {w:.0} ms | {s:.2}× | {g:.0} ms | {} |", figures.join(", "));
    }

    // Isolated workers on coarse tasks: 8 of rising cost (the last one
    // leaves a worker idle), the same costliest first, and 8 of equal cost
    // (what isolation costs).
    let equal = ["5000000"; 8].join(",");
    let coarse = [
        ("8 coarse tasks of rising cost (primes ≤ 20M in 2.5M chunks)", "bounds=20000000&chunk=2500000".to_string()),
        (
            "the same 8 tasks, costliest first (order=largest)",
            "bounds=20000000&chunk=2500000&order=largest".to_string(),
        ),
        ("8 equal coarse tasks (8 × primes ≤ 5M)", format!("bounds={equal}")),
    ];
    let mut message = None;
    for (name, params) in coarse {
        eprintln!("[bench] {label}: isolated workers, {name}");
        let docs = browser_runs(
            &browser,
            server,
            &format!("workload=primes&{params}&workers={cores}&modes=sequential,isolated"),
            repeats,
        );
        let speedup = median(docs.iter().map(|d| wall(d, "sequential") / wall(d, "isolated")).collect());
        let limit = median(docs.iter().map(|d| in_order_limit(d, cores)).collect());
        // Messages per task: on the first set (rising cost), as reported.
        message.get_or_insert_with(|| median(docs.iter().map(|d| metric(d, "isolated", "message_ms")).collect()));
        gaps.extend(docs.iter().map(|d| longest_gap(d, "isolated").unwrap_or(0.0)));
        rows.push((
            format!("Isolated-workers speedup, {cores} workers, {name}"),
            format!("≥ {:.2}×", 0.9 * cores as f64),
            format!("{speedup:.2}× (these tasks in order allow {limit:.2}×)"),
            Some(speedup >= 0.9 * cores as f64),
        ));
    }

    // Per-task overhead: 100,000 tasks of 10 additions each.
    eprintln!("[bench] {label}: tiny tasks");
    browser.goto("about:blank");
    let native_tiny = NativeCase::measure("workload=tiny", &[("tasks", "100000")], cores, repeats);
    let docs = browser_runs(
        &browser,
        server,
        &format!("workload=tiny&tasks=100000&workers={cores}&modes=sequential,pool"),
        repeats,
    );
    let per_task = |mode: &str| median(docs.iter().map(|d| wall(d, mode) * 1e3 / 100_000.0).collect());
    let (pool_us, seq_us) = (per_task("pool"), per_task("sequential"));
    let native_us = median(native_tiny.runs.iter().map(|r| r.1 * 1e3 / 100_000.0).collect());
    rows.push((
        format!("Per-task overhead of the pool on 100,000 tiny tasks, {cores} workers (wall ÷ tasks)"),
        "≤ 5 µs".into(),
        format!(
            "{pool_us:.2} µs (Sequential {seq_us:.2} µs, recording each task included; native pool {native_us:.2} µs)"
        ),
        Some(pool_us <= 5.0),
    ));

    // Round trip of a task message to one warm isolated worker: 2,000 tiny
    // tasks (one addition each); time from posting a task to its result,
    // minus the task's own run time (median per run, median over runs).
    eprintln!("[bench] {label}: round trip");
    let docs = browser_runs(&browser, server, "workload=tiny&tasks=2000&size=1&workers=1&modes=isolated", repeats);
    let per_run: Vec<f64> = docs.iter().map(|d| metric(d, "isolated", "message_ms") * 1e3).collect();
    // Each run's median, too: on a VM whose idle cores halt, a run lands
    // near the page's own cost or near a core's wake-up (see BENCHMARKS.md).
    let runs = per_run.iter().map(|us| format!("{us:.0}")).collect::<Vec<_>>().join(", ");
    let round_trip = median(per_run);
    rows.push((
        "Message round trip to an isolated worker (1 warm worker, 2,000 tiny tasks)".into(),
        "≤ 100 µs median".into(),
        format!(
            "{round_trip:.0} µs (runs: {runs} µs; 8 coarse tasks of rising cost on {cores} workers above: {:.0} µs per task in messages)",
            message.unwrap_or(f64::NAN) * 1e3
        ),
        Some(round_trip <= 100.0),
    ));
    let startup = median(startup);
    rows.push((
        format!("Pool start-up, {cores} workers (fresh page)"),
        "≤ 60 ms median".into(),
        format!("{startup:.0} ms"),
        Some(startup <= 60.0),
    ));

    // Timers: 1,000 × 100 ms, async.
    eprintln!("[bench] {label}: timers");
    let docs = browser_runs(&browser, server, "workload=timers&tasks=1000&ms=100&modes=async", repeats);
    let timers = median(docs.iter().map(|d| wall(d, "async")).collect());
    rows.push((
        "`timers`, 1,000 tasks × 100 ms, `async`".into(),
        "≤ 110 ms wall".into(),
        format!("{timers:.0} ms"),
        Some(timers <= 110.0),
    ));

    let worst_gap = gaps.iter().copied().fold(0.0, f64::max);
    rows.push((
        "Main thread during worker-based modes (longest main-thread gap, all runs above)".into(),
        "no gap ≥ 50 ms".into(),
        format!("{worst_gap:.0} ms"),
        Some(worst_gap < 50.0),
    ));
    let (ready, ready_launch) = (median(ready), median(ready_launch));
    rows.push((
        "Page: navigation to first render, localhost, cold cache (fresh profile, browser running)".into(),
        "≤ 300 ms".into(),
        format!("{ready:.0} ms median ({ready_launch:.0} ms in a browser just started)"),
        Some(ready <= 300.0),
    ));
    BrowserReport { rows, pool_vs_native, every_mode }
}

fn main() {
    let repeats: usize = std::env::var("SPINDLE_BENCH_REPEATS").ok().and_then(|r| r.parse().ok()).unwrap_or(5);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let dist = dist();
    let server = Server::start(dist.clone(), true);

    // Chromium always; Firefox ESR and WebKitGTK where they and their
    // drivers are installed (`scripts/setup.sh --bench` installs them).
    // SPINDLE_BENCH_BROWSERS (e.g. "firefox,webkit") picks some.
    let chosen = std::env::var("SPINDLE_BENCH_BROWSERS").unwrap_or_else(|_| "chromium,firefox,webkit".into());
    let engines: Vec<Engine> = [Engine::Chromium, Engine::Firefox, Engine::WebKit]
        .into_iter()
        .filter(|&e| chosen.to_lowercase().contains(&format!("{e:?}").to_lowercase()))
        .filter(|&e| e == Engine::Chromium || e.available())
        .collect();
    assert!(
        !engines.is_empty(),
        "SPINDLE_BENCH_BROWSERS={chosen:?} names no installed browser (chromium, firefox, webkit)"
    );
    let reports: Vec<BrowserReport> = engines.iter().map(|&e| measure_browser(e, &server, repeats, cores)).collect();

    let mut rows: Vec<Row> = reports[0]
        .rows
        .iter()
        .map(|(figure, target, _, _)| Row { figure: figure.clone(), target: target.clone(), measured: Vec::new() })
        .collect();
    for report in &reports {
        for (row, (_, _, measured, met)) in rows.iter_mut().zip(&report.rows) {
            row.measured.push((measured.clone(), *met));
        }
    }

    // Transfer size: every wasm, JS and CSS file the page loads, gzip -9.
    let mut gz = 0usize;
    let mut files = Vec::new();
    for entry in walk(&dist) {
        let name = entry.to_string_lossy().to_string();
        if [".wasm", ".js", ".css"].iter().any(|e| name.ends_with(e)) {
            let out = Command::new("gzip").args(["-9", "-c"]).arg(&entry).output().expect("gzip");
            gz += out.stdout.len();
            files.push(name);
        }
    }
    let size = (format!("{:.1} KB ({} bytes)", gz as f64 / 1000.0, group_digits(&gz.to_string())), Some(gz <= 300_000));
    rows.push(Row {
        figure: format!("Transfer size of the page (gzip -9, {} wasm/JS/CSS files)", files.len()),
        target: "≤ 300 KB".into(),
        measured: vec![size; engines.len()],
    });

    let names: Vec<&str> = engines.iter().map(|e| e.name()).collect();
    let mut table = format!(
        "| figure | target | {} |\n|---|---|{}\n",
        names.join(" | met | ") + " | met",
        "---|---|".repeat(names.len())
    );
    for r in &rows {
        let cells: Vec<String> = r
            .measured
            .iter()
            .map(|(measured, met)| {
                let met = match met {
                    Some(true) => "yes",
                    Some(false) => "**no**",
                    None => "—",
                };
                format!("{measured} | {met}")
            })
            .collect();
        let _ = writeln!(table, "| {} | {} | {} |", r.figure, r.target, cells.join(" | "));
    }
    let mut detail = String::from(
        "| workload | browser | wasm sequential | wasm pool | wasm speedup | native sequential | native pool | native speedup | wasm ÷ native (sequential) |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    for report in &reports {
        detail.push_str(&report.pool_vs_native);
    }
    for (engine, report) in engines.iter().zip(&reports) {
        let _ = writeln!(
            detail,
            "\n## Every mode in {}: sum of primes, default bounds, chunk=250000, {cores} workers\n\n\
             | mode | wall | speedup vs Sequential | longest main-thread gap | its own figures |\n|---|---|---|---|---|\n{}",
            engine.name(),
            report.every_mode.trim_end()
        );
    }
    let date = command_output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let mut browsers: Vec<String> = engines.iter().map(|e| format!("{}, headless", e.version())).collect();
    for engine in [Engine::Firefox, Engine::WebKit] {
        if !engines.contains(&engine) && !engine.available() {
            browsers.push(format!(
                "{}: not installed (`scripts/setup.sh --bench` installs it), not measured",
                engine.name()
            ));
        }
    }
    let report = format!(
        "# Spindle benchmarks\n\nWritten by `scripts/bench.sh` on {date}.\n\n\
         - Machine: {cores} logical cores, {cpu}\n- Browsers: {}\n\
         - Page: release build (`trunk build --release`, wasm-opt -O1 from npm's binaryen 132), served on 127.0.0.1 with COOP/COEP, trunk's hashed files cached for good and the rest revalidated (as `www/_headers` asks of a host)\n\
         - Method: one warm-up run, then {repeats} runs; medians; ratios pair by pair within a run. \
         Native: the same `core`/`exec` code, release build, rayon with the same thread count, \
         run for each case just before that browser runs it (the browser idle at about:blank), \
         so each pair is measured minutes apart at most.\n\n\
         ## Against the targets\n\n{table}\n## Thread pool against native rayon\n\n{detail}",
        browsers.join("; ")
    );
    println!("{report}");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("BENCHMARKS.md");
    std::fs::write(&path, report).expect("write BENCHMARKS.md");
    eprintln!("wrote {}", path.display());
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
