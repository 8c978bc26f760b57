//! Where the server may send requests of its own (webhook deliveries): public addresses only.
//! An address is checked when a webhook is registered and again at every connection, after
//! DNS resolution, so a name that later resolves inward is refused too; redirects are never
//! followed. Local receivers (development, tests) need `COURANT_WEBHOOK_ALLOW_PRIVATE=1`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::Url;
use serde::{Deserialize, Serialize};

use crate::core::locale::Locale;
use crate::i18n::*;

/// Where webhooks may be delivered (whether the server may reach private and local
/// addresses), and how many one organisation may register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboundPolicy {
    pub allow_private: bool,
    /// Endpoints per organisation (`COURANT_MAX_WEBHOOKS`): each one is a delivery worker's
    /// load and a signed copy of every change.
    pub max_webhooks: i64,
}

impl Default for OutboundPolicy {
    fn default() -> Self {
        OutboundPolicy {
            allow_private: false,
            max_webhooks: 20,
        }
    }
}

impl OutboundPolicy {
    /// `COURANT_WEBHOOK_ALLOW_PRIVATE=1` allows private and local receivers.
    pub fn from_env() -> OutboundPolicy {
        OutboundPolicy {
            allow_private: std::env::var("COURANT_WEBHOOK_ALLOW_PRIVATE")
                .is_ok_and(|v| v == "1" || v == "true"),
            max_webhooks: std::env::var("COURANT_MAX_WEBHOOKS")
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(OutboundPolicy::default().max_webhooks),
        }
    }

    /// Check a webhook address as written: its form, and its host when that is an address
    /// (in any encoding the URL standard reads: `2130706433`, `0x7f.1`, `[::ffff:7f00:1]`).
    /// A name is checked where it resolves, by [`OutboundPolicy::resolver`].
    pub fn check_url(self, raw: &str) -> Result<Url, Refusal> {
        let url = Url::parse(raw.trim()).map_err(|_| Refusal::Invalid)?;
        let scheme_ok = url.scheme() == "https" || (self.allow_private && url.scheme() == "http");
        if !scheme_ok {
            return Err(Refusal::HttpsOnly);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Refusal::Credentials);
        }
        if self.allow_private {
            return Ok(url);
        }
        match url.host() {
            Some(url::Host::Ipv4(ip)) if forbidden(IpAddr::V4(ip)) => Err(Refusal::Private),
            Some(url::Host::Ipv6(ip)) if forbidden(IpAddr::V6(ip)) => Err(Refusal::Private),
            Some(url::Host::Domain(name)) if local_name(name) => Err(Refusal::Private),
            None => Err(Refusal::NoHost),
            _ => Ok(url),
        }
    }

    /// Resolve `url`'s host name now and refuse it if it leads only inward. A name that
    /// cannot be resolved yet is let through: the check at connection time still applies.
    pub async fn check_resolved(self, url: &Url) -> Result<(), Refusal> {
        let Some(url::Host::Domain(name)) = url.host() else {
            return Ok(());
        };
        if self.allow_private {
            return Ok(());
        }
        let lookup = tokio::net::lookup_host((name, url.port_or_known_default().unwrap_or(443)));
        match tokio::time::timeout(Duration::from_secs(2), lookup).await {
            Ok(Ok(addrs)) => {
                let addrs: Vec<SocketAddr> = addrs.collect();
                if !addrs.is_empty() && addrs.iter().all(|a| forbidden(a.ip())) {
                    return Err(Refusal::Private);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The DNS resolver for outbound connections: private addresses are dropped from every
    /// answer (all of them private: the connection fails).
    pub fn resolver(self) -> Arc<PublicOnly> {
        Arc::new(PublicOnly(self))
    }
}

/// Why an address is refused. Kept as data (a delivery records it), worded by
/// [`Refusal::message`] in the language of whoever reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Not an address at all.
    Invalid,
    /// Not https (and plain http is not allowed here).
    HttpsOnly,
    /// A user name or password in the address.
    Credentials,
    /// On a private or local network.
    Private,
    /// No host to send to.
    NoHost,
}

impl Refusal {
    pub fn message(self, locale: Locale) -> String {
        match self {
            Refusal::Invalid => td_string!(locale, webhooks.errors.url_invalid),
            Refusal::HttpsOnly => td_string!(locale, webhooks.errors.https_only),
            Refusal::Credentials => td_string!(locale, webhooks.errors.no_credentials),
            Refusal::Private => td_string!(locale, webhooks.errors.private),
            Refusal::NoHost => td_string!(locale, webhooks.errors.no_host),
        }
        .to_string()
    }
}

/// The resolver's answer for a name that leads only inward; a failed delivery is recorded as
/// such when the connection error carries it.
#[derive(Debug)]
pub struct InwardOnly {
    pub host: String,
}

impl std::fmt::Display for InwardOnly {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} resolves only to private or local addresses",
            self.host
        )
    }
}

impl std::error::Error for InwardOnly {}

/// A resolver that never hands out an address the policy forbids.
pub struct PublicOnly(OutboundPolicy);

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.0;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| policy.allow_private || !forbidden(a.ip()))
                .collect();
            if allowed.is_empty() {
                return Err(
                    Box::new(InwardOnly { host }) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

fn local_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost") || name.ends_with(".local")
}

/// Every block of IANA's IPv4 and IPv6 Special-Purpose Address Registries (loopback,
/// private, shared, link-local, documentation, benchmarking, protocol assignments, AS112,
/// AMT, translation and tunnels, reserved; 2025 editions), multicast and broadcast, and IPv4
/// hidden in IPv6 (mapped, compatible, translated). A webhook goes to a public address or
/// nowhere.
pub fn forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

/// IPv4 special-purpose blocks (RFC 6890 and its updates), with multicast (224/4).
const SPECIAL_V4: &[([u8; 4], u8)] = &[
    ([0, 0, 0, 0], 8),       // "this network"
    ([10, 0, 0, 0], 8),      // private
    ([100, 64, 0, 0], 10),   // shared address space (CGNAT)
    ([127, 0, 0, 0], 8),     // loopback
    ([169, 254, 0, 0], 16),  // link-local (cloud metadata)
    ([172, 16, 0, 0], 12),   // private
    ([192, 0, 0, 0], 24),    // IETF protocol assignments (DS-Lite, PCP, TURN, NAT64 discovery)
    ([192, 0, 2, 0], 24),    // documentation (TEST-NET-1)
    ([192, 31, 196, 0], 24), // AS112-v4
    ([192, 52, 193, 0], 24), // AMT
    ([192, 88, 99, 0], 24),  // deprecated 6to4 relay anycast
    ([192, 168, 0, 0], 16),  // private
    ([192, 175, 48, 0], 24), // direct delegation AS112
    ([198, 18, 0, 0], 15),   // benchmarking
    ([198, 51, 100, 0], 24), // documentation (TEST-NET-2)
    ([203, 0, 113, 0], 24),  // documentation (TEST-NET-3)
    ([224, 0, 0, 0], 4),     // multicast
    ([240, 0, 0, 0], 4),     // reserved, and the limited broadcast address
];

/// IPv6 special-purpose blocks (RFC 6890 and its updates), with multicast and the
/// deprecated site-local and IPv4-compatible forms.
const SPECIAL_V6: &[([u16; 8], u8)] = &[
    ([0, 0, 0, 0, 0, 0, 0, 0], 96), // ::/128, ::1/128, IPv4-compatible ::/96
    ([0, 0, 0, 0, 0, 0xffff, 0, 0], 96), // IPv4-mapped
    ([0, 0, 0, 0, 0xffff, 0, 0, 0], 96), // IPv4-translated (SIIT)
    ([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96), // IPv4/IPv6 translation (NAT64)
    ([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48), // local-use translation
    ([0x100, 0, 0, 0, 0, 0, 0, 0], 64), // discard-only
    ([0x100, 0, 0, 1, 0, 0, 0, 0], 64), // dummy prefix
    ([0x2001, 0, 0, 0, 0, 0, 0, 0], 23), // IETF protocol assignments (Teredo, PCP,
    // TURN, benchmarking, AMT, AS112, ORCHID)
    ([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32), // documentation
    ([0x2002, 0, 0, 0, 0, 0, 0, 0], 16),     // 6to4
    ([0x2620, 0x4f, 0x8000, 0, 0, 0, 0, 0], 48), // direct delegation AS112
    ([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20),     // documentation
    ([0x5f00, 0, 0, 0, 0, 0, 0, 0], 16),     // segment routing SIDs
    ([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7),      // unique-local
    ([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10),     // link-local
    ([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10),     // site-local (deprecated)
    ([0xff00, 0, 0, 0, 0, 0, 0, 0], 8),      // multicast
];

fn in_block(ip: u128, block: u128, len: u8, bits: u32) -> bool {
    let shift = bits - u32::from(len);
    ip >> shift == block >> shift
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let ip = u32::from(ip) as u128;
    SPECIAL_V4
        .iter()
        .any(|(block, len)| in_block(ip, u32::from(Ipv4Addr::from(*block)) as u128, *len, 32))
}

fn forbidden_v6(ip: Ipv6Addr) -> bool {
    let ip = u128::from(ip);
    SPECIAL_V6
        .iter()
        .any(|(block, len)| in_block(ip, u128::from(Ipv6Addr::from(*block)), *len, 128))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DENY: OutboundPolicy = OutboundPolicy {
        allow_private: false,
        max_webhooks: 20,
    };

    #[test]
    fn inward_addresses_are_refused_in_every_spelling() {
        for url in [
            "https://127.0.0.1/hook",
            "https://127.1/hook",
            "https://2130706433/hook",
            "https://0x7f.1/hook",
            "https://017700000001/hook",
            "https://localhost/hook",
            "https://LOCALHOST./hook",
            "https://api.localhost/hook",
            "https://printer.local/hook",
            "https://[::1]/hook",
            "https://[::ffff:127.0.0.1]/hook",
            "https://[::ffff:7f00:1]/hook",
            "https://[::ffff:10.0.0.1]/hook",
            "https://[::10.0.0.1]/hook",
            "https://[64:ff9b::a00:1]/hook",
            "https://[2002:c0a8:101::1]/hook",
            "https://[64:ff9b:1::a00:1]/hook",
            "https://[::ffff:0:a00:1]/hook",
            "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook",
            "https://10.1.2.3/hook",
            "https://172.16.0.1/hook",
            "https://172.31.255.255/hook",
            "https://192.168.1.1/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/hook",
            "https://0.0.0.0/hook",
            "https://0/hook",
            "https://255.255.255.255/hook",
            "https://224.0.0.1/hook",
            "https://240.0.0.1/hook",
            "https://192.0.2.10/hook",
            "https://198.51.100.1/hook",
            "https://203.0.113.7/hook",
            "https://198.18.0.1/hook",
            "https://[fd00::1]/hook",
            "https://[fc00::1]/hook",
            "https://[fe80::1]/hook",
            "https://[ff02::1]/hook",
            "https://[::]/hook",
            "https://[2001:db8::1]/hook",
            // One address in each block of IANA's special-purpose registries.
            "https://[2001:2::1]/hook",
            "https://[2001:1::1]/hook",
            "https://[2001:3::1]/hook",
            "https://[2001:4:112::1]/hook",
            "https://[2001:20::1]/hook",
            "https://[2002:808:808::1]/hook",
            "https://[64:ff9b::808:808]/hook",
            "https://[100::1]/hook",
            "https://[100:0:0:1::1]/hook",
            "https://[2620:4f:8000::1]/hook",
            "https://[3fff::1]/hook",
            "https://[5f00::1]/hook",
            "https://[fec0::1]/hook",
            "https://[::8.8.8.8]/hook",
            "https://192.0.0.9/hook",
            "https://192.0.0.170/hook",
            "https://192.31.196.1/hook",
            "https://192.52.193.1/hook",
            "https://192.88.99.1/hook",
            "https://192.175.48.1/hook",
            "https://198.19.255.255/hook",
        ] {
            assert!(DENY.check_url(url).is_err(), "{url} was accepted");
        }
    }

    #[test]
    fn public_addresses_pass_and_bad_forms_are_refused() {
        for url in [
            "https://hooks.example.com/courant",
            "https://93.184.216.34/hook",
            "https://[2606:4700::1111]/hook",
            "https://172.32.0.1/hook",
            // Just outside the special-purpose blocks around them.
            "https://192.0.3.1/hook",
            "https://198.20.0.1/hook",
            "https://100.128.0.1/hook",
            "https://[2001:200::1]/hook",
            "https://[2001:4860:4860::8888]/hook",
            "https://[2003::1]/hook",
        ] {
            assert!(DENY.check_url(url).is_ok(), "{url} was refused");
        }
        for url in [
            "http://hooks.example.com/courant",
            "ftp://hooks.example.com/",
            "https://user:pass@hooks.example.com/",
            "https://user@hooks.example.com/",
            "not a url",
        ] {
            assert!(DENY.check_url(url).is_err(), "{url} was accepted");
        }
        let local = OutboundPolicy {
            allow_private: true,
            ..Default::default()
        };
        assert!(local.check_url("http://127.0.0.1:8080/hook").is_ok());
        assert!(local.check_url("http://u:p@127.0.0.1/hook").is_err());
    }

    #[tokio::test]
    async fn names_that_resolve_inward_are_refused_when_registered_and_when_connecting() {
        // /etc/hosts names: resolved without any traffic.
        let url = Url::parse("https://localhost/hook").unwrap();
        assert!(DENY.check_resolved(&url).await.is_err());
        let name: Name = "localhost".parse().unwrap();
        assert!(DENY.resolver().resolve(name).await.is_err());
        let name: Name = "localhost".parse().unwrap();
        let allowed = OutboundPolicy {
            allow_private: true,
            ..Default::default()
        };
        let addrs: Vec<SocketAddr> = allowed.resolver().resolve(name).await.unwrap().collect();
        assert!(addrs.iter().all(|a| a.ip().is_loopback()));
    }
}
