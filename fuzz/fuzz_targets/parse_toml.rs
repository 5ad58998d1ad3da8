//! Any text through the toml adapter: an error is fine, a panic is not.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    let _ = tillsyn::source::toml::parse(text, &tillsyn::source::Limits::default());
});
