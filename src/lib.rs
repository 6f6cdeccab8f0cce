//! statelint: pre-flight checks for kops state stores.
//!
//! Data flows one way: resolve -> vfs -> store -> checks (schema, rules) -> findings -> report.
pub mod codes;
pub mod config;
pub mod document;
pub mod env;
pub mod findings;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod schema;
// pub mod check; (wired in once schema::validate lands)
// pub mod cli; (wired in once report::Format lands)
pub mod source;
pub mod store;
pub mod vfs;
pub mod yaml;
