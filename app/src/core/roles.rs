//! Roles and what each may do: one table, enforced by the server (`server::access`) and read
//! by the UI only to hide what the server would refuse anyway.

use serde::{Deserialize, Serialize};

/// A member's role in one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Editor,
    /// Looks but never touches.
    Supervisor,
    /// Orders and prospects, never content, people or the sync centre.
    Operator,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Editor, Role::Supervisor, Role::Operator];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Supervisor => "supervisor",
            Role::Operator => "operator",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Permission {
    /// Published content, public fields: anyone, signed in or not.
    ReadPublic,
    /// Signed in, whatever the role: one's own account, tokens and organisations.
    Account,
    /// A member, whatever the role: the backoffice live feed, where each event reaches only
    /// the roles that may read its collection.
    FollowFeed,
    /// Backoffice view of content (settings, team, services, solutions): drafts, private fields.
    ReadContent,
    WriteContent,
    /// Customers' records — orders, prospects: personal data, for the people who serve them.
    ReadCustomers,
    WriteCustomers,
    /// Monitoring the sync centre: webhooks and their deliveries, members.
    ReadSyncCentre,
    /// Changing the sync centre: webhooks.
    ManageSyncCentre,
    /// Who belongs to the organisation: invitations, roles, removals.
    ManagePeople,
}

impl Permission {
    pub const ALL: [Permission; 10] = [
        Permission::ReadPublic,
        Permission::Account,
        Permission::FollowFeed,
        Permission::ReadContent,
        Permission::WriteContent,
        Permission::ReadCustomers,
        Permission::WriteCustomers,
        Permission::ReadSyncCentre,
        Permission::ManageSyncCentre,
        Permission::ManagePeople,
    ];

    /// Only from a signed-in browser session, never with an API token: a token (made for a
    /// script, easier to leak) acts on content and the sync centre, never on people or on
    /// the account itself (its password, tokens, organisations).
    pub fn needs_session(self) -> bool {
        matches!(self, Permission::Account | Permission::ManagePeople)
    }
}

/// Whether `role` (`None`: a public visitor) may do `permission`.
pub fn allows(role: Option<Role>, permission: Permission) -> bool {
    use Permission::*;
    use Role::*;
    match (role, permission) {
        (_, ReadPublic) => true,
        (None, _) => false,
        (Some(_), Account | FollowFeed) => true,
        (Some(Admin), _) => true,
        (Some(Editor), ReadContent | WriteContent) => true,
        // Reads everything an admin reads; writes nothing.
        (Some(Supervisor), ReadContent | ReadCustomers | ReadSyncCentre) => true,
        (Some(Operator), ReadCustomers | WriteCustomers) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_role_table() {
        use Permission::*;
        // (role, content read, content write, sync centre read, sync centre write,
        //  customers read, customers write)
        let table = [
            (Some(Role::Admin), true, true, true, true, true, true),
            (Some(Role::Editor), true, true, false, false, false, false),
            (
                Some(Role::Supervisor),
                true,
                false,
                true,
                false,
                true,
                false,
            ),
            (Some(Role::Operator), false, false, false, false, true, true),
            (None, false, false, false, false, false, false),
        ];
        for (role, rc, wc, rs, ms, rcu, wcu) in table {
            assert_eq!(allows(role, ReadCustomers), rcu, "{role:?}");
            assert_eq!(allows(role, WriteCustomers), wcu, "{role:?}");
            assert_eq!(allows(role, FollowFeed), role.is_some(), "{role:?}");
            assert_eq!(
                allows(role, ManagePeople),
                role == Some(Role::Admin),
                "{role:?}"
            );
            assert!(allows(role, ReadPublic));
            assert_eq!(allows(role, Account), role.is_some(), "{role:?}");
            assert_eq!(allows(role, ReadContent), rc, "{role:?}");
            assert_eq!(allows(role, WriteContent), wc, "{role:?}");
            assert_eq!(allows(role, ReadSyncCentre), rs, "{role:?}");
            assert_eq!(allows(role, ManageSyncCentre), ms, "{role:?}");
        }
    }

    #[test]
    fn roles_round_trip_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("owner"), None);
    }
}
