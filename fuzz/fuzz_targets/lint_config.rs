//! The `.statelint.yaml` loader never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use statelint::source::SourceDb;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let sources = SourceDb::new();
    let _ = statelint::config::parse("file:///fuzz/.statelint.yaml", text, &sources);
});
