//! Where the page can be opened: a static host that sends no header, under
//! a sub-path, made cross-origin isolated by the page's service worker
//! (`www/sw.js`, registered by index.html); offline after the first visit;
//! a new deploy; browsers that refuse service workers.

use serde_json::{json, Value};

use crate::support::{copy_link, dist, dist_under_spindle, wait_done, wait_result, Browser, Engine, Server};
use crate::{assert_every_mode_gives_the_default_sums, run_of};

const EVERY_MODE: &str =
    "/?workers=2&chunk=500000&modes=sequential,main,spawn,pool,gil,isolated,async,coop&repeat=1&warmup=0&autorun=1";

/// Waits until the page's service worker is active, with its files
/// stored (it controls the page from its next load); returns the names of
/// the stores.
fn wait_for_service_worker(browser: &Browser) -> Vec<String> {
    let stores = browser.eval_async_with(
        "const done = arguments[0];
         navigator.serviceWorker.ready.then(() => caches.keys()).then(done, (e) => done(String(e)));",
        vec![],
        60,
    );
    serde_json::from_value(stores.clone()).unwrap_or_else(|_| panic!("no service worker: {stores}"))
}

/// A plain static server (no headers at all) with the build made for
/// `/spindle/`: the page registers its service worker, reloads once, and
/// then runs every mode on shared memory. It does not reload again.
fn a_static_host_without_headers_runs_every_mode_under_a_sub_path(engine: Engine) {
    let server = Server::start_under(dist_under_spindle(), false, "/spindle");
    let browser = Browser::launch_engine(engine);
    browser.goto(&server.url(EVERY_MODE));
    let doc = wait_done(&browser, 240);
    assert_eq!(doc["env"]["crossOriginIsolated"], true, "the service worker isolates the page");
    assert_every_mode_gives_the_default_sums(&doc);
    assert!(browser.current_url().contains("/spindle/?"), "{}", browser.current_url());
    let scope = browser.eval_async(
        "const done = arguments[0]; navigator.serviceWorker.getRegistration().then((r) => done(r && r.scope));",
    );
    assert_eq!(scope, json!(server.url("/")), "the worker's scope is the sub-path");
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(server.page_loads(), 2, "one load, one reload under the service worker, no more");
}

crate::in_every_engine!(a_static_host_without_headers_runs_every_mode_under_a_sub_path);

/// Loaded once, the page loads and runs with its server gone; the `fetch`
/// workload says why it cannot.
fn after_one_visit_the_page_runs_offline(engine: Engine) {
    let server = Server::start(dist(), true);
    let browser = Browser::launch_engine(engine);
    browser.goto(&server.url("/"));
    let stores = wait_for_service_worker(&browser);
    assert_eq!(stores.len(), 1, "{stores:?}");
    // Installable: a manifest whose icons load.
    let icons = browser.eval_async(
        "const done = arguments[0];
         fetch(document.querySelector('link[rel=manifest]').href).then((r) => r.json())
             .then((m) => Promise.all(m.icons.map((i) => fetch(new URL(i.src, document.baseURI)).then((r) => [i.sizes, r.status]))))
             .then(done, (e) => done(String(e)));",
    );
    assert_eq!(icons, json!([["any", 200], ["192x192", 200], ["512x512", 200]]), "{icons}");
    let home = server.url(EVERY_MODE);
    let downloads = server.url("/?workload=fetch&tasks=2&kib=16&latency=0&modes=async&repeat=1&warmup=0&autorun=1");
    server.stop();

    browser.goto(&home);
    let doc = wait_done(&browser, 240);
    assert_eq!(doc["env"]["crossOriginIsolated"], true);
    assert_every_mode_gives_the_default_sums(&doc);

    browser.goto(&downloads);
    let (_, text) = wait_result(&browser, 60);
    assert!(text.contains("Downloads need the server that served this page"), "{text}");
    let answer = browser.wait_for("#summary-async", 10).text();
    assert!(answer.contains("no answer from the server"), "the page shows why: {answer}");
}

crate::in_every_engine!(after_one_visit_the_page_runs_offline);

/// A new deploy (a new build: new files, a new worker) is what the next
/// visit shows, the old worker's store is dropped, and no visit reloads
/// more than once.
#[test]
fn a_new_deploy_replaces_the_stored_page_on_the_next_visit() {
    let root = crate::support::dist_linked_except("deploy", &["index.html", "sw.js"]);
    let built = dist();
    let deploy = |n: u32| {
        let index = std::fs::read_to_string(built.join("index.html")).unwrap();
        let index =
            index.replacen("<meta charset=utf-8>", &format!("<meta charset=utf-8><meta name=deploy content={n}>"), 1);
        assert!(index.contains("name=deploy"), "trunk's index.html has changed its form");
        std::fs::write(root.join("index.html"), index).unwrap();
        let sw = std::fs::read_to_string(built.join("sw.js")).unwrap();
        let sw = sw.replacen("const BUILD = \"", &format!("const BUILD = \"deploy{n}-"), 1);
        std::fs::write(root.join("sw.js"), sw).unwrap();
    };
    let deployed = |browser: &Browser| {
        browser.wait_for("#spindle-result", 30);
        browser.eval(
            "const m = document.querySelector('meta[name=deploy]');
             return [m && m.content, window.crossOriginIsolated];",
            vec![],
        )
    };

    deploy(1);
    let server = Server::start(root.clone(), false);
    let browser = Browser::launch();
    browser.goto(&server.url("/?modes=pool&bounds=300000&repeat=1&warmup=0&autorun=1"));
    assert_eq!(wait_done(&browser, 120)["runs"][0]["correct"], true);
    assert_eq!(deployed(&browser), json!(["1", true]));
    assert_eq!(server.page_loads(), 2);
    assert_eq!(wait_for_service_worker(&browser).len(), 1);

    deploy(2);
    browser.goto(&server.url("/"));
    assert_eq!(deployed(&browser), json!(["2", true]), "the next visit shows the new deploy");
    let stores = browser
        .wait_until(30, || {
            let stores = wait_for_service_worker(&browser);
            (stores.len() == 1 && stores[0].starts_with("spindle-deploy2-")).then_some(stores)
        })
        .expect("the new worker replaced the old one and its store");
    assert_eq!(stores.len(), 1);
    browser.goto(&server.url("/?modes=pool&bounds=300000&repeat=1&warmup=0&autorun=1"));
    assert_eq!(wait_done(&browser, 120)["runs"][0]["correct"], true);
    assert_eq!(deployed(&browser), json!(["2", true]));
    assert_eq!(server.page_loads(), 4, "each visit loaded the page once");
    let _ = std::fs::remove_dir_all(&root);
}

/// A browser that will not run the page's service worker (Firefox with
/// service workers turned off), on a host that sends no header: the page
/// says why, does not reload, and runs its own modes.
#[test]
fn where_service_workers_are_refused_the_page_explains_and_runs_what_it_can() {
    let server = Server::start(dist(), false);
    let browser = Browser::launch_with_prefs(Engine::Firefox, json!({ "dom.serviceWorkers.enabled": false }));
    browser.goto(&server.url("/?modes=sequential,main,pool,coop&bounds=300000&repeat=1&warmup=0&autorun=1"));
    let doc: Value = wait_done(&browser, 120);
    assert_eq!(doc["env"]["crossOriginIsolated"], false);
    for mode in ["main", "coop"] {
        assert_eq!(run_of(&doc, mode)["correct"], true, "{mode}");
    }
    let warning = browser.wait_for("#isolation-warning", 10).text();
    assert!(warning.contains("not cross-origin isolated"), "{warning}");
    assert!(warning.contains("This browser offers no service workers"), "{warning}");
    assert_eq!(server.page_loads(), 1, "no reload");
}

/// A private window (Firefox's, which allows service workers in this
/// version): isolated after one reload, like any window.
#[test]
fn a_private_window_is_isolated_after_one_reload() {
    let server = Server::start(dist(), false);
    let browser = Browser::launch_with_prefs(Engine::Firefox, json!({ "browser.privatebrowsing.autostart": true }));
    browser.goto(&server.url("/?modes=pool&bounds=300000&repeat=1&warmup=0&autorun=1"));
    let doc: Value = wait_done(&browser, 120);
    assert_eq!(doc["env"]["crossOriginIsolated"], true);
    assert_eq!(run_of(&doc, "pool")["correct"], true);
    std::thread::sleep(std::time::Duration::from_secs(1));
    assert_eq!(server.page_loads(), 2, "one reload");
}

/// A browser without `CompressionStream`/`DecompressionStream` or module
/// workers (Chromium with them removed before the page's scripts run):
/// the page says which feature is missing and runs what it still can.
#[test]
fn without_module_workers_or_compression_streams_the_page_says_so_and_runs_what_it_can() {
    let server = Server::start(dist(), true);
    let browser = Browser::launch();
    browser.devtools(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": "delete window.CompressionStream; delete window.DecompressionStream;
            const Native = window.Worker;
            window.Worker = function Worker(url, options) { return new Native(url); };" }),
    );
    let fragment = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/links/primes-three-modes.link"),
    )
    .expect("a link recorded by an earlier page");
    let query = "/?modes=sequential,main,pool,coop&bounds=300000&repeat=1&warmup=0&autorun=1";
    browser.goto(&server.url(query));
    let doc = wait_done(&browser, 120);
    for mode in ["main", "coop"] {
        assert_eq!(run_of(&doc, mode)["correct"], true, "{mode}");
    }
    let pool = browser.wait_for("#pool-warning", 10).text();
    assert!(pool.contains("cannot start module workers"), "{pool}");
    browser.wait_for("#copy-link", 10).click();
    let messages = browser.wait_for("#messages", 10).text();
    assert!(messages.contains("share links need CompressionStream"), "{messages}");
    browser.goto(&format!("{}#{}", server.url("/"), fragment.trim()));
    let messages = browser.wait_for("#messages", 30).text();
    assert!(messages.contains("no DecompressionStream"), "{messages}");
}

/// A page the browser draws no frames for (a hidden tab, a window the
/// system does not draw): a run still goes from step to step, with the
/// meter's timer standing in for the frames it waits for.
#[test]
fn a_page_that_draws_no_frames_still_runs_to_the_end() {
    let server = Server::start(dist(), true);
    let browser = Browser::launch();
    browser.devtools(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": "window.requestAnimationFrame = () => 0;" }),
    );
    browser.goto(&server.url("/?modes=sequential,main,pool,coop&bounds=300000&repeat=1&warmup=0&autorun=1"));
    let doc = wait_done(&browser, 120);
    for mode in ["sequential", "main", "pool", "coop"] {
        assert_eq!(run_of(&doc, mode)["correct"], true, "{mode}");
        assert!(run_of(&doc, mode)["responsiveness"].is_object(), "{mode}: measured");
    }
}

/// Browsers without `Uint8Array.toBase64`/`fromBase64` (before 2025):
/// the page's base64url falls back on `btoa`/`atob`, for the picture it
/// receives, the link it makes and the link it reads, and still refuses
/// text that is not base64url.
#[test]
fn without_the_new_base64_methods_pictures_and_share_links_still_work() {
    let server = Server::start(dist(), true);
    let browser = Browser::launch();
    browser.devtools(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": "delete Uint8Array.prototype.toBase64; delete Uint8Array.fromBase64;" }),
    );
    browser.goto(
        &server.url("/?workload=mandelbrot&width=64&height=48&band=8&modes=sequential&repeat=1&warmup=0&autorun=1"),
    );
    let doc = wait_done(&browser, 120);
    assert_eq!(browser.eval("return typeof Uint8Array.fromBase64;", vec![]), json!("undefined"));
    let lit = browser.wait_until(20, || {
        let v = browser.eval(
            "const c = document.getElementById('picture'); if (!c) return null;
             const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
             let lit = 0; for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] > 0) lit++;
             return lit;",
            vec![],
        );
        v.as_u64().filter(|&n| n > 0)
    });
    assert!(lit.is_some(), "the picture arrived and was drawn");
    let link = copy_link(&browser);
    browser.goto(&server.url("/"));
    browser.goto(&link);
    browser.wait_for("#shared", 30);
    let checksum = doc["runs"][0]["result"].as_str().unwrap();
    let shown = browser.wait_for("#summary-sequential .check", 10).text();
    assert!(checksum.starts_with("checksum ") && shown.contains(checksum), "the link's answer: {shown}");
    browser.goto(&format!("{}#result=AQ!!", server.url("/")));
    let messages = browser.wait_for("#messages", 30).text();
    assert!(messages.contains("base64url"), "{messages}");
}

/// WebKit's limit on a host without headers: under the page's service
/// worker it starts one compute worker per page load, so a new worker
/// count (a new pool is a new worker) fails until a reload; the page says
/// so, and the reload runs with the new count.
#[test]
fn in_webkit_on_a_host_without_headers_a_new_worker_count_takes_a_reload() {
    let server = Server::start(dist(), false);
    let browser = Browser::launch_engine(Engine::WebKit);
    browser.goto(&server.url("/?workers=1&bounds=300000&modes=pool&repeat=1&warmup=0&autorun=1"));
    assert_eq!(wait_done(&browser, 120)["pool"]["threads"], 1);
    browser.wait_for("#workers option[value=\"2\"]", 5).click();
    browser.wait_for("#run", 5).click();
    let warning = browser
        .wait_until(60, || browser.find("#pool-warning").map(|w| w.text()))
        .unwrap_or_else(|| panic!("no warning; pool: {:?}", browser.find("#env-pool").map(|p| p.text())));
    assert!(warning.contains("WebKit (Safari) starts one per page load"), "{warning}");
    assert!(browser.current_url().contains("workers=2"), "{}", browser.current_url());
    browser.goto(&server.url("/?workers=2&bounds=300000&modes=pool&repeat=1&warmup=0&autorun=1"));
    let doc = wait_done(&browser, 120);
    assert_eq!((doc["workers"].as_u64(), doc["pool"]["threads"].as_u64()), (Some(2), Some(2)));
    assert_eq!(run_of(&doc, "pool")["correct"], true);
}
