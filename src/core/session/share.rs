//! Share links: a run's whole result in the URL's fragment, so it never
//! reaches a server and needs no storage.
//!
//! `#result=` + base64url(`[LINK_FORMAT]` + zlib(the [`ResultDoc`] as JSON)).
//!
//! The steps are separate so that the zlib and the base64url can be the
//! browser's own (`CompressionStream("deflate")`, `Uint8Array.toBase64`,
//! in `platform::share`): [`document_json`] → zlib → [`framed`] →
//! base64url to make a link, [`payload`] → base64url → [`unframed`] →
//! inflate → [`read_document`] to read one. On the host (tests, fuzzers,
//! tools) [`encode`] and [`decode`] do the whole way with `miniz_oxide` and
//! the `base64` crate.
//! The first byte versions the framing; the document carries its own
//! `version` (see [`RESULT_VERSION`]). zlib's checksum catches damaged and
//! tampered links; everything decoded is checked before the page uses it.

use std::fmt;

#[cfg(not(target_arch = "wasm32"))]
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};

use crate::core::run::bounded;
use crate::core::run::document::{ResultDoc, RESULT_VERSION};
use crate::core::run::stats::{self, Measured, PlanStep};
use crate::core::session::setup::{Setup, MAX_WORKERS, REPEATS};
use crate::core::workload;

/// The framing of a link (the first byte after base64url decoding).
pub const LINK_FORMAT: u8 = 1;
/// What the fragment starts with (after `#`).
pub const FRAGMENT_KEY: &str = "result=";
/// Links the page makes stay under this many characters (per-task records
/// are left out if they would not); browsers take URLs of about 2 MB.
pub const MAX_LINK_CHARS: usize = 1_000_000;
/// Longer fragments are refused before decoding.
pub const MAX_FRAGMENT_CHARS: usize = 2_000_000;
/// The JSON inside may not inflate to more than this: the page's own links
/// (≤ 1,000,000 characters) unpack to a few MiB; in the browser, reading
/// one at the limit holds about three times this for a moment.
pub const MAX_JSON_BYTES: usize = 16 << 20;
/// Task records in one document, at most.
pub const MAX_TASKS: usize = bounded::MAX_TASKS;

/// Why a fragment could not be read, in words for the page.
#[derive(Debug, Clone, PartialEq)]
pub enum ShareError {
    /// The fragment is not a result link at all (another anchor).
    NotALink,
    Empty,
    TooLong {
        chars: usize,
    },
    NotBase64(String),
    /// A framing this page does not know (newer, or not Spindle's).
    Format(u8),
    /// The compressed data is cut short or altered.
    Damaged(String),
    /// It inflates to more than [`MAX_JSON_BYTES`].
    TooLarge,
    NotAResult(String),
    /// Made by a newer Spindle whose document this page cannot read.
    NewerResult(u32),
    /// Readable but not believable (counts past the limits, …).
    Implausible(String),
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lead = "This share link cannot be opened";
        match self {
            ShareError::NotALink => write!(f, "{lead}: its fragment does not start with #{FRAGMENT_KEY}."),
            ShareError::Empty => write!(f, "{lead}: it carries no result (the part after #{FRAGMENT_KEY} is empty)."),
            ShareError::TooLong { chars } => {
                write!(f, "{lead}: it is {chars} characters long; links up to {MAX_FRAGMENT_CHARS} are read.")
            }
            ShareError::NotBase64(e) => write!(f, "{lead}: it was cut or altered ({e})."),
            ShareError::Format(v) if *v > LINK_FORMAT => write!(
                f,
                "{lead}: it was made by a newer Spindle (link format {v}; this page reads format {LINK_FORMAT}). \
                 Open it with the Spindle that made it."
            ),
            ShareError::Format(v) => write!(f, "{lead}: link format {v} is not one Spindle ever made."),
            ShareError::Damaged(e) => write!(f, "{lead}: it is damaged: the data was cut short or altered ({e})."),
            ShareError::TooLarge => write!(f, "{lead}: it unpacks to more than {} MiB.", MAX_JSON_BYTES >> 20),
            ShareError::NotAResult(e) => write!(f, "{lead}: it holds no Spindle result ({e})."),
            ShareError::NewerResult(v) => write!(
                f,
                "{lead}: its result is in format {v}, made by a newer Spindle; this page reads formats 1 to \
                 {RESULT_VERSION}."
            ),
            ShareError::Implausible(e) => write!(f, "{lead}: its contents are not plausible ({e})."),
        }
    }
}

/// A link's fragment, and whether per-task records had to be left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// `result=…`, without the `#`.
    pub fragment: String,
    pub tasks_left_out: bool,
}

/// The document as a link carries it: JSON, with or without its per-task
/// records.
pub fn document_json(doc: &ResultDoc, with_tasks: bool) -> Vec<u8> {
    let json = |doc: &ResultDoc| serde_json::to_vec(doc).expect("the result document is plain data");
    if with_tasks {
        return json(doc);
    }
    json(&doc.without_tasks())
}

/// Zlib-compressed document JSON as a link frames it: the format byte,
/// then the data (base64url of this follows [`FRAGMENT_KEY`]).
pub fn framed(packed: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(packed.len() + 1);
    bytes.push(LINK_FORMAT);
    bytes.extend_from_slice(packed);
    bytes
}

/// The fragment (`result=…`) for zlib-compressed document JSON, with the
/// `base64` crate.
#[cfg(not(target_arch = "wasm32"))]
pub fn frame(packed: &[u8]) -> String {
    format!("{FRAGMENT_KEY}{}", URL_SAFE_NO_PAD.encode(framed(packed)))
}

/// The fragment for `doc`, compressed with `compress` (zlib): without its
/// per-task records if the link would otherwise pass [`MAX_LINK_CHARS`].
#[cfg(not(target_arch = "wasm32"))]
pub fn link_with(doc: &ResultDoc, compress: impl Fn(&[u8]) -> Vec<u8>) -> Link {
    let fragment = frame(&compress(&document_json(doc, true)));
    if fragment.len() <= MAX_LINK_CHARS {
        return Link { fragment, tasks_left_out: false };
    }
    Link { fragment: frame(&compress(&document_json(doc, false))), tasks_left_out: true }
}

/// [`link_with`] `miniz_oxide` (the host's zlib).
#[cfg(not(target_arch = "wasm32"))]
pub fn encode(doc: &ResultDoc) -> Link {
    link_with(doc, |json| miniz_oxide::deflate::compress_to_vec_zlib(json, 9))
}

/// The base64url text of a fragment (with or without `#`), after checking
/// that it is a link and not too long.
///
/// # Errors
/// Not a link, empty, or too long.
pub fn payload(fragment: &str) -> Result<&str, ShareError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let text = fragment.strip_prefix(FRAGMENT_KEY).ok_or(ShareError::NotALink)?;
    if text.is_empty() {
        return Err(ShareError::Empty);
    }
    if fragment.len() > MAX_FRAGMENT_CHARS {
        return Err(ShareError::TooLong { chars: fragment.len() });
    }
    Ok(text)
}

/// The zlib data in a link's decoded bytes, after checking the format byte.
///
/// # Errors
/// Empty, or a format this page does not know.
pub fn unframed(mut bytes: Vec<u8>) -> Result<Vec<u8>, ShareError> {
    match bytes.first() {
        None => Err(ShareError::Empty),
        Some(&LINK_FORMAT) => {
            bytes.remove(0);
            Ok(bytes)
        }
        Some(&format) => Err(ShareError::Format(format)),
    }
}

/// The zlib data a fragment (with or without `#`) carries, with the
/// `base64` crate: [`payload`], base64url, [`unframed`].
///
/// # Errors
/// Not a link, too long, not base64url, or an unknown format.
#[cfg(not(target_arch = "wasm32"))]
pub fn unframe(fragment: &str) -> Result<Vec<u8>, ShareError> {
    let bytes = URL_SAFE_NO_PAD.decode(payload(fragment)?).map_err(|e| ShareError::NotBase64(e.to_string()))?;
    unframed(bytes)
}

/// Reads a fragment (with or without `#`) with `miniz_oxide` (the host's
/// zlib): [`unframe`], inflate, [`read_document`].
///
/// # Errors
/// Anything that is not an intact, plausible result, in words.
#[cfg(not(target_arch = "wasm32"))]
pub fn decode(fragment: &str) -> Result<ResultDoc, ShareError> {
    use miniz_oxide::inflate::TINFLStatus;
    let packed = unframe(fragment)?;
    let json = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&packed, MAX_JSON_BYTES).map_err(|e| match e
        .status
    {
        TINFLStatus::HasMoreOutput => ShareError::TooLarge,
        status => ShareError::Damaged(format!("{status:?}")),
    })?;
    read_document(&json)
}

/// The result document in a link's unpacked JSON, upgraded to the current
/// format and checked.
///
/// # Errors
/// Not a result document, a newer one, or implausible contents.
pub fn read_document(json: &[u8]) -> Result<ResultDoc, ShareError> {
    if json.len() > MAX_JSON_BYTES {
        return Err(ShareError::TooLarge);
    }
    // A newer document with fields this page does not know still parses
    // (they are ignored), and its version says it is newer.
    let doc: ResultDoc = serde_json::from_slice(json).map_err(|e| ShareError::NotAResult(e.to_string()))?;
    if doc.version > RESULT_VERSION {
        return Err(ShareError::NewerResult(doc.version));
    }
    if doc.version == 0 {
        return Err(ShareError::NotAResult("no format version".into()));
    }
    let mut doc = upgrade(doc);
    check(&doc)?;
    recheck(&mut doc);
    Ok(doc)
}

/// Checks the answers a link reports where this page knows the right one
/// at once (a table or a formula: see `Policy::checkable_at_once`), and
/// marks those runs `checked_here`; the others keep the link's word.
fn recheck(doc: &mut ResultDoc) {
    let Some(spec) = crate::core::workload::find(&doc.workload) else { return };
    let Ok((work, _)) = (spec.build)(&doc.params) else { return };
    if !workload::checkable_at_once(&*work) {
        return;
    }
    let Some(reference) = work.reference() else { return };
    for run in doc.runs.iter_mut().filter(|r| r.correct.is_some()) {
        run.correct = Some(workload::is_correct(&*work, &run.result, &reference));
        run.checked_against = reference.source.to_string();
        run.checked_here = true;
    }
}

/// A document of an older format, brought to the current one. Version 1
/// had one run per mode and no statistics: each run becomes one measured
/// repeat, and the setup is rebuilt from its fields.
pub fn upgrade(mut doc: ResultDoc) -> ResultDoc {
    if doc.version < 2 {
        let measured: Vec<Measured> = doc
            .runs
            .iter()
            .map(|run| Measured {
                step: PlanStep { mode: run.mode, workers: doc.workers, round: 0, warmup: false },
                run: run.clone().into(),
            })
            .collect();
        doc.stats = stats::summarise(&measured);
        doc.repeat = 1;
        doc.warmup = false;
        if doc.setup.is_empty() {
            let mut setup = format!("workload={}", doc.workload);
            for (key, value) in &doc.params {
                setup.push_str(&format!("&{key}={value}"));
            }
            let modes: Vec<&str> = doc.runs.iter().map(|r| r.mode.id()).collect();
            setup.push_str(&format!("&workers={}&modes={}&repeat=1&warmup=0", doc.workers, modes.join(",")));
            doc.setup = setup;
        }
        doc.version = RESULT_VERSION;
    }
    doc
}

/// Times in a document: 0 … 10⁹ ms (11 days).
const MAX_MS: f64 = 1e9;
/// A speedup, an efficiency or a fit's error: 0 … 10⁶.
const MAX_RATIO: f64 = 1e6;
/// `navigator.hardwareConcurrency` as a link may report it.
pub const MAX_CORES: u32 = 1_024;

/// Every value of `doc` within what a run of this page could produce: the
/// limits of the page's own runs, so nothing drawn from a link can be
/// bigger, stranger or more than what the page draws for itself.
fn check(doc: &ResultDoc) -> Result<(), ShareError> {
    let implausible = |what: String| Err(ShareError::Implausible(what));
    let ms = |what: &str, t: f64| {
        if (0.0..=MAX_MS).contains(&t) {
            Ok(())
        } else {
            Err(ShareError::Implausible(format!("{what} of {t} ms; times are 0 … {MAX_MS} ms")))
        }
    };
    let ratio = |what: &str, r: f64| {
        if (0.0..=MAX_RATIO).contains(&r) {
            Ok(())
        } else {
            Err(ShareError::Implausible(format!("{what} of {r}; at most {MAX_RATIO}")))
        }
    };
    let threads = |what: &str, n: u32| {
        if n <= MAX_WORKERS {
            Ok(())
        } else {
            Err(ShareError::Implausible(format!("{what} with {n} threads; at most {MAX_WORKERS}")))
        }
    };
    if crate::core::workload::find(&doc.workload).is_none() {
        return implausible(format!("an unknown workload {:?}", doc.workload));
    }
    if let Some(stamp) = &doc.lesson {
        let Some((lesson, parts)) = stamp.parts(doc) else {
            return implausible(format!("an unknown lesson {:?}", stamp.id));
        };
        let cores = doc.env.hardware_concurrency;
        let mismatch = parts.len() > lesson.parts.len()
            || lesson
                .parts
                .iter()
                .zip(&parts)
                .any(|(p, d)| Setup::canonical(p.setup, cores) != Setup::canonical(&d.setup, cores));
        if mismatch {
            return implausible(format!("lesson {:?} with results that are not its setups", stamp.id));
        }
        for earlier in &stamp.earlier {
            if earlier.lesson.is_some() {
                return implausible("a lesson inside a lesson".into());
            }
            check(earlier)?;
        }
    }
    if !(1..=MAX_WORKERS).contains(&doc.workers) {
        return implausible(format!("{} workers; 1 … {MAX_WORKERS}", doc.workers));
    }
    if !REPEATS.contains(&doc.repeat) {
        return implausible(format!("{} repeats; {} … {}", doc.repeat, REPEATS.start(), REPEATS.end()));
    }
    if !(1..=MAX_CORES).contains(&doc.env.hardware_concurrency) {
        return implausible(format!("a browser with {} cores; 1 … {MAX_CORES}", doc.env.hardware_concurrency));
    }
    if let Some(pool) = &doc.pool {
        threads("a pool", pool.threads)?;
        ms("a pool start-up", pool.startup_ms)?;
        ms("a worker start-up", pool.worker_ready_ms)?;
    }
    let tasks: usize = doc.runs.iter().map(|r| r.tasks.len()).sum();
    if tasks > MAX_TASKS {
        return implausible(format!("{tasks} task records; at most {MAX_TASKS}"));
    }
    for (i, run) in doc.runs.iter().enumerate() {
        if doc.runs[..i].iter().any(|r| r.mode == run.mode) {
            return implausible(format!("two runs of mode {}", run.mode.id()));
        }
        threads("a run", run.threads)?;
        ms("a wall time", run.wall_ms)?;
        if run.failures > MAX_TASKS {
            return implausible(format!("{} failed tasks; at most {MAX_TASKS}", run.failures));
        }
        for (metric, value) in &run.metrics {
            if !(0.0..=1e12).contains(value) {
                return implausible(format!("a figure {metric:?} of {value}"));
            }
        }
        if let Some(r) = &run.responsiveness {
            ms("a main-thread gap", r.longest_gap_ms)?;
        }
        for t in &run.tasks {
            if t.index >= MAX_TASKS || t.worker >= MAX_WORKERS {
                return implausible(format!("task {} on worker {}; at most {MAX_WORKERS} workers", t.index, t.worker));
            }
            ms("a task start", t.start_ms)?;
            ms("a task end", t.end_ms)?;
            if t.start_ms > t.end_ms {
                return implausible(format!("a task that ends ({} ms) before it starts ({} ms)", t.end_ms, t.start_ms));
            }
        }
    }
    for (i, s) in doc.stats.iter().enumerate() {
        if !(1..=MAX_WORKERS).contains(&s.workers) {
            return implausible(format!("statistics for {} workers; 1 … {MAX_WORKERS}", s.workers));
        }
        if doc.stats[..i].iter().any(|o| (o.mode, o.workers) == (s.mode, s.workers)) {
            return implausible(format!("two rows of statistics for {} at {} workers", s.mode.id(), s.workers));
        }
        threads("a statistics row", s.threads)?;
        for &t in s.walls_ms.iter().chain([s.median_ms, s.min_ms, s.max_ms].iter()).chain(&s.warmup_ms) {
            ms("a wall time", t)?;
        }
        if !(s.min_ms <= s.median_ms && s.median_ms <= s.max_ms) {
            return implausible(format!("a median {} ms outside {} … {} ms", s.median_ms, s.min_ms, s.max_ms));
        }
        for r in s.speedup.iter().chain(&s.efficiency) {
            ratio("a speedup", *r)?;
        }
    }
    for (i, fit) in doc.amdahl.iter().enumerate() {
        if doc.amdahl[..i].iter().any(|o| o.mode == fit.mode) {
            return implausible(format!("two Amdahl fits for {}", fit.mode.id()));
        }
        if !(0.0..=1.0).contains(&fit.serial_fraction) {
            return implausible(format!("a serial fraction of {}; 0 … 1", fit.serial_fraction));
        }
        ratio("a fit's error", fit.rms_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The fuzzers' seeds (`tests/fuzz/seeds/share_link`, replayed on every
    /// test run; `scripts/fuzz.sh` runs libFuzzer from them): each is read
    /// or refused as a link and as unpacked JSON, never a panic.
    #[test]
    fn the_fuzz_seeds_are_read_or_refused() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/seeds/share_link");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let _ = decode(&String::from_utf8_lossy(&bytes));
            let _ = read_document(&bytes);
            seen += 1;
        }
        assert!(seen >= 20, "{seen} seeds");
    }
    use crate::core::mode::Mode;
    use crate::core::run::document::{EnvInfo, PoolInfo};
    use crate::core::run::record::{Metric, Responsiveness, RunRecord, TaskRecord};
    use crate::core::run::stats::{fit_all, plan, summarise};
    use std::collections::BTreeMap;

    fn task(index: usize, worker: u32, start_ms: f64, end_ms: f64) -> TaskRecord {
        TaskRecord { index, label: format!("task {index}"), worker, start_ms, end_ms, result: "7".into(), error: None }
    }

    fn doc_with(runs: Vec<RunRecord>) -> ResultDoc {
        let measured: Vec<Measured> = runs
            .iter()
            .flat_map(|r| {
                plan(&[r.mode], 2, 2, true, None).into_iter().map(|step| Measured { step, run: r.clone().into() })
            })
            .collect();
        let stats = summarise(&measured);
        ResultDoc {
            version: RESULT_VERSION,
            spindle: "0.1.0".into(),
            workload: "primes".into(),
            params: [("bounds".to_string(), "1000,2000".to_string())].into(),
            workers: 2,
            setup: "workload=primes&bounds=1000,2000&workers=2&modes=sequential,pool".into(),
            repeat: 2,
            warmup: true,
            sweep: false,
            cancelled: false,
            env: EnvInfo {
                cross_origin_isolated: true,
                shared_array_buffer: true,
                hardware_concurrency: 2,
                user_agent: "HeadlessChrome/156.0".into(),
            },
            pool: Some(PoolInfo { threads: 2, startup_ms: 41.5, worker_ready_ms: 120.25 }),
            amdahl: fit_all(&stats, 2),
            lesson: None,
            stats,
            runs,
        }
    }

    fn sample() -> ResultDoc {
        let run = |mode, wall_ms, tasks| RunRecord {
            mode,
            threads: 2,
            wall_ms,
            result: "76127,304162".into(),
            correct: Some(true),
            checked_against: "known answers".into(),
            tasks,
            failures: 0,
            metrics: BTreeMap::from([(Metric::MessageMs, 0.125)]),
            responsiveness: Some(Responsiveness { longest_gap_ms: 16.7, gaps_over_50ms: 0, sightings: 12 }),
            checked_here: false,
        };
        doc_with(vec![
            run(Mode::Sequential, 10.123456789, vec![task(0, 0, 0.0, 4.5), task(1, 0, 4.5, 10.1)]),
            run(Mode::Pool, 5.5, vec![task(0, 0, 0.1, 4.5), task(1, 1, 0.2, 5.4)]),
        ])
    }

    #[test]
    fn a_result_round_trips_through_a_link() {
        let doc = sample();
        let link = encode(&doc);
        assert!(!link.tasks_left_out);
        assert!(link.fragment.starts_with("result=A"), "format byte 1 first: {}", link.fragment);
        assert!(link.fragment.bytes().all(|b| b.is_ascii_alphanumeric() || b"=-_".contains(&b)));
        assert_eq!(decode(&format!("#{}", link.fragment)).unwrap(), doc);
        assert_eq!(decode(&link.fragment).unwrap(), doc);
    }

    /// Share links made by earlier pages (`tests/fixtures/links`): each
    /// `<name>.link` must still open as `<name>.json`, the document the
    /// page showed (without per-task records where the link left them
    /// out), or for a format-1 link, the document it opens as.
    #[test]
    fn links_made_by_earlier_pages_still_open_with_the_same_numbers() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/links");
        let mut links: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "link"))
            .collect();
        links.sort();
        assert!(links.len() >= 7, "the fixtures are there: {links:?}");
        for link in links {
            let fragment = std::fs::read_to_string(&link).unwrap();
            let doc = decode(fragment.trim()).unwrap_or_else(|e| panic!("{}: {e}", link.display()));
            let opened: serde_json::Value = serde_json::from_str(&doc.to_json()).unwrap();
            let expected = std::fs::read_to_string(link.with_extension("json")).unwrap();
            let shown: serde_json::Value = serde_json::from_str(&expected).unwrap();
            assert_eq!(opened, shown, "{}", link.display());
        }
    }

    #[test]
    fn a_version_1_result_still_opens_with_statistics_rebuilt() {
        // As session 1 and 2 pages published it: no setup, no stats.
        let v1 = r#"{"version":1,"spindle":"0.1.0","workload":"primes","params":{"bounds":"1000"},"workers":2,
            "env":{"crossOriginIsolated":true,"sharedArrayBuffer":true,"hardwareConcurrency":2,"userAgent":"x"},
            "pool":null,"runs":[
            {"mode":"sequential","threads":1,"wall_ms":8.0,"result":"76127","correct":true,"checked_against":"known answers","tasks":[]},
            {"mode":"pool","threads":2,"wall_ms":4.0,"result":"76127","correct":true,"checked_against":"known answers","tasks":[]}]}"#;
        let mut bytes = vec![LINK_FORMAT];
        bytes.extend(miniz_oxide::deflate::compress_to_vec_zlib(v1.as_bytes(), 6));
        let doc = decode(&format!("result={}", URL_SAFE_NO_PAD.encode(&bytes))).unwrap();
        assert_eq!(doc.version, RESULT_VERSION);
        assert_eq!(doc.setup, "workload=primes&bounds=1000&workers=2&modes=sequential,pool&repeat=1&warmup=0");
        let pool = doc.stats_of(Mode::Pool).unwrap();
        assert_eq!((pool.median_ms, pool.speedup), (4.0, Some(2.0)));
    }

    #[test]
    fn bad_links_say_why() {
        let good = encode(&sample()).fragment;
        type Expected = fn(&ShareError) -> bool;
        let cases: Vec<(String, Expected)> = vec![
            ("section-2".into(), |e| *e == ShareError::NotALink),
            ("result=".into(), |e| *e == ShareError::Empty),
            ("result=a*b".into(), |e| matches!(e, ShareError::NotBase64(_))),
            (good[..good.len() / 2].to_string(), |e| matches!(e, ShareError::Damaged(_) | ShareError::NotBase64(_))),
            ("result=Ag".into(), |e| *e == ShareError::Format(2)),
            ("result=AA".into(), |e| *e == ShareError::Format(0)),
            (format!("result={}", "A".repeat(MAX_FRAGMENT_CHARS)), |e| matches!(e, ShareError::TooLong { .. })),
        ];
        for (fragment, expected) in cases {
            let e = decode(&fragment).unwrap_err();
            assert!(expected(&e), "{fragment:.40}: {e:?}");
            assert!(e.to_string().starts_with("This share link cannot be opened"), "{e}");
        }
        assert!(decode("result=Ag").unwrap_err().to_string().contains("newer Spindle"));
    }

    /// A link whose JSON was edited, re-packed with a valid checksum.
    fn repacked(edit: impl FnOnce(&mut serde_json::Value)) -> Result<ResultDoc, ShareError> {
        let mut value: serde_json::Value = serde_json::to_value(sample()).unwrap();
        edit(&mut value);
        let mut bytes = vec![LINK_FORMAT];
        bytes.extend(miniz_oxide::deflate::compress_to_vec_zlib(value.to_string().as_bytes(), 6));
        decode(&format!("result={}", URL_SAFE_NO_PAD.encode(&bytes)))
    }

    #[test]
    fn tampered_contents_are_refused() {
        assert!(matches!(repacked(|v| v["version"] = 99.into()), Err(ShareError::NewerResult(99))));
        assert!(matches!(repacked(|v| v["runs"][0]["mode"] = "warp".into()), Err(ShareError::NotAResult(_))));
        assert!(matches!(repacked(|v| v["runs"][0]["wall_ms"] = (-5.0).into()), Err(ShareError::Implausible(_))));
        assert!(matches!(repacked(|v| v["workers"] = 100_000.into()), Err(ShareError::Implausible(_))));
        assert!(matches!(repacked(|v| v["version"] = "two".into()), Err(ShareError::NotAResult(_))));
        // A flipped bit in the compressed data fails zlib's checksum.
        let good = encode(&sample()).fragment;
        let mut bytes = URL_SAFE_NO_PAD.decode(&good[FRAGMENT_KEY.len()..]).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x10;
        let e = decode(&format!("result={}", URL_SAFE_NO_PAD.encode(&bytes))).unwrap_err();
        assert!(matches!(e, ShareError::Damaged(_) | ShareError::NotAResult(_)), "{e:?}");
    }

    /// What a stranger's link tried on the page: each is refused with the
    /// kind of problem it is, never drawn.
    #[test]
    fn numbers_past_what_a_run_can_produce_are_refused() {
        type Edit = fn(&mut serde_json::Value);
        let implausible: Vec<(&str, Edit)> = vec![
            ("threads", |v| v["runs"][0]["threads"] = u32::MAX.into()),
            ("worker", |v| v["runs"][0]["tasks"][0]["worker"] = u32::MAX.into()),
            ("statistics for", |v| v["stats"][0]["workers"] = u32::MAX.into()),
            ("repeats", |v| v["repeat"] = 1_000_000.into()),
            ("cores", |v| v["env"]["hardwareConcurrency"] = u32::MAX.into()),
            ("ends", |v| v["runs"][0]["tasks"][0]["start_ms"] = 9.0.into()),
            ("two runs", |v| v["runs"][1]["mode"] = "sequential".into()),
            ("speedup", |v| v["stats"][1]["speedup"] = 1e300.into()),
            ("unknown workload", |v| v["workload"] = "warp".into()),
            ("median", |v| v["stats"][0]["median_ms"] = 1e6.into()),
            ("figure", |v| v["runs"][0]["metrics"]["message_ms"] = (-1.0).into()),
        ];
        for (what, edit) in implausible {
            match repacked(edit) {
                Err(ShareError::Implausible(why)) => assert!(why.contains(what), "{what}: {why}"),
                other => panic!("{what}: {other:?}"),
            }
        }
        let mut fit = sample();
        fit.amdahl =
            vec![crate::core::run::stats::AmdahlFit { mode: Mode::Pool, serial_fraction: 2.0, rms_error: 0.1 }];
        let e = decode(&encode(&fit).fragment).unwrap_err();
        assert!(matches!(&e, ShareError::Implausible(why) if why.contains("serial fraction")), "{e:?}");
    }

    /// A lesson travels with its parts' results, and only with its own
    /// setups; the verdict is not read back (the page judges for itself).
    #[test]
    fn a_lesson_travels_with_its_parts_and_only_its_setups() {
        use crate::core::lesson::{find, LessonStamp, Outcome, Verdict};
        let uneven = find("uneven").unwrap();
        let mut first = sample();
        first.setup = uneven.parts[0].setup.to_string();
        let mut doc = sample();
        doc.setup = uneven.parts[1].setup.to_string();
        let verdict = Verdict { outcome: Outcome::Holds, reason: None, lines: vec![] };
        doc.lesson =
            Some(LessonStamp { id: "uneven".into(), earlier: vec![first.without_tasks()], verdict: Some(verdict) });
        let opened = decode(&encode(&doc).fragment).unwrap();
        let stamp = opened.lesson.as_ref().unwrap();
        assert_eq!((stamp.id.as_str(), stamp.verdict.as_ref()), ("uneven", None));
        assert_eq!(stamp.earlier[0].setup, first.setup);
        assert_eq!(stamp.parts(&opened).unwrap().1.len(), 2);

        let swapped = {
            let mut d = doc.clone();
            std::mem::swap(&mut d.setup, &mut d.lesson.as_mut().unwrap().earlier[0].setup);
            d
        };
        let nested = {
            let mut d = doc.clone();
            d.lesson.as_mut().unwrap().earlier[0].lesson = doc.lesson.clone();
            d
        };
        let unknown = {
            let mut d = doc.clone();
            d.lesson.as_mut().unwrap().id = "warp".into();
            d
        };
        let three = {
            let mut d = doc.clone();
            let first = d.lesson.as_ref().unwrap().earlier[0].clone();
            d.lesson.as_mut().unwrap().earlier.push(first);
            d
        };
        for (what, bad) in [
            ("not its setups", swapped),
            ("inside a lesson", nested),
            ("unknown lesson", unknown),
            ("not its setups", three),
        ] {
            let e = decode(&encode(&bad).fragment).unwrap_err();
            assert!(matches!(&e, ShareError::Implausible(why) if why.contains(what)), "{what}: {e:?}");
        }
    }

    /// A link's "✓ correct" is its own claim: where the page knows the
    /// answer at once (primes' table), it checks it; elsewhere the claim
    /// stands, marked as the link's.
    #[test]
    fn reported_answers_are_checked_here_where_the_page_knows_them() {
        let mut claim = sample();
        claim.params = [("bounds".to_string(), "1000000,2000000".to_string())].into();
        for run in &mut claim.runs {
            run.result = "37550402023,142913828922".into();
        }
        claim.runs[1].result = "1,2".into(); // wrong, but claimed right
        let opened = decode(&encode(&claim).fragment).unwrap();
        assert!(opened.runs.iter().all(|r| r.checked_here));
        assert_eq!((opened.runs[0].correct, opened.runs[1].correct), (Some(true), Some(false)));
        // Bounds outside the table would need the sieve: the claim stands.
        let opened = decode(&encode(&sample()).fragment).unwrap();
        assert!(opened.runs.iter().all(|r| !r.checked_here && r.correct == Some(true)));
    }

    #[test]
    fn what_json_cannot_hold_or_past_a_count_is_refused_while_parsing() {
        let not_a_result: Vec<(&str, String)> = vec![
            ("out of range", sample_json().replace("10.123456789", "1e999")),
            ("null", sample_json().replace("10.123456789", "null")),
            ("more than 4096 characters", sample_json().replace("\"task 0\"", &format!("\"{}\"", "x".repeat(5000)))),
            ("more than 32 parameters", {
                let keys: Vec<String> = (0..200_000).rev().map(|i| format!("\"k{i}\":\"v\"")).collect();
                sample_json().replace("\"bounds\":\"1000,2000\"", &keys.join(","))
            }),
            ("expected value", {
                let nested = format!("\"amdahl\":{}{}", "[".repeat(100_000), "]".repeat(100_000));
                sample_json().replace("\"amdahl\":[]", &nested)
            }),
        ];
        for (what, json) in not_a_result {
            let link = pack_json(&json);
            let started = std::time::Instant::now();
            match decode(&link) {
                Err(ShareError::NotAResult(why)) => assert!(why.contains(what), "{what}: {why}"),
                other => panic!("{what}: {other:?}"),
            }
            let build = if cfg!(debug_assertions) { "debug" } else { "release" };
            eprintln!("{what}: refused in {:?} ({build} build)", started.elapsed());
        }
        // Nesting where the document has none to give is skipped without
        // building anything (serde_json ignores unknown fields as it reads).
        let nested = format!("\"amdahl\":[],\"extra\":{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(decode(&pack_json(&sample_json().replace("\"amdahl\":[]", &nested))).unwrap(), sample());
    }

    fn sample_json() -> String {
        serde_json::to_string(&sample()).unwrap()
    }

    fn pack_json(json: &str) -> String {
        let mut bytes = vec![LINK_FORMAT];
        bytes.extend(miniz_oxide::deflate::compress_to_vec_zlib(json.as_bytes(), 6));
        format!("result={}", URL_SAFE_NO_PAD.encode(&bytes))
    }

    #[test]
    fn a_bomb_is_refused() {
        let mut bytes = vec![LINK_FORMAT];
        bytes.extend(miniz_oxide::deflate::compress_to_vec_zlib(&vec![b' '; MAX_JSON_BYTES + 1], 9));
        let e = decode(&format!("result={}", URL_SAFE_NO_PAD.encode(&bytes))).unwrap_err();
        assert_eq!(e, ShareError::TooLarge);
    }

    #[test]
    fn huge_results_leave_their_tasks_out() {
        let tasks: Vec<TaskRecord> =
            (0..40_000).map(|i| task(i, (i % 7) as u32, i as f64 * 1.37, i as f64 * 2.11)).collect();
        let mut doc = sample();
        for run in &mut doc.runs {
            run.tasks = tasks.clone();
        }
        let link = encode(&doc);
        assert!(link.tasks_left_out, "{} chars", link.fragment.len());
        assert!(link.fragment.len() <= MAX_LINK_CHARS);
        let back = decode(&link.fragment).unwrap();
        assert!(back.runs.iter().all(|r| r.tasks.is_empty()));
        assert_eq!(back.stats, doc.stats);
    }

    fn arb_task() -> impl Strategy<Value = TaskRecord> {
        (0usize..5000, any::<String>(), 0u32..64, 0.0f64..1e6, 0.0f64..1e6, any::<String>(), any::<Option<String>>())
            .prop_map(|(index, label, worker, a, b, result, error)| TaskRecord {
                index,
                label,
                worker,
                start_ms: a.min(b),
                end_ms: a.max(b),
                result,
                error,
            })
    }

    const METRICS: [Metric; 4] = [Metric::MessageMs, Metric::Switches, Metric::UsPerItem, Metric::Yields];

    fn arb_run() -> impl Strategy<Value = RunRecord> {
        (
            proptest::sample::select(Mode::ALL.to_vec()),
            1u32..64,
            0.0f64..1e6,
            any::<String>(),
            any::<Option<bool>>(),
            proptest::collection::vec(arb_task(), 0..20),
            proptest::collection::btree_map(proptest::sample::select(METRICS.to_vec()), 0.0f64..1e9, 0..4),
            proptest::option::of((0.0f64..1e5, 0u32..1000, 0u32..100_000)),
        )
            .prop_map(|(mode, threads, wall_ms, result, correct, tasks, metrics, gaps)| RunRecord {
                mode,
                threads,
                wall_ms,
                result,
                correct,
                checked_against: "sequential run".into(),
                failures: tasks.iter().filter(|t| t.error.is_some()).count(),
                tasks,
                metrics: metrics.into_iter().collect(),
                responsiveness: gaps.map(|(longest_gap_ms, gaps_over_50ms, sightings)| Responsiveness {
                    longest_gap_ms,
                    gaps_over_50ms,
                    sightings,
                }),
                checked_here: false,
            })
    }

    proptest! {
        // A fixed seed: the same inputs on every run, so CI is deterministic.
        #![proptest_config(ProptestConfig {
            cases: 64,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x5EED_0F5A_11CE),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn any_result_round_trips(
            runs in proptest::collection::vec(arb_run(), 0..8),
            modes in proptest::sample::subsequence(Mode::ALL.to_vec(), 0..=8),
            cancelled: bool,
            ua: String,
        ) {
            // One run per mode, as the page makes them.
            let runs = runs.into_iter().zip(modes).map(|(run, mode)| RunRecord { mode, ..run }).collect();
            let mut doc = doc_with(runs);
            doc.cancelled = cancelled;
            doc.env.user_agent = ua;
            let link = encode(&doc);
            prop_assert_eq!(decode(&link.fragment).unwrap(), doc);
        }

        #[test]
        fn any_text_is_refused_or_read_never_panics(text in ".{0,400}") {
            let _ = decode(&text);
            let _ = decode(&format!("result={text}"));
        }

        #[test]
        fn any_bytes_are_refused_or_read_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = decode(&format!("result={}", URL_SAFE_NO_PAD.encode(&bytes)));
            let mut framed = vec![LINK_FORMAT];
            framed.extend(&bytes);
            let _ = decode(&format!("result={}", URL_SAFE_NO_PAD.encode(&framed)));
        }

        #[test]
        fn any_compressed_json_is_refused_or_read_never_panics(json in "\\{.{0,200}\\}") {
            let mut framed = vec![LINK_FORMAT];
            framed.extend(miniz_oxide::deflate::compress_to_vec_zlib(json.as_bytes(), 6));
            let _ = decode(&format!("result={}", URL_SAFE_NO_PAD.encode(&framed)));
        }
    }
}
