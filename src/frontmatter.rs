//! Front matter (YAML between `---` lines, TOML between `+++` lines) into [`crate::doc::Meta`].
// Owner: markdown helper. Stub until then.
