use std::process::ExitCode;

mod cli;

fn main() -> ExitCode {
    cli::ensure_openmp_thread_limit();
    cli::main()
}
