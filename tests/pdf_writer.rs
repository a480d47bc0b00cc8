//! The PDF writer end to end: a hand-built three-page document (text shaped here with
//! rustybuzz, as layout would) is written, read back with lopdf, and, where installed,
//! checked with qpdf, poppler (pdffonts, pdftotext, pdfinfo) and check-pdf.
//!
//! Missing validators skip their part with a note, unless `BRIEF_REQUIRE_VALIDATORS=1`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use brief::fonts::{FontId, Fonts};
use brief::layout::{Anchor, Color, Item, LaidOut, LinkTarget, OutlineEntry, Page, PlacedGlyph, Stroke, TextRun};
use brief::pdf::{write, PdfOptions};
use brief::resources::{ImageData, ImageFormat, Resources};
use lopdf::{Dictionary, Document, Object};

const W: f32 = 595.276;
const H: f32 = 841.89;
const IMAGES: &str = "/work/shared/corpus/briefs/images";

/// Shapes `text` in `font` at `size` with its first glyph at `x` on baseline `y`; every
/// space gets `extra` more points (as a justified line would).
fn run(fonts: &Fonts, font: FontId, size: f32, text: &str, x: f32, y: f32, extra: f32) -> TextRun {
    let face = fonts.face(font);
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    let shaped = rustybuzz::shape(face.shaper(), &[], buffer);
    let infos = shaped.glyph_infos();
    let positions = shaped.glyph_positions();
    let mut glyphs = Vec::new();
    let mut pen = x;
    for (i, (info, pos)) in infos.iter().zip(positions).enumerate() {
        let start = info.cluster as usize;
        let first = i == 0 || infos[i - 1].cluster != info.cluster;
        let end = infos[i..]
            .iter()
            .map(|g| g.cluster as usize)
            .find(|&c| c != start)
            .unwrap_or(text.len());
        let cluster = if first {
            text[start..end].to_string()
        } else {
            String::new()
        };
        let advance = pos.x_advance as f32 * size / face.units_per_em;
        let is_space = cluster == " ";
        glyphs.push(PlacedGlyph {
            id: info.glyph_id as u16,
            x: pen,
            advance,
            text: cluster.into(),
        });
        pen += advance + if is_space { extra } else { 0.0 };
    }
    TextRun {
        font,
        size,
        color: Color::BLACK,
        y,
        glyphs,
    }
}

fn image(file: &str, format: ImageFormat) -> Option<ImageData> {
    let bytes = std::fs::read(Path::new(IMAGES).join(file)).ok()?;
    Some(ImageData {
        format,
        bytes,
        width: 0,
        height: 0,
    })
}

/// The lines each page must show (pdftotext must give them back exactly).
fn expected_lines() -> Vec<Vec<&'static str>> {
    vec![
        vec![
            "Steppe Corridor Brief",
            "The office staff filed final figures.",
            "Қазақстан әлемі",
            "Italic and emphasis",
            "Bold statement",
            "let x = 42; // mono",
            "Justified line with rather wide spaces",
            "See the railway section, or visit example.org",
        ],
        vec!["Section Two", "The railway crosses the steppe.", "Subsection"],
        vec![
            "Third page",
            "Ærøskøbing naïve café — “quoted” ﬁ",
            "Decomposed cafe\u{301} too",
        ],
    ]
}

fn sample(fonts: &Fonts) -> (LaidOut, Resources) {
    let lines = expected_lines();
    let mut page1 = vec![
        Item::Rect {
            x: 60.0,
            y: 60.0,
            w: W - 120.0,
            h: 40.0,
            fill: Some(Color::rgb8(0xdd, 0xe8, 0xf4)),
            stroke: None,
        },
        Item::Text(run(fonts, FontId::SANS_BOLD, 20.0, lines[0][0], 72.0, 88.0, 0.0)),
        Item::Text(run(fonts, FontId::SERIF, 11.0, lines[0][1], 72.0, 130.0, 0.0)),
        Item::Text(run(fonts, FontId::SERIF, 11.0, lines[0][2], 72.0, 146.0, 0.0)),
        Item::Text(run(fonts, FontId::SERIF_ITALIC, 11.0, lines[0][3], 72.0, 162.0, 0.0)),
        Item::Text(run(fonts, FontId::SERIF_BOLD, 11.0, lines[0][4], 72.0, 178.0, 0.0)),
        Item::Text(run(fonts, FontId::MONO, 10.0, lines[0][5], 72.0, 194.0, 0.0)),
        Item::Text(run(fonts, FontId::SERIF, 11.0, lines[0][6], 72.0, 210.0, 2.5)),
        Item::Line {
            x1: 72.0,
            y1: 220.0,
            x2: W - 72.0,
            y2: 220.0,
            stroke: Stroke {
                width: 1.0,
                color: Color::rgb8(0x80, 0, 0),
            },
        },
        Item::Text(run(fonts, FontId::SERIF, 11.0, lines[0][7], 72.0, 240.0, 0.0)),
        Item::Link {
            x: 72.0,
            y: 230.0,
            w: 150.0,
            h: 14.0,
            target: LinkTarget::Internal("section-two".into()),
        },
        Item::Link {
            x: 300.0,
            y: 230.0,
            w: 100.0,
            h: 14.0,
            target: LinkTarget::Uri("https://example.org/".into()),
        },
        Item::Rect {
            x: 72.0,
            y: 300.0,
            w: 200.0,
            h: 120.0,
            fill: None,
            stroke: Some(Stroke {
                width: 2.0,
                color: Color::rgb8(0, 0x60, 0),
            }),
        },
    ];
    page1.push(Item::Image {
        alt: "A test image".into(),
        src: "pin.png".into(),
        x: 96.0,
        y: 324.0,
        w: 72.0,
        h: 72.0,
    });
    let page2 = vec![
        Item::Text(run(fonts, FontId::SANS_BOLD, 16.0, lines[1][0], 72.0, 100.0, 0.0)),
        Item::Text(run(fonts, FontId::SERIF, 11.0, lines[1][1], 72.0, 130.0, 0.0)),
        Item::Image {
            alt: "A test image".into(),
            src: "steppe-railway.jpg".into(),
            x: 72.0,
            y: 150.0,
            w: 300.0,
            h: 200.0,
        },
        Item::Text(run(fonts, FontId::SANS, 12.0, lines[1][2], 72.0, 380.0, 0.0)),
        // An image the resources lack draws nothing and breaks nothing.
        Item::Image {
            alt: "A test image".into(),
            src: "missing.png".into(),
            x: 72.0,
            y: 400.0,
            w: 50.0,
            h: 50.0,
        },
    ];
    let page3 = vec![
        Item::Text(run(
            fonts,
            FontId::SERIF_BOLD_ITALIC,
            14.0,
            lines[2][0],
            72.0,
            100.0,
            0.0,
        )),
        Item::Text(run(fonts, FontId::SERIF, 11.0, lines[2][1], 72.0, 130.0, 0.0)),
        Item::Image {
            alt: "A test image".into(),
            src: "corridor-traffic.png".into(),
            x: 72.0,
            y: 160.0,
            w: 320.0,
            h: 180.0,
        },
        Item::Text(run(fonts, FontId::SERIF, 11.0, lines[2][2], 72.0, 370.0, 0.0)),
    ];
    let page = |items| Page {
        width: W,
        height: H,
        items,
    };
    let doc = LaidOut {
        page_starts: Vec::new(),
        pages: vec![page(page1), page(page2), page(page3)],
        outline: vec![
            OutlineEntry {
                level: 1,
                title: "Steppe Corridor Brief".into(),
                page: 0,
                y: 60.0,
            },
            OutlineEntry {
                level: 3,
                title: "Deep detail".into(),
                page: 0,
                y: 200.0,
            },
            OutlineEntry {
                level: 2,
                title: "Section Two".into(),
                page: 1,
                y: 84.0,
            },
            OutlineEntry {
                level: 3,
                title: "Қазақ subsection".into(),
                page: 1,
                y: 366.0,
            },
            OutlineEntry {
                level: 1,
                title: "Third".into(),
                page: 2,
                y: 84.0,
            },
        ],
        anchors: vec![
            Anchor {
                id: "steppe-corridor-brief".into(),
                page: 0,
                y: 60.0,
            },
            Anchor {
                id: "section-two".into(),
                page: 1,
                y: 84.0,
            },
        ],
    };
    let mut res = Resources::default();
    for (key, format) in [
        ("pin.png", ImageFormat::Png),
        ("steppe-railway.jpg", ImageFormat::Jpeg),
        ("corridor-traffic.png", ImageFormat::Png),
    ] {
        if let Some(data) = image(key, format) {
            res.images.insert(key.into(), data);
        }
    }
    (doc, res)
}

fn options() -> PdfOptions {
    PdfOptions {
        title: "Steppe Corridor Brief".into(),
        authors: vec!["Aigerim Nurlanovna".into(), "John Smith".into()],
        subject: Some("Rail freight".into()),
        keywords: vec!["rail".into(), "Kazakhstan".into()],
        lang: "en".into(),
        date: 1_700_000_000,
    }
}

fn dict<'a>(lo: &'a Document, obj: &'a Object) -> &'a Dictionary {
    match obj {
        Object::Reference(id) => lo.get_dictionary(*id).expect("dangling reference"),
        Object::Dictionary(d) => d,
        other => panic!("not a dictionary: {other:?}"),
    }
}

fn text(lo: &Document, d: &Dictionary, key: &[u8]) -> String {
    let Ok(Object::String(bytes, _)) = d.get(key).map(|o| lo.dereference(o).map(|x| x.1).unwrap_or(o)) else {
        panic!("no string {}", String::from_utf8_lossy(key))
    };
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = bytes[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        String::from_utf16(&units).expect("UTF-16")
    } else {
        String::from_utf8(bytes.clone()).expect("ASCII")
    }
}

/// The items under `parent`, in order.
fn outline_children<'a>(lo: &'a Document, parent: &'a Dictionary) -> Vec<&'a Dictionary> {
    let mut out = Vec::new();
    let mut next = parent.get(b"First").ok();
    while let Some(obj) = next {
        let item = dict(lo, obj);
        out.push(item);
        next = item.get(b"Next").ok();
    }
    out
}

/// Every outline item depth first, as (title, number of direct children).
fn outline_tree(lo: &Document, parent: &Dictionary) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for item in outline_children(lo, parent) {
        out.push((text(lo, item, b"Title"), outline_children(lo, item).len()));
        out.extend(outline_tree(lo, item));
    }
    out
}

#[test]
fn writes_a_valid_deterministic_pdf() {
    let fonts = Fonts::builtin().expect("fonts");
    let (doc, res) = sample(&fonts);
    let opts = options();
    let started = std::time::Instant::now();
    let bytes = write(&doc, &fonts, &res, &opts).expect("PDF written");
    eprintln!("3 pages written in {:?}, {} bytes", started.elapsed(), bytes.len());

    // Same bytes on a second write in this process and on another thread.
    assert!(
        bytes == write(&doc, &fonts, &res, &opts).expect("second write"),
        "second write differs"
    );
    let other = std::thread::scope(|s| {
        s.spawn(|| write(&doc, &fonts, &res, &opts).expect("thread write"))
            .join()
    });
    assert!(other.ok() == Some(bytes.clone()), "write on another thread differs");
    // And while other documents are being written at the same time.
    let empty = write(&LaidOut::default(), &fonts, &res, &opts).expect("empty write");
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let d = if i % 2 == 0 { doc.clone() } else { LaidOut::default() };
                let (fonts, res, opts) = (&fonts, &res, &opts);
                s.spawn(move || (i, write(&d, fonts, res, opts).expect("concurrent write")))
            })
            .collect();
        for h in handles {
            let (i, out) = h.join().expect("thread");
            assert!(
                out == if i % 2 == 0 { bytes.clone() } else { empty.clone() },
                "concurrent write {i} differs"
            );
        }
    });

    assert!(
        bytes.starts_with(b"%PDF-1.7"),
        "header: {:?}",
        String::from_utf8_lossy(&bytes[..8])
    );
    let lo = Document::load_mem(&bytes).expect("lopdf reads it");
    let pages = lo.get_pages();
    assert_eq!(pages.len(), 3);
    for (_, &id) in &pages {
        let page = lo.get_dictionary(id).expect("page");
        let mb: Vec<f32> = page
            .get(b"MediaBox")
            .and_then(Object::as_array)
            .expect("MediaBox")
            .iter()
            .map(|o| o.as_float().expect("number"))
            .collect();
        assert!((mb[2] - W).abs() < 0.01 && (mb[3] - H).abs() < 0.01, "not A4: {mb:?}");
    }

    // Info: ours, without the PDF/X claim.
    let info = dict(&lo, lo.trailer.get(b"Info").expect("Info"));
    assert_eq!(text(&lo, info, b"Title"), "Steppe Corridor Brief");
    assert_eq!(text(&lo, info, b"Author"), "Aigerim Nurlanovna, John Smith");
    assert_eq!(
        text(&lo, info, b"Producer"),
        format!("brief {}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(text(&lo, info, b"CreationDate"), "D:20231114221320Z");
    assert!(info.get(b"GTS_PDFXVersion").is_err(), "bogus PDF/X claim left in Info");
    assert!(
        !bytes.windows(15).any(|w| w == b"GTS_PDFXVersion"),
        "PDF/X claim somewhere"
    );
    assert!(lo.trailer.get(b"ID").is_ok(), "no trailer /ID");

    let catalog = lo.catalog().expect("catalog");
    assert_eq!(text(&lo, catalog, b"Lang"), "en");
    assert!(
        catalog.get(b"Metadata").is_err(),
        "an XMP packet could claim conformance"
    );
    assert_eq!(
        catalog.get(b"PageMode").and_then(Object::as_name).ok(),
        Some(&b"UseOutlines"[..])
    );

    // The outline nests: level 3 under level 1 (level 2 skipped), then 2, then its 3.
    let outlines = dict(&lo, catalog.get(b"Outlines").expect("Outlines"));
    let tree = outline_tree(&lo, outlines);
    let expected: Vec<(String, usize)> = [
        ("Steppe Corridor Brief", 2),
        ("Deep detail", 0),
        ("Section Two", 1),
        ("Қазақ subsection", 0),
        ("Third", 0),
    ]
    .iter()
    .map(|(t, n)| (t.to_string(), *n))
    .collect();
    assert_eq!(tree, expected);
    assert_eq!(outlines.get(b"Count").and_then(Object::as_i64).ok(), Some(5));

    // Fonts: every one embedded, subset (ABCDEF+Name) and with a ToUnicode map.
    let mut names = BTreeMap::new();
    for (_, &id) in &pages {
        for (_, font) in lo.get_page_fonts(id).expect("page fonts") {
            let base =
                String::from_utf8_lossy(font.get(b"BaseFont").and_then(Object::as_name).expect("BaseFont")).to_string();
            assert!(font.get(b"ToUnicode").is_ok(), "{base}: no ToUnicode");
            let descendant = dict(
                &lo,
                &font
                    .get(b"DescendantFonts")
                    .and_then(Object::as_array)
                    .expect("descendants")[0],
            );
            let descriptor = dict(&lo, descendant.get(b"FontDescriptor").expect("descriptor"));
            assert!(descriptor.get(b"FontFile2").is_ok(), "{base}: not embedded");
            names.insert(base, ());
        }
    }
    assert_eq!(names.len(), 7, "fonts: {names:?}");
    for name in names.keys() {
        let (tag, rest) = name.split_once('+').unwrap_or_else(|| panic!("{name}: no subset tag"));
        assert!(tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()), "{name}");
        assert!(rest.starts_with("Noto"), "{name}");
    }

    // Links: one URI, one GoTo naming a destination that exists; no border.
    let first = lo.get_dictionary(pages[&1]).expect("page 1");
    let annots = first.get(b"Annots").and_then(Object::as_array).expect("Annots");
    assert_eq!(annots.len(), 2);
    for annot in annots {
        let a = dict(&lo, annot);
        let border: Vec<i64> = a
            .get(b"Border")
            .and_then(Object::as_array)
            .expect("Border")
            .iter()
            .map(|o| o.as_i64().expect("int"))
            .collect();
        assert_eq!(border, [0, 0, 0]);
    }
    let names_dict = dict(&lo, catalog.get(b"Names").expect("Names"));
    let dests = dict(&lo, names_dict.get(b"Dests").expect("Dests"));
    let keys: Vec<&Object> = dests
        .get(b"Names")
        .and_then(Object::as_array)
        .expect("name array")
        .iter()
        .step_by(2)
        .collect();
    assert_eq!(keys.len(), 2);
    assert!(keys.iter().any(|k| k.as_str().ok() == Some(&b"section-two"[..])));

    // The JPEG went in untouched.
    let jpeg = std::fs::read(Path::new(IMAGES).join("steppe-railway.jpg")).ok();
    if let Some(jpeg) = jpeg {
        let found = lo
            .objects
            .values()
            .any(|o| matches!(o, Object::Stream(s) if s.content == jpeg));
        assert!(found, "JPEG bytes not passed through");
    }

    std::fs::write("/tmp/t.pdf", &bytes).expect("write /tmp/t.pdf");
    validate(Path::new("/tmp/t.pdf"));

    // Glyphs land where layout put them: the words of the justified line (2.5 pt more per
    // space, all carried by TJ offsets) start at their glyphs' x.
    if have("pdftotext") {
        let (ok, out) = run_tool("pdftotext", &["-bbox", "-f", "1", "-l", "1", "/tmp/t.pdf", "-"]);
        assert!(ok, "pdftotext -bbox: {out}");
        let Some(Item::Text(justified)) = doc.pages[0].items.get(7) else {
            panic!("sample changed")
        };
        for word in ["Justified", "rather", "wide", "spaces"] {
            let want = word_x(justified, word);
            let got = out
                .lines()
                .filter(|l| l.trim_end().ends_with(&format!(">{word}</word>")))
                .find_map(|l| l.split("xMin=\"").nth(1)?.split('"').next()?.parse::<f32>().ok())
                .unwrap_or_else(|| panic!("{word} not in bbox output"));
            assert!((got - want).abs() < 0.05, "{word}: at {got}, layout says {want}");
        }
    }
}

/// The x of the glyph starting `word` in a run.
fn word_x(run: &TextRun, word: &str) -> f32 {
    let text: String = run.glyphs.iter().map(|g| &*g.text).collect();
    let target = text.find(word).expect("word in run");
    let mut offset = 0;
    for g in &run.glyphs {
        if offset == target && !g.text.is_empty() {
            return g.x;
        }
        offset += g.text.len();
    }
    panic!("no glyph starts {word}");
}

/// Whether `tool` runs; a missing one fails the test when validators are required.
fn have(tool: &str) -> bool {
    let ok = Command::new(tool).arg("--help").output().is_ok();
    if !ok {
        assert!(
            std::env::var("BRIEF_REQUIRE_VALIDATORS").as_deref() != Ok("1"),
            "{tool} is required but missing"
        );
        eprintln!("note: {tool} not installed, its checks skipped");
    }
    ok
}

fn run_tool(tool: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(tool).args(args).output().expect("tool runs");
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

fn validate(path: &Path) {
    let file = path.to_str().expect("path");
    if have("qpdf") {
        let (ok, out) = run_tool("qpdf", &["--check", file]);
        assert!(ok && !out.contains("WARNING"), "qpdf --check:\n{out}");
    }
    if have("pdffonts") {
        let (ok, out) = run_tool("pdffonts", &[file]);
        assert!(ok, "pdffonts:\n{out}");
        let rows: Vec<&str> = out.lines().skip(2).collect();
        assert_eq!(rows.len(), 7, "pdffonts:\n{out}");
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            // name type(2 words) encoding emb sub uni object id
            let n = cols.len();
            assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "emb/sub/uni: {row}");
        }
    }
    if have("pdftotext") {
        for (i, lines) in expected_lines().iter().enumerate() {
            let page = (i + 1).to_string();
            let (ok, out) = run_tool("pdftotext", &["-enc", "UTF-8", "-f", &page, "-l", &page, file, "-"]);
            assert!(ok, "pdftotext failed: {out}");
            let got: Vec<&str> = out.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            for line in lines {
                assert!(got.contains(line), "page {page}: {line:?} not extracted; got {got:?}");
            }
        }
    }
    if have("pdfinfo") {
        let (ok, out) = run_tool("pdfinfo", &[file]);
        assert!(ok, "pdfinfo:\n{out}");
        let version = out.lines().find_map(|l| l.strip_prefix("PDF version:")).map(str::trim);
        assert_eq!(version, Some("1.7"), "pdfinfo:\n{out}");
        assert!(!out.contains("PDF subtype"), "a conformance claim:\n{out}");
    }
    let checker = "/work/shared/tools/check-pdf";
    if Path::new(checker).exists() {
        let (ok, out) = run_tool(checker, &[file]);
        eprintln!("{out}");
        assert!(ok && !out.lines().any(|l| l.starts_with("FAIL")), "check-pdf:\n{out}");
    } else {
        assert!(
            std::env::var("BRIEF_REQUIRE_VALIDATORS").as_deref() != Ok("1"),
            "check-pdf missing"
        );
        eprintln!("note: check-pdf not found, skipped");
    }
}

#[test]
fn an_empty_document_is_one_blank_page() {
    let fonts = Fonts::builtin().expect("fonts");
    let bytes = write(
        &LaidOut::default(),
        &fonts,
        &Resources::default(),
        &PdfOptions::default(),
    )
    .expect("written");
    let lo = Document::load_mem(&bytes).expect("valid");
    assert_eq!(lo.get_pages().len(), 1);
    assert!(lo.catalog().expect("catalog").get(b"Outlines").is_err());
    std::fs::write("/tmp/t-empty.pdf", &bytes).expect("write");
    if have("qpdf") {
        let (ok, out) = run_tool("qpdf", &["--check", "/tmp/t-empty.pdf"]);
        assert!(ok && !out.contains("WARNING"), "qpdf --check:\n{out}");
    }
}

#[test]
fn odd_input_does_not_panic_and_stays_valid() {
    let fonts = Fonts::builtin().expect("fonts");
    let mut bad = run(&fonts, FontId::SERIF, 11.0, "odd", 72.0, 100.0, 0.0);
    bad.glyphs.push(PlacedGlyph {
        id: u16::MAX,
        x: f32::NAN,
        advance: 5.0,
        text: "?".into(),
    });
    let nan_size = TextRun {
        size: f32::NAN,
        ..bad.clone()
    };
    let no_glyphs = TextRun {
        glyphs: Vec::new(),
        ..bad.clone()
    };
    let alias = TextRun {
        font: FontId(700),
        ..bad.clone()
    };
    let items = vec![
        Item::Text(bad),
        Item::Text(nan_size),
        Item::Text(no_glyphs),
        Item::Text(alias),
        Item::Rect {
            x: f32::INFINITY,
            y: 0.0,
            w: -5.0,
            h: 3.0,
            fill: Some(Color {
                r: 9.0,
                g: -1.0,
                b: f32::NAN,
            }),
            stroke: None,
        },
        Item::Rect {
            x: 1.0,
            y: 1.0,
            w: 1.0,
            h: 1.0,
            fill: None,
            stroke: None,
        },
        Item::Image {
            alt: "A test image".into(),
            src: "nowhere.png".into(),
            x: 0.0,
            y: 0.0,
            w: 10.0,
            h: 10.0,
        },
        Item::Link {
            x: 0.0,
            y: 0.0,
            w: 10.0,
            h: 10.0,
            target: LinkTarget::Internal("no-such-anchor".into()),
        },
        Item::Link {
            x: 0.0,
            y: 0.0,
            w: 10.0,
            h: 10.0,
            target: LinkTarget::Uri(String::new()),
        },
    ];
    let doc = LaidOut {
        page_starts: Vec::new(),
        pages: vec![Page {
            width: f32::NAN,
            height: -3.0,
            items,
        }],
        outline: vec![OutlineEntry {
            level: 0,
            title: String::new(),
            page: 99,
            y: f32::NAN,
        }],
        anchors: vec![
            Anchor {
                id: "far".into(),
                page: 42,
                y: 1e30,
            },
            Anchor {
                id: "far".into(),
                page: 0,
                y: 0.0,
            },
        ],
    };
    let mut res = Resources::default();
    res.images.insert(
        "nowhere.png".into(),
        ImageData {
            format: ImageFormat::Png,
            bytes: b"not a png".to_vec(),
            width: 1,
            height: 1,
        },
    );
    let bytes = write(&doc, &fonts, &res, &PdfOptions::default()).expect("written");
    let lo = Document::load_mem(&bytes).expect("valid");
    assert_eq!(lo.get_pages().len(), 1);
    std::fs::write("/tmp/t-odd.pdf", &bytes).expect("write");
    if have("qpdf") {
        let (ok, out) = run_tool("qpdf", &["--check", "/tmp/t-odd.pdf"]);
        assert!(ok && !out.contains("WARNING"), "qpdf --check:\n{out}");
    }
}

/// A laid-out brief (the example): every word of every page lands where layout put it.
/// Runs on one baseline share a TJ array in the content stream (each gap one offset), so
/// this checks that the offsets carry word spaces, justification and the glyph widths
/// exactly, line after line.
#[test]
fn words_of_a_laid_out_brief_land_where_layout_put_them() {
    if !have("pdftotext") {
        return;
    }
    let fonts = Fonts::builtin().expect("fonts");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/sources/uzbekistan-kazakhstan-visit.md");
    let text = std::fs::read_to_string(path).expect("example source");
    let src = brief::source::Source::new("example.md", text);
    let mut diags = brief::diag::Diagnostics::new();
    let (doc, res) = brief::pipeline::prepare(&src, &brief::config::Config::default(), &mut diags).expect("example parses");
    let laid = brief::layout::layout(&doc, &fonts, &res, &brief::layout::PageSetup::default());
    let bytes = write(&laid, &fonts, &res, &options()).expect("PDF");
    let file = std::env::temp_dir().join(format!("brief-words-{}.pdf", std::process::id()));
    std::fs::write(&file, &bytes).expect("write PDF");
    let (ok, out) = run_tool("pdftotext", &["-bbox", file.to_str().expect("path"), "-"]);
    let _ = std::fs::remove_file(&file);
    assert!(ok, "pdftotext -bbox: {out}");

    // pdftotext's words by page: (xMin, yMin, yMax, text).
    let mut pages: Vec<Vec<(f32, f32, f32, String)>> = Vec::new();
    for line in out.lines().map(str::trim) {
        if line.starts_with("<page") {
            pages.push(Vec::new());
        } else if let Some(rest) = line.strip_prefix("<word ") {
            let attr = |name: &str| -> f32 {
                let value = rest.split(&format!("{name}=\"")).nth(1).and_then(|r| r.split('"').next());
                value.and_then(|v| v.parse().ok()).expect("bbox attribute")
            };
            let word = rest.split('>').nth(1).and_then(|r| r.split('<').next()).unwrap_or("").to_string();
            if let Some(page) = pages.last_mut() {
                page.push((attr("xMin"), attr("yMin"), attr("yMax"), word));
            }
        }
    }
    assert_eq!(pages.len(), laid.pages.len());
    let mut checked = 0;
    for (n, (page, words)) in laid.pages.iter().zip(&pages).enumerate() {
        for item in &page.items {
            let Item::Text(run) = item else { continue };
            let Some(first) = run.glyphs.first() else { continue };
            let word: String = run.glyphs.iter().map(|g| &*g.text).collect();
            let word = word.trim();
            let Some(c) = word.chars().next() else { continue };
            let on_line = |(_, y0, y1, _): &&(f32, f32, f32, String)| *y0 <= run.y && run.y <= *y1 + 1.0;
            // pdftotext's word starting at the run's first glyph, or (when it joins the run
            // to the one before, no gap between them) a word on the line holding it.
            let found = words.iter().filter(on_line).any(|(wx, _, _, w)| w.starts_with(c) && (wx - first.x).abs() < 0.05);
            let inside = words.iter().filter(on_line).any(|(wx, _, _, w)| *wx < first.x && w.contains(word));
            assert!(found || inside, "page {}: {word:?} not found at x {} y {}", n + 1, first.x, run.y);
            checked += usize::from(found);
        }
    }
    assert!(checked > 800, "only {checked} words matched by position");
}

/// Faces with at most 256 glyphs in their subset are drawn with one-byte codes in literal
/// strings (through brief's one-byte CMap), larger ones with Identity-H in hex: both give
/// back their text, including the glyphs whose codes are bytes a literal string escapes.
#[test]
fn small_subsets_use_one_byte_codes_and_large_ones_identity_h() {
    let fonts = Fonts::builtin().expect("fonts");
    // 150 distinct characters in the serif (codes up to 150: `(`, `)`, `\`, LF and CR
    // among them), 330 in the sans.
    let small: String = ('A'..='Z').chain('a'..='z').chain('0'..='9').chain('А'..='я').take(150).collect();
    let large: String = ('A'..='Z')
        .chain('a'..='z')
        .chain('À'..='ſ')
        .chain('А'..='я')
        .chain('Ѐ'..='Џ')
        .chain('ѐ'..='џ')
        .chain('Α'..='Ρ')
        .chain('Σ'..='ω')
        .collect();
    assert!(large.chars().count() > 300, "{}", large.chars().count());
    // Lines of 30 characters, so pdftotext gives them back one by one.
    let lines = |s: &str| -> Vec<String> {
        let chars: Vec<char> = s.chars().collect();
        chars.chunks(30).map(|c| c.iter().collect()).collect()
    };
    let mut items = Vec::new();
    let mut y = 60.0;
    for (font, text) in [(FontId::SERIF, &small), (FontId::SANS, &large)] {
        for line in lines(text) {
            items.push(Item::Text(run(&fonts, font, 9.0, &line, 40.0, y, 0.0)));
            y += 14.0;
        }
    }
    let doc = LaidOut { pages: vec![Page { width: W, height: H, items }], ..Default::default() };
    let bytes = write(&doc, &fonts, &Resources::default(), &options()).expect("PDF");
    let lo = Document::load_mem(&bytes).expect("lopdf reads it");
    let pages = lo.get_pages();
    let mut encodings = BTreeMap::new();
    for (_, font) in lo.get_page_fonts(pages[&1]).expect("fonts") {
        let base = String::from_utf8_lossy(font.get(b"BaseFont").and_then(Object::as_name).expect("BaseFont")).to_string();
        let family = base.split('+').nth(1).unwrap_or_default().to_string();
        let encoding = match font.get(b"Encoding").expect("Encoding") {
            Object::Name(n) => String::from_utf8_lossy(n).to_string(),
            Object::Reference(r) => {
                let Ok(Object::Stream(s)) = lo.get_object(*r) else { panic!("{base}: encoding is not a CMap stream") };
                let cmap = s.decompressed_content().expect("CMap decompresses");
                let cmap = String::from_utf8_lossy(&cmap).to_string();
                assert!(cmap.contains("<00> <FF>\nendcodespacerange") && cmap.contains("<00> <FF> 0\nendcidrange"), "{cmap}");
                String::from_utf8_lossy(s.dict.get(b"CMapName").and_then(Object::as_name).expect("CMapName")).to_string()
            }
            other => panic!("{base}: encoding {other:?}"),
        };
        encodings.insert(family, encoding);
    }
    assert_eq!(encodings.get("NotoSerif-Regular").map(String::as_str), Some("Brief-Identity-OneByte"), "{encodings:?}");
    assert_eq!(encodings.get("NotoSans-Regular").map(String::as_str), Some("Identity-H"), "{encodings:?}");

    let file = std::env::temp_dir().join(format!("brief-codes-{}.pdf", std::process::id()));
    std::fs::write(&file, &bytes).expect("write PDF");
    if have("qpdf") {
        let (ok, out) = run_tool("qpdf", &["--check", file.to_str().expect("path")]);
        assert!(ok && !out.contains("WARNING"), "qpdf --check:\n{out}");
    }
    if have("pdftotext") {
        let (ok, out) = run_tool("pdftotext", &["-enc", "UTF-8", file.to_str().expect("path"), "-"]);
        assert!(ok, "pdftotext: {out}");
        let got: Vec<&str> = out.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        for line in lines(&small).iter().chain(&lines(&large)) {
            assert!(got.contains(&line.as_str()), "{line:?} not extracted; got {got:?}");
        }
    }
    let _ = std::fs::remove_file(&file);
}
