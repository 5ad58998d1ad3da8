//! Any text through the markdown adapter: an error is fine, a panic is not.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    let _ = tillsyn::source::markdown::parse(text, &tillsyn::source::Limits::default());
});
