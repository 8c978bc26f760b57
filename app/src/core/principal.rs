//! Who is asking, in which organisation and with which role, and the role check itself.
//! Identity (sessions, tokens) produces these; the engine and every feature read them.

use crate::core::error::AppError;
use crate::core::roles::{allows, Permission, Role};

pub type OrgId = i64;
pub type UserId = i64;

/// The organisation whose published content the public site shows, and where the first admin
/// is created.
pub const DEFAULT_ORG: OrgId = 1;
/// What a request's cookie or token stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A session, by the hash of its secret.
    Session(String),
    /// An API token, by id.
    Token { id: String, name: String },
}

/// A signed-in user acting in one organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub user: UserId,
    pub email: String,
    pub org: OrgId,
    /// `None` when the user no longer belongs to that organisation.
    pub role: Option<Role>,
    pub credential: Credential,
}

/// Who a request acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub org: OrgId,
    /// Who is recorded in the change log: the user's email, and the token's name if a token.
    pub actor: String,
    /// `None`: a public visitor, or the server itself.
    pub identity: Option<Identity>,
}

impl Principal {
    /// The server acting on its own (first-start content, new organisations).
    pub fn system(org: OrgId, actor: &str) -> Principal {
        Principal {
            org,
            actor: actor.into(),
            identity: None,
        }
    }

    /// The signed-in identity, or 401.
    pub fn signed_in(&self) -> Result<&Identity, AppError> {
        self.identity.as_ref().ok_or(AppError::Unauthorized)
    }
}

/// The role check itself, without the database.
pub fn principal_for(
    identity: Option<Identity>,
    permission: Permission,
) -> Result<Principal, AppError> {
    if permission == Permission::ReadPublic {
        // The public site is the default organisation's, whoever is looking.
        return Ok(Principal {
            org: DEFAULT_ORG,
            actor: identity.as_ref().map_or("visitor".into(), actor_of),
            identity,
        });
    }
    let Some(identity) = identity else {
        return Err(AppError::Unauthorized);
    };
    if permission.needs_session() && !matches!(identity.credential, Credential::Session(_)) {
        return Err(AppError::SessionOnly);
    }
    if permission != Permission::Account && !allows(identity.role, permission) {
        return Err(AppError::Forbidden);
    }
    Ok(Principal {
        org: identity.org,
        actor: actor_of(&identity),
        identity: Some(identity),
    })
}

fn actor_of(who: &Identity) -> String {
    match &who.credential {
        Credential::Session(_) => who.email.clone(),
        Credential::Token { name, .. } => format!("{} (token “{name}”)", who.email),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::roles::Role;

    fn someone(role: Option<Role>, credential: Credential) -> Identity {
        Identity {
            user: 7,
            email: "ana@example.org".into(),
            org: 3,
            role,
            credential,
        }
    }

    #[test]
    fn visitors_must_sign_in_and_roles_are_checked() {
        assert_eq!(
            principal_for(None, Permission::ReadContent),
            Err(AppError::Unauthorized)
        );
        let editor = someone(Some(Role::Editor), Credential::Session("h".into()));
        assert_eq!(
            principal_for(Some(editor.clone()), Permission::ManageSyncCentre),
            Err(AppError::Forbidden)
        );
        let p = principal_for(Some(editor), Permission::WriteContent).unwrap();
        assert_eq!((p.org, p.actor.as_str()), (3, "ana@example.org"));
    }

    #[test]
    fn tokens_never_act_on_people_or_the_account() {
        let token = Credential::Token {
            id: "t".into(),
            name: "ci".into(),
        };
        let admin_script = someone(Some(Role::Admin), token);
        for p in [Permission::ManagePeople, Permission::Account] {
            assert_eq!(
                principal_for(Some(admin_script.clone()), p),
                Err(AppError::SessionOnly)
            );
        }
        assert!(principal_for(Some(admin_script), Permission::ManageSyncCentre).is_ok());
        let admin = someone(Some(Role::Admin), Credential::Session("h".into()));
        assert!(principal_for(Some(admin), Permission::ManagePeople).is_ok());
    }

    #[test]
    fn a_member_removed_from_the_organisation_keeps_only_their_account() {
        let former = someone(None, Credential::Session("h".into()));
        assert!(principal_for(Some(former.clone()), Permission::Account).is_ok());
        assert_eq!(
            principal_for(Some(former), Permission::ReadContent),
            Err(AppError::Forbidden)
        );
    }

    #[test]
    fn public_reads_are_of_the_public_organisation_and_tokens_are_named_in_the_log() {
        let token = someone(
            Some(Role::Admin),
            Credential::Token {
                id: "t".into(),
                name: "ci".into(),
            },
        );
        let p = principal_for(Some(token.clone()), Permission::ReadPublic).unwrap();
        assert_eq!(p.org, DEFAULT_ORG);
        let p = principal_for(Some(token), Permission::WriteContent).unwrap();
        assert_eq!(p.actor, "ana@example.org (token “ci”)");
    }
}
