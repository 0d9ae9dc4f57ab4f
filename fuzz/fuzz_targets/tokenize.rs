//! The search tokenizer, on any text.
#![no_main]

use specbook::search::tokenize::tokens;

libfuzzer_sys::fuzz_target!(|text: &str| {
    let mut out = Vec::new();
    let next = tokens(text, 0, &mut out);
    std::hint::black_box((next, out));
});
