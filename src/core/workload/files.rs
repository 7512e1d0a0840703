//! File copy in the browser's private file system (OPFS), the tutorial's
//! `shutil.copy` (`shared/seeds/003`): each task writes a file of s MiB,
//! copies it, reads the copy back and checks it byte for byte against what
//! was written, then deletes both. The browser's storage does the work
//! off the calling thread; the task mostly waits on promises.

use std::collections::BTreeMap;

use super::api::{
    whole_number, Built, ParamSpec, Params, Policy, Reference, SetupError, TaskIo, Traits, Workload, WorkloadSpec,
};
use super::io::Io;
use crate::core::mode::Mode;

pub const MAX_FILES: u64 = 32;
pub const MAX_MIB: u64 = 64;
/// All files of a run together; each also has a copy for a moment, so the
/// storage a run needs is at most twice this.
pub const MAX_TOTAL_MIB: u64 = 256;
const MIB: u64 = 1 << 20;

pub const SPEC: WorkloadSpec = WorkloadSpec {
    id: "files",
    name: "File copy (OPFS)",
    kind: "IO-bound, file system",
    about: "Each task writes a file in the browser's private file system (OPFS), copies it, checks the \
            copy byte for byte and deletes both, like shutil.copy in the tutorial. The storage work \
            happens in the browser, behind promises: async overlaps the files on one thread, isolated \
            workers each copy their own, Sequential does one after another. OPFS opens files only \
            through promises, so threads that never return to their event loop (thread per task, the \
            pool, the GIL) cannot use it, and the page's thread cannot block on it.",
    source: "the tutorial on concurrency, parallelism and threads vs processes: shutil.copy of two 250 MB files, one thread vs two",
    params: &[
        ParamSpec { key: "files", label: "Files", default: "4", help: "1 … 32" },
        ParamSpec {
            key: "mib",
            label: "Size (MiB)",
            default: "8",
            help: "per file, 1 … 64; all files together at most 256 MiB, and the browser's quota",
        },
    ],
    build,
    warm_up: || {},
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Files {
    pub files: u64,
    pub mib: u64,
}

impl Workload for Files {
    fn task_count(&self) -> usize {
        self.files as usize
    }

    fn task_label(&self, index: usize) -> String {
        format!("copy file {index} ({} MiB)", self.mib)
    }

    /// Never called for a task with IO: its value is the IO's.
    fn run_task(&self, _index: usize) -> u64 {
        0
    }

    fn answer(&self, values: &[u64]) -> String {
        format!("{} bytes copied in {} files, every byte checked", values.iter().sum::<u64>(), values.len())
    }

    fn reference(&self) -> Option<Reference> {
        Some(Reference { answer: self.answer(&vec![self.mib * MIB; self.files as usize]), source: "n × size" })
    }

    fn traits(&self) -> Traits<'_> {
        Traits { io: Some(self), policy: Some(self), ..Traits::default() }
    }
}

impl TaskIo for Files {
    fn io(&self, index: usize) -> Io {
        Io::Files { name: format!("file-{index}"), bytes: self.mib * MIB, seed: index as u64 }
    }
}

impl Policy for Files {
    fn unsupported(&self, mode: Mode) -> Option<&'static str> {
        match mode {
            Mode::Spawn | Mode::Pool | Mode::Gil => Some(
                "OPFS opens files only through promises, and these threads never return to their event \
                 loop to see one resolve: see async and isolated workers",
            ),
            Mode::Main => {
                Some("the page's thread may not block, and OPFS has no blocking calls there: see cooperative")
            }
            _ => None,
        }
    }
}

fn build(params: &Params) -> Result<Built, SetupError> {
    let work =
        Files { files: whole_number(params, "files", 4, MAX_FILES)?, mib: whole_number(params, "mib", 8, MAX_MIB)? };
    if work.files * work.mib > MAX_TOTAL_MIB {
        return Err(SetupError::param(
            "mib",
            format!("{} files × {} MiB is more than {MAX_TOTAL_MIB} MiB", work.files, work.mib),
        ));
    }
    let canonical: Params =
        BTreeMap::from([("files".into(), work.files.to_string()), ("mib".into(), work.mib.to_string())]);
    Ok((Box::new(work), canonical))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_copy_distinct_files() {
        let (work, canonical) = build(&Params::new()).unwrap();
        assert_eq!(canonical["files"], "4");
        let io = work.traits().io.unwrap();
        assert_ne!(io.io(0), io.io(1));
        assert_eq!(work.traits().io.unwrap().io(2), Io::Files { name: "file-2".into(), bytes: 8 * MIB, seed: 2 });
        assert_eq!(work.reference().unwrap().answer, "33554432 bytes copied in 4 files, every byte checked");
        assert!(crate::core::workload::unsupported(&*work, Mode::Pool).is_some());
        assert!(crate::core::workload::unsupported(&*work, Mode::Async).is_none());
        assert!(crate::core::workload::unsupported(&*work, Mode::Isolated).is_none());
    }

    #[test]
    fn limits() {
        let p = |f: &str, m: &str| Params::from([("files".into(), f.into()), ("mib".into(), m.into())]);
        assert!(build(&p("32", "8")).is_ok());
        assert_eq!(build(&p("32", "9")).err().unwrap().param, Some("mib"));
        assert_eq!(build(&p("4", "65")).err().unwrap().param, Some("mib"));
        assert_eq!(build(&p("0", "1")).err().unwrap().param, Some("files"));
    }
}
