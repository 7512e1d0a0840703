//! Sum of primes ≤ n by trial division, exactly as the tutorial writes it
//! (`shared/seeds/003`: `is_prime` testing 2, 3 and then 6k ± 1), one task
//! per bound, optionally split into chunks of at most `chunk` numbers.
//!
//! The answer is checked against a table of known sums, or, for other
//! bounds, against an independent sieve of Eratosthenes.

use std::ops::{Add, Rem};

use super::api::{Built, ParamSpec, Params, Policy, Reference, SetupError, Sliced, Traits, Workload, WorkloadSpec};
use std::collections::BTreeMap;

/// Known sums of the primes ≤ n (`shared/CONCEPTS.md`).
pub const KNOWN_SUMS: &[(u64, u64)] = &[
    (10, 17),
    (100, 1_060),
    (1_000_000, 37_550_402_023),
    (2_000_000, 142_913_828_922),
    (3_000_000, 312_471_072_265),
    (10_000_000, 3_203_324_994_356),
    (20_000_000, 12_272_577_818_052),
];

/// Largest accepted bound: 50,000,000 takes about 15 s sequentially in wasm.
pub const MAX_BOUND: u64 = 50_000_000;
/// At most this many bounds in one run.
pub const MAX_BOUNDS: usize = 16;
/// The bounds together may cover at most this many numbers.
pub const MAX_TOTAL: u64 = 60_000_000;
/// Smallest accepted chunk: finer chunks only measure overhead.
pub const MIN_CHUNK: u64 = 1_000;
/// At most this many tasks after chunking.
pub const MAX_TASKS: usize = 10_000;
/// Numbers per slice (GIL and cooperative modes): well under a millisecond.
pub const SLICE: u64 = 10_000;
/// The bounds together may cover at most this many numbers on the page's
/// main thread (Main thread and Cooperative modes): about a second there.
pub const MAIN_THREAD_TOTAL: u64 = 10_000_000;

pub const DEFAULT_BOUNDS: &str = "1000000,2000000,3000000";

pub const SPEC: WorkloadSpec = WorkloadSpec {
    id: "primes",
    name: "Sum of primes",
    kind: "CPU-bound, uneven tasks",
    about: "Adds up every prime up to each bound by trial division, one task per bound. \
            Larger bounds take much longer, so with one task per bound the pool waits for \
            the biggest; a chunk size splits every bound into even pieces that balance.",
    source: "the tutorial on threads vs processes for sum of primes: sum_prime(n) with is_prime, Pool.map over [1000000, 2000000, 3000000]",
    params: &[
        ParamSpec {
            key: "bounds",
            label: "Bounds",
            default: DEFAULT_BOUNDS,
            help: "comma-separated, each 1 … 50,000,000; at most 16, together at most 60,000,000",
        },
        ParamSpec {
            key: "chunk",
            label: "Chunk",
            default: "",
            help: "empty = one task per bound; else 1,000 … 50,000,000 numbers per task, at most 10,000 tasks",
        },
        ParamSpec {
            key: "order",
            label: "Order",
            default: "",
            help: "empty = bound by bound, low numbers first (as Pool.map); largest = costliest first (estimated)",
        },
    ],
    build,
    warm_up: || {
        let work = Primes::new(vec![200_000], Some(20_000)).expect("valid");
        super::api::exercise(&work);
    },
};

/// `n` is prime, by the tutorial's trial division.
///
/// In 32 bits when `n` fits (every accepted bound does): wasm engines
/// compile a 64-bit remainder to a 64-bit divide, where native code checks
/// at run time whether a 32-bit one will do. On this project's Intel Xeon
/// machine the 64-bit loop took 1.6 × as long in V8 as natively, the
/// 32-bit one 1.04 ×.
pub fn is_prime(n: u64) -> bool {
    // isqrt of a u64 fits in 32 bits.
    let limit = n.isqrt() as u32;
    match u32::try_from(n) {
        Ok(n) => trial_division(n, limit),
        Err(_) => trial_division(n, u64::from(limit)),
    }
}

/// No divisor of the form 6k ± 1 up to `limit` (= ⌊√n⌋), nor 2 or 3.
// `%` as the tutorial writes it; `is_multiple_of` adds a zero check to the hot loop.
#[allow(clippy::manual_is_multiple_of)]
fn trial_division<T>(n: T, limit: T) -> bool
where
    T: Copy + PartialOrd + From<u8> + Add<Output = T> + Rem<Output = T>,
{
    let (zero, two, three) = (T::from(0), T::from(2), T::from(3));
    if n <= T::from(1) {
        return false;
    }
    if n <= three {
        return true;
    }
    if n % two == zero || n % three == zero {
        return false;
    }
    let mut i = T::from(5);
    while i <= limit {
        if n % i == zero || n % (i + two) == zero {
            return false;
        }
        i = i + T::from(6);
    }
    true
}

/// Sum of the primes in `lo..=hi`, by trial division.
pub fn sum_primes_in(lo: u64, hi: u64) -> u64 {
    (lo..=hi).filter(|&n| is_prime(n)).sum()
}

/// Sum of the primes ≤ `n` by a sieve of Eratosthenes over odd numbers: an
/// independent check of the trial-division result (10,000,000 in ~50 ms).
pub fn sieve_sum(n: u64) -> u64 {
    if n < 2 {
        return 0;
    }
    // bit i stands for the odd number 2i + 1; bit 0 (the number 1) is unused.
    let len = (n as usize - 1) / 2 + 1;
    let mut composite = vec![0u64; len.div_ceil(64)];
    let mut sum = 2;
    let mut i = 1;
    while i < len {
        if composite[i / 64] >> (i % 64) & 1 == 0 {
            let p = 2 * i as u64 + 1;
            sum += p;
            // In u64: p² overflows a 32-bit usize (wasm32) for p > 65,535.
            let mut j = p * p / 2;
            while j < len as u64 {
                composite[j as usize / 64] |= 1 << (j % 64);
                j += p;
            }
        }
        i += 1;
    }
    sum
}

/// One task: the numbers `lo..=hi`, part of the bound at `bound_index`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub bound_index: usize,
    pub lo: u64,
    pub hi: u64,
}

impl Span {
    /// Estimated work, in steps of [`trial_division`]'s loop: a prime n
    /// takes √n / 6 of them, about one number in ln n ≈ 0.69 log₂ n is
    /// prime, and the others stop at a small factor within about 2 steps.
    /// Within 16 % of the count on large spans (a test checks 25 %).
    pub fn cost(&self) -> u64 {
        let mid = (self.lo + self.hi) / 2;
        let per_number = mid.isqrt() / (4 * u64::from(mid.max(2).ilog2())) + 2;
        (self.hi - self.lo + 1) * per_number
    }
}

/// The sum-of-primes workload with its validated parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Primes {
    pub bounds: Vec<u64>,
    pub chunk: Option<u64>,
    /// Tasks sorted by [`Span::cost`], costliest first.
    pub largest_first: bool,
    spans: Vec<Span>,
}

impl Primes {
    /// # Errors
    /// Every limit in this file, as a [`SetupError`] naming the parameter.
    pub fn new(bounds: Vec<u64>, chunk: Option<u64>) -> Result<Self, SetupError> {
        let bad = |message: String| SetupError::param("bounds", message);
        if bounds.is_empty() {
            return Err(bad("give at least one bound".into()));
        }
        if bounds.len() > MAX_BOUNDS {
            return Err(bad(format!("{} bounds is more than the limit of {MAX_BOUNDS}", bounds.len())));
        }
        if let Some(&b) = bounds.iter().find(|&&b| b == 0 || b > MAX_BOUND) {
            return Err(bad(format!("{b} is outside 1 … {MAX_BOUND}")));
        }
        let total: u64 = bounds.iter().sum();
        if total > MAX_TOTAL {
            return Err(bad(format!("the bounds add up to {total}, more than the limit of {MAX_TOTAL}")));
        }
        if let Some(c) = chunk {
            if !(MIN_CHUNK..=MAX_BOUND).contains(&c) {
                return Err(SetupError::param("chunk", format!("{c} is outside {MIN_CHUNK} … {MAX_BOUND}")));
            }
        }
        let mut spans = Vec::new();
        for (bound_index, &bound) in bounds.iter().enumerate() {
            let step = chunk.unwrap_or(bound).max(1);
            let mut lo = 1;
            while lo <= bound {
                let hi = bound.min(lo.saturating_add(step - 1));
                spans.push(Span { bound_index, lo, hi });
                if spans.len() > MAX_TASKS {
                    return Err(SetupError::param(
                        "chunk",
                        format!("more than {MAX_TASKS} tasks: choose a larger chunk"),
                    ));
                }
                lo = hi + 1;
            }
        }
        Ok(Primes { bounds, chunk, largest_first: false, spans })
    }

    /// The same tasks, costliest first: every mode hands tasks out in task
    /// order, so the last ones to start are the cheapest and the workers
    /// finish close together (longest-processing-time-first scheduling).
    /// Equal estimates (the same numbers in two bounds) come in either
    /// order: an unstable sort, 0.2 KB less to download than a stable one.
    pub fn largest_first(mut self) -> Self {
        self.spans.sort_unstable_by_key(|s| std::cmp::Reverse(s.cost()));
        self.largest_first = true;
        self
    }

    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// Per-bound sums from per-task values given in task order.
    pub fn bound_sums(&self, values: &[u64]) -> Vec<u64> {
        let mut sums = vec![0; self.bounds.len()];
        for (span, value) in self.spans.iter().zip(values) {
            sums[span.bound_index] += value;
        }
        sums
    }
}

fn join(values: &[u64]) -> String {
    values.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
}

impl Workload for Primes {
    fn task_count(&self) -> usize {
        self.spans.len()
    }

    fn task_label(&self, index: usize) -> String {
        let s = self.spans[index];
        let bound = self.bounds[s.bound_index];
        if s.lo == 1 && s.hi == bound {
            format!("≤ {bound}")
        } else {
            format!("≤ {bound}: {}…{}", s.lo, s.hi)
        }
    }

    fn run_task(&self, index: usize) -> u64 {
        let s = self.spans[index];
        sum_primes_in(s.lo, s.hi)
    }

    fn answer(&self, values: &[u64]) -> String {
        join(&self.bound_sums(values))
    }

    fn reference(&self) -> Option<Reference> {
        let known: Option<Vec<u64>> =
            self.bounds.iter().map(|b| KNOWN_SUMS.iter().find(|(n, _)| n == b).map(|&(_, s)| s)).collect();
        Some(match known {
            Some(sums) => Reference { answer: join(&sums), source: "known answers" },
            None => Reference {
                answer: join(&self.bounds.iter().map(|&b| sieve_sum(b)).collect::<Vec<_>>()),
                source: "sieve of Eratosthenes",
            },
        })
    }

    fn traits(&self) -> Traits<'_> {
        Traits { sliced: Some(self), policy: Some(self), ..Traits::default() }
    }
}

impl Sliced for Primes {
    fn slice_count(&self, index: usize) -> usize {
        let s = self.spans[index];
        (s.hi - s.lo + 1).div_ceil(SLICE) as usize
    }

    fn run_slice(&self, index: usize, slice: usize) -> u64 {
        let s = self.spans[index];
        let lo = s.lo + slice as u64 * SLICE;
        sum_primes_in(lo, s.hi.min(lo + SLICE - 1))
    }
}

impl Policy for Primes {
    /// Only bounds in the table: the sieve takes as long as a run.
    fn checkable_at_once(&self) -> bool {
        self.bounds.iter().all(|b| KNOWN_SUMS.iter().any(|(n, _)| n == b))
    }

    fn main_thread_limit(&self) -> Option<String> {
        let total: u64 = self.bounds.iter().sum();
        (total > MAIN_THREAD_TOTAL).then(|| {
            format!(
                "the bounds add up to {total}; on the page's main thread the limit is {MAIN_THREAD_TOTAL} \
                 (about a second of frozen page)"
            )
        })
    }
}

fn parse_u64(key: &'static str, text: &str) -> Result<u64, SetupError> {
    let t = text.trim().replace('_', "");
    t.parse::<u64>().map_err(|_| {
        let why = if t.starts_with('-') { "is negative" } else { "is not a whole number" };
        SetupError::param(key, format!("{:?} {why}", text.trim()))
    })
}

fn build(params: &Params) -> Result<Built, SetupError> {
    let bounds_text = params.get("bounds").map(String::as_str).unwrap_or(DEFAULT_BOUNDS);
    let bounds = bounds_text
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| parse_u64("bounds", s))
        .collect::<Result<Vec<_>, _>>()?;
    let chunk = match params.get("chunk").map(|s| s.trim()) {
        None | Some("") | Some("none") => None,
        Some(text) => Some(parse_u64("chunk", text)?),
    };
    let mut primes = Primes::new(bounds, chunk)?;
    match params.get("order").map(|s| s.trim()) {
        None | Some("") => {}
        Some("largest") => primes = primes.largest_first(),
        Some(other) => {
            return Err(SetupError::param("order", format!("{other:?} is not an order: leave it empty, or largest")))
        }
    }
    let mut canonical = BTreeMap::new();
    canonical.insert("bounds".to_string(), join(&primes.bounds));
    if let Some(c) = primes.chunk {
        canonical.insert("chunk".to_string(), c.to_string());
    }
    if primes.largest_first {
        canonical.insert("order".to_string(), "largest".to_string());
    }
    Ok((Box::new(primes), canonical))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_prime_agrees_with_the_sieve_on_small_numbers() {
        for n in 0..10_000u64 {
            assert_eq!(sum_primes_in(1, n), sieve_sum(n), "n = {n}");
        }
    }

    #[test]
    fn is_prime_is_right_on_both_sides_of_32_bits() {
        // The largest prime below 2³², squares of primes near √(2³²), and
        // numbers past 2³², which take the 64-bit path.
        let primes = [4_294_967_291u64, 4_294_967_311, 4_294_967_357, 65_521, 65_537];
        let composites =
            [4_294_967_295u64, 4_294_967_296, 4_294_967_297, 65_521 * 65_521, 65_537 * 65_537, 65_537 * 65_539];
        for n in primes {
            assert!(is_prime(n), "{n} is prime");
        }
        for n in composites {
            assert!(!is_prime(n), "{n} is not prime");
        }
    }

    #[test]
    fn sieve_matches_every_known_sum() {
        for &(n, sum) in KNOWN_SUMS {
            assert_eq!(sieve_sum(n), sum, "n = {n}");
        }
    }

    #[test]
    fn trial_division_matches_known_sums_up_to_a_million() {
        assert_eq!(sum_primes_in(1, 1_000_000), 37_550_402_023);
    }

    #[test]
    fn chunks_cover_each_bound_exactly_once() {
        let p = Primes::new(vec![10, 25], Some(1_000)).unwrap();
        assert_eq!(p.spans().len(), 2);
        let p = Primes::new(vec![2_500, 1_000], Some(1_000)).unwrap();
        let spans: Vec<_> = p.spans().iter().map(|s| (s.bound_index, s.lo, s.hi)).collect();
        assert_eq!(spans, vec![(0, 1, 1000), (0, 1001, 2000), (0, 2001, 2500), (1, 1, 1000)]);
        let values: Vec<u64> = (0..p.task_count()).map(|i| p.run_task(i)).collect();
        assert_eq!(p.bound_sums(&values), vec![sieve_sum(2_500), sieve_sum(1_000)]);
    }

    /// Steps of `trial_division`'s loop for `n`, counted (the 2-and-3 check
    /// is one).
    fn loop_steps(n: u64) -> u64 {
        if n <= 3 || n.is_multiple_of(2) || n.is_multiple_of(3) {
            return 1;
        }
        let mut steps = 1;
        let mut i = 5;
        while i * i <= n {
            steps += 1;
            if n.is_multiple_of(i) || n.is_multiple_of(i + 2) {
                break;
            }
            i += 6;
        }
        steps
    }

    #[test]
    fn cost_estimates_are_near_the_counted_work() {
        for (lo, hi) in [(1, 250_000), (250_001, 500_000), (750_001, 1_000_000), (2_900_001, 3_000_000)] {
            let counted: u64 = (lo..=hi).map(loop_steps).sum();
            let estimated = Span { bound_index: 0, lo, hi }.cost();
            let ratio = estimated as f64 / counted as f64;
            assert!((0.75..1.25).contains(&ratio), "{lo}..={hi}: estimated {estimated}, counted {counted}");
        }
    }

    #[test]
    fn largest_first_reorders_the_tasks_and_keeps_the_answer() {
        let given = Primes::new(vec![1_000_000, 2_000_000, 3_000_000], Some(250_000)).unwrap();
        let sorted = given.clone().largest_first();
        assert_eq!(sorted.task_count(), 24);
        let first = sorted.spans()[0];
        assert_eq!((first.bound_index, first.lo, first.hi), (2, 2_750_001, 3_000_000));
        let last = sorted.spans()[23];
        assert_eq!((last.lo, last.hi), (1, 250_000), "the cheapest chunk is last");
        assert!(sorted.spans().windows(2).all(|w| w[0].cost() >= w[1].cost()));
        let mut spans = sorted.spans().to_vec();
        spans.sort_by_key(|s| (s.bound_index, s.lo));
        assert_eq!(spans, given.spans());
        let values: Vec<u64> = (0..sorted.task_count()).map(|i| sorted.run_task(i)).collect();
        assert_eq!(sorted.answer(&values), sorted.reference().unwrap().answer);
    }

    #[test]
    fn slices_add_up_to_their_task() {
        let p = Primes::new(vec![95_000, 10], Some(40_000)).unwrap();
        for i in 0..p.task_count() {
            let sliced: u64 = (0..p.slice_count(i)).map(|s| p.run_slice(i, s)).sum();
            assert_eq!(sliced, p.run_task(i), "task {i}");
        }
        assert_eq!(p.slice_count(0), 4);
        assert_eq!(p.slice_count(3), 1);
        assert!(p.main_thread_limit().is_none());
        assert!(Primes::new(vec![6_000_000, 5_000_000], None).unwrap().main_thread_limit().is_some());
    }

    #[test]
    fn reference_uses_the_table_or_the_sieve() {
        let p = Primes::new(vec![1_000_000, 2_000_000], None).unwrap();
        let r = p.reference().unwrap();
        assert_eq!(r.answer, "37550402023,142913828922");
        assert_eq!(r.source, "known answers");
        let p = Primes::new(vec![1_000], None).unwrap();
        let r = p.reference().unwrap();
        assert_eq!(r.answer, "76127");
        assert_eq!(r.source, "sieve of Eratosthenes");
    }

    #[test]
    fn limits_are_enforced() {
        assert!(Primes::new(vec![], None).is_err());
        assert!(Primes::new(vec![0], None).is_err());
        assert!(Primes::new(vec![MAX_BOUND + 1], None).is_err());
        assert!(Primes::new(vec![1; MAX_BOUNDS + 1], None).is_err());
        assert!(Primes::new(vec![MAX_BOUND, MAX_BOUND], None).is_err());
        assert!(Primes::new(vec![1_000], Some(10)).is_err());
        assert!(Primes::new(vec![50_000_000], Some(MIN_CHUNK)).is_err(), "too many tasks");
        assert!(Primes::new(vec![MAX_BOUND], Some(MAX_BOUND)).is_ok());
    }

    #[test]
    fn build_reports_which_parameter_is_wrong() {
        let params = |b: &str, c: &str| -> Params {
            [("bounds".to_string(), b.to_string()), ("chunk".to_string(), c.to_string())].into()
        };
        let err = build(&params("10,abc", "")).err().unwrap();
        assert_eq!(err.param, Some("bounds"));
        assert!(err.message.contains("not a whole number"), "{}", err.message);
        let err = build(&params("-5", "")).err().unwrap();
        assert!(err.message.contains("negative"), "{}", err.message);
        let err = build(&params("100", "x")).err().unwrap();
        assert_eq!(err.param, Some("chunk"));
        let (_, canonical) = build(&params(" 1_000 , 20 ", "none")).unwrap();
        assert_eq!(canonical.get("bounds").unwrap(), "1000,20");
        assert!(!canonical.contains_key("chunk"));
        assert!(!canonical.contains_key("order"));
        let mut ordered = params("100,50", "");
        ordered.insert("order".into(), " largest ".into());
        let (work, canonical) = build(&ordered).unwrap();
        assert_eq!(canonical.get("order").unwrap(), "largest");
        assert_eq!(work.task_label(0), "≤ 100");
        ordered.insert("order".into(), "smallest".into());
        let err = build(&ordered).err().unwrap();
        assert_eq!(err.param, Some("order"));
        assert!(err.message.contains("\"smallest\" is not an order"), "{}", err.message);
    }
}
