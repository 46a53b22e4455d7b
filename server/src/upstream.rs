//! The SendGrid client the console talks to: the real API at a base URL, or the simulator
//! started in-process (`embedded`). Past this point nothing knows which one it is.

use crate::config::{ConfigError, UpstreamArgs};
use sendgrid::ExposeSecret;

#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("SENDGRID_API_KEY (or --sendgrid-api-key-file) is required when --upstream is a URL")]
    MissingKey,
    #[error("cannot start the embedded simulator: {0}")]
    Simulator(#[source] std::io::Error),
    #[error("invalid upstream configuration: {0}")]
    Client(#[source] sendgrid::Error),
}

/// The client, and the embedded simulator it may be talking to (kept alive with it).
pub struct Upstream {
    pub client: sendgrid::Client,
    pub embedded: Option<simulator::Running>,
    /// Where the calls go and with which credential, for the connection check.
    pub settings: app::domain::connection::UpstreamSettings,
}

pub async fn start(args: &UpstreamArgs) -> Result<Upstream, UpstreamError> {
    let ((v2_base, v3_base), v2_key, v3_key, embedded) = if args.is_embedded() {
        // A fresh random key per start: the embedded world accepts nothing else.
        let key = sendgrid::Secret::from(format!("sim-{:032x}", rand::random::<u128>()));
        let running = simulator::spawn(simulator::Config {
            customers: args.simulator_customers,
            seed: args.simulator_seed,
            api_key: key.expose_secret().to_string(),
            ..simulator::Config::default()
        })
        .await
        .map_err(UpstreamError::Simulator)?;
        tracing::info!(url = %running.base_url(), "embedded SendGrid simulator started");
        let base = running.base_url();
        ((base.clone(), base), key.clone(), key, Some(running))
    } else {
        let v3 = args.v3_key()?.ok_or(UpstreamError::MissingKey)?;
        let v2 = args.v2_password()?.unwrap_or_else(|| v3.clone());
        (args.family_bases(), v2, v3, None)
    };

    let (v2_credential, v3_credential) = args.credential_sources();
    let settings = app::domain::connection::UpstreamSettings {
        v2_base_url: v2_base.clone(),
        v3_base_url: v3_base.clone(),
        v2_credential,
        v3_credential,
        embedded: embedded.is_some(),
    };
    let mut config = sendgrid::Config::new(v2_base, v2_key, v3_key);
    config.v3_base_url = v3_base;
    config.api_user = args.api_user.clone();
    config.connect_timeout = args.connect_timeout();
    config.timeout = args.timeout();
    let client = sendgrid::Client::new(config).map_err(UpstreamError::Client)?;
    Ok(Upstream {
        client,
        embedded,
        settings,
    })
}
