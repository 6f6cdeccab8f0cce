//! statelint: pre-flight checks for kops state stores.
//!
//! Data flows one way: resolve -> vfs -> store -> checks (schema, rules) -> findings -> report.
pub mod baseline;
pub mod check;
pub mod cli;
pub mod codes;
pub mod commands;
pub mod config;
pub mod document;
pub mod env;
pub mod findings;
pub mod input;
pub mod migrate;
pub mod policy;
pub mod probes;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod schema;
pub mod source;
pub mod store;
pub mod suggest;
pub mod typos;
pub mod vfs;
pub mod yaml;
