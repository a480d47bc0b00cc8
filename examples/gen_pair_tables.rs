//! Writes `src/layout/pairs_data.rs` (the pair tables of the built-in faces) to standard
//! output: `cargo run --release --example gen_pair_tables > src/layout/pairs_data.rs`.

fn main() -> std::process::ExitCode {
    match brief::layout::bench::generate_pair_tables() {
        Ok(s) => {
            print!("{s}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_pair_tables: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
