//! The `brief` command.

mod cli;
mod messages;
mod watch;

fn main() -> std::process::ExitCode {
    cli::run()
}
