use std::process::ExitCode;

use clap::Parser;
use server::config::{Cli, Command};
use server::{commands, startup, telemetry};

// A page allocates thousands of small strings and view nodes across worker threads; mimalloc's
// per-thread heaps serve them without the lock waits and consolidation of glibc's allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Before anything creates a file: the database, its journal, backups, the first password.
    server::private_files::restrict_new_files();
    // Tokio's own worker stacks (2 MiB) suffice: views are type-erased at component
    // boundaries (`--cfg erase_components`, .cargo/config.toml and scripts/build-site.sh), so a
    // page's render is a chain of boxed views, not one future as deep as the page.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(run()),
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(cli.log_format);
    server::secret_flags::warn_if_present();

    let outcome = match cli.command {
        None => startup::run(cli.serve).await.map_err(|e| e.to_string()),
        Some(Command::Serve(args)) => startup::run(args).await.map_err(|e| e.to_string()),
        Some(Command::Simulator(args)) => commands::simulator::run(args)
            .await
            .map_err(|e| e.to_string()),
        Some(Command::Backup(args)) => commands::backup::run(args).await.map_err(|e| e.to_string()),
        Some(Command::Audit(command)) => commands::audit::run(command)
            .await
            .map_err(|e| e.to_string()),
        Some(Command::Operator(command)) => commands::operator::run(command)
            .await
            .map_err(|e| e.to_string()),
        // Its own exit codes: 2 says SendGrid refused, apart from settings that are unusable.
        Some(Command::CheckUpstream(args)) => match commands::check_upstream::run(args).await {
            Ok(code) => return code,
            Err(error) => Err(error.to_string()),
        },
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
