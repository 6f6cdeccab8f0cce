//! Discovering clusters in a store and loading their documents.
pub mod diags;
