//! Writes a brief holding one table of ROWS rows × 8 columns (issue 4's scale benchmark).
//!
//! ```sh
//! cargo run --release --example gen_table -- 100000 /tmp/table.md
//! /usr/bin/time -v target/release/brief build /tmp/table.md -o /tmp/out --format pdf
//! ```
//!
//! The content depends only on ROWS (a fixed xorshift generator): a date, a region, a
//! route, two counts, a tonnage, a percentage and a short note, so the columns mix narrow
//! numbers with prose, like a real annex.

use std::fmt::Write as _;

const REGIONS: [&str; 6] = ["Almaty", "Tashkent", "Astana", "Bishkek", "Dushanbe", "Aktau"];
const NOTES: [&str; 5] = [
    "on schedule",
    "delayed at the border crossing",
    "customs inspection",
    "rerouted via the Caspian ferry",
    "seasonal maintenance window",
];

fn main() {
    let mut args = std::env::args().skip(1);
    let rows: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let path = args.next().unwrap_or_else(|| "table.md".into());
    let mut s = String::with_capacity(rows * 96);
    let _ = writeln!(s, "---\ntitle: Freight movements, {rows} rows\nauthor: Benchmark desk\ndate: 2025-01-01\ntoc: false\n---\n");
    s.push_str("Every consignment of the period, one row each.\n\nTable: Freight movements\n\n");
    s.push_str("| Date | Region | Route | Wagons | Containers | Tonnes | Share | Note |\n");
    s.push_str("| --- | --- | --- | ---: | ---: | ---: | ---: | --- |\n");
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for i in 0..rows {
        let r = next();
        let from = REGIONS[(r % 6) as usize];
        let to = REGIONS[((r >> 8) % 6) as usize];
        let _ = writeln!(
            s,
            "| 2025-{:02}-{:02} | {} | {}–{} | {} | {} | {}.{} | {}.{}% | {} |",
            1 + (i / 28) % 12,
            1 + i % 28,
            from,
            from,
            to,
            (r >> 16) % 90 + 10,
            (r >> 24) % 400,
            (r >> 32) % 9000 + 100,
            (r >> 44) % 10,
            (r >> 48) % 100,
            (r >> 56) % 10,
            NOTES[((r >> 20) % 5) as usize]
        );
    }
    if let Err(e) = std::fs::write(&path, s) {
        eprintln!("cannot write {path}: {e}");
        std::process::exit(1);
    }
}
