//! Shared helpers for the browser tests: the built page, a server with or
//! without isolation headers, a browser, and reading `#spindle-result`.

pub mod server;
pub mod webdriver;

use std::path::PathBuf;

use serde_json::Value;

pub use server::Server;
pub use webdriver::{Browser, Engine};

/// The release build of the page (`trunk build --release`), or
/// `$SPINDLE_DIST`.
pub fn dist() -> PathBuf {
    let dir = std::env::var_os("SPINDLE_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dist"));
    assert!(
        dir.join("index.html").is_file(),
        "{} has no index.html: run `trunk build --release` first (scripts/check.sh does)",
        dir.display()
    );
    dir
}

/// The page served with the COOP/COEP headers, open in a fresh browser.
pub fn open(query: &str) -> (Server, Browser) {
    open_with(query, true)
}

pub fn open_with(query: &str, isolated: bool) -> (Server, Browser) {
    open_in(Engine::Chromium, query, isolated)
}

/// The page in a fresh browser of `engine`.
pub fn open_in(engine: Engine, query: &str, isolated: bool) -> (Server, Browser) {
    let server = Server::start(dist(), isolated);
    let browser = Browser::launch_engine(engine);
    browser.goto(&server.url(&format!("/{query}")));
    (server, browser)
}

/// Waits for `#spindle-result` to leave `idle`/`running`; returns its state
/// and text.
pub fn wait_result(browser: &Browser, secs: u64) -> (String, String) {
    let el = browser.wait_for("#spindle-result", 30);
    browser
        .wait_until(secs, || {
            let state = el.attr("data-state")?;
            (state == "done" || state == "error").then(|| (state, el.text_content()))
        })
        .unwrap_or_else(|| panic!("no result after {secs} s; state {:?}", el.attr("data-state")))
}

/// Waits, without WebDriver traffic while the page works, for a finished
/// run whose document differs from `last`: the page checks for itself
/// every 200 ms and answers once. For the benchmark, whose figures
/// polling from outside would disturb (each poll wakes the browser's
/// processes and the page's main thread, on a machine with 2 cores).
pub fn wait_result_quietly(browser: &Browser, last: &str, secs: u64) -> (String, String) {
    let script = "const [last, done] = arguments;
        (function check() {
            const e = document.getElementById('spindle-result');
            const state = e && e.dataset.state;
            if ((state === 'done' || state === 'error') && e.textContent !== last) done([state, e.textContent]);
            else setTimeout(check, 200);
        })();";
    let v = browser.eval_async_with(script, vec![Value::from(last)], secs);
    (v[0].as_str().unwrap_or_default().to_string(), v[1].as_str().unwrap_or_default().to_string())
}

/// Waits for a finished run and parses its JSON document.
pub fn wait_done(browser: &Browser, secs: u64) -> Value {
    let (state, text) = wait_result(browser, secs);
    assert_eq!(state, "done", "the run failed: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("#spindle-result is not JSON ({e}): {text}"))
}

/// Waits for a finished run whose document satisfies `wanted` (a run
/// started by a click, after an earlier one); `what` names it on timeout.
pub fn wait_done_where(browser: &Browser, secs: u64, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
    browser
        .wait_until(secs, || {
            let (state, text) = wait_result(browser, secs);
            let doc: Value = serde_json::from_str(&text).ok()?;
            (state == "done" && wanted(&doc)).then_some(doc)
        })
        .unwrap_or_else(|| panic!("no {what} after {secs} s"))
}

/// Console entries at level SEVERE (errors), minus none: every error counts.
pub fn console_errors(browser: &Browser) -> Vec<String> {
    browser
        .console()
        .into_iter()
        .filter(|e| e["level"] == "SEVERE")
        .map(|e| e["message"].as_str().unwrap_or_default().to_string())
        .collect()
}
