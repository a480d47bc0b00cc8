//! brief: Markdown briefs → a typeset PDF and an EPUB edition, in one step.
//!
//! The pipeline: [`source`] (text and positions) → [`markdown`] (pulldown-cmark events →
//! [`doc`] tree, front matter via [`frontmatter`]) → in parallel, [`layout`] → [`pdf`], and
//! [`epub`]. [`pipeline`] runs it over many files, with the project [`config`]
//! (`brief.toml`) and the incremental-build [`manifest`].

pub mod config;
pub mod deflate;
pub mod diag;
pub mod doc;
pub mod epub;
pub mod fonts;
pub mod frontmatter;
pub mod import;
pub mod layout;
pub mod markdown;
pub mod manifest;
pub mod pdf;
pub mod pipeline;
pub mod resources;
pub mod slug;
pub mod source;
