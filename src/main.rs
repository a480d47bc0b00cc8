//! The `brief` command.

mod cli;
mod messages;
mod watch;

/// mimalloc instead of the system allocator: layout and the PDF writer make and drop
/// millions of small vectors (shaped words, line pieces, page items), and glibc's malloc
/// and free were a fifth of the instructions of a 500-page build. Built with `no_thp`:
/// mimalloc otherwise asks for transparent huge pages, and the kernel then zeroes 2 MiB at
/// each first touch: half the samples of a one-brief build were `clear_page_erms`, and
/// without it the example's whole process went from 16.7-17.3 ms to 12.8-15.0 ms (median).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
