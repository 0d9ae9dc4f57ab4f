//! specbook: a static site generator and browser for behavioural specs
//! written in the Model Spec markdown dialect.
//!
//! Data flows one way: [`load`] → [`parse`] → [`link`] → render → write.
//! [`model::Spec`] is the one data model every output reads.

pub mod cmd;
pub mod config;
pub mod diag;
pub mod export;
pub mod link;
pub mod load;
pub mod model;
pub mod output;
pub mod parse;
pub mod pipeline;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
