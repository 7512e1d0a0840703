//! Mandelbrot: data-parallel image rendering (the tutorials' "image
//! processing" example of CPU-bound work). Tasks are bands of rows; rows
//! through the set take up to `iters` steps a pixel, rows outside a few, so
//! the tasks are uneven. Checked by a checksum against the sequential
//! render, and drawn on a canvas.

use std::collections::BTreeMap;

use super::api::{
    whole_number, Built, Draws, ParamSpec, Params, Picture, Policy, Reference, SetupError, Sliced, Traits, Workload,
    WorkloadSpec,
};

pub const MAX_SIDE: u64 = 2_048;
pub const MAX_ITERS: u64 = 10_000;
/// Pixel steps at most (width × height × iters): a few seconds in wasm.
pub const MAX_WORK: u64 = 2_000_000_000;
/// On the page's main thread.
pub const MAIN_THREAD_WORK: u64 = 500_000_000;

pub const SPEC: WorkloadSpec = WorkloadSpec {
    id: "mandelbrot",
    name: "Mandelbrot",
    kind: "CPU-bound, data parallel, uneven",
    about: "Renders the Mandelbrot set, one task per band of rows. Each pixel is independent, so the work \
            splits perfectly, but not evenly: rows through the black set cost up to the iteration limit \
            per pixel. Thin bands balance well on a pool; the timeline shows the expensive middle rows. \
            Checked by a checksum against the sequential render.",
    source: "the tutorial on threads and processes with parallel loops: image processing as the example of CPU-bound work for processes",
    params: &[
        ParamSpec { key: "width", label: "Width", default: "800", help: "pixels, 16 … 2,048" },
        ParamSpec { key: "height", label: "Height", default: "600", help: "pixels, 16 … 2,048" },
        ParamSpec { key: "iters", label: "Iterations", default: "500", help: "limit per pixel, 1 … 10,000" },
        ParamSpec { key: "band", label: "Rows per task", default: "10", help: "1 … height" },
    ],
    build,
    warm_up: || super::api::exercise(&Mandelbrot { width: 64, height: 32, iters: 200, band: 4 }),
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mandelbrot {
    pub width: u64,
    pub height: u64,
    pub iters: u64,
    pub band: u64,
}

impl Mandelbrot {
    /// Escape steps of pixel (x, y): the view is x ∈ [-2.5, 1], centred on
    /// the real axis, with square pixels.
    pub fn pixel(&self, x: u64, y: u64) -> u32 {
        let scale = 3.5 / self.width as f64;
        let cx = -2.5 + x as f64 * scale;
        let cy = (y as f64 - self.height as f64 / 2.0) * scale;
        let (mut zx, mut zy) = (0.0f64, 0.0f64);
        let mut i = 0;
        while i < self.iters as u32 && zx * zx + zy * zy <= 4.0 {
            let t = zx * zx - zy * zy + cx;
            zy = 2.0 * zx * zy + cy;
            zx = t;
            i += 1;
        }
        i
    }

    /// FNV-1a over a row's escape steps: a row's checksum.
    fn row_hash(&self, y: u64) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ y;
        for x in 0..self.width {
            h ^= self.pixel(x, y) as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h
    }

    fn rows(&self, index: usize) -> std::ops::Range<u64> {
        let lo = index as u64 * self.band;
        lo..(lo + self.band).min(self.height)
    }
}

impl Workload for Mandelbrot {
    fn task_count(&self) -> usize {
        self.height.div_ceil(self.band) as usize
    }

    fn task_label(&self, index: usize) -> String {
        let r = self.rows(index);
        format!("rows {}…{}", r.start, r.end - 1)
    }

    fn run_task(&self, index: usize) -> u64 {
        self.rows(index).fold(0u64, |sum, y| sum.wrapping_add(self.row_hash(y)))
    }

    fn answer(&self, values: &[u64]) -> String {
        let sum = values.iter().fold(0u64, |s, v| s.wrapping_add(*v));
        format!("checksum {sum:016x}")
    }

    /// No table: checked against the sequential render.
    fn reference(&self) -> Option<Reference> {
        None
    }

    fn traits(&self) -> Traits<'_> {
        Traits { sliced: Some(self), draws: Some(self), policy: Some(self), ..Traits::default() }
    }
}

impl Sliced for Mandelbrot {
    fn slice_count(&self, index: usize) -> usize {
        self.rows(index).count()
    }

    fn run_slice(&self, index: usize, slice: usize) -> u64 {
        self.row_hash(self.rows(index).start + slice as u64)
    }
}

impl Draws for Mandelbrot {
    fn picture(&self) -> Picture {
        let mut pixels = Vec::with_capacity((self.width * self.height) as usize);
        for y in 0..self.height {
            for x in 0..self.width {
                let i = self.pixel(x, y) as u64;
                // Inside the set: 0 (black); outside: 1 … 255 by escape
                // speed, on a log scale so the slow halo shows.
                let shade = 1.0 + 254.0 * (i as f64).ln_1p() / (self.iters as f64).ln_1p();
                pixels.push(if i >= self.iters { 0 } else { shade as u8 });
            }
        }
        Picture { width: self.width as u32, height: self.height as u32, pixels }
    }
}

impl Policy for Mandelbrot {
    /// Its reference is the sequential render: a run.
    fn checkable_at_once(&self) -> bool {
        false
    }

    fn main_thread_limit(&self) -> Option<String> {
        let work = self.width * self.height * self.iters;
        (work > MAIN_THREAD_WORK)
            .then(|| format!("{work} pixel steps; on the page's main thread the limit is {MAIN_THREAD_WORK}"))
    }
}

fn build(params: &Params) -> Result<Built, SetupError> {
    let width = whole_number(params, "width", 800, MAX_SIDE)?;
    let height = whole_number(params, "height", 600, MAX_SIDE)?;
    if width < 16 || height < 16 {
        return Err(SetupError::param(if width < 16 { "width" } else { "height" }, "must be at least 16"));
    }
    let iters = whole_number(params, "iters", 500, MAX_ITERS)?;
    if width * height * iters > MAX_WORK {
        return Err(SetupError::param(
            "iters",
            format!("{width} × {height} × {iters} is more than {MAX_WORK} pixel steps"),
        ));
    }
    let band = whole_number(params, "band", 10, height)?;
    let work = Mandelbrot { width, height, iters, band };
    let canonical: Params = BTreeMap::from([
        ("width".into(), width.to_string()),
        ("height".into(), height.to_string()),
        ("iters".into(), iters.to_string()),
        ("band".into(), band.to_string()),
    ]);
    Ok((Box::new(work), canonical))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_pixels() {
        let m = Mandelbrot { width: 350, height: 250, iters: 100, band: 10 };
        // x = 250 is cx = 0, the centre row is cy = 0: the origin is in the set.
        assert_eq!(m.pixel(250, 125), 100);
        // The left edge (cx = -2.5) escapes at once.
        assert_eq!(m.pixel(0, 125), 1);
    }

    #[test]
    fn bands_and_slices_agree_and_tasks_are_uneven() {
        let m = Mandelbrot { width: 64, height: 50, iters: 200, band: 8 };
        assert_eq!(m.task_count(), 7);
        assert_eq!(m.task_label(6), "rows 48…49");
        for i in 0..m.task_count() {
            let sliced = (0..m.slice_count(i)).fold(0u64, |s, k| s.wrapping_add(m.run_slice(i, k)));
            assert_eq!(sliced, m.run_task(i));
        }
        let p = m.picture();
        assert_eq!(p.pixels.len(), 64 * 50);
        assert!(p.pixels.contains(&0) && p.pixels.iter().any(|&v| v > 0));
    }

    #[test]
    fn limits() {
        let p = |w: &str, h: &str, i: &str| {
            Params::from([("width".into(), w.into()), ("height".into(), h.into()), ("iters".into(), i.into())])
        };
        assert!(build(&p("800", "600", "500")).is_ok());
        assert!(build(&p("8", "600", "500")).is_err());
        assert_eq!(build(&p("2048", "2048", "10000")).err().unwrap().param, Some("iters"));
    }
}
