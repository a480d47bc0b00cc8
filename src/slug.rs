//! Heading ids ("slugs"), GitHub style, unique within one document.
//!
//! [`slugify`] lowercases the heading's plain text, keeps letters and digits of any script
//! (plus `-` and `_`), turns each whitespace character into `-` and drops everything else,
//! the way GitHub builds anchors, so `#background-one-grid-five-owners` links written for
//! GitHub keep working. [`Slugger`] makes them unique (`foo`, `foo-1`, `foo-2`, …) and
//! honours explicit `{#id}` attributes, which are reserved up front so that a generated
//! slug never steals an id that a later heading asks for explicitly.

use std::collections::HashSet;

/// The id used when a heading has no letters or digits at all.
pub const EMPTY_SLUG: &str = "section";

/// GitHub-like slug of a heading's plain text; may be empty.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() {
            out.push('-');
        }
    }
    out
}

/// Hands out unique ids for the headings of one document, in document order.
#[derive(Debug, Default, Clone)]
pub struct Slugger {
    used: HashSet<String>,
    reserved: HashSet<String>,
}

impl Slugger {
    /// A slugger that will not hand out any of `explicit` as a generated id (those ids are
    /// kept for the headings that name them with `{#id}`).
    pub fn new<I, S>(explicit: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Slugger {
            used: HashSet::new(),
            reserved: explicit.into_iter().map(Into::into).collect(),
        }
    }

    /// A unique id for a heading whose plain text is `text`.
    pub fn generated(&mut self, text: &str) -> String {
        let base = slugify(text);
        let base = if base.is_empty() { EMPTY_SLUG.to_string() } else { base };
        self.unique(base, true)
    }

    /// The id for a heading with an explicit `{#id}`: the id itself the first time, else a
    /// suffixed variant. The flag says whether the id had to be changed.
    pub fn explicit(&mut self, id: &str) -> (String, bool) {
        if self.used.insert(id.to_string()) {
            return (id.to_string(), false);
        }
        (self.unique(id.to_string(), false), true)
    }

    /// Whether `id` was handed out.
    pub fn contains(&self, id: &str) -> bool {
        self.used.contains(id)
    }

    fn unique(&mut self, base: String, avoid_reserved: bool) -> String {
        let taken = |s: &str, this: &Self| this.used.contains(s) || (avoid_reserved && this.reserved.contains(s));
        let mut candidate = base.clone();
        let mut n = 0u64;
        while taken(&candidate, self) {
            n += 1;
            candidate = format!("{base}-{n}");
        }
        self.used.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_like_slugs() {
        assert_eq!(
            slugify("Background: one grid, five owners"),
            "background-one-grid-five-owners"
        );
        assert_eq!(
            slugify("Қазақ тілі: Kazakh in Cyrillic"),
            "қазақ-тілі-kazakh-in-cyrillic"
        );
        assert_eq!(slugify("Water — energy"), "water--energy");
        assert_eq!(slugify("snake_case and-dash 2024"), "snake_case-and-dash-2024");
        assert_eq!(slugify("?!"), "");
    }

    #[test]
    fn duplicates_and_explicit_ids() {
        let mut s = Slugger::new(["intro"]);
        assert_eq!(s.generated("Intro"), "intro-1", "reserved for the explicit id");
        assert_eq!(s.generated("Foo"), "foo");
        assert_eq!(s.generated("Foo"), "foo-1");
        assert_eq!(s.generated("Foo 1"), "foo-1-1");
        assert_eq!(s.generated("Foo"), "foo-2");
        assert_eq!(s.generated("..."), "section");
        assert_eq!(s.generated(""), "section-1");
        assert_eq!(s.explicit("intro"), ("intro".to_string(), false));
        assert_eq!(s.explicit("intro"), ("intro-2".to_string(), true));
        assert!(s.contains("foo-2"));
    }
}
