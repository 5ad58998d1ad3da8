// The rule engine allocates many small values; mimalloc serves that pattern far better than the
// system allocator (measured: see benches/rule_pack.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    tillsyn::cli::run()
}
