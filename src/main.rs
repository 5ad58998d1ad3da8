fn main() -> std::process::ExitCode {
    tillsyn::cli::run()
}
