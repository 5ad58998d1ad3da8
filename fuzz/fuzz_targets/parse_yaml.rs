//! Any text through the yaml adapter: an error is fine, a panic is not.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    let _ = tillsyn::source::yaml::parse(text, &tillsyn::source::Limits::default());
});
