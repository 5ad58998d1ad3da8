//! Any text through the json adapter: an error is fine, a panic is not.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    let _ = tillsyn::source::json::parse(text, &tillsyn::source::Limits::default());
});
