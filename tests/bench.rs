//! `scripts/bench.sh`: Spindle measured against native Rust and against its
//! targets, in one invocation. The release page is served with the
//! isolation headers and driven in headless Chromium through `autorun`
//! URLs (one warm-up, then `SPINDLE_BENCH_REPEATS` runs, default 5, each
//! read from `#spindle-result`); the same core workload code runs natively
//! with rayon on the same thread counts. Ratios are taken pair by pair
//! within a run, then the median. Prints a table and writes BENCHMARKS.md.

#[allow(dead_code)] // shared with the e2e tests, which use all of it
#[path = "e2e/support/mod.rs"]
mod support;

use std::fmt::Write as _;
use std::process::Command;
use std::sync::Arc;

use serde_json::Value;
use spindle::core::clock::HostClock;
use spindle::core::io::NoBlockingIo;
use spindle::core::mode::Mode;
use spindle::core::workload::Params;
use spindle::exec::native::{block_on, NativeHost};
use spindle::exec::{run_mode, RunContext};
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

fn wall(doc: &Value, mode: &str) -> f64 {
    run_of(doc, mode)["wall_ms"].as_f64().expect("wall_ms")
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
    let once = |mode| pool.install(|| block_on(run_mode(mode, &ctx, &NativeHost, reference.as_ref(), None)));
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

struct Row {
    figure: String,
    target: String,
    measured: String,
    met: Option<bool>,
}

fn main() {
    let repeats: usize = std::env::var("SPINDLE_BENCH_REPEATS").ok().and_then(|r| r.parse().ok()).unwrap_or(5);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let dist = dist();
    let server = Server::start(dist.clone(), true);
    let mut rows = Vec::new();
    let mut gaps = Vec::new();
    let mut detail = String::new();

    // Cold loads: navigation to first render, pool start-up.
    let (mut ready, mut startup) = (Vec::new(), Vec::new());
    for _ in 0..repeats {
        let browser = Browser::launch();
        browser.goto(&server.url(&format!("/?workers={cores}")));
        let el = browser.wait_for("#spindle-result", 30);
        let ms = browser.wait_until(30, || el.attr("data-ready-ms")?.parse::<f64>().ok()).expect("data-ready-ms");
        ready.push(ms);
        let pool = browser.wait_until(30, || {
            let v = browser.eval("return document.getElementById('env-pool').textContent", vec![]);
            (v.as_str()? == "ready").then_some(())
        });
        assert!(pool.is_some(), "the pool never became ready");
        // The pool's own start-up, as the worker measured it, from a tiny run.
        browser.goto(&server.url(&format!("/?workers={cores}&bounds=10&modes=pool&repeat=1&warmup=0&autorun=1")));
        let (_, text) = wait_result(&browser, 60);
        let doc: Value = serde_json::from_str(&text).expect("JSON");
        startup.push(doc["pool"]["startup_ms"].as_f64().unwrap_or(f64::NAN));
    }

    let browser = Browser::launch();
    let version = command_output("chromium", &["--version"]);

    // Thread-pool speedup on CPU-bound work, against native rayon.
    type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);
    let cases: [Case; 3] = [
        ("sum of primes, default bounds, chunk=250000", "workload=primes&chunk=250000", &[("chunk", "250000")]),
        (
            "sum of primes ≤ 20,000,000, chunk=1000000",
            "workload=primes&bounds=20000000&chunk=1000000",
            &[("bounds", "20000000"), ("chunk", "1000000")],
        ),
        ("Mandelbrot 800×600, 500 iterations, 10 rows a task", "workload=mandelbrot", &[]),
    ];
    let _ = writeln!(detail, "| workload | wasm sequential | wasm pool | wasm speedup | native sequential | native pool | native speedup | wasm ÷ native (sequential) |");
    let _ = writeln!(detail, "|---|---|---|---|---|---|---|---|");
    for (name, query, params) in cases {
        let id = query.split('&').next().unwrap().trim_start_matches("workload=");
        let docs = browser_runs(&browser, &server, &format!("{query}&workers={cores}&modes=sequential,pool"), repeats);
        let native = native_runs(id, params, cores, repeats);
        let seq = median(docs.iter().map(|d| wall(d, "sequential")).collect());
        let par = median(docs.iter().map(|d| wall(d, "pool")).collect());
        let speedup = median(docs.iter().map(|d| wall(d, "sequential") / wall(d, "pool")).collect());
        let nseq = median(native.iter().map(|r| r.0).collect());
        let npar = median(native.iter().map(|r| r.1).collect());
        let nspeed = median(native.iter().map(|r| r.0 / r.1).collect());
        let ratio = median(docs.iter().zip(&native).map(|(d, n)| wall(d, "sequential") / n.0).collect());
        gaps.extend(docs.iter().map(|d| run_of(d, "pool")["responsiveness"]["longest_gap_ms"].as_f64().unwrap_or(0.0)));
        let _ = writeln!(
            detail,
            "| {name} | {seq:.0} ms | {par:.0} ms | {speedup:.2}× | {nseq:.0} ms | {npar:.0} ms | {nspeed:.2}× | {ratio:.2} |"
        );
        rows.push(Row {
            figure: format!("Thread-pool speedup, {cores} workers: {name}"),
            target: format!("≥ {:.2}× and ≥ native's {nspeed:.2}×", 0.95 * cores as f64),
            measured: format!("{speedup:.2}×"),
            met: Some(speedup >= 0.95 * cores as f64 && speedup >= nspeed * 0.999),
        });
        if name.contains("20,000,000") {
            rows.push(Row {
                figure: format!("wasm sequential ÷ native sequential: {name}"),
                target: "≤ 1.2".into(),
                measured: format!("{ratio:.2} ({seq:.0} ms vs {nseq:.0} ms)"),
                met: Some(ratio <= 1.2),
            });
        }
    }

    // Every mode side by side, as the page shows them.
    let modes = "sequential,main,spawn,pool,gil,isolated,async,coop";
    let docs = browser_runs(
        &browser,
        &server,
        &format!("workload=primes&chunk=250000&workers={cores}&modes={modes}"),
        repeats,
    );
    let _ = writeln!(
        detail,
        "\n## Every mode: sum of primes, default bounds, chunk=250000, {cores} workers\n\n\
         | mode | wall | speedup vs Sequential | longest frame gap | its own figures |\n|---|---|---|---|---|"
    );
    for mode in modes.split(',') {
        let w = median(docs.iter().map(|d| wall(d, mode)).collect());
        let s = median(docs.iter().map(|d| wall(d, "sequential") / wall(d, mode)).collect());
        let g = median(
            docs.iter()
                .map(|d| run_of(d, mode)["responsiveness"]["longest_gap_ms"].as_f64().unwrap_or(f64::NAN))
                .collect(),
        );
        let metrics = run_of(&docs[0], mode)["metrics"].as_object().cloned().unwrap_or_default();
        let figures: Vec<String> = metrics
            .keys()
            .map(|k| {
                format!(
                    "{k} {:.2}",
                    median(docs.iter().map(|d| run_of(d, mode)["metrics"][k].as_f64().unwrap_or(f64::NAN)).collect())
                )
            })
            .collect();
        if mode != "main" {
            gaps.push(g);
        }
        let _ = writeln!(detail, "| {mode} | {w:.0} ms | {s:.2}× | {g:.0} ms | {} |", figures.join(", "));
    }

    // Isolated workers on coarse tasks.
    let docs = browser_runs(
        &browser,
        &server,
        &format!("workload=primes&bounds=20000000&chunk=2500000&workers={cores}&modes=sequential,isolated"),
        repeats,
    );
    let speedup = median(docs.iter().map(|d| wall(d, "sequential") / wall(d, "isolated")).collect());
    let message = median(
        docs.iter().map(|d| run_of(d, "isolated")["metrics"]["message_ms"].as_f64().unwrap_or(f64::NAN)).collect(),
    );
    gaps.extend(docs.iter().map(|d| run_of(d, "isolated")["responsiveness"]["longest_gap_ms"].as_f64().unwrap_or(0.0)));
    rows.push(Row {
        figure: format!("Isolated-workers speedup, {cores} workers, 8 coarse tasks (primes ≤ 20M)"),
        target: format!("≥ {:.2}×", 0.9 * cores as f64),
        measured: format!("{speedup:.2}×"),
        met: Some(speedup >= 0.9 * cores as f64),
    });
    // Per-task overhead: 100,000 tasks of 10 additions each.
    let docs = browser_runs(
        &browser,
        &server,
        &format!("workload=tiny&tasks=100000&workers={cores}&modes=sequential,pool"),
        repeats,
    );
    let per_task = |mode: &str| median(docs.iter().map(|d| wall(d, mode) * 1e3 / 100_000.0).collect());
    let (pool_us, seq_us) = (per_task("pool"), per_task("sequential"));
    let native = native_runs("tiny", &[("tasks", "100000")], cores, repeats);
    let native_us = median(native.iter().map(|r| r.1 * 1e3 / 100_000.0).collect());
    rows.push(Row {
        figure: format!("Per-task overhead of the pool on 100,000 tiny tasks, {cores} workers (wall ÷ tasks)"),
        target: "≤ 5 µs".into(),
        measured: format!(
            "{pool_us:.2} µs (Sequential {seq_us:.2} µs, recording each task included; native pool {native_us:.2} µs)"
        ),
        met: Some(pool_us <= 5.0),
    });

    // Round trip of a task message to one warm isolated worker: 2,000 tiny
    // tasks (one addition each); time from posting a task to its result,
    // minus the task's own run time (median per run, median over runs).
    let docs = browser_runs(&browser, &server, "workload=tiny&tasks=2000&size=1&workers=1&modes=isolated", repeats);
    let round_trip = median(
        docs.iter()
            .map(|d| run_of(d, "isolated")["metrics"]["message_ms"].as_f64().unwrap_or(f64::NAN) * 1e3)
            .collect(),
    );
    rows.push(Row {
        figure: "Message round trip to an isolated worker (1 warm worker, 2,000 tiny tasks)".into(),
        target: "≤ 100 µs median".into(),
        measured: format!(
            "{round_trip:.0} µs (8 coarse tasks on {cores} workers above: {:.0} µs per task in messages)",
            message * 1e3
        ),
        met: Some(round_trip <= 100.0),
    });
    rows.push(Row {
        figure: format!("Pool start-up, {cores} workers (fresh page)"),
        target: "≤ 60 ms median".into(),
        measured: format!("{:.0} ms", median(startup.clone())),
        met: Some(median(startup.clone()) <= 60.0),
    });

    // Timers: 1,000 × 100 ms, async.
    let docs = browser_runs(&browser, &server, "workload=timers&tasks=1000&ms=100&modes=async", repeats);
    let timers = median(docs.iter().map(|d| wall(d, "async")).collect());
    rows.push(Row {
        figure: "`timers`, 1,000 tasks × 100 ms, `async`".into(),
        target: "≤ 110 ms wall".into(),
        measured: format!("{timers:.0} ms"),
        met: Some(timers <= 110.0),
    });

    let worst_gap = gaps.iter().copied().fold(0.0, f64::max);
    rows.push(Row {
        figure: "Main thread during worker-based modes (longest frame gap, all runs above)".into(),
        target: "no gap ≥ 50 ms".into(),
        measured: format!("{worst_gap:.0} ms"),
        met: Some(worst_gap < 50.0),
    });
    rows.push(Row {
        figure: "Page: navigation to first render, localhost, cold cache (fresh profile)".into(),
        target: "≤ 300 ms".into(),
        measured: format!("{:.0} ms median", median(ready.clone())),
        met: Some(median(ready.clone()) <= 300.0),
    });

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
    rows.push(Row {
        figure: format!("Transfer size of the page (gzip -9, {} wasm/JS/CSS files)", files.len()),
        target: "≤ 250 KB".into(),
        measured: format!("{:.0} KB", gz as f64 / 1000.0),
        met: Some(gz <= 250_000),
    });

    let mut table = String::from("| figure | target | measured | met |\n|---|---|---|---|\n");
    for r in &rows {
        let met = match r.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "—",
        };
        let _ = writeln!(table, "| {} | {} | {} | {met} |", r.figure, r.target, r.measured);
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
    let report = format!(
        "# Spindle benchmarks\n\nWritten by `scripts/bench.sh` on {date}.\n\n\
         - Machine: {cores} logical cores, {cpu}\n- Browser: {version}, headless\n\
         - Page: release build (`trunk build --release`, no wasm-opt), served on 127.0.0.1 with COOP/COEP\n\
         - Method: one warm-up run, then {repeats} runs; medians; ratios pair by pair within a run. \
         Native: the same `core`/`exec` code, release build, rayon with the same thread count.\n\n\
         ## Against the targets\n\n{table}\n## Thread pool against native rayon\n\n{detail}"
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
