//! Where Courant is put together: the engine, and each feature plugged into it. The one
//! place that knows every feature.

use std::sync::Arc;

use crate::engine::live_config::LiveConfig;
use crate::engine::registry::Registry;
use crate::engine::{Engine, Parts, StartError};
use crate::identity::server::access::{AuthConfig, IdentityGate};
use crate::integrations::webhooks::server::outbound::OutboundPolicy;
use crate::sync_centre::server::config::BackupConfig;

/// How this server runs.
#[derive(Clone, Default)]
pub struct Settings {
    /// Load the example team, services and solutions on a new install.
    pub with_examples: bool,
    pub auth: AuthConfig,
    pub live: LiveConfig,
    /// Where webhooks may be delivered.
    pub outbound: OutboundPolicy,
    /// Where backups are kept, and their limits.
    pub backups: BackupConfig,
}

impl Settings {
    /// From the environment (see the README's configuration table).
    pub fn from_env() -> Settings {
        Settings {
            with_examples: std::env::var("COURANT_DEMO_CONTENT").map_or(true, |v| v != "0"),
            auth: AuthConfig::from_env(),
            live: LiveConfig::from_env(),
            outbound: OutboundPolicy::from_env(),
            backups: BackupConfig::from_env(),
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
        log_holds: Vec::new(),
        notifiers: Vec::new(),
        backup_sections: Vec::new(),
    };
    crate::identity::server::access::plug_in(&mut parts, settings.auth);
    crate::content::server::plug_in(&mut parts);
    crate::integrations::webhooks::plug_in(&mut parts, settings.outbound);
    crate::prospects::plug_in(&mut parts);
    crate::shop::plug_in(&mut parts);
    crate::sync_centre::plug_in(&mut parts, settings.backups);
    #[cfg(feature = "test-collections")]
    crate::testing::plug_in(&mut parts);
    crate::core::call::declare(server_functions());
    let engine = Engine::open(database_url, settings.live, parts).await?;
    let first_start =
        crate::content::server::demo::seed_if_empty(&engine, settings.with_examples).await?;
    if first_start && settings.with_examples {
        let who =
            crate::core::principal::Principal::system(crate::core::principal::DEFAULT_ORG, "setup");
        crate::shop::server::demo::seed(&engine, &who).await?;
    }
    Ok(engine)
}

/// Every server function with the encoding it reads its arguments in (from its type), so a
/// body it cannot read is answered with what to send (core/call.rs). A function missing here
/// fails the server's malformed-body test.
pub fn server_functions() -> Vec<(&'static str, crate::core::call::BodyEncoding)> {
    use crate::content::settings_api as settings;
    use crate::core::call::reads;
    use crate::engine::api as engine;
    use crate::identity::{api as identity, members_api as members};
    use crate::integrations::webhooks::api as webhooks;
    use crate::prospects::api as prospects;
    use crate::shop::api as shop;
    use crate::sync_centre::api as sync;
    vec![
        reads::<engine::Sync>(),
        reads::<engine::PublicList>(),
        reads::<engine::PublicRecord>(),
        reads::<engine::StaffList>(),
        reads::<engine::SyncList>(),
        reads::<engine::History>(),
        reads::<engine::Deleted>(),
        reads::<engine::Restore>(),
        reads::<identity::SignIn>(),
        reads::<identity::SignOut>(),
        reads::<identity::Me>(),
        reads::<identity::ChangePassword>(),
        reads::<identity::CreateApiToken>(),
        reads::<identity::ListApiTokens>(),
        reads::<identity::RevokeApiToken>(),
        reads::<identity::SwitchOrganisation>(),
        reads::<identity::CreateOrganisation>(),
        reads::<members::ListMembers>(),
        reads::<members::InviteMember>(),
        reads::<members::ListInvitations>(),
        reads::<members::RevokeInvitation>(),
        reads::<members::SetMemberRole>(),
        reads::<members::RemoveMember>(),
        reads::<members::ViewInvitation>(),
        reads::<members::AcceptInvitationAsNew>(),
        reads::<members::AcceptInvitation>(),
        reads::<settings::PublicSettings>(),
        reads::<settings::EditableSettings>(),
        reads::<settings::SaveSettings>(),
        reads::<webhooks::ListWebhooks>(),
        reads::<webhooks::CreateWebhook>(),
        reads::<webhooks::DeleteWebhook>(),
        reads::<webhooks::WebhookDeliveries>(),
        reads::<engine::Notifications>(),
        reads::<engine::MarkNotificationsSeen>(),
        reads::<prospects::BookingConfig>(),
        reads::<prospects::SetBookingSecret>(),
        reads::<prospects::BookingReceipts>(),
        reads::<prospects::SendContact>(),
        reads::<shop::Checkout>(),
        reads::<shop::OrderReceipt>(),
        reads::<shop::SetOrderStatus>(),
        reads::<shop::Dashboard>(),
        reads::<sync::BackupNow>(),
        reads::<sync::PreviewRestore>(),
        reads::<sync::RestoreBackup>(),
        reads::<sync::DeleteBackup>(),
        reads::<sync::ReadBackupHealth>(),
        reads::<sync::BackupSchedule>(),
        reads::<sync::SaveBackupSchedule>(),
        reads::<sync::SyncStats>(),
    ]
}
