//! Where Courant is put together: the engine, and each feature plugged into it. The one
//! place that knows every feature.

use std::sync::Arc;

use crate::engine::live_config::LiveConfig;
use crate::engine::registry::Registry;
use crate::engine::{Engine, Parts, StartError};
use crate::identity::server::access::{AuthConfig, IdentityGate};
use crate::integrations::webhooks::server::outbound::OutboundPolicy;

/// How this server runs.
#[derive(Clone, Default)]
pub struct Settings {
    /// Load the example team, services and solutions on a new install.
    pub with_examples: bool,
    pub auth: AuthConfig,
    pub live: LiveConfig,
    /// Where webhooks may be delivered.
    pub outbound: OutboundPolicy,
}

impl Settings {
    /// From the environment (see the README's configuration table).
    pub fn from_env() -> Settings {
        Settings {
            with_examples: std::env::var("COURANT_DEMO_CONTENT").map_or(true, |v| v != "0"),
            auth: AuthConfig::from_env(),
            live: LiveConfig::from_env(),
            outbound: OutboundPolicy::from_env(),
        }
    }
}

/// Connect, apply migrations, plug the features in and load first-start content.
pub async fn start(database_url: &str, settings: Settings) -> Result<Engine, StartError> {
    let mut parts = Parts {
        registry: Registry::new(),
        gate: Arc::new(IdentityGate),
        features: Default::default(),
        on_new_organisation: Vec::new(),
    };
    crate::identity::server::access::plug_in(&mut parts, settings.auth);
    crate::content::server::plug_in(&mut parts);
    crate::integrations::webhooks::plug_in(&mut parts, settings.outbound);
    #[cfg(feature = "test-collections")]
    crate::testing::plug_in(&mut parts);
    let engine = Engine::open(database_url, settings.live, parts).await?;
    crate::content::server::demo::seed_if_empty(&engine, settings.with_examples).await?;
    Ok(engine)
}
