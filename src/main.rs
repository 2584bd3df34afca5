//! `mobilimza`: parse the command line, load the configuration, hand over to the library.

use clap::Parser;
use tracing_subscriber::EnvFilter;

/// mimalloc: the request path allocates and frees many small buffers from
/// several threads (the async worker, the blocking pool); glibc's allocator
/// spent ~15 % of a queue page's CPU on that, mostly consolidating.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = mobilimza::cli::Cli::parse();
    let config = match mobilimza::config::Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::from(2);
        }
    };
    match mobilimza::cli::run(cli, config).await {
        Ok(code) => code,
        // One convention: a configuration problem, found before or while
        // starting (a port in use, https without SMTP), exits 2 with
        // "Yapılandırma hatası: …"; anything else exits 1 with "Hata: …".
        Err(e) => match e.downcast_ref::<mobilimza::config::ConfigError>() {
            Some(config) => {
                eprintln!("{config}");
                std::process::ExitCode::from(2)
            }
            None => {
                eprintln!("Hata: {e:#}");
                std::process::ExitCode::FAILURE
            }
        },
    }
}
