//! `simulator`: the SendGrid simulator alone, for demos and manual testing with curl.

use crate::config::SimulatorArgs;
use sendgrid::ExposeSecret;

pub async fn run(args: SimulatorArgs) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    let config = simulator::Config {
        customers: args.customers,
        seed: args.seed,
        api_key: args.api_key.expose_secret().to_string(),
        rate_limit_per_minute: args.rate_limit_per_minute,
        api_2017: args.api_2017,
        ..simulator::Config::default()
    };
    println!(
        "SendGrid simulator on http://{} ({} customers, seed {})",
        listener.local_addr()?,
        args.customers,
        args.seed
    );
    simulator::serve(listener, config).await
}
