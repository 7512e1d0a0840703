//! The result document: everything one click on Run produced, as the page
//! publishes it in `#spindle-result`, downloads it and packs it into share
//! links. Adding a field is one edit here plus the code that fills it.

use serde::{Deserialize, Serialize};

use super::bounded;
use super::record::RunRecord;
use super::stats::{AmdahlFit, ModeStats};
use crate::core::lesson::LessonStamp;
use crate::core::mode::Mode;
use crate::core::workload::Params;

/// Version of the [`ResultDoc`] format; bump on incompatible changes.
/// 1: one run per mode (sessions before repeats). 2: repeats, statistics,
/// sweep, the setup's query, `cancelled`. A version-1 document still reads
/// (the new fields default; see `share::upgrade`).
pub const RESULT_VERSION: u32 = 2;

/// The browser the page ran in.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvInfo {
    pub cross_origin_isolated: bool,
    pub shared_array_buffer: bool,
    pub hardware_concurrency: u32,
    #[serde(deserialize_with = "bounded::text::<_, { bounded::MAX_TEXT }>")]
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
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PoolInfo {
    pub threads: u32,
    /// `initThreadPool(threads)`: spawning the workers until all are ready.
    pub startup_ms: f64,
    /// Compute worker created until it answered with a ready pool.
    pub worker_ready_ms: f64,
}

/// The complete result of one click on Run, as published in
/// `#spindle-result`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultDoc {
    pub version: u32,
    #[serde(deserialize_with = "bounded::text::<_, { bounded::MAX_NAME }>")]
    pub spindle: String,
    #[serde(deserialize_with = "bounded::text::<_, { bounded::MAX_NAME }>")]
    pub workload: String,
    #[serde(deserialize_with = "bounded::params")]
    pub params: Params,
    pub workers: u32,
    /// The setup as a query string: what "Run here" runs.
    #[serde(default, deserialize_with = "bounded::text::<_, { bounded::MAX_TEXT }>")]
    pub setup: String,
    /// Measured repeats per mode (and worker count).
    #[serde(default = "one")]
    pub repeat: u32,
    /// Whether an unmeasured warm-up round ran first.
    #[serde(default)]
    pub warmup: bool,
    /// Whether the run swept the worker counts 1 … 2 × cores.
    #[serde(default)]
    pub sweep: bool,
    /// Cancel was pressed: only the runs that finished before it are here.
    #[serde(default)]
    pub cancelled: bool,
    pub env: EnvInfo,
    #[serde(default)]
    pub pool: Option<PoolInfo>,
    /// The latest run of each mode at `workers`, with its tasks.
    #[serde(deserialize_with = "bounded::at_most::<_, _, { Mode::ALL.len() }>")]
    pub runs: Vec<RunRecord>,
    /// Per mode and worker count, over the measured repeats.
    #[serde(default, deserialize_with = "bounded::at_most::<_, _, { bounded::MAX_STATS }>")]
    pub stats: Vec<ModeStats>,
    /// Sweeps: the Amdahl curve fitted to each mode that uses workers.
    #[serde(default, deserialize_with = "bounded::at_most::<_, _, { Mode::ALL.len() }>")]
    pub amdahl: Vec<AmdahlFit>,
    /// The lesson this run checked, and its verdict here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson: Option<LessonStamp>,
}

/// Fields added after version 1 may be missing (see `share::upgrade`).
fn one() -> u32 {
    1
}

impl ResultDoc {
    /// The document as the page publishes it: compact JSON, the one
    /// serialiser share links use too (a second, pretty one would double
    /// the serialising code in the download; *Download JSON* indents it
    /// with the browser's own `JSON.stringify`).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("the result document is plain data")
    }

    /// The statistics of `mode` at the document's worker count.
    pub fn stats_of(&self, mode: Mode) -> Option<&ModeStats> {
        self.stats.iter().find(|s| s.mode == mode && s.workers == self.workers)
    }

    /// The document without its runs' per-task records.
    pub fn without_tasks(&self) -> ResultDoc {
        let mut lean = self.clone();
        for run in &mut lean.runs {
            run.tasks.clear();
        }
        lean
    }

    /// The latest run of `mode`.
    pub fn run_of(&self, mode: Mode) -> Option<&RunRecord> {
        self.runs.iter().find(|r| r.mode == mode)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

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
            lesson: None,
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
                metrics: BTreeMap::new(),
                responsiveness: None,
                checked_here: false,
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
