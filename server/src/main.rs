use std::process::ExitCode;

use clap::Parser;
use server::config::{Cli, Command};
use server::{commands, startup, telemetry};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(cli.log_format);

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
