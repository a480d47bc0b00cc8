//! The `brief` command.

mod cli;
mod messages;
mod watch;

/// mimalloc instead of the system allocator: layout and the PDF writer make and drop
/// millions of small vectors (shaped words, line pieces, page items), and glibc's malloc
/// and free were a fifth of the instructions of a 500-page build.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
