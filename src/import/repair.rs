//! Spacing repair: the space a scrape lost after `.`, `,`, `;`, `:`, `?`, `!`.
//!
//! The text is looked at one whitespace-delimited token at a time. Inside a token, a
//! punctuation mark gets a space after it when it sits between two words: the character
//! before is a letter, a digit or a closing bracket/quote, and the character after is a
//! letter ("exchanges.As", "years,Uzbekistan", "2020,the"). It never does when:
//!
//! - the token is a URL (`://`, `www.`), an e-mail address (`@`), a path or code-like
//!   (`/`, `\`, `=`, `_`, `<`, `>`, `{`, `}`, `&`, `#`), or a domain or file name
//!   (`astanatimes.com`, `bbc.co.uk`, `report.pdf`: lowercase labels ending in a known
//!   top-level domain or extension);
//! - the mark is inside a number (`3.5`, `1,000`, `10:30`: the character after is a digit,
//!   so it is never a letter);
//! - the mark is a `.` in an abbreviation: one letter on both sides (`e.g`, `i.e`, `U.S`),
//!   or one letter followed by another `.` after it (`Ph.D.`), or capitals on both sides
//!   (`ASP.NET`).

/// Top-level domains and file extensions that mark a token as a name, not two words.
/// Two-letter codes that are common English words (`in`, `it`, `is`, `to`, `me`, `at`,
/// `be`, `by`, `no`, `so`, `my`, `am`, `an`, `do`, `go`, `us`, `as`, `of`, `or`, `on`)
/// are left out on purpose: "region.in" is far more often a lost space than India.
const NAME_ENDINGS: &[&str] = &[
    "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "io", "ai", "app", "dev", "news", "online",
    "site", "tv", "uk", "uz", "kz", "ru", "de", "fr", "cn", "jp", "eu", "ca", "au", "kg", "tj", "tm", "ua", "pl",
    "nl", "es", "ch", "se", "fi", "dk", "cz", "sk", "hu", "ro", "bg", "gr", "tr", "ir", "il", "ae", "sa", "cc",
    "ly", "ws", "gg", "fm", "az", "ge", "am", "mn", "kr", "hk", "tw", "sg", "nz", "za", "br", "ar", "mx", "cl",
    "pdf", "html", "htm", "php", "aspx", "asp", "jsp", "jpg", "jpeg", "png", "gif", "svg", "txt", "doc", "docx",
    "xls", "xlsx", "ppt", "pptx", "csv", "zip", "md", "js", "json", "xml", "exe", "mp3", "mp4",
];

/// The punctuation after which a space may be missing.
const MARKS: &[char] = &['.', ',', ';', ':', '?', '!'];

/// Repairs `text`; returns the repaired text and, per changed token, (before, after).
pub fn spacing(text: &str) -> (String, Vec<(String, String)>) {
    let mut out = String::with_capacity(text.len() + 16);
    let mut changes = Vec::new();
    let mut token = String::new();
    for c in text.chars() {
        if c.is_whitespace() {
            flush(&mut token, &mut out, &mut changes);
            out.push(c);
        } else {
            token.push(c);
        }
    }
    flush(&mut token, &mut out, &mut changes);
    (out, changes)
}

fn flush(token: &mut String, out: &mut String, changes: &mut Vec<(String, String)>) {
    if token.is_empty() {
        return;
    }
    let fixed = repair_token(token);
    if fixed != *token {
        changes.push((token.clone(), fixed.clone()));
    }
    out.push_str(&fixed);
    token.clear();
}

/// True for tokens that are never split: URLs, e-mail addresses, paths, code, names.
fn protected(token: &str) -> bool {
    let lower = token.to_lowercase();
    if lower.contains("://") || lower.contains("www.") || token.contains('@') {
        return true;
    }
    if token.contains(['/', '\\', '=', '_', '<', '>', '{', '}', '&', '#']) {
        return true;
    }
    is_name(token)
}

/// True for a domain or file name: lowercase labels of letters, digits and hyphens joined
/// by dots, the last one a known ending (surrounding quotes and punctuation ignored).
fn is_name(token: &str) -> bool {
    let core = token.trim_matches(|c: char| !c.is_alphanumeric());
    let labels: Vec<&str> = core.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let label_ok = |l: &str| !l.is_empty() && l.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let last = labels.last().copied().unwrap_or("");
    labels.iter().all(|l| label_ok(l)) && NAME_ENDINGS.contains(&last)
}

/// The run of alphanumeric characters ending just before `i` / starting just after `i`.
fn segment_before(chars: &[char], i: usize) -> &[char] {
    let start = chars.get(..i).map_or(0, |b| b.iter().rposition(|c| !c.is_alphanumeric()).map_or(0, |p| p + 1));
    chars.get(start..i).unwrap_or(&[])
}

fn segment_after(chars: &[char], i: usize) -> &[char] {
    let from = i + 1;
    let rest = chars.get(from..).unwrap_or(&[]);
    let len = rest.iter().position(|c| !c.is_alphanumeric()).unwrap_or(rest.len());
    rest.get(..len).unwrap_or(&[])
}

fn repair_token(token: &str) -> String {
    if protected(token) {
        return token.to_string();
    }
    let chars: Vec<char> = token.chars().collect();
    let mut out = String::with_capacity(token.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        out.push(c);
        if !MARKS.contains(&c) || i == 0 {
            continue;
        }
        let before = chars.get(i - 1).copied().unwrap_or(' ');
        let after = chars.get(i + 1).copied().unwrap_or(' ');
        // A `.` before another mark ends an abbreviation: "e.g.,the".
        let before_ok = before.is_alphanumeric()
            || matches!(before, ')' | ']' | '”' | '"' | '»')
            || (before == '.' && c != '.' && i >= 2 && chars.get(i - 2).is_some_and(|p| p.is_alphabetic()));
        if !before_ok || !after.is_alphabetic() {
            continue;
        }
        if c == '.' && abbreviation(&chars, i) {
            continue;
        }
        out.push(' ');
    }
    out
}

/// True when the `.` at `i` is inside an abbreviation (see the module documentation).
fn abbreviation(chars: &[char], i: usize) -> bool {
    let before = segment_before(chars, i);
    let after = segment_after(chars, i);
    let next_after = chars.get(i + 1 + after.len()).copied();
    if after.len() == 1 && (before.len() == 1 || next_after == Some('.')) {
        return true;
    }
    let upper = |s: &[char]| s.len() >= 2 && s.iter().all(|c| c.is_uppercase() || c.is_ascii_digit());
    upper(before) && upper(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(s: &str) -> String {
        spacing(s).0
    }

    #[test]
    fn repairs_between_words() {
        assert_eq!(fix("cultural exchanges.As Uzbekistan"), "cultural exchanges. As Uzbekistan");
        assert_eq!(fix("In recent years,Uzbekistan and"), "In recent years, Uzbekistan and");
        assert_eq!(fix("cooperation.Both nations"), "cooperation. Both nations");
        assert_eq!(fix("Note:this;that?Yes!No"), "Note: this; that? Yes! No");
        assert_eq!(fix("in 2020,the"), "in 2020, the");
        assert_eq!(fix("e.g.,the U.S.Army"), "e.g., the U.S. Army");
    }

    #[test]
    fn leaves_numbers_names_and_abbreviations() {
        for s in [
            "3.5 per cent", "1,000 people", "at 10:30", "e.g. this", "i.e. that", "the U.S. and U.K.",
            "astanatimes.com reported", "see https://example.com/a.b,c?x=y", "www.gov.uz", "write to a.b@c.org",
            "bbc.co.uk", "report.pdf", "ASP.NET", "Ph.D. thesis", "wait...what", "end.", "a . b",
        ] {
            assert_eq!(fix(s), s, "{s}");
        }
    }

    #[test]
    fn reports_tokens() {
        let (_, changes) = spacing("a relations,particularly b");
        assert_eq!(changes, vec![("relations,particularly".to_string(), "relations, particularly".to_string())]);
    }
}
