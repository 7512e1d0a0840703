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
    built("SPINDLE_DIST", "dist", "trunk build --release")
}

/// The release build made for a sub-path, or `$SPINDLE_DIST_SPINDLE`.
pub fn dist_under_spindle() -> PathBuf {
    built(
        "SPINDLE_DIST_SPINDLE",
        "target/dist-spindle",
        "trunk build --release --public-url /spindle/ --dist target/dist-spindle",
    )
}

/// `$env`, or `dir` in the repository, which `command` builds.
fn built(env: &str, dir: &str, command: &str) -> PathBuf {
    let dir =
        std::env::var_os(env).map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir));
    assert!(
        dir.join("index.html").is_file(),
        "{} has no index.html: run `{command}` first (scripts/check.sh does)",
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

/// The page served without any header (a plain static host) from a copy
/// of the build without its service worker: a page that stays
/// unisolated, as where a browser or host refuses service workers.
pub fn open_unisolated(engine: Engine, query: &str) -> (Server, Browser) {
    let server = Server::start(dist_without("no-sw", "sw.js", None), false);
    let browser = Browser::launch_engine(engine);
    browser.goto(&server.url(&format!("/{query}")));
    (server, browser)
}

/// A copy of the built page (symbolic links) with `file` left out (`None`:
/// a 404) or replaced by `text`, in a directory of its own named by `name`.
pub fn dist_without(name: &str, file: &str, text: Option<&str>) -> PathBuf {
    let copy = dist_linked_except(name, &[file]);
    if let Some(text) = text {
        std::fs::write(copy.join(file), text).unwrap();
    }
    copy
}

/// A fresh directory named by `name` that links every file of the built
/// page but `left_out`.
pub fn dist_linked_except(name: &str, left_out: &[&str]) -> PathBuf {
    let copy = std::env::temp_dir().join(format!("spindle-dist-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    std::fs::create_dir_all(&copy).unwrap();
    for entry in std::fs::read_dir(dist()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        if !left_out.iter().any(|f| name == *f) {
            std::os::unix::fs::symlink(&path, copy.join(name)).unwrap();
        }
    }
    copy
}

/// One test per engine for a scenario `fn name(engine: Engine)`:
/// `name::chromium`, `name::firefox`, `name::webkit`.
#[macro_export]
macro_rules! in_every_engine {
    ($($scenario:ident),* $(,)?) => {$(
        mod $scenario {
            #[test]
            fn chromium() {
                super::$scenario($crate::support::Engine::Chromium)
            }
            #[test]
            fn firefox() {
                super::$scenario($crate::support::Engine::Firefox)
            }
            #[test]
            fn webkit() {
                super::$scenario($crate::support::Engine::WebKit)
            }
        }
    )*};
}

/// Waits for `#spindle-result` to leave `idle`/`running`; returns its state
/// and text.
/// The element is looked up again at every poll: the page may reload
/// itself once (under its service worker) while the test waits.
pub fn wait_result(browser: &Browser, secs: u64) -> (String, String) {
    browser.wait_for("#spindle-result", 30);
    browser
        .wait_until(secs, || {
            let el = browser.find("#spindle-result")?;
            let state = el.attr("data-state")?;
            (state == "done" || state == "error").then(|| (state, el.text_content()))
        })
        .unwrap_or_else(|| {
            let state = browser.find("#spindle-result").and_then(|el| el.attr("data-state"));
            panic!("no result after {secs} s; state {state:?}")
        })
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

/// Clicks *Copy link* and waits for the link the page made.
pub fn copy_link(browser: &Browser) -> String {
    browser.wait_for("#copy-link", 10).click();
    browser
        .wait_until(10, || {
            let v = browser.eval("const e = document.getElementById('share-link'); return e && e.value;", vec![]);
            v.as_str().map(String::from)
        })
        .expect("a link")
}

/// Console entries at level SEVERE (errors), minus none: every error
/// counts. Chromium only: geckodriver and WebKitWebDriver have no command
/// for the console (their list is empty).
pub fn console_errors(browser: &Browser) -> Vec<String> {
    browser
        .console()
        .into_iter()
        .filter(|e| e["level"] == "SEVERE")
        .map(|e| e["message"].as_str().unwrap_or_default().to_string())
        .collect()
}
