//! The generated YAML front matter: title, date, lang, source, summary.
//!
//! Every value is written as a YAML double-quoted scalar with `\\`, `"` and every control
//! or line-separator character escaped (`\n`, `\t`, `\uXXXX`), so the block always parses,
//! whatever the text contains; the escapes are also valid JSON, which other readers of
//! front matter (the checkers) rely on.
//!
//! - `title`: the first heading-like line when the text starts with one; otherwise a
//!   guess (the longest run of capitalised words in the first sentence — usually its
//!   subject — or its first words), with a comment line saying it is a guess.
//! - `lang`: from the letters' scripts, and for Latin script from common short words.
//! - `summary`: the first paragraph's first sentence.

use super::{Block, ImportOptions, Recognised};

/// The front matter and whether its title is a guess.
pub struct FrontMatter {
    /// `---` … `---` with a trailing newline.
    pub yaml: String,
    pub title_guessed: bool,
}

/// Builds the front matter for a recognised (and repaired) document.
pub fn build(doc: &Recognised, opts: &ImportOptions) -> FrontMatter {
    let first_para = doc.blocks.iter().find_map(|b| match b {
        Block::Paragraph { text, .. } => Some(text.as_str()),
        _ => None,
    });
    let first_sentence = first_para.map(first_sentence);
    let (title, guessed) = match &doc.title {
        Some((t, _)) => (t.trim().to_string(), false),
        None => {
            let from = first_sentence.or_else(|| first_text(doc)).unwrap_or("");
            (guess_title(from), true)
        }
    };
    let title = if title.is_empty() { "Untitled".to_string() } else { title };
    let mut yaml = String::from("---\n");
    yaml.push_str(&format!("title: {}\n", quote(&title)));
    if guessed {
        yaml.push_str("# The title above is a guess from the first sentence: edit it.\n");
    }
    yaml.push_str(&format!("date: {}\n", quote(&opts.date)));
    yaml.push_str(&format!("lang: {}\n", quote(guess_lang(&all_text(doc)))));
    if let Some(src) = &opts.source_name {
        yaml.push_str(&format!("source: {}\n", quote(src)));
    }
    if let Some(s) = first_sentence.filter(|s| !s.trim().is_empty()) {
        yaml.push_str(&format!("summary: {}\n", quote(s.trim())));
    }
    yaml.push_str("---\n");
    FrontMatter { yaml, title_guessed: guessed }
}

/// Writes `s` as a YAML double-quoted scalar (also a valid JSON string).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}') => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The first text of any block (for documents without paragraphs).
fn first_text(doc: &Recognised) -> Option<&str> {
    doc.blocks.iter().find_map(|b| match b {
        Block::Heading { text, .. } | Block::Paragraph { text, .. } => Some(text.as_str()),
        Block::List(l) => l.items.first().map(|i| i.text.as_str()),
        Block::Table { rows, .. } => rows.first().and_then(|r| r.cells.first()).map(String::as_str),
        Block::Code { .. } => None,
    })
}

/// Words that end a sentence only rarely: `Mr.`, `Dr.`, `e.g.`, initials.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "inc", "ltd", "co", "corp", "gen", "col",
    "lt", "sgt", "gov", "sen", "rep", "no", "vol", "fig", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "approx", "dept", "est",
];

/// The first sentence of `text`: up to the first `.`, `!` or `?` (or `。！？`) followed by
/// a space and an uppercase letter or digit, skipping abbreviations and initials.
pub fn first_sentence(text: &str) -> &str {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if matches!(c, '。' | '！' | '？') {
            return text.get(..i + c.len_utf8()).unwrap_or(text);
        }
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        // Closing quotes/brackets belong to the sentence.
        let mut e = k + 1;
        while chars.get(e).is_some_and(|(_, ch)| matches!(ch, '"' | '”' | '’' | '\'' | ')' | '»')) {
            e += 1;
        }
        let space = chars.get(e).is_some_and(|(_, ch)| ch.is_whitespace());
        let next = chars.get(e + 1).map(|(_, ch)| *ch);
        if !space || !next.is_some_and(|n| n.is_uppercase() || n.is_ascii_digit() || matches!(n, '"' | '“' | '«')) {
            continue;
        }
        if c == '.' {
            let word: String = chars
                .get(..k)
                .unwrap_or(&[])
                .iter()
                .rev()
                .take_while(|(_, ch)| ch.is_alphanumeric() || *ch == '.')
                .map(|(_, ch)| *ch)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let lw = word.to_lowercase();
            if word.chars().count() == 1 || ABBREVIATIONS.contains(&lw.as_str()) || word.contains('.') {
                continue;
            }
        }
        let end = chars.get(e).map_or(text.len(), |(idx, _)| *idx);
        return text.get(..end).unwrap_or(text);
    }
    text
}

/// Connecting words allowed inside a run of capitalised words ("Bank of England").
const CONNECTORS: &[&str] = &["of", "the", "and", "for", "de", "du", "des", "la", "le", "von", "van", "der", "&"];

/// A title guessed from a sentence: its longest run of capitalised words (two or more),
/// else its first eight words.
pub fn guess_title(sentence: &str) -> String {
    let words: Vec<&str> = sentence.split_whitespace().collect();
    let cap = |w: &str| w.chars().find(|c| c.is_alphanumeric()).is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    let mut best: &[&str] = &[];
    let mut i = 0;
    while i < words.len() {
        if !words.get(i).is_some_and(|w| cap(w)) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        let mut last_cap = i;
        while let Some(w) = words.get(j) {
            if cap(w) && !last_of_sentence(words.get(j - 1).copied().unwrap_or("")) {
                last_cap = j;
            } else if !CONNECTORS.contains(&w.to_lowercase().as_str()) {
                break;
            }
            j += 1;
        }
        if let Some(run) = words.get(i..=last_cap) {
            if run.len() > best.len() {
                best = run;
            }
        }
        i = last_cap + 1;
    }
    let chosen: Vec<&str> = if best.len() >= 2 {
        best.to_vec()
    } else {
        words.iter().take(8).copied().collect()
    };
    let mut title = chosen.join(" ");
    let trimmed = title.trim_end_matches([',', ';', ':', '.', '!', '?']).len();
    title.truncate(trimmed);
    if best.len() < 2 && words.len() > 8 {
        title.push('…');
    }
    title
}

/// True when a word ends with punctuation that breaks a run of capitalised words.
fn last_of_sentence(w: &str) -> bool {
    w.ends_with(['.', ',', ';', ':', '!', '?'])
}

/// All running text, for the language guess.
fn all_text(doc: &Recognised) -> String {
    let mut copy = doc.clone();
    let mut out = String::new();
    super::for_each_text(&mut copy, &mut |t, _, _| {
        out.push_str(t);
        out.push('\n');
    });
    out
}

/// A BCP 47 language tag guessed from the text: by script, then for Latin and Cyrillic
/// text by letters and short words typical of a language. Defaults to `en`.
pub fn guess_lang(text: &str) -> &'static str {
    let mut counts = [0usize; 12];
    // latin cyrillic greek arabic hebrew han kana hangul devanagari thai armenian georgian
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        let idx = match c as u32 {
            0x0041..=0x024F => 0,
            0x0400..=0x04FF => 1,
            0x0370..=0x03FF => 2,
            0x0600..=0x06FF | 0x0750..=0x077F => 3,
            0x0590..=0x05FF => 4,
            0x4E00..=0x9FFF | 0x3400..=0x4DBF => 5,
            0x3040..=0x30FF => 6,
            0xAC00..=0xD7AF | 0x1100..=0x11FF => 7,
            0x0900..=0x097F => 8,
            0x0E00..=0x0E7F => 9,
            0x0530..=0x058F => 10,
            0x10A0..=0x10FF => 11,
            _ => continue,
        };
        if let Some(n) = counts.get_mut(idx) {
            *n += 1;
        }
    }
    let top = (0..counts.len()).max_by_key(|&i| (counts.get(i).copied().unwrap_or(0), usize::MAX - i)).unwrap_or(0);
    if counts.iter().all(|&n| n == 0) {
        return "en";
    }
    let kana = counts.get(6).copied().unwrap_or(0);
    match top {
        1 => cyrillic_lang(text),
        2 => "el",
        3 => "ar",
        4 => "he",
        5 if kana > 0 => "ja",
        5 => "zh",
        6 => "ja",
        7 => "ko",
        8 => "hi",
        9 => "th",
        10 => "hy",
        11 => "ka",
        _ => latin_lang(text),
    }
}

fn cyrillic_lang(text: &str) -> &'static str {
    let has = |set: &str| text.chars().any(|c| set.contains(c));
    if has("қғүұәөһҚҒҮҰӘӨҺ") {
        "kk"
    } else if has("їєґЇЄҐ") {
        "uk"
    } else if has("ўЎ") {
        if has("ыЫ") {
            "be"
        } else {
            "uz"
        }
    } else {
        "ru"
    }
}

fn latin_lang(text: &str) -> &'static str {
    const LANGS: &[(&str, &[&str])] = &[
        ("en", &["the", "and", "of", "to", "is", "in", "that", "with", "for", "are"]),
        ("fr", &["le", "la", "les", "et", "des", "est", "une", "dans", "pour", "que"]),
        ("de", &["der", "die", "und", "das", "ist", "nicht", "mit", "den", "ein", "zu"]),
        ("es", &["el", "los", "las", "y", "es", "una", "por", "con", "para", "que"]),
        ("it", &["il", "della", "di", "che", "è", "gli", "per", "una", "sono", "non"]),
        ("pt", &["o", "os", "da", "do", "uma", "não", "com", "para", "são", "em"]),
        ("nl", &["de", "het", "een", "van", "en", "niet", "zijn", "met", "voor", "op"]),
        ("tr", &["ve", "bir", "bu", "için", "ile", "olarak", "da", "de", "çok", "olan"]),
        ("uz", &["va", "bilan", "uchun", "bu", "ham", "bo'yicha", "o'z", "edi", "qilish", "yil"]),
    ];
    let words: Vec<String> = text.split(|c: char| !c.is_alphanumeric() && c != '\'').map(str::to_lowercase).collect();
    let mut best = ("en", 0usize);
    for (lang, common) in LANGS {
        let n = words.iter().filter(|w| common.contains(&w.as_str())).count();
        if n > best.1 {
            best = (lang, n);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences() {
        assert_eq!(first_sentence("Mr. Smith went to Washington. Then he left."), "Mr. Smith went to Washington.");
        assert_eq!(first_sentence("The U.S. Senate voted. Later."), "The U.S. Senate voted.");
        assert_eq!(first_sentence("One long sentence"), "One long sentence");
        assert_eq!(first_sentence("He said “go.” Then left."), "He said “go.”");
    }

    #[test]
    fn titles() {
        assert_eq!(
            guess_title("Uzbekistan’s President Shavkat Mirziyoyev is set to embark on a visit to Kazakhstan."),
            "Uzbekistan’s President Shavkat Mirziyoyev"
        );
        assert_eq!(guess_title("Prices rose again this week across most markets in the region."), "Prices rose again this week across most markets…");
    }

    #[test]
    fn languages() {
        assert_eq!(guess_lang("The cat and the dog are in the house."), "en");
        assert_eq!(guess_lang("Le chat et le chien sont dans la maison."), "fr");
        assert_eq!(guess_lang("Президент посетил Казахстан."), "ru");
        assert_eq!(guess_lang("Қазақстан Республикасы"), "kk");
        assert_eq!(guess_lang("東京は日本の首都です"), "ja");
        assert_eq!(guess_lang("北京是中国的首都"), "zh");
    }

    #[test]
    fn quoting_round_trips() {
        for s in ["plain", "a: b # c", "\"quoted\" \\ back", "line\nbreak\ttab\u{7}bell\u{2028}", "- item", "'single'", "@at", "{x}"] {
            let yaml = format!("k: {}\n", quote(s));
            let v: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap_or(serde_yaml::Value::Null);
            assert_eq!(v.get("k").and_then(|x| x.as_str()), Some(s), "{yaml}");
        }
    }
}
