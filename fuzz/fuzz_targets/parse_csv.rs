//! Any text through the CSV adapter, every column typed as a list of integers to exercise the
//! conversions: an error is fine, a panic is not.
#![no_main]

use tillsyn::source::csv::CellType;

libfuzzer_sys::fuzz_target!(|text: &str| {
    let _ = tillsyn::source::csv::parse(text, &|path: &[&str]| match path.len() {
        1 => CellType::List(Box::new(CellType::Integer)),
        _ => CellType::Boolean,
    });
});
