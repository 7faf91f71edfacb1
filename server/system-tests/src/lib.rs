//! This crate only holds black-box tests, in `tests/`.
