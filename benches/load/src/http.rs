//! The server functions the load generator calls, as a script would.

use reqwest::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use serde_json::{json, Value};

use crate::Error;

#[derive(Clone)]
pub struct Api {
    pub base: String,
    client: reqwest::Client,
    cookie: String,
}

impl Api {
    /// Sign in and keep the session cookie (it also opens staff sockets).
    pub async fn sign_in(base: &str, email: &str, password: &str) -> Result<Api, Error> {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .build()?;
        let res = client
            .post(format!("{base}/api/auth/sign_in"))
            .form(&[("email", email), ("password", password)])
            .send()
            .await?;
        if !res.status().is_success() {
            return Err(
                format!("sign in as {email}: {} {}", res.status(), res.text().await?).into(),
            );
        }
        let cookie = res
            .headers()
            .get(SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .ok_or("sign in set no cookie")?
            .to_string();
        Ok(Api {
            base: base.trim_end_matches('/').to_string(),
            client,
            cookie,
        })
    }

    pub fn cookie(&self) -> &str {
        &self.cookie
    }

    /// A JSON server function (`sync`, …), as the backoffice calls it.
    pub async fn json(&self, path: &str, body: Value) -> Result<Value, Error> {
        self.call(path, body).await
    }

    async fn call(&self, path: &str, body: Value) -> Result<Value, Error> {
        let res = self
            .client
            .post(format!("{}/api/{path}", self.base))
            .header(COOKIE, &self.cookie)
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await?;
        let status = res.status();
        let text = res.text().await?;
        if !status.is_success() {
            return Err(format!("{path}: {status} {text}").into());
        }
        Ok(serde_json::from_str(&text)?)
    }

    /// A server function called as a browser form posts it.
    pub async fn form(&self, path: &str, fields: &[(&str, &str)]) -> Result<Value, Error> {
        let res = self
            .client
            .post(format!("{}/api/{path}", self.base))
            .header(COOKIE, &self.cookie)
            .form(fields)
            .send()
            .await?;
        let status = res.status();
        let text = res.text().await?;
        if !status.is_success() {
            return Err(format!("{path}: {status} {text}").into());
        }
        Ok(serde_json::from_str(&text)?)
    }

    /// A published service for one editor to change; its id and description.
    pub async fn create_service(&self, name: &str) -> Result<(String, String), Error> {
        let description = format!("{name}, version 0");
        let res = self
            .call(
                "sync",
                json!({
                    "collection": "services",
                    "op": "create",
                    "payload": {"name": name, "description": description, "price_cents": 1000, "published": true},
                }),
            )
            .await?;
        let id = res["record"]["id"]
            .as_str()
            .ok_or("create: no id")?
            .to_string();
        Ok((id, description))
    }

    /// A merged save of one field; the change's sequence number.
    pub async fn save_description(&self, id: &str, from: &str, to: &str) -> Result<i64, Error> {
        let res = self
            .call(
                "sync",
                json!({
                    "collection": "services",
                    "op": "update",
                    "payload": {"id": id, "base_version": 0, "changes": {"description": {"from": from, "to": to}}},
                }),
            )
            .await?;
        res["seq"]
            .as_i64()
            .ok_or_else(|| format!("save: no seq in {res}").into())
    }
}
