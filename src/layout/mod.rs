//! Layout: the document tree → positioned pages (fonts, shaping, line breaking, tables,
//! pagination). Never imports printpdf.

mod page;

pub use page::*;
mod inline;
mod linebreak;
mod shape;
