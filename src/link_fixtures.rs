//! Share links made by earlier pages, kept as fixtures: each must still
//! open with the same numbers. `tests/fixtures/links/<name>.link` is the
//! link's fragment as the page made it; `<name>.json` is the document the
//! page showed (without per-task records where the link had to leave them
//! out), or, for a link of an older format, the document it opens as.

use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/links")
}

#[test]
fn links_made_by_earlier_pages_still_open_with_the_same_numbers() {
    let mut names: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "link"))
        .collect();
    names.sort();
    assert!(names.len() >= 7, "the fixtures are there: {names:?}");
    for link in names {
        let fragment = std::fs::read_to_string(&link).unwrap();
        let doc = crate::core::share::decode(fragment.trim())
            .unwrap_or_else(|e| panic!("{}: {e}", link.display()));
        let opened: serde_json::Value = serde_json::from_str(&doc.to_json()).unwrap();
        let expected = link.with_extension("json");
        if std::env::var_os("SPINDLE_BLESS").is_some() && !expected.exists() {
            std::fs::write(&expected, serde_json::to_string_pretty(&opened).unwrap()).unwrap();
        }
        let shown: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&expected).unwrap()).unwrap();
        assert_eq!(opened, shown, "{}", link.display());
    }
}
