//! Layout tests: properties of the laid-out pages that a reader would notice.

use super::*;
use crate::doc::{Align, Block, Document, Inline, List, ListItem, Meta, Table, TREE_VERSION};

fn para(text: &str) -> Block {
    Block::Paragraph { content: vec![Inline::text(text)] }
}

fn doc(blocks: Vec<Block>) -> Document {
    Document {
        version: TREE_VERSION,
        meta: Meta { title: "Test brief".into(), lang: "en".into(), classification: Some("PUBLIC".into()), ..Meta::default() },
        blocks,
    }
}

const LOREM: &str = "Uzbekistan and Kazakhstan have made significant strides in enhancing their bilateral \
relations, particularly in the realm of security cooperation. Both nations recognize the importance of \
regional stability, which has prompted a series of joint initiatives aimed at combating common threats \
and ensuring safety along their shared borders.";

fn run_layout(d: &Document) -> LaidOut {
    let fonts = crate::fonts::Fonts::builtin().unwrap();
    layout(d, &fonts, &crate::resources::Resources::default(), &PageSetup::default())
}

/// Every glyph of every page lies inside the page's margins (with a little slack for
/// furniture, which sits in the top and bottom margins but never near the edge).
fn assert_inside_margins(out: &LaidOut) {
    let s = PageSetup::default();
    for (p, page) in out.pages.iter().enumerate() {
        for item in &page.items {
            if let Item::Text(run) = item {
                for g in &run.glyphs {
                    assert!(g.x >= s.margin_left - 0.5, "page {p}: glyph {:?} left of margin at {}", g.text, g.x);
                    assert!(
                        g.x + g.advance <= page.width - s.margin_right + 0.5,
                        "page {p}: glyph {:?} crosses right margin at {}",
                        g.text,
                        g.x + g.advance
                    );
                }
                assert!(run.y > 24.0 && run.y < page.height - 24.0, "page {p}: run at y {}", run.y);
            }
        }
    }
}

#[test]
fn long_text_flows_over_pages_within_margins() {
    let blocks = (0..60).map(|_| para(LOREM)).collect();
    let out = run_layout(&doc(blocks));
    assert!(out.pages.len() >= 4, "{} pages", out.pages.len());
    assert_inside_margins(&out);
    // Page numbers on every page, running head from page 2.
    let dump = dump(&out);
    assert!(dump.contains(&format!("Page 1 of {}", out.pages.len())));
    assert!(dump.lines().any(|l| l.starts_with("2 ") && l.contains(": Test brief")));
}

#[test]
fn heading_is_never_last_on_a_page() {
    let mut blocks = Vec::new();
    for i in 0..40 {
        blocks.push(Block::Heading { level: 2, id: format!("h{i}"), content: vec![Inline::text(format!("Section {i}"))] });
        blocks.push(para(&LOREM[..(40 + i * 7) % LOREM.len()]));
    }
    let out = run_layout(&doc(blocks));
    let bottom = PageSetup::default().height - PageSetup::default().margin_bottom;
    for e in &out.outline {
        // The heading plus two body lines fit below its top on its page.
        assert!(e.y + 13.5 * 1.3 + 2.0 * 15.0 <= bottom + 0.5, "heading {} at {} strands", e.title, e.y);
    }
    assert_eq!(out.outline.len(), 40);
    assert_eq!(out.anchors.len(), 40);
}

fn table(rows: usize, cols: usize, cell: &str) -> Block {
    Block::Table(Table {
        caption: Some(vec![Inline::text("Trade by partner")]),
        aligns: vec![Align::Default; cols],
        head: (0..cols).map(|c| vec![Inline::text(format!("Head{c}"))]).collect(),
        rows: (0..rows).map(|r| (0..cols).map(|c| vec![Inline::text(format!("{cell} {r}.{c}"))]).collect()).collect(),
    })
}

#[test]
fn long_table_repeats_header_and_continued_caption_on_every_page() {
    let out = run_layout(&doc(vec![para(LOREM), table(150, 3, "cell")]));
    assert!(out.pages.len() >= 3);
    assert_inside_margins(&out);
    let dump = dump(&out);
    for p in 2..=out.pages.len() {
        let page: Vec<&str> = dump.lines().filter(|l| l.starts_with(&format!("{p} "))).collect();
        assert!(page.iter().any(|l| l.contains("Head0")), "page {p} lacks the header");
        assert!(page.iter().any(|l| l.contains("Table 1 (continued)")), "page {p} lacks the caption");
    }
    // Every body row appears exactly once.
    for r in 0..150 {
        let needle = format!("cell {r}.1 ");
        assert_eq!(dump.lines().filter(|l| l.contains(&needle)).count(), 1, "row {r}");
    }
}

#[test]
fn header_row_never_stands_alone_at_a_page_foot() {
    // Fill the first page almost to the bottom, then start a table.
    for n in 28..40 {
        let mut blocks: Vec<Block> = (0..n).map(|_| para("A short line of text.")).collect();
        blocks.push(table(5, 2, "x"));
        let out = run_layout(&doc(blocks));
        let dump = dump(&out);
        for p in 1..=out.pages.len() {
            let page: Vec<&str> = dump.lines().filter(|l| l.starts_with(&format!("{p} "))).collect();
            if page.iter().any(|l| l.contains("Head0")) {
                assert!(page.iter().any(|l| l.contains(": x ")), "n={n}: header alone on page {p}");
            }
        }
    }
}

#[test]
fn wide_table_with_long_words_stays_inside_the_margins() {
    let word = "Internationalisation-and-Interoperability-Frameworks";
    let out = run_layout(&doc(vec![table(6, 9, word)]));
    assert_inside_margins(&out);
}

#[test]
fn a_table_too_wide_for_portrait_gets_a_landscape_page_and_the_flow_returns_to_portrait() {
    let out = run_layout(&doc(vec![para(LOREM), table(4, 12, "Kazakhstan–Uzbekistan"), para(LOREM)]));
    assert_inside_margins(&out);
    let orientations: Vec<bool> = out.pages.iter().map(|p| p.width > p.height).collect();
    assert_eq!(orientations, vec![false, true, false], "{orientations:?}");
    let d = dump(&out);
    assert!(d.lines().any(|l| l.starts_with("2 ") && l.contains("Head11")));
}

#[test]
fn deeply_nested_lists_keep_a_usable_measure() {
    let mut block = para(LOREM);
    for _ in 0..60 {
        block = Block::List(List { start: None, tight: true, items: vec![ListItem { task: None, blocks: vec![block] }] });
    }
    let out = run_layout(&doc(vec![block]));
    assert_inside_margins(&out);
    let d = dump(&out);
    assert!(d.contains("Uzbekistan"), "{d}");
}

#[test]
fn footnotes_sit_at_the_foot_of_the_page_that_references_them() {
    let mut blocks: Vec<Block> = (0..12).map(|_| para(LOREM)).collect();
    let content = vec![
        Inline::text("Trade rose"),
        Inline::Note { blocks: vec![para("Desk estimate, rounded.")] },
        Inline::text(" sharply."),
    ];
    blocks.push(Block::Paragraph { content });
    blocks.extend((0..12).map(|_| para(LOREM)));
    let out = run_layout(&doc(blocks));
    let d = dump(&out);
    let mark_page: usize = d.lines().find(|l| l.contains("Trade rose")).and_then(|l| l.split(' ').next()?.parse().ok()).expect(&d);
    let note_line = d.lines().find(|l| l.contains("Desk estimate, rounded.")).expect(&d);
    let note_page: usize = note_line.split(' ').next().unwrap().parse().unwrap();
    assert_eq!(mark_page, note_page);
    // The note sits below every body line of its page.
    let note_y: f32 = note_line.split(' ').nth(1).unwrap().parse().unwrap();
    for l in d.lines().filter(|l| l.starts_with(&format!("{note_page} ")) && l.contains("Uzbekistan")) {
        let y: f32 = l.split(' ').nth(1).unwrap().parse().unwrap();
        assert!(y < note_y, "{l} below the note at {note_y}");
    }
    for id in ["fn-1", "fnref-1"] {
        let a = out.anchors.iter().find(|a| a.id == id).expect(id);
        assert_eq!(a.page + 1, note_page);
    }
    let links = |t: &str| out.pages.iter().flat_map(|p| &p.items).filter(|i| matches!(i, Item::Link { target: LinkTarget::Internal(x), .. } if x == t)).count();
    assert_eq!((links("fn-1"), links("fnref-1")), (1, 1));
}

#[test]
fn a_footnote_longer_than_a_page_continues_on_the_next_page() {
    let long: String = (0..140).map(|_| "The note goes on and on about the border regime. ").collect();
    let content = vec![Inline::text("Mark here"), Inline::Note { blocks: vec![para(&long)] }, Inline::text(".")];
    let mut blocks = vec![Block::Paragraph { content }];
    blocks.extend((0..3).map(|_| para(LOREM)));
    let out = run_layout(&doc(blocks));
    assert_inside_margins(&out);
    let d = dump(&out);
    let pages_with_note: std::collections::BTreeSet<&str> =
        d.lines().filter(|l| l.contains("border regime")).filter_map(|l| l.split(' ').next()).collect();
    assert!(pages_with_note.len() >= 2, "{pages_with_note:?}");
    let words = d.matches("regime").count();
    assert_eq!(words, 140, "every line of the note is printed once");
}

#[test]
fn papersize_letter_gives_us_letter_pages() {
    let mut d = doc(vec![para(LOREM)]);
    d.meta.papersize = Some("letter".into());
    let out = run_layout(&d);
    assert_eq!((out.pages[0].width, out.pages[0].height), (612.0, 792.0));
    assert_inside_margins(&out);
}

/// Lines of body text per page, from the dump (lines at the body's left edge in serif
/// paragraphs are all that matters here: furniture lines are excluded by y).
fn body_lines_by_page(out: &LaidOut, needle: &str) -> Vec<usize> {
    let d = dump(out);
    let mut counts = vec![0; out.pages.len()];
    for l in d.lines().filter(|l| l.contains(needle)) {
        if let Some(p) = l.split(' ').next().and_then(|p| p.parse::<usize>().ok()) {
            counts[p - 1] += 1;
        }
    }
    counts
}

#[test]
fn no_widows_or_orphans_whatever_the_filler_above() {
    // A marked paragraph of 6 lines after a filler of n short paragraphs: wherever the page
    // break falls, each page holds 0 or at least 2 of its lines.
    let marked = "Zanzibar ".repeat(75);
    for n in 25..45 {
        let mut blocks: Vec<Block> = (0..n).map(|_| para("Short filler line.")).collect();
        blocks.push(para(marked.trim()));
        let out = run_layout(&doc(blocks));
        let counts = body_lines_by_page(&out, "Zanzibar");
        let total: usize = counts.iter().sum();
        assert!(total >= 5, "n={n}: {counts:?}");
        assert!(counts.iter().all(|&c| c == 0 || c >= 2), "n={n}: widow or orphan {counts:?}");
    }
}

#[test]
fn known_paragraph_breaks_like_tex_would() {
    // Optimum fit prefers even spacing over filling each line greedily: no line of this
    // paragraph is stretched by more than its glue allows, and the greedy breaker's
    // ragged-right widths would differ.
    let fonts = crate::fonts::Fonts::builtin().unwrap();
    let text = "The upcoming visit of President Shavkat Mirziyoyev to Kazakhstan signifies a pivotal \
        moment for the collaborative framework among Central Asian nations. As both leaders engage in \
        strategic talks, the emphasis on economic partnerships and regional stability emerges as a primary \
        focus.";
    let n = bench::break_paragraph(&fonts, text, 300.0);
    assert_eq!(n, 5, "five lines at 300 pt");
}

#[test]
fn a_cell_as_wide_as_its_column_is_not_split() {
    // Regression: column width = content + padding, cell measure = width - padding lost the
    // last bits of the f32 and split "1,200" into "1,20" / "0".
    for n in ["1,200", "12,345.67", "x", "Kazakhstan"] {
        let t = Block::Table(Table {
            caption: None,
            aligns: vec![Align::Default, Align::Right],
            head: vec![vec![Inline::text("A")], vec![Inline::text("B")]],
            rows: vec![vec![vec![Inline::text("x")], vec![Inline::text(n)]]],
        });
        let d = dump(&run_layout(&doc(vec![t])));
        assert!(d.lines().any(|l| l.ends_with(&format!("x {n}"))), "{n}: {d}");
    }
}

fn cells(texts: &[&str]) -> Vec<Vec<Inline>> {
    texts.iter().map(|t| if t.is_empty() { Vec::new() } else { vec![Inline::text(*t)] }).collect()
}

#[test]
fn narrow_columns_stay_narrow_and_the_prose_column_takes_the_rest() {
    let prose = "Coordinated efforts to dismantle extremist networks operating in the region, with joint \
        training, shared intelligence and a common response protocol for crises along the border.";
    let t = Block::Table(Table {
        caption: None,
        aligns: vec![Align::Default, Align::Right, Align::Default],
        head: cells(&["Code", "Year", "Description"]),
        rows: (0..3).map(|_| cells(&["KZ", "2024", prose])).collect(),
    });
    let out = run_layout(&doc(vec![t]));
    assert_inside_margins(&out);
    let d = dump(&out);
    // Header cells: "Code" and "Year" sit close together at the left; the description
    // column starts well before the middle of the page and wraps onto several lines.
    let head = d.lines().find(|l| l.contains("Description")).expect("header");
    let x: f32 = head.split(' ').nth(2).unwrap().trim_end_matches(':').parse().unwrap();
    assert!(x < 90.0, "table starts at the margin: {head}");
    let prose_lines = d.lines().filter(|l| l.contains("KZ 2024")).count();
    assert_eq!(prose_lines, 3, "{d}");
    let wrapped = d.lines().filter(|l| l.contains("border.")).count();
    assert_eq!(wrapped, 3, "each prose cell wraps and ends on its own line:\n{d}");
}

#[test]
fn one_column_header_only_and_empty_cell_tables_lay_out() {
    let one = Block::Table(Table { caption: None, aligns: vec![Align::Center], head: cells(&["Only"]), rows: vec![cells(&["a"]), cells(&["b"])] });
    let header_only = Block::Table(Table { caption: None, aligns: vec![Align::Default; 2], head: cells(&["H1", "H2"]), rows: vec![] });
    let empty = Block::Table(Table { caption: None, aligns: vec![Align::Default; 3], head: cells(&["X", "", "Z"]), rows: vec![cells(&["", "", ""]), cells(&["1", "", "3"])] });
    let out = run_layout(&doc(vec![one, header_only, empty]));
    assert_inside_margins(&out);
    let d = dump(&out);
    for needle in ["Only", "H1 H2", "X Z", "1 3"] {
        assert!(d.contains(needle), "{needle} missing:\n{d}");
    }
}

#[test]
fn inline_formatting_and_links_in_cells() {
    let t = Block::Table(Table {
        caption: None,
        aligns: vec![Align::Default; 2],
        head: cells(&["Term", "Source"]),
        rows: vec![vec![
            vec![Inline::Strong { content: vec![Inline::text("TEU")] }, Inline::text(" "), Inline::Code { text: "teu_count".into() }],
            vec![Inline::Link { url: "https://example.org/teu".into(), title: String::new(), content: vec![Inline::text("UNCTAD")] }],
        ]],
    });
    let out = run_layout(&doc(vec![t]));
    let runs: Vec<&TextRun> = out.pages.iter().flat_map(|p| &p.items).filter_map(|i| if let Item::Text(r) = i { Some(r) } else { None }).collect();
    let font_of = |s: &str| runs.iter().find(|r| r.glyphs.iter().map(|g| &*g.text).collect::<String>() == s).map(|r| r.font);
    assert_eq!(font_of("TEU"), Some(crate::fonts::FontId::SANS_BOLD));
    assert_eq!(font_of("teu_count"), Some(crate::fonts::FontId::MONO));
    let link = out.pages.iter().flat_map(|p| &p.items).any(|i| matches!(i, Item::Link { target: LinkTarget::Uri(u), .. } if u == "https://example.org/teu"));
    assert!(link);
}

#[test]
fn a_row_taller_than_a_page_splits_inside_the_row() {
    let huge: String = (0..900).map(|i| format!("word{i} ")).collect();
    let t = Block::Table(Table { caption: None, aligns: vec![Align::Default; 2], head: cells(&["Key", "Text"]), rows: vec![cells(&["k", huge.trim()])] });
    let out = run_layout(&doc(vec![t]));
    assert!(out.pages.len() >= 2);
    assert_inside_margins(&out);
    let d = dump(&out);
    for i in [0, 450, 899] {
        assert_eq!(d.matches(&format!("word{i} ")).count() + d.matches(&format!("word{i}\n")).count(), 1, "word{i}");
    }
    // The header repeats on the continuation page.
    assert!(d.lines().any(|l| l.starts_with("2 ") && l.contains("Key Text")), "{d}");
}

fn sections(n: usize) -> Vec<Block> {
    let mut blocks = Vec::new();
    for i in 0..n {
        blocks.push(Block::Heading { level: 2, id: format!("s{i}"), content: vec![Inline::text(format!("Section {i}"))] });
        blocks.push(para(LOREM));
    }
    blocks
}

#[test]
fn contents_list_appears_with_four_sections_unless_turned_off_and_links_to_each() {
    let d3 = dump(&run_layout(&doc(sections(3))));
    assert!(!d3.contains("Contents"), "three sections: no contents list");
    let out = run_layout(&doc(sections(6)));
    let d6 = dump(&out);
    assert!(d6.contains("Contents"));
    // Each entry carries its page number at the right and links to its heading.
    for i in 0..6 {
        let entry = d6.lines().find(|l| l.starts_with("1 ") && l.contains(&format!("Section {i} "))).expect(&d6);
        let page = out.anchors.iter().find(|a| a.id == format!("s{i}")).unwrap().page + 1;
        assert!(entry.trim_end().ends_with(&format!(" {page}")), "{entry}");
        let linked = out.pages[0].items.iter().any(|it| matches!(it, Item::Link { target: LinkTarget::Internal(t), .. } if *t == format!("s{i}")));
        assert!(linked, "entry {i} links to its heading");
    }
    let mut off = doc(sections(6));
    off.meta.toc = Some(false);
    assert!(!dump(&run_layout(&off)).contains("Contents"));
}

#[test]
fn a_heading_that_is_one_long_word_shrinks_instead_of_laddering_hyphens() {
    let word = "Transkaspiyskiymezhdunarodnyytransportnyymarshrut".repeat(3);
    let mut d = doc(vec![Block::Heading { level: 1, id: "w".into(), content: vec![Inline::text(word.clone())] }, para(LOREM)]);
    d.meta.title = word.clone();
    let out = run_layout(&d);
    assert_inside_margins(&out);
    let dump = dump(&out);
    let mut run = 0;
    for l in dump.lines() {
        run = if l.ends_with('-') { run + 1 } else { 0 };
        assert!(run <= 2, "hyphen ladder:\n{dump}");
    }
    // Nothing of the word is lost: the pieces, hyphens removed, spell it twice (title and
    // heading).
    let joined: String = dump.lines().filter(|l| l.contains("Trans") || l.contains("mar") || l.ends_with('-')).map(|l| l.split(": ").nth(1).unwrap_or("").trim_end_matches('-')).collect();
    assert!(joined.matches("Transkaspiyskiy").count() >= 6, "{dump}");
}

#[test]
fn letters_a_house_face_lacks_fall_back_to_a_builtin_text_face_not_to_code() {
    // Body and headings in a house face without Cyrillic (a copy of Noto Sans Math):
    // Cyrillic is set in the built-in Noto Serif (the fixed text fallback), never in the
    // monospaced code face, which comes earlier in no chain now.
    let dir = std::env::temp_dir().join(format!("brief-house-fallback-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let math = include_bytes!("../../fonts/NotoSansMath-Regular.ttf");
    std::fs::write(dir.join("House.ttf"), math).unwrap();
    let toml = "[fonts.body]\nregular = \"House.ttf\"\nbold = \"House.ttf\"\nitalic = \"House.ttf\"\nbold_italic = \"House.ttf\"\n\n[fonts.headings]\nregular = \"House.ttf\"\nbold = \"House.ttf\"\n";
    let cfg = crate::config::Config::parse(&crate::source::Source::new("brief.toml", toml)).unwrap();
    let fonts = crate::fonts::Fonts::for_config(&cfg.fonts, &dir).unwrap();
    assert!(!fonts.face(crate::fonts::FontId::SERIF).has_char('Ж'), "the house face lacks Cyrillic");
    let glyphs = shape::shape(&fonts, crate::fonts::FontId::SERIF, 10.0, "Жa");
    assert_eq!(glyphs[0].font, crate::fonts::FontId::TEXT_SERIF);
    assert_eq!(fonts.face(glyphs[0].font).name, "NotoSerif-Regular");
    // Latin stays in the house face.
    assert_eq!(glyphs.last().map(|g| g.font), Some(crate::fonts::FontId::SERIF));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Paragraphs set ahead in parallel (top level, list items at any depth, block quotes)
/// are all used by the flow, and the pages are the same as when the flow sets them itself.
#[test]
fn paragraphs_set_ahead_are_used_and_change_nothing() {
    let item = |blocks: Vec<Block>| ListItem { blocks, task: None };
    let nested = Block::List(List { start: None, tight: false, items: vec![item(vec![para(LOREM), para("Second paragraph of a loose item.")])] });
    let list = Block::List(List {
        start: Some(1),
        tight: true,
        items: vec![item(vec![para(LOREM)]), item(vec![para("Short item."), nested]), item(vec![Block::BlockQuote { blocks: vec![para(LOREM)] }])],
    });
    let quote = Block::BlockQuote { blocks: vec![para(LOREM), Block::BlockQuote { blocks: vec![para(LOREM)] }] };
    let cell = |t: &str| vec![Inline::text(t)];
    let table = |cols: usize, rows: usize, text: &str| {
        Block::Table(Table {
            aligns: vec![Align::Default; cols],
            head: (0..cols).map(|c| cell(&format!("Column {c}"))).collect(),
            rows: (0..rows).map(|r| (0..cols).map(|c| cell(&format!("{text} {r}.{c}"))).collect()).collect(),
            caption: None,
        })
    };
    // A table set ahead (all of it), one in a list item, one whose cell has a footnote (set
    // by the flow, which numbers notes), and one too wide for portrait (turned, set by the
    // flow on its landscape page).
    let noted = Block::Table(Table {
        aligns: vec![Align::Default; 2],
        head: vec![cell("A"), cell("B")],
        rows: vec![vec![vec![Inline::text("with a note"), Inline::Note { blocks: vec![para("The note.")] }], cell("x")]],
        caption: None,
    });
    let in_item = Block::List(List { start: None, tight: true, items: vec![item(vec![para("Intro."), table(2, 3, "cell")])] });
    let wide_words = "Incomprehensibilities counterrevolutionaries";
    let d = doc(vec![para(LOREM), list, quote, table(3, 60, LOREM), in_item, noted, table(9, 2, wide_words), para(LOREM)]);
    let fonts = crate::fonts::Fonts::builtin().unwrap();
    let res = crate::resources::Resources::default();
    let setup = PageSetup::default();
    let ((ahead, ()), (made, claimed, unused)) = layout_counted(&d, &fonts, &res, &setup, SetAhead::First, |o| o, || ());
    let ((alone, ()), (none, all, _)) = layout_counted(&d, &fonts, &res, &setup, SetAhead::Off, |o| o, || ());
    assert_eq!((made, claimed), (10 + 4, 0), "every paragraph but none inside tables or notes, and the tables");
    assert_eq!(unused, 0, "a paragraph or table was set ahead and not used");
    assert_eq!((none, all), (0, 0));
    assert_eq!(dump(&ahead), dump(&alone));
    assert_eq!(format!("{:?}", ahead.pages), format!("{:?}", alone.pages));
    // Beside the flow, on pools of one, two and four threads: whoever sets what, every
    // piece is set once (ahead or by the flow) and the pages are the same.
    for threads in [1, 2, 4] {
        let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(threads).build() else { panic!("pool") };
        for _ in 0..5 {
            let ((beside, ()), (made, claimed, unused)) =
                pool.install(|| layout_counted(&d, &fonts, &res, &setup, SetAhead::Beside, |o| o, || ()));
            assert_eq!(made + claimed, 10 + 4, "{threads} threads");
            assert_eq!(unused, 0);
            assert_eq!(format!("{:?}", beside.pages), format!("{:?}", alone.pages), "{threads} threads");
        }
    }
}

#[test]
fn glyph_texts_read_back_whatever_their_length() {
    for s in ["", "a", "ﬁ", "ffi", "Қазақ", "12345678901234", "123456789012345", "ක්‍ෂ ශ්‍රී", &"ab".repeat(40)] {
        let t = GlyphText::from(s);
        assert_eq!(&*t, s);
        assert_eq!(t.clone(), GlyphText::from(s.to_string()), "{s}");
        assert_eq!(format!("{t:?}"), format!("{s:?}"));
    }
    assert_ne!(GlyphText::from("a"), GlyphText::from("b"));
    assert_ne!(GlyphText::from("ab".repeat(20).as_str()), GlyphText::from("ab".repeat(21).as_str()));
    assert!(GlyphText::default().is_empty());
    // As small as the `Arc<str>` it replaced.
    assert_eq!(std::mem::size_of::<GlyphText>(), 16);
}
