//! The page measures its own main thread: while a run is in progress, a
//! `requestAnimationFrame` loop records when each frame ran. A frozen
//! thread shows up as a long gap between frames. An idle page asks for no
//! frames: the loop alone kept about 8 % of a core busy in Chromium
//! (renderer, compositor and display threads) while nothing changed.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::clock::SharedClock;
use crate::core::clock::Clock;
use crate::core::record::Responsiveness;

/// Frames older than this are dropped (ms).
const KEEP_MS: f64 = 120_000.0;

type FrameCallback = Closure<dyn FnMut(f64)>;

#[derive(Default)]
struct Inner {
    frames: Vec<f64>,
    /// Run once at the next frame.
    waiting: Vec<Box<dyn FnOnce()>>,
    callback: Option<FrameCallback>,
    /// Whether to ask for every frame (a run is in progress).
    running: bool,
    /// Whether a frame has been asked for and has not run yet.
    requested: bool,
}

impl Inner {
    /// Asks for the next frame, unless that is done already.
    fn request(&mut self) {
        if !self.requested {
            if let Some(cb) = &self.callback {
                request_frame(cb);
                self.requested = true;
            }
        }
    }
}

/// Cheap to clone; the loop runs as long as one clone lives.
#[derive(Clone)]
pub struct FrameMeter(Rc<RefCell<Inner>>);

impl PartialEq for FrameMeter {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

fn request_frame(callback: &FrameCallback) {
    if let Some(window) = web_sys::window() {
        let _ = window.request_animation_frame(callback.as_ref().unchecked_ref());
    }
}

impl FrameMeter {
    pub fn start() -> FrameMeter {
        let meter = FrameMeter(Rc::default());
        let weak = Rc::downgrade(&meter.0);
        let callback = FrameCallback::new(move |_: f64| {
            let Some(inner) = weak.upgrade() else { return };
            let now = SharedClock.now_ms();
            let waiting = {
                let mut i = inner.borrow_mut();
                i.requested = false;
                i.frames.push(now);
                if i.frames.first().is_some_and(|&f| now - f > KEEP_MS) {
                    i.frames.retain(|&f| now - f <= KEEP_MS);
                }
                std::mem::take(&mut i.waiting)
            };
            for f in waiting {
                f();
            }
            let mut inner = inner.borrow_mut();
            if inner.running || !inner.waiting.is_empty() {
                inner.request();
            }
        });
        meter.0.borrow_mut().callback = Some(callback);
        meter
    }

    /// Records every frame from now on (`true`), or stops asking for them.
    pub fn set_running(&self, running: bool) {
        let mut inner = self.0.borrow_mut();
        inner.running = running;
        if running {
            inner.request();
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
        Responsiveness::from_frames(&self.0.borrow().frames, start, end)
    }
}
