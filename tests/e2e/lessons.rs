//! The Lessons view: every lesson run in each engine finds a verdict with
//! its figures, and a shared lesson opens with its verdict and runs here.

use std::time::Instant;

use serde_json::{json, Value};

use crate::support::{console_errors, copy_link, open, open_in, wait_done, Browser, Engine};

/// Every lesson id, in the page's order (read from the page itself).
fn lesson_ids(browser: &Browser) -> Vec<String> {
    let v = browser.eval(
        "return [...document.querySelectorAll('.lesson-list button')].map(b => b.id.replace(/^open-/, ''));",
        vec![],
    );
    v.as_array().unwrap().iter().map(|id| id.as_str().unwrap().to_string()).collect()
}

/// Waits, without WebDriver traffic while the lesson runs (it would
/// disturb what it measures), for the open lesson `id` to have a verdict.
fn wait_verdict(browser: &Browser, id: &str, secs: u64) -> String {
    let script = "const [id, done] = arguments;
        (function check() {
            const e = document.querySelector(`#lesson[data-lesson='${id}']`);
            const outcome = e && e.dataset.outcome;
            if (outcome && outcome !== 'none') done(outcome); else setTimeout(check, 200);
        })();";
    browser.eval_async_with(script, vec![json!(id)], secs).as_str().unwrap_or_default().to_string()
}

fn text(browser: &Browser, css: &str) -> String {
    browser.wait_for(css, 10).text()
}

/// The verdict's lines as the result document carries them.
fn lines(doc: &Value) -> Vec<(String, String, Value)> {
    doc["lesson"]["verdict"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["criterion"].as_str().unwrap().into(), l["measured"].as_str().unwrap().into(), l["met"].clone()))
        .collect()
}

fn every_lesson_runs_and_finds_a_verdict_with_its_figures(engine: Engine) {
    let (_server, browser) = open_in(engine, "?lesson=gil", true);
    browser.wait_for("#lesson[data-lesson=gil]", 30);
    let ids = lesson_ids(&browser);
    assert!(ids.len() >= 13, "{ids:?}");
    let all = Instant::now();
    let mut report = Vec::new();
    for id in &ids {
        browser.find(&format!("#open-{id}")).unwrap().click();
        browser.wait_for(&format!("#lesson[data-lesson='{id}']"), 10);
        assert_eq!(browser.current_url().split('?').nth(1), Some(format!("lesson={id}").as_str()));
        browser.wait_until(60, || browser.find("#run-lesson")?.enabled().then_some(())).expect("Run enabled");
        let start = Instant::now();
        browser.find("#run-lesson").unwrap().click();
        let outcome = wait_verdict(&browser, id, 120);
        let secs = start.elapsed().as_secs_f64();
        let doc = wait_done(&browser, 10);
        assert_eq!(doc["lesson"]["id"], json!(id), "the result carries the lesson");
        let verdict = &doc["lesson"]["verdict"];
        let reason = verdict["reason"].as_str().unwrap_or_default().to_string();
        // An isolated browser on 2 cores can show every lesson: a verdict
        // either way, never "cannot", but where WebKit under automation
        // refuses its private file system, as the page says.
        let refused_files = engine == Engine::WebKit && id == "files";
        if refused_files {
            assert_eq!(outcome, "cannot-show", "{id}: {reason}");
            assert!(reason.contains("private file system"), "{reason}");
        } else {
            assert!(outcome == "holds" || outcome == "does-not-hold", "{id}: {outcome}: {reason}");
        }
        let shown = text(&browser, "#verdict .outcome");
        assert!(shown.starts_with("The claim ") && shown.ends_with(" here"), "{id}: {shown}");
        let lines = lines(&doc);
        assert!(!lines.is_empty(), "{id}");
        for (criterion, measured, met) in lines.iter().filter(|_| !refused_files) {
            assert!(!measured.is_empty() && met.is_boolean(), "{id}: {criterion} not measured");
        }
        let cells =
            browser.eval("return [...document.querySelectorAll('#checks td.here')].map(td => td.textContent);", vec![]);
        let cells: Vec<&str> = cells.as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
        assert_eq!(cells.len(), lines.len());
        for (cell, (_, measured, _)) in cells.iter().zip(&lines).filter(|_| !refused_files) {
            assert!(
                cell.starts_with(measured.as_str()) && (cell.ends_with('✓') || cell.ends_with('✗')),
                "{id}: {cell}"
            );
        }
        assert!(refused_files || browser.find("#lesson-picture").is_some(), "{id}: the picture");
        let figures: Vec<String> = lines
            .iter()
            .map(|(c, m, met)| format!("{c}: {m} {}", if met == &json!(true) { "✓" } else { "✗" }))
            .collect();
        report.push(format!(
            "{id}: {outcome} in {secs:.1} s{}\n  - {}",
            if reason.is_empty() { String::new() } else { format!(" ({reason})") },
            figures.join("\n  - ")
        ));
    }
    eprintln!("Lessons in {}, {:.0} s in all:\n{}", engine.name(), all.elapsed().as_secs_f64(), report.join("\n"));
    // The crash lesson's panic is on purpose, and the only error.
    let errors: Vec<String> =
        console_errors(&browser).into_iter().filter(|e| !e.contains("(injected with panic=")).collect();
    assert!(errors.is_empty(), "{errors:?}");
}

crate::in_every_engine!(every_lesson_runs_and_finds_a_verdict_with_its_figures);

#[test]
fn a_shared_lesson_opens_with_its_verdict_and_runs_here_beside_it() {
    let (_server, browser) = open("?lesson=uneven&autorun=1");
    let outcome = wait_verdict(&browser, "uneven", 120);
    let doc = wait_done(&browser, 10);
    assert_eq!(doc["lesson"]["id"], "uneven");
    assert_eq!(doc["lesson"]["earlier"].as_array().unwrap().len(), 1, "the first of its two parts travels too");
    let link = copy_link(&browser);
    drop(browser);

    let fresh = Browser::launch();
    fresh.goto(&link);
    fresh.wait_for("#lesson[data-lesson='uneven']", 30);
    let theirs = fresh.wait_for("#shared-verdict", 30);
    assert_eq!(theirs.attr("data-outcome").as_deref(), Some(outcome.as_str()));
    let said = text(&fresh, "#shared-verdict .outcome");
    let held = if outcome == "holds" { "held" } else { "did not hold" };
    assert!(
        said.starts_with(&format!("Shared link: the lesson {held} on Headless Chrome")) && said.ends_with(", 2 cores"),
        "{said}"
    );
    let shared_cells = fresh.eval("return document.querySelectorAll('#checks td.shared').length;", vec![]);
    assert_eq!(shared_cells, json!(lines(&doc).len()), "the link's figures beside the criterion");
    assert!(fresh.find("#verdict").is_none(), "nothing ran here yet");

    fresh.wait_until(60, || fresh.find("#run-here")?.enabled().then_some(())).expect("Run here enabled");
    fresh.find("#run-here").unwrap().click();
    let here = wait_verdict(&fresh, "uneven", 120);
    assert!(here == "holds" || here == "does-not-hold", "{here}");
    assert!(text(&fresh, "#verdict .outcome").starts_with("The claim "));
    assert_eq!(
        fresh.find("#shared-verdict").unwrap().attr("data-outcome").as_deref(),
        Some(outcome.as_str()),
        "both verdicts, side by side"
    );
    let mine = wait_done(&fresh, 10);
    assert_eq!(mine["lesson"]["id"], "uneven");
    assert_eq!(mine["lesson"]["earlier"][0]["setup"], doc["lesson"]["earlier"][0]["setup"], "both parts ran here");
    assert_eq!(mine["setup"], doc["setup"]);
    let errors = console_errors(&fresh);
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn a_hostile_lesson_id_says_why_and_leaves_the_lab_bench() {
    let (_server, browser) = open("?lesson=%22%3E%3Cimg%20src%3Dx%3E&workers=2");
    let messages = text(&browser, "#messages");
    assert!(messages.contains("Unknown lesson") && messages.contains("known: gil"), "{messages}");
    assert!(browser.find("#lesson").is_none());
    assert_eq!(browser.eval("return document.querySelectorAll('img').length;", vec![]), json!(0));
    browser.find("#open-race").unwrap().click();
    browser.wait_for("#lesson[data-lesson='race']", 10);
}
