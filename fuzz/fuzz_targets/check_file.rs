//! The whole load-and-check of one file: the first byte picks the format, the rest is the file.
#![no_main]

use std::sync::OnceLock;

fn rules() -> &'static tillsyn::rules::RuleSet {
    static RULES: OnceLock<tillsyn::rules::RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        let config = tillsyn::config::Config::default();
        tillsyn::rules::RuleSet::load(
            std::path::Path::new("."),
            &config,
            &tillsyn::rules::Selection::default(),
        )
        .expect("the default packs load")
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&selector, text)) = data.split_first() else {
        return;
    };
    let extension = ["yaml", "json", "toml", "md"][usize::from(selector) % 4];
    let Ok(dir) = tempfile::tempdir() else { return };
    if std::fs::write(dir.path().join(format!("record.{extension}")), text).is_err() {
        return;
    }
    let config = tillsyn::config::Config::default();
    let ledger = tillsyn::followup::ledger::Ledger::empty();
    let _ = tillsyn::check::check(
        dir.path(),
        &config,
        rules(),
        &ledger,
        jiff::civil::date(2026, 11, 27),
    );
});
