//! Any text through the importers of other tools' files: the first byte picks DCAT (Turtle,
//! RDF/XML or JSON-LD), OSCAL (JSON, YAML) or fides (YAML), the rest is the file. An error is
//! fine, a panic is not.
#![no_main]

use tillsyn::source::{Limits, dcat, fides, oscal};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let limits = Limits::default();
    let _ = match selector % 6 {
        0 => dcat::parse(text, "catalog.ttl", &limits),
        1 => dcat::parse(text, "catalog.rdf", &limits),
        2 => dcat::parse(text, "catalog.jsonld", &limits),
        3 => oscal::parse(text, "ssp.json", &limits),
        4 => oscal::parse(text, "ssp.yaml", &limits),
        _ => fides::parse(text, "fides.yml", &limits),
    };
});
