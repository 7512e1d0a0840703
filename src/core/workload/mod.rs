//! The workloads: the trait every one implements and its optional
//! capabilities ([`api`]), one file per workload, and the catalogue the
//! page offers. Adding a workload is one new file with a [`WorkloadSpec`]
//! and one entry in [`CATALOGUE`].

pub mod api;
pub mod counter;
pub mod fetch;
pub mod files;
pub mod io;
pub mod mandelbrot;
pub mod primes;
pub mod queue;
pub mod tight_loop;
pub mod timers;
pub mod tiny;

pub use api::*;

/// Every workload the page offers, in menu order.
pub const CATALOGUE: &[WorkloadSpec] = &[
    primes::SPEC,
    tight_loop::SPEC,
    mandelbrot::SPEC,
    timers::SPEC,
    fetch::SPEC,
    files::SPEC,
    counter::SPEC,
    queue::SPEC,
    tiny::SPEC,
];

/// The catalogue entry with this id.
pub fn find(id: &str) -> Option<&'static WorkloadSpec> {
    CATALOGUE.iter().find(|w| w.id == id)
}

/// Warms every workload's hot code: browsers compile wasm in tiers and
/// the first calls run slower code, which would make whichever mode runs
/// first (Sequential, the baseline) look slow.
pub fn warm_up_all() {
    for spec in CATALOGUE {
        (spec.warm_up)();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Visitors read these: tutorials by their subject, no repository paths.
    #[test]
    fn sources_name_tutorials_by_their_subject() {
        for spec in CATALOGUE {
            assert!(!spec.source.contains("shared/") && !spec.source.contains("seeds"), "{}: {}", spec.id, spec.source);
            let (subject, example) = spec.source.split_once(": ").expect("subject: example");
            assert!(!subject.is_empty() && !example.is_empty(), "{}", spec.id);
        }
    }
}
