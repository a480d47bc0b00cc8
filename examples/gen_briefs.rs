//! Writes N varied briefs for benchmarks: front matter, prose, lists and 1–3 tables each.
//!
//! ```sh
//! cargo run --release --example gen_briefs -- 1000 /tmp/briefs [SEED]
//! ```
//!
//! The output depends only on N and the seed (a small xorshift generator), so benchmark
//! runs on different machines build the same documents.

use std::fmt::Write as _;
use std::path::PathBuf;

const WORDS: &[&str] = &[
    "regional",
    "trade",
    "corridor",
    "ministry",
    "agreement",
    "security",
    "energy",
    "water",
    "border",
    "investment",
    "delegation",
    "summit",
    "cooperation",
    "infrastructure",
    "railway",
    "transit",
    "tariff",
    "customs",
    "logistics",
    "capacity",
    "policy",
    "framework",
    "partnership",
    "growth",
    "inflation",
    "currency",
    "exports",
    "imports",
    "agriculture",
    "irrigation",
    "hydropower",
    "pipeline",
    "reform",
    "budget",
    "parliament",
    "election",
    "governance",
    "stability",
    "risk",
    "outlook",
    "scenario",
    "assessment",
    "indicator",
    "forecast",
    "negotiation",
    "protocol",
    "bilateral",
    "multilateral",
    "commitment",
    "implementation",
    "monitoring",
    "analysis",
];
const NAMES: &[&str] = &["Almaty", "Tashkent", "Bishkek", "Dushanbe", "Astana", "Samarkand", "Aktau", "Termez"];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn word(&mut self) -> &'static str {
        WORDS[self.below(WORDS.len())]
    }
}

fn sentence(rng: &mut Rng) -> String {
    let n = rng.range(8, 22);
    let mut words: Vec<String> = (0..n).map(|_| rng.word().to_string()).collect();
    if rng.below(3) == 0 {
        let i = rng.below(n);
        words[i] = NAMES[rng.below(NAMES.len())].to_string();
    }
    if rng.below(5) == 0 {
        let i = rng.below(n);
        words[i] = format!("**{}**", words[i]);
    }
    if rng.below(6) == 0 {
        let i = rng.below(n);
        words[i] = format!("*{}*", words[i]);
    }
    let mut s = words.join(" ");
    if let Some(first) = s.get(..1) {
        s = first.to_uppercase() + s.get(1..).unwrap_or("");
    }
    s + "."
}

fn paragraph(rng: &mut Rng) -> String {
    let n = rng.range(2, 6);
    (0..n).map(|_| sentence(rng)).collect::<Vec<_>>().join(" ")
}

fn table(rng: &mut Rng, out: &mut String, number: usize) {
    let cols = rng.range(3, 5);
    let rows = rng.range(3, 8);
    let _ = writeln!(out, "Table: {} {} indicators ({number})\n", NAMES[rng.below(NAMES.len())], rng.word());
    let head: Vec<String> =
        (0..cols).map(|c| if c == 0 { "Item".into() } else { format!("{} {c}", rng.word()) }).collect();
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let _ = writeln!(out, "|{}", " --- |".repeat(cols));
    for _ in 0..rows {
        let cells: Vec<String> = (0..cols)
            .map(|c| {
                if c == 0 {
                    format!("{} {}", rng.word(), rng.word())
                } else {
                    format!("{}.{}", rng.below(900), rng.below(10))
                }
            })
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
}

fn brief(i: usize, rng: &mut Rng) -> String {
    let mut s = String::new();
    let place = NAMES[rng.below(NAMES.len())];
    let _ = writeln!(s, "---\ntitle: \"{place} {} {} brief {i}\"", rng.word(), rng.word());
    let _ = writeln!(s, "author: Desk {}\ndate: 2025-{:02}-{:02}", rng.range(1, 9), rng.range(1, 12), rng.range(1, 28));
    if rng.below(2) == 0 {
        let _ = writeln!(s, "classification: {}", ["PUBLIC", "INTERNAL", "RESTRICTED"][rng.below(3)]);
    }
    // Quoted and without emphasis: a leading `*` would be a YAML alias.
    let _ = writeln!(s, "summary: \"{}\"\n---\n", sentence(rng).replace(['*', '"'], ""));
    let sections = rng.range(3, 6);
    let tables = rng.range(1, 3);
    let table_at: Vec<usize> = (0..tables).map(|_| rng.below(sections)).collect();
    for sec in 0..sections {
        let _ = writeln!(s, "## {} {} and {}\n", place, rng.word(), rng.word());
        for _ in 0..rng.range(1, 3) {
            let _ = writeln!(s, "{}\n", paragraph(rng));
        }
        match rng.below(4) {
            0 => {
                for _ in 0..rng.range(3, 6) {
                    let _ = writeln!(s, "- {}", sentence(rng));
                }
                s.push('\n');
            }
            1 => {
                for k in 1..=rng.range(2, 5) {
                    let _ = writeln!(s, "{k}. {}", sentence(rng));
                }
                s.push('\n');
            }
            2 => {
                let _ = writeln!(s, "> {}\n", sentence(rng));
            }
            _ => {}
        }
        for (n, _) in table_at.iter().enumerate().filter(|(_, &t)| t == sec) {
            table(rng, &mut s, n + 1);
        }
    }
    let _ = writeln!(s, "## Outlook\n\n{}[^1]\n\n[^1]: {}", paragraph(rng), sentence(rng));
    s
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(n), Some(dir)) = (args.get(1).and_then(|a| a.parse::<usize>().ok()), args.get(2)) else {
        eprintln!("usage: gen_briefs N DIR [SEED]");
        std::process::exit(2);
    };
    let seed = args.get(3).and_then(|a| a.parse::<u64>().ok()).unwrap_or(0x9E37_79B9_7F4A_7C15);
    let dir = PathBuf::from(dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("gen_briefs: cannot create {}: {e}", dir.display());
        std::process::exit(1);
    }
    let mut rng = Rng(seed | 1);
    for i in 0..n {
        let path = dir.join(format!("brief-{i:04}.md"));
        if let Err(e) = std::fs::write(&path, brief(i, &mut rng)) {
            eprintln!("gen_briefs: cannot write {}: {e}", path.display());
            std::process::exit(1);
        }
    }
    eprintln!("gen_briefs: wrote {n} briefs to {}", dir.display());
}
