//! Reading and writing records and the change log. SQL lives here and nowhere else.

use serde_json::{Map, Value};
use sqlx::{AnyConnection, Row};

use crate::live::{ChangeEvent, ChangeOp};

pub type OrgId = i64;

/// A record as stored: its JSON fields plus the server-owned metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecord {
    pub id: String,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub updated_by: String,
    pub data: Map<String, Value>,
}

impl StoredRecord {
    /// The record's full JSON form, metadata included, as models deserialize it.
    pub fn to_map(&self) -> Map<String, Value> {
        let mut m = self.data.clone();
        m.insert("id".into(), self.id.clone().into());
        m.insert("version".into(), self.version.into());
        m.insert("created_at".into(), self.created_at.into());
        m.insert("updated_at".into(), self.updated_at.into());
        m.insert("updated_by".into(), self.updated_by.clone().into());
        m
    }
}

/// Only the fields that are not metadata columns go into the `data` column.
pub fn data_without_meta(full: &Map<String, Value>) -> Map<String, Value> {
    full.iter()
        .filter(|(k, _)| !crate::model::META_FIELDS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

pub async fn load_record(
    conn: &mut AnyConnection,
    org: OrgId,
    collection: &str,
    id: &str,
    lock_suffix: &str,
) -> Result<Option<StoredRecord>, sqlx::Error> {
    let sql = format!(
        "SELECT id, version, created_at, updated_at, updated_by, data FROM records \
         WHERE org_id = $1 AND collection = $2 AND id = $3{lock_suffix}"
    );
    let row = sqlx::query(&sql)
        .bind(org)
        .bind(collection)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.map(|r| {
        let data: String = r.try_get("data")?;
        Ok(StoredRecord {
            id: r.try_get("id")?,
            version: r.try_get("version")?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
            updated_by: r.try_get("updated_by")?,
            data: parse_object(&data)?,
        })
    })
    .transpose()
}

pub async fn insert_record(
    conn: &mut AnyConnection,
    org: OrgId,
    collection: &str,
    rec: &StoredRecord,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO records (org_id, collection, id, version, data, created_at, updated_at, updated_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(org)
    .bind(collection)
    .bind(&rec.id)
    .bind(rec.version)
    .bind(Value::Object(rec.data.clone()).to_string())
    .bind(rec.created_at)
    .bind(rec.updated_at)
    .bind(&rec.updated_by)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn update_record(
    conn: &mut AnyConnection,
    org: OrgId,
    collection: &str,
    rec: &StoredRecord,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE records SET version = $4, data = $5, updated_at = $6, updated_by = $7 \
         WHERE org_id = $1 AND collection = $2 AND id = $3",
    )
    .bind(org)
    .bind(collection)
    .bind(&rec.id)
    .bind(rec.version)
    .bind(Value::Object(rec.data.clone()).to_string())
    .bind(rec.updated_at)
    .bind(&rec.updated_by)
    .execute(conn)
    .await?;
    Ok(())
}

/// A change about to be logged; the sequence number is given by [`append_change`].
pub struct NewChange<'a> {
    pub collection: &'a str,
    pub record_id: &'a str,
    pub op: ChangeOp,
    pub version: i64,
    pub data: Option<Value>,
    pub changed: Vec<String>,
    pub before: Option<Value>,
    pub actor: &'a str,
    pub at: i64,
}

/// Take the organisation's next sequence number and log the change, inside the caller's
/// transaction. Bumping the head row locks it until commit, so sequence order is commit order.
pub async fn append_change(
    conn: &mut AnyConnection,
    org: OrgId,
    c: NewChange<'_>,
) -> Result<ChangeEvent, sqlx::Error> {
    let seq: i64 = sqlx::query_scalar(
        "UPDATE change_heads SET last_seq = last_seq + 1, last_at = $2 WHERE org_id = $1 RETURNING last_seq",
    )
    .bind(org)
    .bind(c.at)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO change_log (org_id, seq, collection, record_id, op, version, data, changed, before, actor, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(org)
    .bind(seq)
    .bind(c.collection)
    .bind(c.record_id)
    .bind(op_name(c.op))
    .bind(c.version)
    .bind(c.data.as_ref().map(Value::to_string))
    .bind(Value::from(c.changed.clone()).to_string())
    .bind(c.before.as_ref().map(Value::to_string))
    .bind(c.actor)
    .bind(c.at)
    .execute(&mut *conn)
    .await?;
    Ok(ChangeEvent {
        seq,
        collection: c.collection.to_string(),
        record_id: c.record_id.to_string(),
        op: c.op,
        version: c.version,
        data: c.data,
        changed: c.changed,
        actor: c.actor.to_string(),
        at: c.at,
    })
}

/// The organisation's last sequence number and when it was committed.
pub async fn head(conn: &mut AnyConnection, org: OrgId) -> Result<(i64, Option<i64>), sqlx::Error> {
    let row = sqlx::query("SELECT last_seq, last_at FROM change_heads WHERE org_id = $1")
        .bind(org)
        .fetch_optional(conn)
        .await?;
    match row {
        Some(r) => Ok((r.try_get("last_seq")?, r.try_get("last_at")?)),
        None => Ok((0, None)),
    }
}

/// Changes with `after < seq <= until`, in order, at most `limit`.
pub async fn changes_between(
    conn: &mut AnyConnection,
    org: OrgId,
    after: i64,
    until: i64,
    limit: i64,
) -> Result<Vec<ChangeEvent>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT seq, collection, record_id, op, version, data, changed, actor, at FROM change_log \
         WHERE org_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4",
    )
    .bind(org)
    .bind(after)
    .bind(until)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let data: Option<String> = r.try_get("data")?;
            let changed: String = r.try_get("changed")?;
            let op: String = r.try_get("op")?;
            Ok(ChangeEvent {
                seq: r.try_get("seq")?,
                collection: r.try_get("collection")?,
                record_id: r.try_get("record_id")?,
                op: parse_op(&op)?,
                version: r.try_get("version")?,
                data: data
                    .map(|d| serde_json::from_str(&d))
                    .transpose()
                    .map_err(decode)?,
                changed: serde_json::from_str(&changed).map_err(decode)?,
                actor: r.try_get("actor")?,
                at: r.try_get("at")?,
            })
        })
        .collect()
}

fn op_name(op: ChangeOp) -> &'static str {
    match op {
        ChangeOp::Created => "created",
        ChangeOp::Updated => "updated",
        ChangeOp::Deleted => "deleted",
    }
}

fn parse_op(s: &str) -> Result<ChangeOp, sqlx::Error> {
    match s {
        "created" => Ok(ChangeOp::Created),
        "updated" => Ok(ChangeOp::Updated),
        "deleted" => Ok(ChangeOp::Deleted),
        other => Err(decode(format!("unknown change op {other:?}"))),
    }
}

fn parse_object(s: &str) -> Result<Map<String, Value>, sqlx::Error> {
    match serde_json::from_str(s).map_err(decode)? {
        Value::Object(m) => Ok(m),
        _ => Err(decode("record data is not a JSON object")),
    }
}

fn decode(e: impl ToString) -> sqlx::Error {
    sqlx::Error::Decode(e.to_string().into())
}
