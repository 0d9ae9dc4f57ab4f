//! specbook: a static site generator and browser for behavioural specs
//! written in the Model Spec markdown dialect.
//!
//! Data flows one way: [`load`] → [`parse`] → [`link`] → the linked
//! [`model::Spec`], which every [`outputs::Output`] reads (pages, search,
//! `spec.json`) and writes through a [`sink::Sink`]. [`pipeline`] runs it.

pub mod authority;
pub mod cmd;
pub mod config;
pub mod coverage;
pub mod diag;
pub mod diff;
pub mod evalset;
pub mod export;
pub mod i18n;
pub mod link;
pub mod load;
pub mod lsp;
pub mod model;
pub mod output;
pub mod outputs;
pub mod parse;
pub mod pipeline;
pub mod render;
pub mod results;
pub mod search;
pub mod serve;
pub mod sink;
pub mod site;
#[cfg(test)]
mod test_support;
pub mod versions;
