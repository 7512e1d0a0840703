//! What a run produces: per-task records, per-mode runs, and the result
//! document the page publishes in `#spindle-result` (and later exports).

use super::map::Map;

use super::json::{FromJson, Json, ToJson, Writer};

use super::mode::Mode;
use super::stats::{AmdahlFit, ModeStats};
use super::workload::Params;

/// Version of the [`ResultDoc`] format; bump on incompatible changes.
/// 1: one run per mode (sessions before repeats). 2: repeats, statistics,
/// sweep, the setup's query, `cancelled`. A version-1 document still reads
/// (the new fields default; see `share::upgrade`).
pub const RESULT_VERSION: u32 = 2;

/// One task as it ran.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TaskRecord {
    /// Task number in submission order.
    pub index: usize,
    /// What the task covers (e.g. `≤ 1000000: 1…250000`).
    pub label: String,
    /// The thread that ran it: the pool thread's index, 0 for Sequential.
    pub worker: u32,
    /// Start and end in ms since the run started, on one clock for all workers.
    pub start_ms: f64,
    pub end_ms: f64,
    /// The task's own value (a partial sum).
    pub result: String,
    /// Why the task produced no value (it panicked, its worker died).
    pub error: Option<String>,
}

impl TaskRecord {
    pub fn duration_ms(&self) -> f64 {
        self.end_ms - self.start_ms
    }
}

/// One mode's run of the workload.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunRecord {
    pub mode: Mode,
    /// Threads that could run tasks (1 for Sequential).
    pub threads: u32,
    pub wall_ms: f64,
    /// The whole answer (for primes: one sum per bound, comma-separated).
    pub result: String,
    /// `None` when there was nothing to check against.
    pub correct: Option<bool>,
    /// What `correct` compared with: "known answers", "sieve of
    /// Eratosthenes", "sequential run" or "nothing".
    pub checked_against: String,
    /// Tasks in submission order.
    pub tasks: Vec<TaskRecord>,
    /// Tasks that failed (see [`TaskRecord::error`]).
    pub failures: usize,
    /// Mode-specific figures: `thread_startup_ms` (thread per task),
    /// `message_ms` (isolated workers), `switches` (GIL), …
    pub metrics: Map<f64>,
    /// How the page's main thread fared while this mode ran.
    pub responsiveness: Option<Responsiveness>,
}

/// The page's own main thread while a mode ran: the times it was seen
/// running (a timer beating every 16 ms, and drawn frames).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Responsiveness {
    /// Longest time the thread was not seen (between two sightings, or
    /// from the span's start or to its end).
    pub longest_gap_ms: f64,
    /// Gaps of more than 50 ms: a freeze a person notices.
    pub gaps_over_50ms: u32,
    /// Sightings in the span (JSON `frames`, the name links were made with).
    pub sightings: u32,
}

impl Responsiveness {
    /// The limit above which a gap counts as a freeze.
    pub const LONG_GAP_MS: f64 = 50.0;

    /// From the times (ms, ascending) the thread was seen running.
    pub fn from_sightings(seen: &[f64], start: f64, end: f64) -> Responsiveness {
        let mut points = vec![start];
        points.extend(seen.iter().copied().filter(|&t| t > start && t < end));
        points.push(end);
        let gaps = points.windows(2).map(|w| w[1] - w[0]);
        let (mut longest, mut over) = (0.0f64, 0);
        for gap in gaps {
            longest = longest.max(gap);
            if gap > Self::LONG_GAP_MS {
                over += 1;
            }
        }
        Responsiveness { longest_gap_ms: longest, gaps_over_50ms: over, sightings: points.len() as u32 - 2 }
    }
}

impl RunRecord {
    /// Task indices in the order they finished (`as_completed`).
    pub fn completion_order(&self) -> Vec<usize> {
        let mut tasks: Vec<&TaskRecord> = self.tasks.iter().collect();
        tasks.sort_unstable_by(|a, b| a.end_ms.total_cmp(&b.end_ms).then(a.index.cmp(&b.index)));
        tasks.iter().map(|t| t.index).collect()
    }

    /// The record without its per-task records (cheap to copy around).
    pub fn without_tasks(&self) -> RunRecord {
        RunRecord {
            mode: self.mode,
            threads: self.threads,
            wall_ms: self.wall_ms,
            result: self.result.clone(),
            correct: self.correct,
            checked_against: self.checked_against.clone(),
            tasks: Vec::new(),
            failures: self.failures,
            metrics: self.metrics.clone(),
            responsiveness: self.responsiveness,
        }
    }

    /// A right answer ("1") in 10 ms on one thread, no tasks: for tests.
    #[cfg(test)]
    pub(crate) fn checked(mode: Mode) -> RunRecord {
        RunRecord {
            mode,
            threads: 1,
            wall_ms: 10.0,
            result: "1".into(),
            correct: Some(true),
            checked_against: "known answers".into(),
            tasks: vec![],
            failures: 0,
            metrics: Default::default(),
            responsiveness: None,
        }
    }

    /// Distinct workers that ran at least one task.
    pub fn workers_used(&self) -> usize {
        let mut w: Vec<u32> = self.tasks.iter().map(|t| t.worker).collect();
        w.sort_unstable();
        w.dedup();
        w.len()
    }
}

/// Speedup of `run` against `baseline`: how many times faster it was.
pub fn speedup(baseline: &RunRecord, run: &RunRecord) -> Option<f64> {
    (run.wall_ms > 0.0).then(|| baseline.wall_ms / run.wall_ms)
}

/// The browser the page ran in.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EnvInfo {
    pub cross_origin_isolated: bool,
    pub shared_array_buffer: bool,
    pub hardware_concurrency: u32,
    pub user_agent: String,
}

impl EnvInfo {
    /// A short browser name and major version from the user agent.
    pub fn browser(&self) -> String {
        browser_name(&self.user_agent)
    }
}

/// "Chromium 156", "Firefox 153", … from a user-agent string.
pub fn browser_name(ua: &str) -> String {
    let version_after =
        |key: &str| ua.split(key).nth(1).map(|rest| rest.split(['.', ' ', ';', ')']).next().unwrap_or("").to_string());
    for (key, name) in [
        ("Firefox/", "Firefox"),
        ("Edg/", "Edge"),
        ("HeadlessChrome/", "Headless Chrome"),
        ("Chrome/", "Chrome"),
        ("Version/", "Safari"),
    ] {
        if let Some(v) = version_after(key) {
            return format!("{name} {v}");
        }
    }
    if ua.is_empty() {
        "unknown".into()
    } else {
        ua.to_string()
    }
}

/// The shared-memory pool a run used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoolInfo {
    pub threads: u32,
    /// `initThreadPool(threads)`: spawning the workers until all are ready.
    pub startup_ms: f64,
    /// Compute worker created until it answered with a ready pool.
    pub worker_ready_ms: f64,
}

/// The complete result of one click on Run, as published in
/// `#spindle-result`.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultDoc {
    pub version: u32,
    pub spindle: String,
    pub workload: String,
    pub params: Params,
    pub workers: u32,
    /// The setup as a query string: what "Run here" runs.
    pub setup: String,
    /// Measured repeats per mode (and worker count).
    pub repeat: u32,
    /// Whether an unmeasured warm-up round ran first.
    pub warmup: bool,
    /// Whether the run swept the worker counts 1 … 2 × cores.
    pub sweep: bool,
    /// Cancel was pressed: only the runs that finished before it are here.
    pub cancelled: bool,
    pub env: EnvInfo,
    pub pool: Option<PoolInfo>,
    /// The latest run of each mode at `workers`, with its tasks.
    pub runs: Vec<RunRecord>,
    /// Per mode and worker count, over the measured repeats.
    pub stats: Vec<ModeStats>,
    /// Sweeps: the Amdahl curve fitted to each mode that uses workers.
    pub amdahl: Vec<AmdahlFit>,
}

impl ResultDoc {
    pub fn to_json(&self) -> String {
        super::json::to_string_pretty(self)
    }

    /// The statistics of `mode` at the document's worker count.
    pub fn stats_of(&self, mode: Mode) -> Option<&ModeStats> {
        self.stats.iter().find(|s| s.mode == mode && s.workers == self.workers)
    }

    /// The latest run of `mode`.
    pub fn run_of(&self, mode: Mode) -> Option<&RunRecord> {
        self.runs.iter().find(|r| r.mode == mode)
    }
}

// ---- JSON: the documented keys (README, "The result document") ----------

impl ToJson for TaskRecord {
    fn write_json(&self, w: &mut Writer) {
        w.object()
            .field("index", &self.index)
            .field("label", &self.label)
            .field("worker", &self.worker)
            .field("start_ms", &self.start_ms)
            .field("end_ms", &self.end_ms)
            .field("result", &self.result)
            .some("error", &self.error)
            .end();
    }
}

impl FromJson for TaskRecord {
    fn from_json(value: Json<'_>) -> Result<TaskRecord, String> {
        let mut f = value.fields()?;
        let value = TaskRecord {
            index: f.req("index"),
            label: f.req("label"),
            worker: f.req("worker"),
            start_ms: f.req("start_ms"),
            end_ms: f.req("end_ms"),
            result: f.req("result"),
            error: f.or("error", None),
        };
        f.done(value)
    }
}

impl ToJson for RunRecord {
    fn write_json(&self, w: &mut Writer) {
        w.object()
            .field("mode", &self.mode)
            .field("threads", &self.threads)
            .field("wall_ms", &self.wall_ms)
            .field("result", &self.result)
            .field("correct", &self.correct)
            .field("checked_against", &self.checked_against)
            .field("tasks", &self.tasks)
            .field("failures", &self.failures)
            .field("metrics", &self.metrics)
            .field("responsiveness", &self.responsiveness)
            .end();
    }
}

impl FromJson for RunRecord {
    fn from_json(value: Json<'_>) -> Result<RunRecord, String> {
        let mut f = value.fields()?;
        let value = RunRecord {
            mode: f.req("mode"),
            threads: f.req("threads"),
            wall_ms: f.req("wall_ms"),
            result: f.req("result"),
            correct: f.or("correct", None),
            checked_against: f.req("checked_against"),
            tasks: f.req("tasks"),
            failures: f.or("failures", 0),
            metrics: f.or("metrics", Map::new()),
            responsiveness: f.or("responsiveness", None),
        };
        f.done(value)
    }
}

impl ToJson for Responsiveness {
    fn write_json(&self, w: &mut Writer) {
        w.object()
            .field("longest_gap_ms", &self.longest_gap_ms)
            .field("gaps_over_50ms", &self.gaps_over_50ms)
            .field("frames", &self.sightings)
            .end();
    }
}

impl FromJson for Responsiveness {
    fn from_json(value: Json<'_>) -> Result<Responsiveness, String> {
        let mut f = value.fields()?;
        let value = Responsiveness {
            longest_gap_ms: f.req("longest_gap_ms"),
            gaps_over_50ms: f.req("gaps_over_50ms"),
            sightings: f.req("frames"),
        };
        f.done(value)
    }
}

impl ToJson for EnvInfo {
    fn write_json(&self, w: &mut Writer) {
        w.object()
            .field("crossOriginIsolated", &self.cross_origin_isolated)
            .field("sharedArrayBuffer", &self.shared_array_buffer)
            .field("hardwareConcurrency", &self.hardware_concurrency)
            .field("userAgent", &self.user_agent)
            .end();
    }
}

impl FromJson for EnvInfo {
    fn from_json(value: Json<'_>) -> Result<EnvInfo, String> {
        let mut f = value.fields()?;
        let value = EnvInfo {
            cross_origin_isolated: f.req("crossOriginIsolated"),
            shared_array_buffer: f.req("sharedArrayBuffer"),
            hardware_concurrency: f.req("hardwareConcurrency"),
            user_agent: f.req("userAgent"),
        };
        f.done(value)
    }
}

impl ToJson for PoolInfo {
    fn write_json(&self, w: &mut Writer) {
        w.object()
            .field("threads", &self.threads)
            .field("startup_ms", &self.startup_ms)
            .field("worker_ready_ms", &self.worker_ready_ms)
            .end();
    }
}

impl FromJson for PoolInfo {
    fn from_json(value: Json<'_>) -> Result<PoolInfo, String> {
        let mut f = value.fields()?;
        let value = PoolInfo {
            threads: f.req("threads"),
            startup_ms: f.req("startup_ms"),
            worker_ready_ms: f.req("worker_ready_ms"),
        };
        f.done(value)
    }
}

impl ToJson for ResultDoc {
    fn write_json(&self, w: &mut Writer) {
        w.object()
            .field("version", &self.version)
            .field("spindle", &self.spindle)
            .field("workload", &self.workload)
            .field("params", &self.params)
            .field("workers", &self.workers)
            .field("setup", &self.setup)
            .field("repeat", &self.repeat)
            .field("warmup", &self.warmup)
            .field("sweep", &self.sweep)
            .field("cancelled", &self.cancelled)
            .field("env", &self.env)
            .field("pool", &self.pool)
            .field("runs", &self.runs)
            .field("stats", &self.stats)
            .field("amdahl", &self.amdahl)
            .end();
    }
}

impl FromJson for ResultDoc {
    /// Fields added after version 1 may be missing (see `share::upgrade`).
    fn from_json(value: Json<'_>) -> Result<ResultDoc, String> {
        let mut f = value.fields()?;
        let value = ResultDoc {
            version: f.req("version"),
            spindle: f.req("spindle"),
            workload: f.req("workload"),
            params: f.req("params"),
            workers: f.req("workers"),
            setup: f.or("setup", String::new()),
            repeat: f.or("repeat", 1),
            warmup: f.or("warmup", false),
            sweep: f.or("sweep", false),
            cancelled: f.or("cancelled", false),
            env: f.req("env"),
            pool: f.or("pool", None),
            runs: f.req("runs"),
            stats: f.or("stats", Vec::new()),
            amdahl: f.or("amdahl", Vec::new()),
        };
        f.done(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responsiveness_counts_gaps_including_the_edges() {
        let r = Responsiveness::from_sightings(&[5.0, 21.0, 37.0, 120.0, 136.0], 0.0, 140.0);
        assert_eq!(r.sightings, 5);
        assert_eq!(r.longest_gap_ms, 83.0);
        assert_eq!(r.gaps_over_50ms, 1);
        // Not seen at all during a 300 ms run: one 300 ms gap.
        let r = Responsiveness::from_sightings(&[-10.0, 400.0], 0.0, 300.0);
        assert_eq!((r.longest_gap_ms, r.gaps_over_50ms, r.sightings), (300.0, 1, 0));
    }

    #[test]
    fn browser_names() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.8078.73 Safari/537.36";
        assert_eq!(browser_name(chrome), "Headless Chrome 156");
        let ff = "Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0";
        assert_eq!(browser_name(ff), "Firefox 153");
        assert_eq!(browser_name(""), "unknown");
    }

    #[test]
    fn result_doc_uses_the_documented_keys() {
        let doc = ResultDoc {
            version: RESULT_VERSION,
            spindle: "0.1.0".into(),
            workload: "primes".into(),
            params: Params::new(),
            workers: 2,
            setup: "workload=primes".into(),
            repeat: 1,
            warmup: false,
            sweep: false,
            cancelled: false,
            stats: vec![],
            amdahl: vec![],
            env: EnvInfo { cross_origin_isolated: true, ..Default::default() },
            pool: None,
            runs: vec![RunRecord {
                mode: Mode::Pool,
                threads: 2,
                wall_ms: 1.5,
                result: "17".into(),
                correct: Some(true),
                checked_against: "known answers".into(),
                tasks: vec![],
                failures: 0,
                metrics: Map::new(),
                responsiveness: None,
            }],
        };
        let v: serde_json::Value = serde_json::from_str(&doc.to_json()).unwrap();
        assert_eq!(v["env"]["crossOriginIsolated"], true);
        assert_eq!(v["runs"][0]["mode"], "pool");
        assert_eq!(v["runs"][0]["correct"], true);
        assert!(v["env"]["hardwareConcurrency"].is_u64());
        assert!(v["env"]["userAgent"].is_string());
    }
}
