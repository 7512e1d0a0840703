//! The results view: repeats, the sweep chart, timelines, progress and
//! cancel, share links and the downloads.

use serde_json::{json, Value};

use crate::support::{
    console_errors, copy_link, dist, open, open_in, wait_done, wait_result, wait_result_quietly, Browser, Engine,
    Server,
};

fn count(browser: &Browser, css: &str) -> u64 {
    browser.eval("return document.querySelectorAll(arguments[0]).length;", vec![json!(css)]).as_u64().unwrap()
}

fn text(browser: &Browser, css: &str) -> String {
    browser.wait_for(css, 10).text()
}

#[test]
fn a_sweep_draws_one_line_per_mode_and_a_timeline_row_per_worker() {
    let (_server, browser) =
        open("?workers=2&chunk=500000&modes=sequential,pool,isolated&sweep=1&repeat=1&warmup=0&autorun=1");
    let doc = wait_done(&browser, 240);
    let cores = doc["env"]["hardwareConcurrency"].as_u64().unwrap();
    let max_workers = (2 * cores).min(64);
    assert_eq!(doc["sweep"], true);
    let stats = doc["stats"].as_array().unwrap();
    assert_eq!(stats.len() as u64, 3 * max_workers, "3 modes at each of 1 … {max_workers} workers");
    assert!(stats.iter().all(|s| s["correct"] == true), "{stats:#?}");
    let fits: Vec<&str> = doc["amdahl"].as_array().unwrap().iter().map(|f| f["mode"].as_str().unwrap()).collect();
    assert_eq!(fits, ["pool", "isolated"]);

    browser.wait_for("#sweep-chart", 5);
    assert_eq!(count(&browser, "#sweep-chart .series[data-source=here]"), 3, "one line per mode");
    for mode in ["sequential", "pool", "isolated"] {
        let css = format!("#sweep-chart .series[data-mode={mode}] circle");
        assert_eq!(count(&browser, &css), max_workers, "{mode}: a point per worker count");
    }
    assert_eq!(count(&browser, "#sweep-chart .amdahl"), 2);
    assert_eq!(count(&browser, "#sweep-chart .ideal"), 2, "the ideal line and its legend");
    assert_eq!(count(&browser, "#sweep-chart .cores"), 1, "a mark at hardwareConcurrency");
    let legend = text(&browser, "#sweep-chart .legend");
    assert!(legend.contains("Thread pool · Amdahl fit: serial fraction"), "{legend}");

    // Timelines: a row per pool thread, one for Sequential, a bar per task.
    assert_eq!(count(&browser, "#timeline-here-pool .row"), 2);
    assert_eq!(count(&browser, "#timeline-here-sequential .row"), 1);
    assert_eq!(count(&browser, "#timeline-here-isolated .row"), 2);
    assert_eq!(count(&browser, "#timeline-here-pool .bar"), 12, "1M, 2M, 3M in 500,000 chunks");
    // Hover and keyboard show a task's details.
    browser.eval(
        "document.querySelector('#timeline-here-pool .bar[data-task=\"3\"]')
            .dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));",
        vec![],
    );
    let detail = browser.wait_until(5, || {
        let t = text(&browser, "#timeline-here-pool-detail");
        t.starts_with("Task 3 ").then_some(t)
    });
    assert!(detail.is_some_and(|t| t.contains("on w")), "hover shows the task");
    browser.eval(
        "const svg = document.querySelector('#timeline-here-sequential svg'); svg.focus();
         svg.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true }));",
        vec![],
    );
    let detail = browser.wait_until(5, || {
        let t = text(&browser, "#timeline-here-sequential-detail");
        t.starts_with("Task 11 ").then_some(t)
    });
    assert!(detail.is_some(), "End selects the last task");
    assert!(console_errors(&browser).is_empty());
}

#[test]
fn a_timeline_draws_a_thousand_tasks() {
    let (_server, browser) = open("?workers=2&bounds=3000000&chunk=3000&modes=pool&repeat=1&warmup=0&autorun=1");
    let doc = wait_done(&browser, 120);
    assert_eq!(doc["runs"][0]["tasks"].as_array().unwrap().len(), 1000);
    assert_eq!(count(&browser, "#timeline-here-pool .bar"), 1000);
    assert_eq!(count(&browser, "#timeline-here-pool .row"), 2);
}

/// Milliseconds from a click on `#cancel` until `#spindle-result` is done.
fn cancel_ms(browser: &Browser) -> f64 {
    browser
        .eval_async(
            "const done = arguments[0];
             const t0 = performance.now();
             document.getElementById('cancel').click();
             const poll = () => document.getElementById('spindle-result').dataset.state === 'done'
                 ? done(performance.now() - t0) : setTimeout(poll, 2);
             poll();",
        )
        .as_f64()
        .unwrap()
}

fn cancel_stops_a_long_run_within_200_ms_and_the_page_runs_again(engine: Engine) {
    // 2 modes × 3 repeats of 2 × 1.5 s waits: about 14 s if not cancelled.
    let (_server, browser) = open_in(
        engine,
        "?workload=timers&tasks=2&ms=1500&workers=2&modes=sequential,pool&repeat=3&warmup=0&autorun=1",
        true,
    );
    // Let the first repeat of both modes finish, then cancel in the next.
    browser.wait_for("#progress", 30);
    let started = browser.wait_until(60, || text(&browser, "#progress-now").contains("step 3 of 6").then_some(()));
    assert!(started.is_some(), "the run reached its third step");
    let tasks = text(&browser, "#progress-tasks");
    assert!(tasks.ends_with("/ 12 tasks") && !tasks.starts_with("0 "), "tasks counted: {tasks}");
    assert!(text(&browser, "#progress-elapsed").ends_with("elapsed"));

    let ms = cancel_ms(&browser);
    assert!(ms <= 200.0, "cancelled after {ms:.0} ms");
    let doc = crate::support::wait_done(&browser, 5);
    assert_eq!(doc["cancelled"], true);
    let modes: Vec<&str> = doc["runs"].as_array().unwrap().iter().map(|r| r["mode"].as_str().unwrap()).collect();
    assert_eq!(modes, ["sequential", "pool"], "the finished repeats are kept");
    assert!(doc["runs"].as_array().unwrap().iter().all(|r| r["correct"] == true));
    assert!(browser.find("#progress").is_none());
    assert!(text(&browser, "#cancelled").contains("Cancelled"));
    // The worker was ended and a fresh pool started in the background.
    browser.wait_until(30, || (text(&browser, "#env-pool") == "ready").then_some(())).expect("pool back");

    // The page runs again: a short setup, to the end.
    browser.eval(
        "const ms = document.getElementById('param-ms'); ms.value = '100';
         ms.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![],
    );
    browser.wait_until(5, || (browser.find("#run")?.enabled()).then_some(())).expect("Run enabled");
    browser.find("#run").unwrap().click();
    browser.wait_until(10, || browser.find("#progress").map(|_| ())).expect("running again");
    let doc = wait_done(&browser, 60);
    assert_eq!(doc["cancelled"], false);
    assert_eq!(doc["params"]["ms"], "100");
    assert!(doc["runs"].as_array().unwrap().iter().all(|r| r["correct"] == true));

    // A page mode (cooperative, on this thread) cancels too.
    browser.eval(
        "const ms = document.getElementById('param-ms'); ms.value = '3000';
         ms.dispatchEvent(new Event('change', { bubbles: true }));
         for (const id of ['mode-sequential', 'mode-pool', 'mode-coop']) document.getElementById(id).click();",
        vec![],
    );
    browser.find("#run").unwrap().click();
    browser.wait_until(10, || text(&browser, "#progress-now").contains("Cooperative").then_some(())).expect("coop");
    let ms = cancel_ms(&browser);
    assert!(ms <= 200.0, "cancelled after {ms:.0} ms");
    assert_eq!(wait_done(&browser, 5)["cancelled"], true);
    assert!(console_errors(&browser).is_empty(), "{:?}", console_errors(&browser));
}

crate::in_every_engine!(cancel_stops_a_long_run_within_200_ms_and_the_page_runs_again);

/// Clicks `button` with anchors' clicks intercepted; returns the name and
/// the text of the file it would have downloaded.
fn download(browser: &Browser, button: &str) -> (String, String) {
    let v = browser.eval_async(&format!(
        "const done = arguments[0];
         const click = HTMLAnchorElement.prototype.click;
         HTMLAnchorElement.prototype.click = function () {{
             HTMLAnchorElement.prototype.click = click;
             fetch(this.href).then(r => r.text()).then(text => done([this.download, text]));
         }};
         document.getElementById('{button}').click();"
    ));
    (v[0].as_str().unwrap().to_string(), v[1].as_str().unwrap().to_string())
}

/// Every number as an f64: the download is indented by the browser's
/// `JSON.stringify`, which writes the float 1.0 as `1`.
fn numbers_as_f64(value: Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64().unwrap()),
        Value::Array(items) => Value::Array(items.into_iter().map(numbers_as_f64).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, numbers_as_f64(v))).collect()),
        other => other,
    }
}

fn a_share_link_opens_in_a_fresh_browser_and_run_here_adds_the_local_series(engine: Engine) {
    let (_server, browser) =
        open_in(engine, "?workers=2&chunk=500000&modes=sequential,pool&sweep=1&repeat=1&warmup=0&autorun=1", true);
    let doc = wait_done(&browser, 240);
    let median = text(&browser, "#summary-pool .wall");
    let speedup = text(&browser, "#summary-pool .speedup");

    // Downloads: the result document, and a CSV row per task.
    let (name, json) = download(&browser, "download-json");
    assert_eq!(name, "spindle-primes-2w.json");
    assert!(json.starts_with("{\n  \""), "indented for people: {}", &json[..40.min(json.len())]);
    assert_eq!(numbers_as_f64(serde_json::from_str::<Value>(&json).unwrap()), numbers_as_f64(doc.clone()));
    let (name, csv) = download(&browser, "download-csv");
    assert_eq!(name, "spindle-primes-2w.csv");
    let rows: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert!(rows[0].starts_with("mode,workers,threads,task,label,worker,start_ms"));
    assert_eq!(rows.len(), 1 + 12 + 12, "header and one row per task of each mode");

    let link = copy_link(&browser);
    assert!(link.contains("#result="), "{link}");
    assert!(!link.contains("autorun"), "opening a link must not run anything: {link}");
    drop(browser);

    // A fresh browser (new profile): the shared numbers, labelled.
    let fresh = Browser::launch_engine(engine);
    fresh.goto(&link);
    let env = text(&fresh, "#shared-env");
    assert!(env.contains(engine.browser_label()) && env.contains("cross-origin isolated"), "{env}");
    assert_eq!(text(&fresh, "#results h2"), "Shared results");
    let check = text(&fresh, "#summary-pool .check");
    assert!(check.contains("✓") && check.contains("checked here"), "the page knows these sums: {check}");
    assert_eq!(text(&fresh, "#summary-pool .wall"), median);
    assert_eq!(text(&fresh, "#summary-pool .speedup"), speedup);
    assert_eq!(count(&fresh, "#sweep-chart .series[data-source=shared]"), 2);
    assert_eq!(count(&fresh, "#timeline-shared-pool .row"), 2);
    assert_eq!(fresh.find("#spindle-result").unwrap().attr("data-state").as_deref(), Some("idle"));

    // Run here: the same setup on this machine, both side by side.
    fresh.wait_until(60, || fresh.find("#run-here")?.enabled().then_some(())).expect("Run here enabled");
    fresh.find("#run-here").unwrap().click();
    let here = wait_done(&fresh, 240);
    assert_eq!(here["setup"], doc["setup"]);
    assert_eq!(text(&fresh, "#results h2"), "Results");
    assert_eq!(count(&fresh, "#sweep-chart .series[data-source=here]"), 2);
    assert_eq!(count(&fresh, "#sweep-chart .series[data-source=shared]"), 2);
    assert_eq!(text(&fresh, "#summary-pool .shared-wall"), median);
    assert_eq!(count(&fresh, "#timeline-here-pool .row"), 2);
    assert_eq!(count(&fresh, "#timeline-shared-pool .row"), 2);
    assert!(console_errors(&fresh).is_empty(), "{:?}", console_errors(&fresh));
}

crate::in_every_engine!(a_share_link_opens_in_a_fresh_browser_and_run_here_adds_the_local_series);

#[test]
fn a_damaged_share_link_says_why_and_the_page_still_works() {
    let server = Server::start(dist(), true);
    let browser = Browser::launch();
    browser.goto(&server.url("/?bounds=1000&modes=sequential&repeat=1&warmup=0&autorun=1#result=AXh4garbage"));
    let messages = text(&browser, "#messages");
    assert!(messages.contains("This share link cannot be opened"), "{messages}");
    assert!(browser.find("#shared").is_none());
    let doc = wait_done(&browser, 60);
    assert_eq!(doc["runs"][0]["result"], "76127");
}

/// A link made by the page, edited as a stranger would and packed again
/// (zlib and base64url, as the page packs it).
fn hostile_link(edit: impl FnOnce(&mut Value), replace: (&str, &str)) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/links/primes-three-modes.link");
    let fragment = std::fs::read_to_string(fixture).unwrap();
    let bytes = b64.decode(fragment.trim().trim_start_matches("result=")).unwrap();
    let json = miniz_oxide::inflate::decompress_to_vec_zlib(&bytes[1..]).unwrap();
    let mut doc: Value = serde_json::from_slice(&json).unwrap();
    edit(&mut doc);
    let mut packed = vec![1u8];
    let text = doc.to_string().replace(replace.0, replace.1);
    packed.extend(miniz_oxide::deflate::compress_to_vec_zlib(text.as_bytes(), 9));
    format!("result={}", b64.encode(packed))
}

/// The links that broke the page: numbers past what a run can produce,
/// what JSON cannot hold, and a flood of keys. Each gives its message and
/// leaves a page that runs.
#[test]
fn hostile_share_links_say_why_and_leave_a_working_page() {
    let server = Server::start(dist(), true);
    let browser = Browser::launch();
    let links: Vec<(&str, String)> = vec![
        ("threads", hostile_link(|d| d["runs"][1]["threads"] = json!(u32::MAX), ("", ""))),
        ("statistics for", hostile_link(|d| d["stats"][1]["workers"] = json!(u32::MAX), ("", ""))),
        ("out of range", hostile_link(|d| d["stats"][1]["speedup"] = json!(123.25), ("123.25", "1e999"))),
        (
            "more than 32 parameters",
            hostile_link(
                |d| d["params"] = (0..200_000).rev().map(|i| (format!("k{i}"), json!("v"))).collect(),
                ("", ""),
            ),
        ),
        ("unpacks to more than 16 MiB", {
            use base64::Engine as _;
            let mut packed = vec![1u8];
            packed.extend(miniz_oxide::deflate::compress_to_vec_zlib(&vec![b' '; (32 << 20) + 1], 9));
            format!("result={}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed))
        }),
    ];
    for (why, link) in links {
        browser.goto(&server.url(&format!("/?bounds=1000&modes=sequential&repeat=1&warmup=0#{link}")));
        let messages = text(&browser, "#messages");
        assert!(messages.contains("This share link cannot be opened"), "{why}: {messages}");
        assert!(messages.contains(why), "{why}: {messages}");
        assert!(browser.find("#shared").is_none(), "{why}");
        assert!(console_errors(&browser).is_empty(), "{why}: {:?}", console_errors(&browser));
    }

    // A wrong answer the link calls right: the page knows the sums.
    let claim = hostile_link(|d| d["runs"][1]["result"] = json!("1,2,3"), ("", ""));
    browser.goto(&server.url(&format!("/?bounds=1000&modes=sequential&repeat=1&warmup=0#{claim}")));
    let check = text(&browser, "#summary-pool .check");
    assert!(check.contains("✗") && check.contains("checked here"), "{check}");

    browser.find("#run").unwrap().click();
    let doc = wait_done(&browser, 60);
    assert_eq!(doc["runs"][0]["result"], "76127");
}

#[test]
fn a_hundred_thousand_tiny_tasks_stay_usable() {
    let (_server, browser) = open("?workload=tiny&workers=2&modes=sequential,pool&repeat=1&warmup=0&autorun=1");
    let doc = wait_done(&browser, 120);
    for run in doc["runs"].as_array().unwrap() {
        assert_eq!(run["result"], "4999950000", "Σ 0 … 99,999");
        assert_eq!(run["correct"], true);
        assert_eq!(run["tasks"].as_array().unwrap().len(), 10_000);
    }
    // Drawn, but not 10,000 rows and bars each.
    let bars = count(&browser, "#timeline-here-pool .bar");
    assert!((1..=2_000).contains(&bars), "{bars} bars");
    assert_eq!(count(&browser, "#details-pool table.tasks tbody tr"), 1_000);
}

#[test]
fn isolated_workers_stay_for_the_next_run() {
    let (_server, browser) = open("?workers=2&chunk=500000&modes=isolated&repeat=2&warmup=1&autorun=1");
    let doc = wait_done(&browser, 120);
    let metrics = &doc["runs"][0]["metrics"];
    assert_eq!(metrics["workers_reused"], 2.0, "{metrics}");
    assert!(metrics.get("worker_startup_ms").is_none(), "{metrics}");
    assert_eq!(doc["runs"][0]["correct"], true);

    // Run again (waiting the benchmark's way, from inside the page): the
    // same workers, the same answer, one round trip under a second.
    let (_, last) = wait_result(&browser, 10);
    browser.wait_for("#run", 10).click();
    let (state, text) = wait_result_quietly(&browser, &last, 120);
    assert_eq!(state, "done", "{text}");
    assert_ne!(text, last);
    let again: Value = serde_json::from_str(&text).unwrap();
    let run = &again["runs"][0];
    assert_eq!(run["correct"], true);
    assert_eq!(run["metrics"]["workers_reused"], 2.0);
    let trip = run["metrics"]["message_ms"].as_f64().unwrap();
    assert!(trip > 0.0 && trip < 1_000.0, "median message round trip {trip} ms");
}
