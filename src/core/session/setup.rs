//! The page's setup, as it stands in the query string:
//! `?workload=primes&bounds=1000000,2000000&chunk=250000&workers=2&modes=sequential,pool&autorun=1`.
//!
//! Parsing never fails: every bad value is replaced by a safe default and
//! reported as a message for the page.

use std::fmt::Write as _;

use crate::core::mode::{normalise_modes, Mode};
use crate::core::workload::{self, Params, Workload, WorkloadSpec, CATALOGUE};

/// Never more pool threads than this, whatever the browser reports.
pub const MAX_WORKERS: u32 = 64;
/// A query is read up to this many `key=value` pairs; the rest are ignored,
/// with one message.
pub const MAX_QUERY_PAIRS: usize = 64;
/// A value longer than this many characters is refused unread.
pub const MAX_VALUE_CHARS: usize = 4_096;
/// Messages about one query, at most; then one that says how many more.
pub const MAX_MESSAGES: usize = 20;
/// A value quoted in a message is cut to this many characters.
const QUOTED_CHARS: usize = 40;

/// Keys the setup itself owns; all others belong to the workload.
const SETUP_KEYS: &[&str] =
    &["workload", "workers", "modes", "autorun", "switch", "panic", "repeat", "warmup", "sweep", "lesson"];

/// Measured repeats per mode (`repeat=`), after the warm-up run.
pub const REPEATS: std::ops::RangeInclusive<u32> = 1..=20;
pub const DEFAULT_REPEATS: u32 = 3;

/// GIL switch interval limits, whole ms (CPython's default is 5 ms).
pub const SWITCH_MS: std::ops::RangeInclusive<u32> = 1..=100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    pub workload: &'static WorkloadSpec,
    /// The workload's parameters, validated and canonical.
    pub params: Params,
    pub workers: u32,
    /// Ticked modes, in the fixed run order of [`Mode::ALL`].
    pub modes: Vec<Mode>,
    pub autorun: bool,
    /// GIL switch interval, ms (`switch=`).
    pub switch_ms: u32,
    /// Make this task panic (`panic=`), to show what a crash does per mode.
    pub panic_task: Option<usize>,
    /// Measured repeats of every mode (`repeat=`).
    pub repeat: u32,
    /// Run every mode once, unmeasured, before the repeats (`warmup=0`
    /// skips it).
    pub warmup: bool,
    /// Run at every worker count from 1 to 2 × cores (`sweep=1`).
    pub sweep: bool,
}

impl PartialEq for WorkloadSpec {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}
impl Eq for WorkloadSpec {}

/// The worker counts a browser with `hardware_concurrency` logical cores
/// may choose: `1 ..= 2 × cores` (capped at [`MAX_WORKERS`]).
pub fn worker_range(hardware_concurrency: u32) -> std::ops::RangeInclusive<u32> {
    1..=(2 * hardware_concurrency.max(1)).min(MAX_WORKERS)
}

pub fn default_workers(hardware_concurrency: u32) -> u32 {
    hardware_concurrency.clamp(1, *worker_range(hardware_concurrency).end())
}

impl Setup {
    pub fn defaults(hardware_concurrency: u32) -> Setup {
        let workload = &CATALOGUE[0];
        Setup {
            workload,
            params: workload.default_params(),
            workers: default_workers(hardware_concurrency),
            modes: Mode::DEFAULT.to_vec(),
            autorun: false,
            switch_ms: crate::core::run::gil::DEFAULT_SWITCH_MS as u32,
            panic_task: None,
            repeat: DEFAULT_REPEATS,
            warmup: true,
            sweep: false,
        }
    }

    /// Reads a query string (with or without the leading `?`). Returns the
    /// setup and one message per value that was rejected and replaced.
    pub fn from_query(query: &str, hardware_concurrency: u32) -> (Setup, Vec<String>) {
        let mut setup = Setup::defaults(hardware_concurrency);
        let (pairs, mut messages) = parse_query(query);
        let get = |key: &str| pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str());

        if let Some(id) = get("workload") {
            match workload::find(id) {
                Some(w) => setup.workload = w,
                None => messages.push(format!(
                    "Unknown workload {}; using {:?}. Known: {}.",
                    quote(id),
                    setup.workload.id,
                    CATALOGUE.iter().map(|w| w.id).collect::<Vec<_>>().join(", ")
                )),
            }
        }

        if let Some(text) = get("workers") {
            let range = worker_range(hardware_concurrency);
            match text.trim().parse::<u32>() {
                Ok(n) if range.contains(&n) => setup.workers = n,
                _ => messages.push(format!(
                    "Worker count {} is not a whole number from {} to {} (2 × the {} cores \
                     this browser reports); using {}.",
                    quote(text),
                    range.start(),
                    range.end(),
                    hardware_concurrency,
                    setup.workers
                )),
            }
        }

        if let Some(text) = get("modes") {
            let mut modes = Vec::new();
            for id in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                match Mode::from_id(id) {
                    Some(m) => modes.push(m),
                    None => messages.push(format!(
                        "Unknown mode {} ignored. Known: {}.",
                        quote(id),
                        Mode::ALL.iter().map(|m| m.id()).collect::<Vec<_>>().join(", ")
                    )),
                }
            }
            if modes.is_empty() {
                messages.push("No known mode chosen; using the default modes.".into());
            } else {
                setup.modes = normalise_modes(modes);
            }
        }

        match get("autorun").map(flag) {
            None | Some(Some(false)) => {}
            Some(Some(true)) => setup.autorun = true,
            Some(None) => messages.push(format!(
                "autorun={} is neither 1 nor 0; not running automatically.",
                quote(get("autorun").unwrap_or_default())
            )),
        }
        match get("sweep").map(flag) {
            None | Some(Some(false)) => {}
            Some(Some(true)) => setup.sweep = true,
            Some(None) => messages.push(format!(
                "sweep={} is neither 1 nor 0; running at one worker count.",
                quote(get("sweep").unwrap_or_default())
            )),
        }
        match get("warmup").map(flag) {
            None | Some(Some(true)) => {}
            Some(Some(false)) => setup.warmup = false,
            Some(None) => messages.push(format!(
                "warmup={} is neither 1 nor 0; warming up first.",
                quote(get("warmup").unwrap_or_default())
            )),
        }
        if let Some(text) = get("repeat") {
            match text.trim().parse::<u32>() {
                Ok(k) if REPEATS.contains(&k) => setup.repeat = k,
                _ => messages.push(format!(
                    "repeat={} is not a whole number from {} to {}; using {}.",
                    quote(text),
                    REPEATS.start(),
                    REPEATS.end(),
                    setup.repeat
                )),
            }
        }

        if let Some(text) = get("switch") {
            match text.trim().parse::<u32>() {
                Ok(ms) if SWITCH_MS.contains(&ms) => setup.switch_ms = ms,
                _ => messages.push(format!(
                    "GIL switch interval {} is not a whole number of ms from {} to {}; using {}.",
                    quote(text),
                    SWITCH_MS.start(),
                    SWITCH_MS.end(),
                    setup.switch_ms
                )),
            }
        }

        let known_keys: Vec<&str> = setup.workload.params.iter().map(|p| p.key).collect();
        let mut raw = Params::new();
        for (key, value) in &pairs {
            if known_keys.contains(&key.as_str()) {
                raw.insert(key.clone(), value.clone());
            } else if !SETUP_KEYS.contains(&key.as_str()) {
                messages.push(format!("Unknown parameter {} ignored.", quote(key)));
            }
        }
        let (params, param_messages) = validate_params(setup.workload, raw);
        setup.params = params;
        messages.extend(param_messages);

        messages.extend(setup.keep_supported_modes());

        if let Some(text) = get("panic").filter(|t| !t.trim().is_empty()) {
            let tasks = setup.build().task_count();
            match text.trim().parse::<usize>() {
                Ok(i) if i < tasks => setup.panic_task = Some(i),
                _ => messages.push(format!(
                    "panic={} names no task (there are {tasks}, numbered from 0); no task will panic.",
                    quote(text)
                )),
            }
        }
        (setup, at_most_messages(messages))
    }

    /// The setup `query` stands for, written the one way the page writes
    /// it (without `autorun`): two queries of the same setup give the same.
    pub fn canonical(query: &str, hardware_concurrency: u32) -> String {
        Setup::from_query(query, hardware_concurrency).0.to_query_without_autorun()
    }

    /// [`Setup::to_query`] without `autorun`: the setup itself, as result
    /// documents and lessons compare it.
    pub fn to_query_without_autorun(&self) -> String {
        Setup { autorun: false, ..self.clone() }.to_query()
    }

    /// The query string (without `?`) that reproduces this setup.
    pub fn to_query(&self) -> String {
        let mut q = format!("workload={}", self.workload.id);
        for spec in self.workload.params {
            if let Some(v) = self.params.get(spec.key) {
                let _ = write!(q, "&{}={}", spec.key, encode_component(v));
            }
        }
        let modes: Vec<&str> = self.modes.iter().map(|m| m.id()).collect();
        let _ = write!(q, "&workers={}&modes={}", self.workers, modes.join(","));
        if self.switch_ms != crate::core::run::gil::DEFAULT_SWITCH_MS as u32 {
            let _ = write!(q, "&switch={}", self.switch_ms);
        }
        if let Some(i) = self.panic_task {
            let _ = write!(q, "&panic={i}");
        }
        if self.repeat != DEFAULT_REPEATS {
            let _ = write!(q, "&repeat={}", self.repeat);
        }
        if !self.warmup {
            q.push_str("&warmup=0");
        }
        if self.sweep {
            q.push_str("&sweep=1");
        }
        if self.autorun {
            q.push_str("&autorun=1");
        }
        q
    }

    /// The workload these parameters describe.
    ///
    /// # Panics
    /// Never for a `Setup` built by this module: its params are validated.
    pub fn build(&self) -> Box<dyn Workload> {
        (self.workload.build)(&self.params).expect("setup params are validated").0
    }

    /// Sets one workload parameter from the page's form. A rejected value
    /// leaves the previous one in place and returns the message.
    pub fn with_param(&self, key: &str, value: &str) -> (Setup, Option<String>) {
        let mut params = self.params.clone();
        if value.trim().is_empty() {
            params.remove(key);
        } else {
            params.insert(key.to_string(), value.to_string());
        }
        match (self.workload.build)(&params) {
            Ok((_, canonical)) => (Setup { params: canonical, autorun: false, ..self.clone() }, None),
            Err(e) => (self.clone(), Some(format!("{e}. Kept the previous value."))),
        }
    }

    /// Sets the GIL switch interval from the form; a rejected value keeps
    /// the previous one and returns the message.
    pub fn with_switch(&self, text: &str) -> (Setup, Option<String>) {
        match text.trim().parse::<u32>() {
            Ok(ms) if SWITCH_MS.contains(&ms) => (Setup { switch_ms: ms, autorun: false, ..self.clone() }, None),
            _ => (
                self.clone(),
                Some(format!(
                    "GIL switch interval {} is not a whole number of ms from {} to {}; kept {}.",
                    quote(text),
                    SWITCH_MS.start(),
                    SWITCH_MS.end(),
                    self.switch_ms
                )),
            ),
        }
    }

    /// Sets the number of measured repeats from the form; a rejected value
    /// keeps the previous one and returns the message.
    pub fn with_repeat(&self, text: &str) -> (Setup, Option<String>) {
        match text.trim().parse::<u32>() {
            Ok(k) if REPEATS.contains(&k) => (Setup { repeat: k, autorun: false, ..self.clone() }, None),
            _ => (
                self.clone(),
                Some(format!(
                    "Repeats {} is not a whole number from {} to {}; kept {}.",
                    quote(text),
                    REPEATS.start(),
                    REPEATS.end(),
                    self.repeat
                )),
            ),
        }
    }

    /// Sets the task to panic from the form (empty: none).
    pub fn with_panic(&self, text: &str) -> (Setup, Option<String>) {
        if text.trim().is_empty() {
            return (Setup { panic_task: None, autorun: false, ..self.clone() }, None);
        }
        let tasks = self.build().task_count();
        match text.trim().parse::<usize>() {
            Ok(i) if i < tasks => (Setup { panic_task: Some(i), autorun: false, ..self.clone() }, None),
            _ => (
                self.clone(),
                Some(format!(
                    "Panic task {}: there are {tasks} tasks, numbered from 0; kept the previous value.",
                    quote(text)
                )),
            ),
        }
    }

    /// Leaves out the modes the workload does not support (Sequential if
    /// none is left); one message per mode left out.
    fn keep_supported_modes(&mut self) -> Vec<String> {
        let work = self.build();
        let (kept, dropped): (Vec<Mode>, Vec<Mode>) =
            self.modes.iter().partition(|&&m| workload::unsupported(&*work, m).is_none());
        self.modes = if kept.is_empty() { vec![Mode::Sequential] } else { kept };
        dropped
            .into_iter()
            .map(|m| format!("Mode {:?} left out: {}.", m.id(), workload::unsupported(&*work, m).unwrap_or_default()))
            .collect()
    }

    pub fn with_workload(&self, id: &str) -> Setup {
        match workload::find(id) {
            Some(w) if w.id != self.workload.id => {
                let mut setup =
                    Setup { workload: w, params: w.default_params(), autorun: false, panic_task: None, ..self.clone() };
                setup.keep_supported_modes();
                setup
            }
            _ => self.clone(),
        }
    }
}

/// `1`/`true` or `0`/`false`; anything else is `None`.
fn flag(text: &str) -> Option<bool> {
    match text.trim() {
        "1" | "true" => Some(true),
        "0" | "false" => Some(false),
        _ => None,
    }
}

/// Builds the workload from `raw`; each parameter that is rejected falls
/// back to its default, with a message.
fn validate_params(spec: &WorkloadSpec, mut raw: Params) -> (Params, Vec<String>) {
    let mut messages = Vec::new();
    for _ in 0..=spec.params.len() {
        match (spec.build)(&raw) {
            Ok((_, canonical)) => return (canonical, messages),
            Err(e) => {
                let key = e.param.unwrap_or("");
                let default = spec.params.iter().find(|p| p.key == key).map(|p| p.default);
                match default {
                    Some(d) if raw.get(key).map(String::as_str) != Some(d) => {
                        messages.push(format!("{e}; using the default ({}).", if d.is_empty() { "none" } else { d }));
                        if d.is_empty() {
                            raw.remove(key);
                        } else {
                            raw.insert(key.to_string(), d.to_string());
                        }
                    }
                    _ => break,
                }
            }
        }
    }
    messages.push("The parameters do not fit together; using the defaults.".into());
    let defaults = spec.default_params();
    let canonical = (spec.build)(&defaults).map(|(_, c)| c).unwrap_or(defaults);
    (canonical, messages)
}

/// Splits `a=1&b=2` into decoded pairs (`+` is a space, `%2C` a comma);
/// a key without `=` has an empty value. Reads at most
/// [`MAX_QUERY_PAIRS`] pairs and values of at most [`MAX_VALUE_CHARS`];
/// says what it left out.
fn parse_query(query: &str) -> (Vec<(String, String)>, Vec<String>) {
    let mut pairs = Vec::new();
    let mut messages = Vec::new();
    let mut ignored = 0usize;
    for (key, value) in form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
        if pairs.len() == MAX_QUERY_PAIRS {
            ignored += 1;
        } else if key.chars().count() > MAX_VALUE_CHARS || value.chars().count() > MAX_VALUE_CHARS {
            messages
                .push(format!("The value of {} is longer than {MAX_VALUE_CHARS} characters; ignored.", quote(&key)));
        } else {
            pairs.push((key.into_owned(), value.into_owned()));
        }
    }
    if ignored > 0 {
        messages.push(format!("The address has more than {MAX_QUERY_PAIRS} parameters; {ignored} ignored."));
    }
    (pairs, messages)
}

/// `text` in quotes for a message, cut to a readable length.
fn quote(text: &str) -> String {
    match text.char_indices().nth(QUOTED_CHARS) {
        Some((cut, _)) => format!("{:?}…", &text[..cut]),
        None => format!("{text:?}"),
    }
}

/// At most [`MAX_MESSAGES`], the last saying how many more there were.
fn at_most_messages(mut messages: Vec<String>) -> Vec<String> {
    if messages.len() > MAX_MESSAGES {
        let more = messages.len() - (MAX_MESSAGES - 1);
        messages.truncate(MAX_MESSAGES - 1);
        messages.push(format!("… and {more} more messages about this address."));
    }
    messages
}

/// What a value in the query keeps as it is: the unreserved characters
/// (RFC 3986) and the comma, so lists stay readable (`bounds=1000,2000`).
const VALUE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~').remove(b',');

fn encode_component(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, VALUE).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fuzzer's seeds (`tests/fuzz/seeds/query`): each reads into a
    /// setup with at most [`MAX_MESSAGES`] messages.
    #[test]
    fn the_fuzz_seeds_give_a_setup_and_few_messages() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/seeds/query");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let query = String::from_utf8_lossy(&std::fs::read(entry.unwrap().path()).unwrap()).into_owned();
            let (setup, messages) = Setup::from_query(&query, 4);
            assert!(messages.len() <= MAX_MESSAGES, "{query:.60}: {messages:?}");
            assert_eq!(Setup::from_query(&setup.to_query(), 4).0, setup, "{query:.60}: the setup round-trips");
            seen += 1;
        }
        assert!(seen >= 5, "{seen} seeds");
    }

    #[test]
    fn defaults_without_a_query() {
        let (s, m) = Setup::from_query("", 4);
        assert!(m.is_empty(), "{m:?}");
        assert_eq!(s.workload.id, "primes");
        assert_eq!(s.params.get("bounds").unwrap(), "1000000,2000000,3000000");
        assert_eq!(s.params.get("chunk"), None);
        assert_eq!(s.workers, 4);
        assert_eq!(s.modes, vec![Mode::Sequential, Mode::Pool]);
        assert!(!s.autorun);
    }

    #[test]
    fn the_documented_example_round_trips() {
        let q = "workload=primes&bounds=1000000,2000000,3000000&chunk=250000&workers=2&modes=sequential,pool&autorun=1";
        let (s, m) = Setup::from_query(&format!("?{q}"), 2);
        assert!(m.is_empty(), "{m:?}");
        assert_eq!(s.workers, 2);
        assert_eq!(s.params.get("chunk").unwrap(), "250000");
        assert!(s.autorun);
        assert_eq!(s.to_query(), q);
        assert_eq!(Setup::from_query(&s.to_query(), 2).0, s);
    }

    #[test]
    fn percent_encoded_commas_are_read() {
        let (s, m) = Setup::from_query("bounds=10%2C100&modes=pool%2Csequential", 2);
        assert!(m.is_empty(), "{m:?}");
        assert_eq!(s.params.get("bounds").unwrap(), "10,100");
        assert_eq!(s.modes, vec![Mode::Sequential, Mode::Pool]);
    }

    #[test]
    fn bad_values_fall_back_with_a_message_each() {
        let (s, m) = Setup::from_query(
            "workload=nope&workers=999&modes=pool,warp&bounds=12,-3&chunk=abc&autorun=maybe&zzz=1",
            2,
        );
        assert_eq!(s.workload.id, "primes");
        assert_eq!(s.workers, 2);
        assert_eq!(s.modes, vec![Mode::Pool]);
        assert_eq!(s.params.get("bounds").unwrap(), "1000000,2000000,3000000");
        assert_eq!(s.params.get("chunk"), None);
        assert!(!s.autorun);
        let all = m.join("\n");
        for needle in
            ["Unknown workload", "Worker count \"999\"", "\"warp\"", "negative", "chunk", "autorun", "\"zzz\""]
        {
            assert!(all.contains(needle), "no message about {needle} in:\n{all}");
        }
    }

    #[test]
    fn worker_limits_follow_the_core_count() {
        assert_eq!(worker_range(2), 1..=4);
        assert_eq!(worker_range(0), 1..=2);
        assert_eq!(worker_range(1000), 1..=MAX_WORKERS);
        let (s, m) = Setup::from_query("workers=0", 2);
        assert_eq!((s.workers, m.len()), (2, 1));
        let (s, m) = Setup::from_query("workers=4", 2);
        assert_eq!((s.workers, m.len()), (4, 0));
    }

    #[test]
    fn gil_interval_and_panic_injection() {
        let (s, m) = Setup::from_query("modes=gil,isolated&switch=20&panic=1", 2);
        assert!(m.is_empty(), "{m:?}");
        assert_eq!((s.switch_ms, s.panic_task), (20, Some(1)));
        assert_eq!(s.modes, vec![Mode::Gil, Mode::Isolated]);
        assert_eq!(Setup::from_query(&s.to_query(), 2).0, s);
        let (s, m) = Setup::from_query("switch=0&panic=3", 2);
        assert_eq!((s.switch_ms, s.panic_task), (5, None));
        assert_eq!(m.len(), 2, "{m:?}");
    }

    #[test]
    fn modes_a_workload_does_not_support_are_left_out() {
        let (s, m) = Setup::from_query("workload=files&modes=pool,isolated", 2);
        assert_eq!(s.modes, vec![Mode::Isolated]);
        assert!(m[0].contains("OPFS opens files only through promises"), "{m:?}");
        let (s, _) = Setup::from_query("modes=sequential,pool", 2);
        assert_eq!(s.with_workload("files").modes, vec![Mode::Sequential]);
    }

    #[test]
    fn repeats_warm_up_and_sweep() {
        let (s, m) = Setup::from_query("", 2);
        assert!(m.is_empty());
        assert_eq!((s.repeat, s.warmup, s.sweep), (3, true, false));
        let (s, m) = Setup::from_query("repeat=5&warmup=0&sweep=1", 2);
        assert!(m.is_empty(), "{m:?}");
        assert_eq!((s.repeat, s.warmup, s.sweep), (5, false, true));
        assert_eq!(Setup::from_query(&s.to_query(), 2).0, s);
        let (s, m) = Setup::from_query("repeat=0&warmup=2&sweep=yes", 2);
        assert_eq!((s.repeat, s.warmup, s.sweep), (3, true, false));
        assert_eq!(m.len(), 3, "{m:?}");
        let (_, m) = Setup::from_query("repeat=21", 2);
        assert!(m[0].contains("1 to 20"), "{m:?}");
    }

    #[test]
    fn empty_modes_fall_back_to_the_defaults() {
        let (s, m) = Setup::from_query("modes=", 2);
        assert_eq!(s.modes, Mode::DEFAULT.to_vec());
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn too_large_input_is_refused() {
        let (s, m) = Setup::from_query("bounds=99999999999999999999999", 2);
        assert_eq!(s.params.get("bounds").unwrap(), "1000000,2000000,3000000");
        assert_eq!(m.len(), 1);
        let many = vec!["10"; 40].join(",");
        let (_, m) = Setup::from_query(&format!("bounds={many}"), 2);
        assert!(m[0].contains("limit"), "{m:?}");
    }

    #[test]
    fn form_edits_keep_valid_values() {
        let (s, _) = Setup::from_query("autorun=1", 2);
        let (t, msg) = s.with_param("chunk", "500000");
        assert_eq!(msg, None);
        assert_eq!(t.params.get("chunk").unwrap(), "500000");
        assert!(!t.autorun, "an edit is a new setup");
        let (u, msg) = t.with_param("bounds", "1,x");
        assert!(msg.unwrap().contains("not a whole number"));
        assert_eq!(u, t);
        let (v, _) = t.with_param("chunk", "");
        assert_eq!(v.params.get("chunk"), None);
    }

    /// A stranger's address: a million unknown keys, endless values.
    #[test]
    fn a_hostile_query_gives_at_most_twenty_short_messages() {
        let (setup, m) = Setup::from_query(&"a&".repeat(1_000_000), 2);
        assert_eq!(setup, Setup::defaults(2));
        assert_eq!(m.len(), MAX_MESSAGES, "{m:?}");
        assert!(m.last().unwrap().starts_with("… and "), "{m:?}");
        assert!(m.iter().any(|m| m.contains(&format!("more than {MAX_QUERY_PAIRS} parameters"))), "{m:?}");
        let (_, m) = Setup::from_query(&format!("workload={}", "x".repeat(1_000)), 2);
        assert_eq!(m.len(), 1);
        assert!(m[0].len() < 200, "the value is quoted short: {}", m[0]);
        let (_, m) = Setup::from_query(&format!("bounds={}", "1,".repeat(100_000)), 2);
        assert!(m[0].contains("longer than 4096 characters"), "{m:?}");
    }

    #[test]
    fn decoding_odd_input_never_panics() {
        for q in ["%", "%4", "%zz", "a=%E2%82", "=&&=", "bounds=%FF%FE", "é=ü"] {
            let _ = Setup::from_query(q, 2);
        }
        assert_eq!(parse_query("x=a%2Cb+c%").0, [("x".to_string(), "a,b c%".to_string())]);
    }
}
