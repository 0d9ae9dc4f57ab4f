//! The heading parser and its attributes: the input's first line follows
//! `#`, `{#` or `## t {#id ` (so that most inputs reach the attributes).
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|line: &[u8]| {
    let line = line.split(|&b| b == b'\n').next().unwrap_or_default();
    for prefix in [&b"# "[..], b"## T {#", b"### T {#id "] {
        let mut spec = prefix.to_vec();
        spec.extend_from_slice(line);
        spec.extend_from_slice(b"\n\ntext [?](#id)\n");
        common::check(&spec);
    }
});
