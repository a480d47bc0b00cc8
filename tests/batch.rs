//! Batch builds (issue 6) through the real binary: failures among good documents, atomic
//! writes, incremental builds (skip, and rebuild on each kind of dependency change), shards,
//! JSON messages, GitHub annotations, `brief.toml` (discovery, page size, errors with
//! line:col), `brief init`, `brief layout` and `brief watch`. No timings are asserted.

mod common;

use common::{brief_bin, run_with_limit, Output, TempDir};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `brief ARGS` in `dir` with `SOURCE_DATE_EPOCH` fixed (plus `env`).
fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(brief_bin());
    cmd.current_dir(dir).args(args).env("SOURCE_DATE_EPOCH", "1700000000").env_remove("GITHUB_ACTIONS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_with_limit(&mut cmd, Duration::from_secs(300))
}

fn write(path: &Path, text: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

fn good(title: &str) -> String {
    format!(
        "---\ntitle: {title}\n---\n\n## Section\n\nSome prose about {title}.\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n"
    )
}

/// The JSON lines of stdout, each parsed (panics on a line that is not JSON).
fn json_lines(out: &Output) -> Vec<Value> {
    out.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l:?}: {e}\n{}", out.dump())))
        .collect()
}

/// `path file name → status` of the document objects of a JSON run.
fn statuses(out: &Output) -> BTreeMap<String, String> {
    json_lines(out)
        .into_iter()
        .filter(|v| v["type"] == "document")
        .map(|v| {
            let name = Path::new(v["path"].as_str().unwrap_or("")).file_name().unwrap().to_string_lossy().into_owned();
            (name, v["status"].as_str().unwrap_or("").to_string())
        })
        .collect()
}

fn files_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir).map_or_else(
        |_| BTreeSet::new(),
        |rd| rd.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect(),
    )
}

/// A valid RGB PNG of `w`×`h` pixels of one colour (stored, uncompressed deflate).
fn png(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut c = !0u32;
        for &b in bytes {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            }
        }
        !c
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    }
    let mut raw = Vec::new();
    for _ in 0..h {
        raw.push(0);
        for _ in 0..w {
            raw.extend(rgb);
        }
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &x in &raw {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    let mut z = vec![0x78, 0x01, 1];
    let len = raw.len() as u16;
    z.extend(len.to_le_bytes());
    z.extend((!len).to_le_bytes());
    z.extend(&raw);
    z.extend(((b << 16) | a).to_be_bytes());
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}

#[test]
fn a_failing_document_among_good_ones() {
    let dir = TempDir::new("batch-fail");
    write(&dir.join("src/a.md"), good("Alpha"));
    write(&dir.join("src/bad.md"), "# Bad\n\nText.\n\n![chart](missing/chart.png)\n");
    write(&dir.join("src/c.md"), good("Gamma"));
    let r = run_in(dir.path(), &["build", "src", "-o", "out"], &[]);
    assert_eq!(r.code(), 1, "{}", r.dump());
    let files = files_in(&dir.join("out"));
    for f in ["a.pdf", "a.epub", "c.pdf", "c.epub"] {
        assert!(files.contains(f), "{f} missing: {files:?}\n{}", r.dump());
    }
    assert!(!files.iter().any(|f| f.starts_with("bad.")), "{files:?}");
    assert!(r.stderr.contains("src/bad.md:5:1: error: image file `missing/chart.png` not found"), "{}", r.dump());
    assert!(r.stderr.contains("built 2 of 3 documents (1 failed"), "{}", r.dump());
    // Printed once, not once per backend or per retry.
    assert_eq!(r.stderr.matches("bad.md:5:1").count(), 1, "{}", r.dump());

    // With --color always: the source line and a caret under the column, rustc style.
    let r = run_in(dir.path(), &["build", "src/bad.md", "-o", "out", "--color", "always"], &[]);
    assert!(r.stderr.contains("5 |\x1b[0m ![chart](missing/chart.png)\n"), "{}", r.dump());
    assert!(r.stderr.contains("  |\x1b[0m \x1b[1;31m^"), "{}", r.dump());
    // NO_COLOR and a pipe: plain lines.
    let r = run_in(dir.path(), &["build", "src/bad.md", "-o", "out"], &[("NO_COLOR", "1")]);
    assert!(!r.stderr.contains('\x1b'), "{}", r.dump());
}

#[test]
fn atomic_writes_leave_no_partial_file() {
    let dir = TempDir::new("batch-atomic");
    write(&dir.join("good.md"), good("Good"));
    // The PDF's final name is taken by a folder: the rename fails after the temp file was
    // written in full.
    std::fs::create_dir_all(dir.join("out/good.pdf/inside")).expect("mkdir");
    let r = run_in(dir.path(), &["build", "good.md", "-o", "out"], &[]);
    assert_eq!(r.code(), 1, "{}", r.dump());
    assert!(r.stderr.contains("good.md:1:1: error: cannot write out/good.pdf"), "{}", r.dump());
    let files = files_in(&dir.join("out"));
    assert!(files.contains("good.epub"), "{files:?}");
    assert!(!files.iter().any(|f| f.ends_with(".tmp")), "temp file left: {files:?}");
    assert!(dir.join("out/good.pdf/inside").is_dir());
    // The failed document is not recorded as up to date: once the folder is gone it builds.
    std::fs::remove_dir_all(dir.join("out/good.pdf")).expect("rm");
    let r = run_in(dir.path(), &["build", "good.md", "-o", "out", "--message-format", "json"], &[]);
    assert_eq!(r.code(), 0, "{}", r.dump());
    assert_eq!(statuses(&r)["good.md"], "built");
    assert!(std::fs::read(dir.join("out/good.pdf")).expect("pdf").starts_with(b"%PDF-"));
}

#[test]
fn incremental_builds_skip_and_rebuild_on_each_dependency() {
    let dir = TempDir::new("batch-incr");
    let p = dir.path();
    write(&p.join("brief.toml"), "[page]\nsize = \"a4\"\n");
    write(&p.join("sources/images/dot.png"), png(4, 3, [200, 30, 30]));
    write(&p.join("sources/pic.md"), "# Picture\n\n![A dot](images/dot.png)\n\nText.\n");
    write(&p.join("sources/plain.md"), good("Plain"));
    let build = |extra: &[&str]| {
        let mut args = vec!["build", "--message-format", "json"];
        args.extend(extra);
        let r = run_in(p, &args, &[]);
        assert_eq!(r.code(), 0, "{}", r.dump());
        statuses(&r)
    };
    let both =
        |a: &str, b: &str| BTreeMap::from([("pic.md".to_string(), a.to_string()), ("plain.md".into(), b.into())]);
    assert_eq!(build(&[]), both("built", "built"), "first build (no PATHS, no -o: sources/ → output/)");
    assert!(p.join("output/pic.pdf").is_file() && p.join("output/.brief-manifest.json").is_file());
    assert_eq!(build(&[]), both("up_to_date", "up_to_date"), "nothing changed");

    // Source edit.
    write(&p.join("sources/plain.md"), good("Plain, edited"));
    assert_eq!(build(&[]), both("up_to_date", "built"), "source edit");
    // Same bytes written again (mtime changes, content does not): still up to date.
    write(&p.join("sources/plain.md"), good("Plain, edited"));
    assert_eq!(build(&[]), both("up_to_date", "up_to_date"), "touch");

    // Image edit.
    let before = std::fs::read(p.join("output/pic.pdf")).expect("pdf");
    write(&p.join("sources/images/dot.png"), png(5, 3, [30, 30, 200]));
    assert_eq!(build(&[]), both("built", "up_to_date"), "image edit");
    assert_ne!(std::fs::read(p.join("output/pic.pdf")).expect("pdf"), before, "the new image is in the PDF");

    // Config edit: a comment changes nothing, a value changes everything.
    write(&p.join("brief.toml"), "# paper\n[page]\nsize = \"a4\"  # as before\n");
    assert_eq!(build(&[]), both("up_to_date", "up_to_date"), "config comment");
    write(&p.join("brief.toml"), "[page]\nsize = \"a5\"\n");
    assert_eq!(build(&[]), both("built", "built"), "config edit");
    assert_eq!(build(&[]), both("up_to_date", "up_to_date"));

    // A deleted output, another fixed timestamp, --force.
    std::fs::remove_file(p.join("output/plain.epub")).expect("rm");
    assert_eq!(build(&[]), both("up_to_date", "built"), "deleted output");
    let r = run_in(p, &["build", "--message-format", "json"], &[("SOURCE_DATE_EPOCH", "1800000000")]);
    assert_eq!(statuses(&r), both("built", "built"), "new SOURCE_DATE_EPOCH\n{}", r.dump());
    let r = run_in(p, &["build", "--message-format", "json"], &[("SOURCE_DATE_EPOCH", "1800000000")]);
    assert_eq!(statuses(&r), both("up_to_date", "up_to_date"));
    assert_eq!(build(&["--force"]), both("built", "built"), "--force");
    // A format not built before is built; one that was is not.
    assert_eq!(build(&["--format", "pdf"]), both("up_to_date", "up_to_date"));

    // Human summary counts what was skipped.
    let r = run_in(p, &["build"], &[]);
    assert!(r.stderr.contains("built 2 of 2 documents (0 failed, 0 warnings, 2 up to date)"), "{}", r.dump());

    // A deleted source leaves the manifest with its next write.
    std::fs::remove_file(p.join("sources/plain.md")).expect("rm");
    write(&p.join("sources/pic.md"), "# Picture\n\n![A dot](images/dot.png)\n\nNew text.\n");
    build(&[]);
    let manifest = std::fs::read_to_string(p.join("output/.brief-manifest.json")).expect("manifest");
    assert!(manifest.contains("pic.md") && !manifest.contains("plain.md"), "{manifest}");
}

#[test]
fn config_sets_page_size_output_folder_and_banner() {
    let dir = TempDir::new("batch-config");
    let p = dir.path();
    write(
        &p.join("brief.toml"),
        "[build]\noutput = \"built\"\nformats = [\"pdf\"]\n[page]\nsize = \"letter\"\n[document]\nclassification = \"INTERNAL\"\n",
    );
    write(&p.join("docs/deep/x.md"), good("Deep"));
    // The config is found by walking up from the sources, its output folder is relative to it.
    let r = run_in(&p.join("docs"), &["build", "deep"], &[]);
    assert_eq!(r.code(), 0, "{}", r.dump());
    assert_eq!(files_in(&p.join("built")), BTreeSet::from([".brief-manifest.json".into(), "x.pdf".into()]));
    let pdf = lopdf::Document::load(p.join("built/x.pdf")).expect("pdf parses");
    for (_, page) in pdf.get_pages() {
        let media =
            pdf.get_dictionary(page).and_then(|d| d.get(b"MediaBox")).and_then(|m| m.as_array()).expect("MediaBox");
        let w = media.get(2).and_then(|v| v.as_float().ok()).expect("width");
        let h = media.get(3).and_then(|v| v.as_float().ok()).expect("height");
        assert_eq!((w.round(), h.round()), (612.0, 792.0), "US Letter from brief.toml");
    }
    // The banner from the config shows in `brief layout` (which uses the config too).
    let r = run_in(p, &["layout", "docs/deep/x.md"], &[]);
    assert_eq!(r.code(), 0, "{}", r.dump());
    assert!(r.stdout.contains("INTERNAL"), "{}", r.stdout);
    assert!(r.stdout.contains("Some prose about Deep."), "{}", r.stdout);
}

#[test]
fn config_errors_name_file_line_and_column() {
    let dir = TempDir::new("batch-config-err");
    let p = dir.path();
    write(&p.join("sources/a.md"), good("A"));
    for (text, want) in [
        ("[page]\nsize = \"a4\"\nmargins = \"2cm\"\n", "brief.toml:3:1: error: unknown field `margins`"),
        ("[page]\nmargin = \"2 furlongs\"\n", "brief.toml:2:10: error: invalid length"),
        ("[theme]\n\nheading = \"navy\"\n", "brief.toml:3:11: error: invalid colour"),
        ("[build\n", "brief.toml:1:"),
    ] {
        write(&p.join("brief.toml"), text);
        let r = run_in(p, &["build"], &[]);
        assert_eq!(r.code(), 1, "{text:?}\n{}", r.dump());
        assert!(r.stderr.contains(want), "{text:?}: want {want:?}\n{}", r.dump());
        assert!(!p.join("output/a.pdf").exists(), "nothing is built with a broken config");
    }
}

#[test]
fn shards_partition_the_documents() {
    let dir = TempDir::new("batch-shard");
    let p = dir.path();
    let all: BTreeSet<String> = (0..13).map(|i| format!("doc{i:02}.md")).collect();
    for name in &all {
        write(&p.join("src").join(name), format!("# {name}\n\nText.\n"));
    }
    for n in 1..=4usize {
        let mut seen = BTreeSet::new();
        for k in 1..=n {
            let shard = format!("{k}/{n}");
            let out = format!("out-{k}-{n}");
            let r = run_in(
                p,
                &["build", "src", "-o", &out, "--format", "epub", "--shard", &shard, "--message-format", "json"],
                &[],
            );
            assert_eq!(r.code(), 0, "{}", r.dump());
            let lines = json_lines(&r);
            assert_eq!(lines.last().map(|v| v["shard"].clone()), Some(Value::from(shard.clone())), "{}", r.dump());
            for name in statuses(&r).into_keys() {
                assert!(seen.insert(name.clone()), "{name} in two shards of {n}");
            }
        }
        assert_eq!(seen, all, "the shards of {n} cover every document");
    }
    // Same split whatever the spelling of the path.
    let a =
        run_in(p, &["build", "src", "-o", "o1", "--format", "epub", "--shard", "2/3", "--message-format", "json"], &[]);
    let b = run_in(
        p,
        &["build", "./src/", "-o", "o2", "--format", "epub", "--shard", "2/3", "--message-format", "json"],
        &[],
    );
    assert_eq!(statuses(&a).into_keys().collect::<Vec<_>>(), statuses(&b).into_keys().collect::<Vec<_>>());
    for bad in ["0/3", "4/3", "x", "1/0"] {
        let r = run_in(p, &["build", "src", "--shard", bad], &[]);
        assert_eq!(r.code(), 2, "--shard {bad}\n{}", r.dump());
    }
}

#[test]
fn json_messages_and_github_annotations() {
    let dir = TempDir::new("batch-json");
    let p = dir.path();
    write(&p.join("s/ok.md"), good("Ok"));
    write(&p.join("s/warn.md"), "---\ntitel: Typo\n---\n\n# Warned\n\nText.\n");
    write(&p.join("s/bad.md"), "# Bad\n\n![x](nope.png)\n");
    let r = run_in(p, &["build", "s", "-o", "out", "--message-format", "json"], &[("GITHUB_ACTIONS", "true")]);
    assert_eq!(r.code(), 1, "{}", r.dump());
    let lines = json_lines(&r);
    let docs: Vec<&Value> = lines.iter().filter(|v| v["type"] == "document").collect();
    assert_eq!(docs.len(), 3, "{}", r.dump());
    for d in &docs {
        for key in ["path", "status", "outputs", "pages", "bytes", "milliseconds", "warnings"] {
            assert!(!d[key].is_null(), "document object without {key}: {d}");
        }
    }
    let ok = docs.iter().find(|d| d["path"].as_str().is_some_and(|s| s.ends_with("ok.md"))).expect("ok.md");
    assert_eq!(ok["status"], "built");
    assert!(ok["pages"].as_u64() >= Some(1) && ok["bytes"].as_u64() > Some(1000), "{ok}");
    assert_eq!(ok["outputs"].as_array().map(Vec::len), Some(2));
    let warn = docs.iter().find(|d| d["path"].as_str().is_some_and(|s| s.ends_with("warn.md"))).expect("warn.md");
    assert_eq!(warn["warnings"], 1, "{warn}");
    let diags: Vec<&Value> = lines.iter().filter(|v| v["type"] == "diagnostic").collect();
    let err = diags.iter().find(|d| d["severity"] == "error").expect("an error diagnostic");
    assert_eq!((err["line"].as_u64(), err["column"].as_u64()), (Some(3), Some(1)), "{err}");
    assert!(err["path"].as_str().is_some_and(|s| s.ends_with("bad.md")));
    assert!(diags.iter().any(|d| d["severity"] == "warning" && d["line"] == 2), "{}", r.dump());
    let summary = lines.last().expect("summary");
    assert_eq!((summary["type"].as_str(), summary["failed"].as_u64()), (Some("summary"), Some(1)), "{summary}");
    // Annotations on stderr, stdout stays pure JSON.
    assert!(r.stderr.contains("::error file=s/bad.md,line=3,col=1::image file"), "{}", r.dump());
    assert!(r.stderr.contains("::warning file=s/warn.md,line=2,col=1::"), "{}", r.dump());
    // Without GITHUB_ACTIONS: no annotations.
    let r = run_in(p, &["build", "s", "-o", "out"], &[]);
    assert!(!r.stderr.contains("::error"), "{}", r.dump());
    // Up-to-date documents replay their warnings.
    assert!(r.stderr.contains("warn.md:2:1: warning:"), "{}", r.dump());
}

#[test]
fn init_writes_a_project_that_builds() {
    let dir = TempDir::new("batch-init");
    let proj = dir.join("proj");
    let r = run_in(dir.path(), &["init", "proj"], &[]);
    assert_eq!(r.code(), 0, "{}", r.dump());
    assert!(proj.join("brief.toml").is_file() && proj.join("sources/example.md").is_file());
    let r = run_in(&proj, &["build"], &[]);
    assert_eq!(r.code(), 0, "{}", r.dump());
    assert!(r.stderr.contains("built 1 of 1 documents (0 failed, 0 warnings)"), "{}", r.dump());
    assert!(std::fs::read(proj.join("output/example.pdf")).expect("pdf").starts_with(b"%PDF-"));
    assert!(proj.join("output/example.epub").is_file());
    // A second init refuses to overwrite.
    let before = std::fs::read(proj.join("brief.toml")).expect("toml");
    let r = run_in(dir.path(), &["init", "proj"], &[]);
    assert_eq!(r.code(), 1, "{}", r.dump());
    assert_eq!(std::fs::read(proj.join("brief.toml")).expect("toml"), before);
}

/// `brief watch`: one line per rebuild, survives a broken source. Reads stderr lines from a
/// thread; every wait is bounded.
#[test]
fn watch_rebuilds_on_save_and_survives_errors() {
    let dir = TempDir::new("batch-watch");
    let p = dir.path();
    write(&p.join("sources/w.md"), good("Watched"));
    write(&p.join("sources/other.md"), good("Other"));
    let mut child = Command::new(brief_bin())
        .current_dir(p)
        .args(["watch", "-o", "out", "--format", "epub"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start brief watch");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut log = Vec::new();
    let wait_for = |what: &str, log: &mut Vec<String>| -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut got = Vec::new();
        while Instant::now() < deadline {
            if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
                log.push(line.clone());
                got.push(line.clone());
                if line.contains(what) {
                    return got;
                }
            }
        }
        panic!("no line with {what:?} within 60 s; log:\n{}", log.join("\n"));
    };
    let first = wait_for("watching 2 documents", &mut log);
    assert_eq!(first.iter().filter(|l| l.contains(" built ")).count(), 2, "{first:?}");
    std::thread::sleep(Duration::from_millis(300));

    write(&p.join("sources/w.md"), good("Watched, edited"));
    let got = wait_for("built sources/w.md", &mut log);
    assert!(!got.iter().any(|l| l.contains("other.md")), "only the edited brief is rebuilt: {got:?}");

    write(&p.join("sources/w.md"), "# Broken\n\n![x](gone.png)\n");
    let got = wait_for("failed", &mut log);
    assert!(got.last().is_some_and(|l| l.contains("sources/w.md:3:1: error:")), "{got:?}");

    write(&p.join("sources/w.md"), good("Fixed"));
    wait_for("built sources/w.md", &mut log);
    assert!(child.try_wait().expect("try_wait").is_none(), "watch exited:\n{}", log.join("\n"));
    let _ = child.kill();
    let _ = child.wait();
    let _: PathBuf = p.join("out/w.epub");
    assert!(p.join("out/w.epub").is_file());
}

#[test]
fn theme_colours_reach_both_editions() {
    let dir = TempDir::new("batch-theme");
    let p = dir.path();
    let src = "---\ntitle: Themed\nclassification: internal\n---\n\n## Section\n\nProse with [a link](https://example.org).\n";
    write(&p.join("sources/a.md"), src);
    // Built first with brief's own colours, then with a theme.
    let plain = run_in(p, &["build"], &[]);
    assert_eq!(plain.code(), 0, "{}", plain.dump());
    let pdf_plain = std::fs::read(p.join("output/a.pdf")).expect("pdf");
    write(&p.join("brief.toml"), "[theme]\nheading = \"#aa0000\"\nbanner = \"#00aa00\"\naccent = \"#0000aa\"\ntext = \"#111111\"\n");
    let themed = run_in(p, &["build"], &[]);
    assert_eq!(themed.code(), 0, "{}", themed.dump());
    let pdf = std::fs::read(p.join("output/a.pdf")).expect("pdf");
    assert_ne!(pdf, pdf_plain, "a changed theme rebuilds with other colours");
    // Page streams are compressed: inflate them all and look for the fill colours.
    let doc = lopdf::Document::load_mem(&pdf).expect("parse");
    let mut ops = String::new();
    for (_, id) in doc.get_pages() {
        ops.push_str(&String::from_utf8_lossy(&doc.get_page_content(id)));
    }
    for (what, rg) in [("heading", "0.667 0 0 rg"), ("banner", "0 0.667 0 rg"), ("link", "0 0 0.667 rg"), ("text", "0.067 0.067 0.067 rg")] {
        assert!(ops.contains(rg), "{what} colour {rg} missing");
    }
    assert!(!ops.contains("0.11 0.208 0.341 rg"), "brief's own heading colour is gone");
    let epub = std::fs::read(p.join("output/a.epub")).expect("epub");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).expect("zip");
    let name = zip.file_names().find(|n| n.ends_with(".css")).map(str::to_string).expect("a stylesheet");
    let mut css = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(&name).expect("entry"), &mut css).expect("read");
    for rule in ["h1, h2, h3, h4, h5, h6, .titlepage .title { color: #aa0000; }", "a { color: #0000aa; }", ".classification { color: #00aa00;", "body { color: #111111; }"] {
        assert!(css.contains(rule), "{rule} missing from the EPUB stylesheet");
    }
}
