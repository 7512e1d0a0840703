//! The page on phones and small windows: no horizontal scrolling from 360
//! to 1920 px, controls a fingertip tall on touch screens, and charts that
//! scroll inside their own box rather than shrink past reading.

use serde_json::{json, Value};

use crate::support::{dist, wait_done, Browser, Server};

/// A run with every kind of result on screen: the summary table, the
/// sweep chart, timelines, the task tables (opened) and the JSON.
const FULL_PAGE: &str = "/?workers=2&chunk=500000&modes=sequential,pool,isolated&sweep=1&repeat=1&warmup=0&autorun=1";

/// What overflows the window's width, and the touch targets under 44 px.
fn layout_faults(browser: &Browser) -> Value {
    browser.eval(
        "for (const d of document.querySelectorAll('details')) d.open = true;
         const width = window.innerWidth;
         const wide = [...document.querySelectorAll('body *')]
             .filter((e) => e.getBoundingClientRect().right > width + 0.5 && !e.closest('.timeline, .sweep, table, pre'))
             .slice(0, 5).map((e) => e.tagName + '#' + e.id + '.' + e.className);
         const small = !matchMedia('(pointer: coarse)').matches ? [] :
             [...document.querySelectorAll('button, select, summary, input')]
                 .filter((e) => e.offsetParent !== null)
                 .map((e) => (e.type === 'checkbox' || e.type === 'radio') ? e.closest('label') || e : e)
                 .filter((e) => e.getBoundingClientRect().height < 44)
                 .map((e) => e.tagName + '#' + (e.id || (e.querySelector('input') || {}).id || '') + ' ' +
                      Math.round(e.getBoundingClientRect().height) + 'px');
         return { width, scroll: document.documentElement.scrollWidth, wide, small,
                  coarse: matchMedia('(pointer: coarse)').matches };",
        vec![],
    )
}

/// No sideways scrolling, nothing wider than the window, no touch target
/// under 44 px; returns the figures.
fn assert_fits(browser: &Browser, width: u32) -> Value {
    let faults = layout_faults(browser);
    assert!(faults["scroll"].as_u64() <= faults["width"].as_u64(), "{width} px: the page scrolls sideways: {faults}");
    assert_eq!(faults["wide"], json!([]), "{width} px: wider than the window: {faults}");
    assert_eq!(faults["small"], json!([]), "{width} px: touch targets under 44 px: {faults}");
    faults
}

#[test]
fn no_horizontal_scrolling_from_360_to_1920_px_and_44_px_controls_on_touch() {
    let server = Server::start(dist(), true);
    for (width, height, touch) in
        [(360, 740, true), (390, 844, true), (768, 1024, true), (1280, 900, false), (1920, 1080, false)]
    {
        let browser = Browser::launch_device(width, height, touch);
        browser.goto(&server.url(FULL_PAGE));
        let doc = wait_done(&browser, 240);
        assert!(doc["runs"].as_array().unwrap().iter().all(|r| r["correct"] == true));
        browser.wait_for("#sweep-chart", 10);
        let faults = assert_fits(&browser, width);
        assert_eq!(faults["width"], json!(width), "{faults}");
        assert_eq!(faults["coarse"], json!(touch), "{faults}");
        // A timeline keeps a legible size on a phone, and scrolls inside.
        let timeline = browser.eval(
            "const f = document.querySelector('.timeline'); const s = f.querySelector('svg');
             return [f.clientWidth, s.getBoundingClientRect().width, f.scrollWidth];",
            vec![],
        );
        if width < 640 {
            assert!(timeline[1].as_f64() >= Some(560.0), "{width} px: the timeline shrank: {timeline}");
            assert!(timeline[2].as_f64() > timeline[0].as_f64(), "{width} px: it scrolls inside: {timeline}");
        }
        if let (390, Some(path)) = (width, std::env::var_os("SPINDLE_PHONE_SCREENSHOT")) {
            browser.eval(
                "for (const d of document.querySelectorAll('details')) d.open = false; document.getElementById('results').scrollIntoView();",
                vec![],
            );
            std::fs::write(path, browser.screenshot()).unwrap();
        }
    }
}

#[test]
fn a_lessons_verdict_and_picture_fit_a_phone() {
    let server = Server::start(dist(), true);
    for (width, height, touch) in [(360, 740, true), (1280, 900, false)] {
        let browser = Browser::launch_device(width, height, touch);
        browser.goto(&server.url("/?lesson=gil&autorun=1"));
        browser
            .wait_until(120, || (browser.find("#lesson")?.attr("data-outcome")? != "none").then_some(()))
            .expect("a verdict");
        browser.wait_for("#lesson-picture .bars", 10);
        assert_fits(&browser, width);
        // The criterion table wraps rather than scroll: every figure in view.
        let table = browser.eval(
            "const t = document.getElementById('checks'); return [t.getBoundingClientRect().right, window.innerWidth];",
            vec![],
        );
        assert!(table[0].as_f64() <= table[1].as_f64().map(|w| w + 0.5), "{width} px: the criterion table: {table}");
        if let (1280, Some(path)) = (width, std::env::var_os("SPINDLE_LESSON_SCREENSHOT")) {
            browser.eval("document.getElementById('lessons').scrollIntoView();", vec![]);
            std::fs::write(path, browser.screenshot()).unwrap();
        }
    }
}
