//! Any text through the CSV adapter, every column typed as a list of integers to exercise the
//! conversions: an error is fine, a panic is not.
#![no_main]

use tillsyn::source::csv::CellType;
use tillsyn::source::mapping::Mapping;

libfuzzer_sys::fuzz_target!(|text: &str| {
    let cell_type = |path: &[&str]| match path.len() {
        1 => CellType::List(Box::new(CellType::Integer)),
        _ => CellType::Boolean,
    };
    let _ = tillsyn::source::csv::parse(text, &cell_type, &Mapping::default());
    // And as a Swedish export: semicolons, decimal commas, dates written day first.
    let swedish = Mapping {
        delimiter: Some(b';'),
        dates: tillsyn::source::mapping::DateForms::Swedish,
        ..Mapping::default()
    };
    let _ = tillsyn::source::csv::parse(text, &|_: &[&str]| CellType::Date, &swedish);
});
