//! The conversation scanner: the input is the body of a `~~~xml` block.
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|body: &[u8]| {
    let mut spec = b"# A {#a}\n\n**Example**: t\n\n~~~xml\n<comparison>\n".to_vec();
    spec.extend_from_slice(body);
    spec.extend_from_slice(b"\n</comparison>\n~~~\n\n## B {#b}\n");
    common::check(&spec);
});
