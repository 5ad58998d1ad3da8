//! Embeds the default rules' test cases (fixtures/rules/*.yaml), so that `tillsyn rules explain`
//! can show a failing and a passing example of every default rule.

use std::path::Path;

fn main() {
    let dir = Path::new("fixtures/rules");
    println!("cargo:rerun-if-changed=fixtures/rules");
    let mut entries: Vec<String> = std::fs::read_dir(dir)
        .map(|read| {
            read.filter_map(Result::ok)
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .filter(|name| name.ends_with(".yaml"))
                .collect()
        })
        .unwrap_or_default();
    entries.sort();
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let mut code = String::from(
        "/// (file name, text) of every default rule test file.\npub const RULE_TESTS: &[(&str, &str)] = &[\n",
    );
    for name in entries {
        code.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            format!("{manifest}/fixtures/rules/{name}")
        ));
    }
    code.push_str("];\n");
    let out = std::env::var("OUT_DIR").unwrap_or_default();
    if let Err(error) = std::fs::write(Path::new(&out).join("rule_tests.rs"), code) {
        println!("cargo:warning=cannot write the rule test index: {error}");
    }
}
