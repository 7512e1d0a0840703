//! The page measures its own main thread. While a run is in progress, one
//! timer beats every [`BEAT_MS`] and records when it ran; a frozen thread
//! shows up as a long gap between beats, time in which the page could
//! neither answer input nor draw. Drawn frames count as seen too. The same
//! timer refreshes the progress every [`TICK_MS`].
//!
//! A timer, not a `requestAnimationFrame` loop: traced in Chromium during
//! a 4.8 s pool run on 2 cores, the loop made the browser start 290
//! frames, 242 of them with nothing to draw, at about 1 ms each over the
//! renderer, compositor and display threads, on the cores the workers
//! need; a beat costs the main thread 0.04 ms. An idle page runs neither.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::clock::SharedClock;
use super::timer::{clear_timeout, set_timeout};
use crate::core::run::clock::Clock;
use crate::core::run::record::Responsiveness;

/// How often the thread is looked at while a run is in progress (ms): a
/// frame's time at 60 Hz, well under the 50 ms a person notices.
pub const BEAT_MS: f64 = 16.0;

/// How often the progress is refreshed (ms): each refresh is a render,
/// style, layout and paint on the cores the workers need.
pub const TICK_MS: f64 = 100.0;

/// Sightings older than this are dropped (ms).
const KEEP_MS: f64 = 120_000.0;

/// A frame asked for and not drawn within this (ms) is not waited for any
/// longer: a page that draws no frames (a hidden tab, a window the system
/// does not draw) still carries a run on, with its timer.
const FRAME_WAIT_MS: f64 = 1_000.0;

/// A run in progress: the next beat, and the progress refresh.
struct Watch {
    timeout: JsValue,
    on_tick: Option<Box<dyn FnMut()>>,
    last_tick: f64,
}

#[derive(Default)]
struct Inner {
    /// When the thread was seen running (SharedClock ms, ascending).
    seen: Vec<f64>,
    /// Run once at the next frame.
    waiting: Vec<Box<dyn FnOnce()>>,
    on_frame: Option<Closure<dyn FnMut(f64)>>,
    on_beat: Option<Closure<dyn FnMut()>>,
    watch: Option<Watch>,
    /// Whether a frame has been asked for and has not run yet.
    requested: bool,
    /// The timeout that stands in for that frame if it does not come.
    frame_wait: JsValue,
}

impl Inner {
    fn saw(&mut self, now: f64) {
        self.seen.push(now);
        if self.seen.first().is_some_and(|&f| now - f > KEEP_MS) {
            self.seen.retain(|&f| now - f <= KEEP_MS);
        }
    }

    /// Asks for the next frame, unless that is done already, and for the
    /// same call after [`FRAME_WAIT_MS`] in case no frame comes.
    fn request(&mut self) {
        if let (false, Some(cb), Some(window)) = (self.requested, &self.on_frame, web_sys::window()) {
            let _ = window.request_animation_frame(cb.as_ref().unchecked_ref());
            self.frame_wait = set_timeout(cb.as_ref(), FRAME_WAIT_MS);
            self.requested = true;
        }
    }
}

/// Sets the next beat: a timeout each, so a stopped meter leaves nothing
/// behind that an idle page would run.
fn arm(on_beat: &Option<Closure<dyn FnMut()>>) -> JsValue {
    on_beat.as_ref().map_or(JsValue::UNDEFINED, |beat| set_timeout(beat.as_ref(), BEAT_MS))
}

/// Cheap to clone; it works as long as one clone lives.
#[derive(Clone)]
pub struct MainThreadMeter(Rc<RefCell<Inner>>);

impl PartialEq for MainThreadMeter {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl MainThreadMeter {
    pub fn start() -> MainThreadMeter {
        let meter = MainThreadMeter(Rc::default());
        let weak = Rc::downgrade(&meter.0);
        // At the frame, or at the timeout standing in for it.
        let on_frame = Closure::<dyn FnMut(f64)>::new(move |_: f64| {
            let Some(inner) = weak.upgrade() else { return };
            let waiting = {
                let mut i = inner.borrow_mut();
                if !i.requested {
                    return;
                }
                clear_timeout(&i.frame_wait);
                i.requested = false;
                i.saw(SharedClock.now_ms());
                std::mem::take(&mut i.waiting)
            };
            for f in waiting {
                f();
            }
            let mut inner = inner.borrow_mut();
            if !inner.waiting.is_empty() {
                inner.request();
            }
        });
        let weak = Rc::downgrade(&meter.0);
        let on_beat = Closure::<dyn FnMut()>::new(move || {
            let Some(inner) = weak.upgrade() else { return };
            let now = SharedClock.now_ms();
            let tick = {
                let mut guard = inner.borrow_mut();
                let i = &mut *guard;
                i.saw(now);
                let Some(watch) = &mut i.watch else { return };
                watch.timeout = arm(&i.on_beat);
                // Due at the beat nearest to TICK_MS after the last.
                if now - watch.last_tick < TICK_MS - BEAT_MS / 2.0 {
                    return;
                }
                watch.last_tick = now;
                watch.on_tick.take()
            };
            // Outside the borrow: the refresh dispatches to the page.
            if let Some(mut on_tick) = tick {
                on_tick();
                if let Some(watch) = &mut inner.borrow_mut().watch {
                    watch.on_tick = Some(on_tick);
                }
            }
        });
        let mut inner = meter.0.borrow_mut();
        inner.on_frame = Some(on_frame);
        inner.on_beat = Some(on_beat);
        drop(inner);
        meter
    }

    /// From now until [`stop`](Self::stop): looks at the thread every
    /// [`BEAT_MS`] and calls `on_tick` every [`TICK_MS`].
    pub fn watch(&self, on_tick: impl FnMut() + 'static) {
        self.stop();
        let mut inner = self.0.borrow_mut();
        let timeout = arm(&inner.on_beat);
        inner.watch = Some(Watch { timeout, on_tick: Some(Box::new(on_tick)), last_tick: SharedClock.now_ms() });
    }

    /// Stops watching: an idle page runs no timer.
    pub fn stop(&self) {
        if let Some(watch) = self.0.borrow_mut().watch.take() {
            clear_timeout(&watch.timeout);
        }
    }

    /// Runs `f` at the next animation frame.
    pub fn after_next_frame(&self, f: impl FnOnce() + 'static) {
        let mut inner = self.0.borrow_mut();
        inner.waiting.push(Box::new(f));
        inner.request();
    }

    /// Runs `f` once the page has drawn what changed until now: at the
    /// animation frame after the next one (the next one runs before its
    /// own style, layout and paint).
    pub fn after_drawing(&self, f: impl FnOnce() + 'static) {
        let meter = self.clone();
        self.after_next_frame(move || meter.after_next_frame(f));
    }

    /// The main thread's responsiveness during `start..=end` (SharedClock ms).
    pub fn responsiveness(&self, start: f64, end: f64) -> Responsiveness {
        Responsiveness::from_sightings(&self.0.borrow().seen, start, end)
    }
}
