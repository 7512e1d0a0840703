//! Downloads: the result document as JSON (its own `to_json`) and the
//! per-task records as CSV, one row per task.

use std::fmt::Write as _;

use crate::core::run::document::ResultDoc;

pub const CSV_HEADER: &str = "mode,workers,threads,task,label,worker,start_ms,end_ms,duration_ms,result,error";

/// One row per task of the latest run of each mode (RFC 4180 quoting).
pub fn tasks_csv(doc: &ResultDoc) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push_str("\r\n");
    for run in &doc.runs {
        for t in &run.tasks {
            let _ = write!(
                out,
                "{},{},{},{},{},{},{:.3},{:.3},{:.3},{},{}\r\n",
                run.mode.id(),
                doc.workers,
                run.threads,
                t.index,
                field(&t.label),
                t.worker,
                t.start_ms,
                t.end_ms,
                t.duration_ms(),
                field(&t.result),
                field(t.error.as_deref().unwrap_or("")),
            );
        }
    }
    out
}

/// A CSV field: quoted when it holds a comma, quote or line break; a
/// leading `=`, `+`, `-`, `@`, tab or carriage return gets a `'` so
/// spreadsheets show it as text instead of running it as a formula (a tab
/// or a carriage return before `=` is read past by some).
fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// A file name for downloads: `spindle-primes-2w.json`.
pub fn file_name(doc: &ResultDoc, extension: &str) -> String {
    let workload: String = doc.workload.chars().filter(char::is_ascii_alphanumeric).take(24).collect();
    format!("spindle-{workload}-{}w.{extension}", doc.workers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::mode::Mode;
    use crate::core::run::document::{EnvInfo, RESULT_VERSION};
    use crate::core::run::record::{RunRecord, TaskRecord};

    #[test]
    fn formulas_are_defused_whatever_comes_before_them() {
        for cell in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1"] {
            assert!(field(cell).trim_start_matches('"').starts_with('\''), "{cell:?}: {}", field(cell));
        }
        assert_eq!(field("plain, text"), "\"plain, text\"");
        assert_eq!(field("1.5"), "1.5");
    }

    #[test]
    fn one_row_per_task_with_quoting() {
        let task = |index, label: &str, result: &str, error: Option<&str>| TaskRecord {
            index,
            label: label.into(),
            worker: 1,
            start_ms: 1.0,
            end_ms: 3.5,
            result: result.into(),
            error: error.map(Into::into),
        };
        let doc = ResultDoc {
            version: RESULT_VERSION,
            spindle: "0.1.0".into(),
            workload: "primes".into(),
            params: Default::default(),
            workers: 2,
            setup: String::new(),
            repeat: 1,
            warmup: false,
            sweep: false,
            cancelled: false,
            env: EnvInfo::default(),
            pool: None,
            runs: vec![RunRecord {
                mode: Mode::Pool,
                threads: 2,
                wall_ms: 4.0,
                result: String::new(),
                correct: None,
                checked_against: String::new(),
                tasks: vec![
                    task(0, "≤ 1000: 1…250", "17", None),
                    task(1, "a, \"b\"", "=1+1", Some("panic: line\nbreak")),
                ],
                failures: 1,
                metrics: Default::default(),
                responsiveness: None,
                checked_here: false,
            }],
            stats: vec![],
            amdahl: vec![],
            lesson: None,
        };
        let csv = tasks_csv(&doc);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], CSV_HEADER);
        assert_eq!(lines[1], "pool,2,2,0,≤ 1000: 1…250,1,1.000,3.500,2.500,17,");
        assert_eq!(lines[2], "pool,2,2,1,\"a, \"\"b\"\"\",1,1.000,3.500,2.500,'=1+1,\"panic: line\nbreak\"");
        assert_eq!(lines.len(), 4, "header, two rows, and the final line break");
        assert_eq!(file_name(&doc, "csv"), "spindle-primes-2w.csv");
    }
}
