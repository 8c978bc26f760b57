//! Reading and writing records and the change log. SQL lives here and nowhere else.

use serde_json::{Map, Value};
use sqlx::{AnyConnection, Row};

use crate::core::principal::OrgId;
use crate::core::protocol::{ChangeEvent, ChangeOp};

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
        .filter(|(k, _)| !crate::core::collection::META_FIELDS.contains(&k.as_str()))
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
    row.as_ref().map(stored_from_row).transpose()
}

/// A change about to be logged; the sequence number is given by [`write_change`].
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
    /// What the public receives for this change, if anything.
    pub public: Option<PublicView>,
    /// Whether webhooks are told of this change.
    pub notify: bool,
}

/// The public's view of one change: its own op (a record that was unpublished is `deleted`
/// for the public) and the public projection of the record.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicView {
    pub op: ChangeOp,
    pub data: Option<Value>,
    pub changed: Vec<String>,
}

/// A logged change as staff and as the public see it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedChange {
    pub staff: ChangeEvent,
    pub public: Option<ChangeEvent>,
}

impl LoggedChange {
    pub fn seq(&self) -> i64 {
        self.staff.seq
    }
}

/// What a change does to the record's own row.
#[derive(Debug, Clone, Copy)]
pub enum RowWrite<'a> {
    Insert(&'a StoredRecord),
    Update(&'a StoredRecord),
    Delete,
}

/// Write the record's row, take the organisation's next sequence number and log the change,
/// inside the caller's transaction and in one round trip to the database (on SQLite, three
/// statements sent as one; on PostgreSQL, one statement with data-modifying `WITH`s). Bumping
/// the head row locks it until commit, so sequence order is commit order.
pub async fn write_change(
    conn: &mut AnyConnection,
    org: OrgId,
    row: RowWrite<'_>,
    c: NewChange<'_>,
) -> Result<LoggedChange, sqlx::Error> {
    let postgres = conn.backend_name() == "PostgreSQL";
    let (record_data, created_at) = match row {
        RowWrite::Insert(r) | RowWrite::Update(r) => (
            Some(Value::Object(r.data.clone()).to_string()),
            Some(r.created_at),
        ),
        RowWrite::Delete => (None, None),
    };
    let sql = write_change_sql(row, postgres);
    // `fetch_all`: on SQLite the row comes from the last of the three statements, and a
    // fetch of one row stops at the first statement's (row-less) result.
    let seqs: Vec<i64> = sqlx::query_scalar(sql)
        .bind(org)
        .bind(c.collection)
        .bind(c.record_id)
        .bind(op_name(c.op))
        .bind(c.version)
        .bind(c.data.as_ref().map(Value::to_string))
        .bind(Value::from(c.changed.clone()).to_string())
        .bind(c.before.as_ref().map(Value::to_string))
        .bind(c.actor)
        .bind(c.at)
        .bind(c.public.as_ref().map(|p| op_name(p.op)))
        .bind(
            c.public
                .as_ref()
                .and_then(|p| p.data.as_ref())
                .map(Value::to_string),
        )
        .bind(i64::from(c.notify))
        .bind(record_data)
        .bind(created_at)
        .fetch_all(&mut *conn)
        .await?;
    let seq = *seqs.first().ok_or(sqlx::Error::RowNotFound)?;
    let staff = ChangeEvent {
        seq,
        collection: c.collection.to_string(),
        record_id: c.record_id.to_string(),
        op: c.op,
        version: c.version,
        data: c.data,
        changed: c.changed,
        actor: c.actor.to_string(),
        at: c.at,
    };
    let public = c.public.map(|p| public_event(&staff, p));
    Ok(LoggedChange { staff, public })
}

// The parameters of `write_change`'s statement: $1 org, $2 collection, $3 record id, $4 op,
// $5 version, $6 logged data, $7 changed, $8 before, $9 actor, $10 at, $11 public op,
// $12 public data, $13 notify, $14 the row's data, $15 created at.
const INSERT_ROW: &str = "INSERT INTO records (org_id, collection, id, version, data, created_at, updated_at, updated_by) \
     VALUES ($1, $2, $3, $5, $14, $15, $10, $9)";
const UPDATE_ROW: &str =
    "UPDATE records SET version = $5, data = $14, updated_at = $10, updated_by = $9 \
     WHERE org_id = $1 AND collection = $2 AND id = $3";
const DELETE_ROW: &str = "DELETE FROM records WHERE org_id = $1 AND collection = $2 AND id = $3";
const BUMP_HEAD: &str =
    "UPDATE change_heads SET last_seq = last_seq + 1, last_at = $10 WHERE org_id = $1";
const LOG_COLUMNS: &str =
    "INSERT INTO change_log (org_id, seq, collection, record_id, op, version, data, changed, \
     before, actor, at, public_op, public_data, notify) \
     SELECT $1, last_seq, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13";

fn write_change_sql(row: RowWrite<'_>, postgres: bool) -> &'static str {
    use std::sync::LazyLock;
    fn build(row_sql: &str, postgres: bool) -> String {
        if postgres {
            format!(
                "WITH row_write AS ({row_sql}), head AS ({BUMP_HEAD} RETURNING last_seq) \
                 {LOG_COLUMNS} FROM head RETURNING seq"
            )
        } else {
            format!(
                "{row_sql}; {BUMP_HEAD}; {LOG_COLUMNS} FROM change_heads WHERE org_id = $1 RETURNING seq"
            )
        }
    }
    static SQL: LazyLock<[[String; 2]; 3]> = LazyLock::new(|| {
        [INSERT_ROW, UPDATE_ROW, DELETE_ROW].map(|r| [build(r, false), build(r, true)])
    });
    let kind = match row {
        RowWrite::Insert(_) => 0,
        RowWrite::Update(_) => 1,
        RowWrite::Delete => 2,
    };
    &SQL[kind][usize::from(postgres)]
}

/// The public never learns who made a change.
fn public_event(staff: &ChangeEvent, p: PublicView) -> ChangeEvent {
    ChangeEvent {
        op: p.op,
        data: p.data,
        changed: p.changed,
        actor: String::new(),
        ..staff.clone()
    }
}

/// Hold the organisation's head row until the transaction ends: every other write of the
/// organisation waits (PostgreSQL; SQLite has one writer anyway).
pub async fn lock_head(conn: &mut AnyConnection, org: OrgId) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE change_heads SET last_seq = last_seq WHERE org_id = $1")
        .bind(org)
        .execute(conn)
        .await?;
    Ok(())
}

/// Every record of `collection` in every organisation (a schedule's settings, read by the
/// task that runs them).
pub async fn records_everywhere(
    conn: &mut AnyConnection,
    collection: &str,
) -> Result<Vec<(OrgId, StoredRecord)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT org_id, id, version, created_at, updated_at, updated_by, data FROM records \
         WHERE collection = $1 ORDER BY org_id, id",
    )
    .bind(collection)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("org_id")?, stored_from_row(r)?)))
        .collect()
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
) -> Result<Vec<LoggedChange>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT seq, collection, record_id, op, version, data, changed, actor, at, public_op, public_data \
         FROM change_log WHERE org_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4",
    )
    .bind(org)
    .bind(after)
    .bind(until)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let staff = ChangeEvent {
                seq: r.try_get("seq")?,
                collection: r.try_get("collection")?,
                record_id: r.try_get("record_id")?,
                op: parse_op(&r.try_get::<String, _>("op")?)?,
                version: r.try_get("version")?,
                data: parse_json_opt(r.try_get("data")?)?,
                changed: serde_json::from_str(&r.try_get::<String, _>("changed")?)
                    .map_err(decode)?,
                actor: r.try_get("actor")?,
                at: r.try_get("at")?,
            };
            let public = match r.try_get::<Option<String>, _>("public_op")? {
                None => None,
                Some(op) => {
                    let data = parse_json_opt(r.try_get("public_data")?)?;
                    let changed = public_changed(&staff.changed, data.as_ref());
                    Some(public_event(
                        &staff,
                        PublicView {
                            op: parse_op(&op)?,
                            data,
                            changed,
                        },
                    ))
                }
            };
            Ok(LoggedChange { staff, public })
        })
        .collect()
}

/// The changed fields a public visitor can see: those present in the public projection.
pub fn public_changed(changed: &[String], public_data: Option<&Value>) -> Vec<String> {
    match public_data.and_then(Value::as_object) {
        Some(m) => changed
            .iter()
            .filter(|f| m.contains_key(*f))
            .cloned()
            .collect(),
        None => Vec::new(),
    }
}

/// One entry of a record's history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    pub seq: i64,
    pub op: ChangeOp,
    pub version: i64,
    pub data: Option<Value>,
    pub before: Option<Map<String, Value>>,
    pub changed: Vec<String>,
    pub actor: String,
    pub at: i64,
}

/// A record's changes with version above `above_version`, newest first.
pub async fn record_history(
    conn: &mut AnyConnection,
    org: OrgId,
    collection: &str,
    id: &str,
    above_version: i64,
    limit: i64,
) -> Result<Vec<HistoryRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT seq, op, version, data, before, changed, actor, at FROM change_log \
         WHERE org_id = $1 AND collection = $2 AND record_id = $3 AND version > $4 \
         ORDER BY seq DESC LIMIT $5",
    )
    .bind(org)
    .bind(collection)
    .bind(id)
    .bind(above_version)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let before = parse_object_opt(r.try_get("before")?)?;
            Ok(HistoryRow {
                seq: r.try_get("seq")?,
                op: parse_op(&r.try_get::<String, _>("op")?)?,
                version: r.try_get("version")?,
                data: parse_json_opt(r.try_get("data")?)?,
                before,
                changed: serde_json::from_str(&r.try_get::<String, _>("changed")?)
                    .map_err(decode)?,
                actor: r.try_get("actor")?,
                at: r.try_get("at")?,
            })
        })
        .collect()
}

/// The whole record as the change that made `version` logged it (one row, by the record's
/// index), or `None` when no change made that version or retention has pruned it. A record
/// created again under a deleted one's id has versions of its own: the latest is taken.
pub async fn record_at_version(
    conn: &mut AnyConnection,
    org: OrgId,
    collection: &str,
    id: &str,
    version: i64,
) -> Result<Option<Map<String, Value>>, sqlx::Error> {
    // No ORDER BY: sorting by seq lets SQLite walk the record's whole history by its seq
    // index; the version index finds the row (two, for a record created again) at once.
    let rows: Vec<(i64, Option<String>)> = sqlx::query_as(
        "SELECT seq, data FROM change_log \
         WHERE org_id = $1 AND collection = $2 AND record_id = $3 AND version = $4",
    )
    .bind(org)
    .bind(collection)
    .bind(id)
    .bind(version)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .max_by_key(|(seq, _)| *seq)
        .and_then(|(_, data)| data)
        .as_deref()
        .map(parse_object)
        .transpose()
}

/// A record's last logged change: its operation, version and the state before it.
pub struct LastChange {
    pub op: ChangeOp,
    pub version: i64,
    pub before: Option<Map<String, Value>>,
}

/// The latest change logged for a record (one row, by the record's index), if any is kept.
pub async fn last_change(
    conn: &mut AnyConnection,
    org: OrgId,
    collection: &str,
    id: &str,
) -> Result<Option<LastChange>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT op, version, before FROM change_log \
         WHERE org_id = $1 AND collection = $2 AND record_id = $3 ORDER BY seq DESC LIMIT 1",
    )
    .bind(org)
    .bind(collection)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(LastChange {
            op: parse_op(&r.try_get::<String, _>("op")?)?,
            version: r.try_get("version")?,
            before: parse_object_opt(r.try_get("before")?)?,
        })
    })
    .transpose()
}

/// A deletion logged for a record that does not exist now.
#[derive(Debug, Clone, PartialEq)]
pub struct DeletedRow {
    pub record_id: String,
    pub version: i64,
    pub before: Option<Map<String, Value>>,
    pub actor: String,
    pub at: i64,
}

/// Deletions of records that have not been brought back, newest first.
pub async fn deleted_records(
    conn: &mut AnyConnection,
    org: OrgId,
    collection: &str,
    limit: i64,
) -> Result<Vec<DeletedRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT c.record_id, c.version, c.before, c.actor, c.at FROM change_log c \
         WHERE c.org_id = $1 AND c.collection = $2 AND c.op = 'deleted' AND NOT EXISTS \
         (SELECT 1 FROM records r WHERE r.org_id = c.org_id AND r.collection = c.collection AND r.id = c.record_id) \
         ORDER BY c.seq DESC LIMIT $3",
    )
    .bind(org)
    .bind(collection)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let before = parse_object_opt(r.try_get("before")?)?;
            Ok(DeletedRow {
                record_id: r.try_get("record_id")?,
                version: r.try_get("version")?,
                before,
                actor: r.try_get("actor")?,
                at: r.try_get("at")?,
            })
        })
        .collect()
}

/// Every record of a collection.
pub async fn list_records(
    conn: &mut AnyConnection,
    org: OrgId,
    collection: &str,
) -> Result<Vec<StoredRecord>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, version, created_at, updated_at, updated_by, data FROM records \
         WHERE org_id = $1 AND collection = $2 ORDER BY id",
    )
    .bind(org)
    .bind(collection)
    .fetch_all(conn)
    .await?;
    rows.iter().map(stored_from_row).collect()
}

/// How many records `collection` of `org` holds.
pub async fn count_records(
    conn: &mut AnyConnection,
    org: OrgId,
    collection: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM records WHERE org_id = $1 AND collection = $2")
        .bind(org)
        .bind(collection)
        .fetch_one(conn)
        .await
}

/// Up to `limit` records of `collection` with an id after `after`, by id: a collection read
/// in pages, whatever its size.
pub async fn records_after(
    conn: &mut AnyConnection,
    org: OrgId,
    collection: &str,
    after: &str,
    limit: i64,
) -> Result<Vec<StoredRecord>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, version, created_at, updated_at, updated_by, data FROM records \
         WHERE org_id = $1 AND collection = $2 AND id > $3 ORDER BY id LIMIT $4",
    )
    .bind(org)
    .bind(collection)
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(stored_from_row).collect()
}

/// The id of a record of `collection` whose text field `field` equals `value` ignoring case
/// (a prospect by email), if any; the oldest when several do. `field` is a plain name of the
/// model's, never input.
pub async fn find_record_by_field(
    conn: &mut AnyConnection,
    org: OrgId,
    collection: &str,
    field: &'static str,
    value: &str,
) -> Result<Option<String>, sqlx::Error> {
    debug_assert!(field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    let extract = if conn.backend_name() == "PostgreSQL" {
        format!("(data::json ->> '{field}')")
    } else {
        format!("json_extract(data, '$.{field}')")
    };
    sqlx::query_scalar(&format!(
        "SELECT id FROM records WHERE org_id = $1 AND collection = $2 \
         AND lower({extract}) = lower($3) ORDER BY created_at, id LIMIT 1"
    ))
    .bind(org)
    .bind(collection)
    .bind(value)
    .fetch_optional(conn)
    .await
}

/// Delete the records of `collection`, in every organisation, whose number field `field` is
/// below `before`, without logging a change (an operations log's old entries). `field` is a
/// plain name of the model's, never input. Returns how many went.
pub async fn delete_older(
    conn: &mut AnyConnection,
    collection: &str,
    field: &'static str,
    before: i64,
) -> Result<u64, sqlx::Error> {
    debug_assert!(field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    let extract = if conn.backend_name() == "PostgreSQL" {
        format!("(data::json ->> '{field}')::bigint")
    } else {
        format!("json_extract(data, '$.{field}')")
    };
    let done = sqlx::query(&format!(
        "DELETE FROM records WHERE collection = $1 AND {extract} < $2"
    ))
    .bind(collection)
    .bind(before)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// The latest changes of `collection` (newest first), before sequence `before`.
pub async fn recent_changes(
    conn: &mut AnyConnection,
    org: OrgId,
    collection: &str,
    before: i64,
    limit: i64,
) -> Result<Vec<ChangeEvent>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT seq, collection, record_id, op, version, data, changed, actor, at \
         FROM change_log WHERE org_id = $1 AND collection = $2 AND seq < $3 \
         ORDER BY seq DESC LIMIT $4",
    )
    .bind(org)
    .bind(collection)
    .bind(before)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(ChangeEvent {
                seq: r.try_get("seq")?,
                collection: r.try_get("collection")?,
                record_id: r.try_get("record_id")?,
                op: parse_op(&r.try_get::<String, _>("op")?)?,
                version: r.try_get("version")?,
                data: parse_json_opt(r.try_get("data")?)?,
                changed: serde_json::from_str(&r.try_get::<String, _>("changed")?)
                    .map_err(decode)?,
                actor: r.try_get("actor")?,
                at: r.try_get("at")?,
            })
        })
        .collect()
}

/// Replace a record's data without a new version or a change-log entry: for server-owned
/// counters (page views), which are not content and must not wake every subscriber.
pub async fn write_data_in_place(
    conn: &mut AnyConnection,
    org: OrgId,
    collection: &str,
    id: &str,
    data: &Map<String, Value>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE records SET data = $4 WHERE org_id = $1 AND collection = $2 AND id = $3")
        .bind(org)
        .bind(collection)
        .bind(id)
        .bind(Value::Object(data.clone()).to_string())
        .execute(conn)
        .await?;
    Ok(())
}

fn stored_from_row(r: &sqlx::any::AnyRow) -> Result<StoredRecord, sqlx::Error> {
    let data: String = r.try_get("data")?;
    Ok(StoredRecord {
        id: r.try_get("id")?,
        version: r.try_get("version")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        updated_by: r.try_get("updated_by")?,
        data: parse_object(&data)?,
    })
}

/// A nullable column holding a JSON object (a change's previous field values).
fn parse_object_opt(s: Option<String>) -> Result<Option<Map<String, Value>>, sqlx::Error> {
    s.as_deref().map(parse_object).transpose()
}

fn parse_json_opt(s: Option<String>) -> Result<Option<Value>, sqlx::Error> {
    s.map(|d| serde_json::from_str(&d))
        .transpose()
        .map_err(decode)
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

/// This database's feed epoch, made on first start.
pub async fn feed_epoch(db: &crate::engine::Db) -> Result<String, sqlx::Error> {
    let fresh = uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
    sqlx::query("INSERT INTO feed_epoch (id, epoch) VALUES (1, $1) ON CONFLICT (id) DO NOTHING")
        .bind(&fresh)
        .execute(&db.write)
        .await?;
    sqlx::query_scalar("SELECT epoch FROM feed_epoch WHERE id = 1")
        .fetch_one(&db.write)
        .await
}

/// When change `seq` of `org` was committed, if it is in the log.
pub async fn change_time(
    conn: &mut AnyConnection,
    org: OrgId,
    seq: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT at FROM change_log WHERE org_id = $1 AND seq = $2")
        .bind(org)
        .bind(seq)
        .fetch_optional(conn)
        .await
}
