//! Finding the state store the way kops does.
pub mod diags;
pub mod url;
