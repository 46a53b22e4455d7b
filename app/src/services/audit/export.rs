//! Exporting the log as CSV or JSON lines, row by row from a database cursor: memory stays
//! constant however many rows match (DESIGN.md "Performance").

use std::borrow::Cow;
use std::future::Future;
use std::io::Write;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::Stream;
use serde_json::{json, Value};
use sqlx::{QueryBuilder, SqlitePool};

use super::query::{push_where, window, Filter};
use super::row::{StoredEvent, EVENT_COLUMNS};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Jsonl,
}

impl ExportFormat {
    pub fn parse(value: &str) -> Option<ExportFormat> {
        match value.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(ExportFormat::Csv),
            "jsonl" => Some(ExportFormat::Jsonl),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot read the audit log: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot write the export: {0}")]
    Write(#[from] std::io::Error),
    #[error("cannot encode a row: {0}")]
    Csv(#[from] csv::Error),
}

/// The CSV header; JSON lines use the same names as keys.
pub const COLUMNS: [&str; 18] = [
    "id",
    "occurred_at",
    "kind",
    "attempt_id",
    "operator",
    "customer",
    "action",
    "outcome",
    "upstream_status",
    "upstream_message",
    "duration_ms",
    "idempotency_key",
    "client_ip",
    "params",
    "before_state",
    "after_state",
    "prev_hash",
    "hash",
];

/// What a spreadsheet would run rather than show: a cell starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return gets a leading `'`, as OWASP's "CSV Injection" page advises, so
/// Excel, LibreOffice and Google Sheets display it as text. Customer names, SendGrid's messages
/// and sign-in emails are written by people outside the console; an auditor opening the export
/// must not run them. The JSON lines export is not for spreadsheets and keeps values as stored.
pub fn spreadsheet_safe(cell: String) -> String {
    match safe_cell(&cell) {
        Cow::Borrowed(_) => cell,
        Cow::Owned(quoted) => quoted,
    }
}

/// [`spreadsheet_safe`] without a copy of a cell that needs no quote: the export writes a
/// million rows of 18 cells, and copying each one was most of its time.
fn safe_cell(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Turns rows into bytes of one format, buffered until taken. CSV quoting (commas, quotes,
/// newlines) is the csv crate's RFC 4180 writer; cells pass through [`spreadsheet_safe`].
pub struct Encoder {
    sink: Sink,
}

enum Sink {
    Csv(Box<csv::Writer<Vec<u8>>>),
    Jsonl(Vec<u8>),
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(CHUNK))
}

impl Encoder {
    /// An encoder holding what comes before the first row: the header for CSV.
    pub fn new(format: ExportFormat) -> Result<Encoder, ExportError> {
        let sink = match format {
            ExportFormat::Csv => {
                let mut writer = csv_writer();
                writer.write_record(COLUMNS)?;
                Sink::Csv(Box::new(writer))
            }
            ExportFormat::Jsonl => Sink::Jsonl(Vec::with_capacity(CHUNK)),
        };
        Ok(Encoder { sink })
    }

    pub fn push(&mut self, row: &StoredEvent) -> Result<(), ExportError> {
        match &mut self.sink {
            Sink::Csv(writer) => {
                let mut numbers = [itoa::Buffer::new(); 4];
                let [id, attempt, status, duration] = &mut numbers;
                let cells: [&str; 18] = [
                    id.format(row.id),
                    &row.occurred_at,
                    &row.kind,
                    number(attempt, row.attempt_id),
                    text(&row.operator),
                    text(&row.customer),
                    &row.action,
                    text(&row.outcome),
                    number(status, row.upstream_status),
                    text(&row.upstream_message),
                    number(duration, row.duration_ms),
                    text(&row.idempotency_key),
                    text(&row.client_ip),
                    &row.params,
                    text(&row.before_state),
                    text(&row.after_state),
                    &row.prev_hash,
                    &row.hash,
                ];
                for cell in cells {
                    writer.write_field(safe_cell(cell).as_bytes())?;
                }
                writer.write_record(None::<&[u8]>)?;
            }
            Sink::Jsonl(buffer) => {
                serde_json::to_writer(&mut *buffer, &json_row(row))
                    .map_err(std::io::Error::from)?;
                buffer.push(b'\n');
            }
        }
        Ok(())
    }

    /// Bytes encoded so far and not yet taken.
    pub fn len(&mut self) -> Result<usize, ExportError> {
        Ok(match &mut self.sink {
            Sink::Csv(writer) => {
                writer.flush()?;
                writer.get_ref().len()
            }
            Sink::Jsonl(buffer) => buffer.len(),
        })
    }

    pub fn is_empty(&mut self) -> Result<bool, ExportError> {
        Ok(self.len()? == 0)
    }

    /// Hands over the encoded bytes and starts a new buffer.
    pub fn take(&mut self) -> Result<Vec<u8>, ExportError> {
        Ok(match &mut self.sink {
            Sink::Csv(writer) => std::mem::replace(writer.as_mut(), csv_writer())
                .into_inner()
                .map_err(|e| e.into_error())?,
            Sink::Jsonl(buffer) => std::mem::replace(buffer, Vec::with_capacity(CHUNK)),
        })
    }
}

/// An optional text as a CSV cell: empty when absent.
fn text(t: &Option<String>) -> &str {
    t.as_deref().unwrap_or_default()
}

/// An optional number as a CSV cell: empty when absent.
fn number(buffer: &mut itoa::Buffer, n: Option<i64>) -> &str {
    n.map_or("", |n| buffer.format(n))
}

/// A row as one JSON object; the stored JSON columns are embedded as JSON, not as strings.
fn json_row(row: &StoredEvent) -> Value {
    json!({
        "id": row.id,
        "occurred_at": row.occurred_at,
        "kind": row.kind,
        "attempt_id": row.attempt_id,
        "operator": row.operator,
        "customer": row.customer,
        "action": row.action,
        "outcome": row.outcome,
        "upstream_status": row.upstream_status,
        "upstream_message": row.upstream_message,
        "duration_ms": row.duration_ms,
        "idempotency_key": row.idempotency_key,
        "client_ip": row.client_ip,
        "params": row.params_json(),
        "before_state": row.before_json(),
        "after_state": row.after_json(),
        "prev_hash": row.prev_hash,
        "hash": row.hash,
    })
}

/// Bytes are handed on in chunks of about this size.
const CHUNK: usize = 64 * 1024;

/// Rows read per query. Each page is read whole and its connection goes back to the pool
/// before any byte is handed on, so a client that stops reading holds no connection: eight
/// stalled downloads once held all eight and stopped sign-in and `/healthz`.
const PAGE: i64 = 500;

/// Encodes every matching row, oldest first, a page at a time (keyset on the id), handing
/// chunks of about [`CHUNK`] bytes to `sink` as they fill; returns how many rows.
pub async fn export_into<S, F>(
    pool: &SqlitePool,
    filter: &Filter,
    format: ExportFormat,
    mut sink: S,
) -> Result<u64, ExportError>
where
    S: FnMut(Vec<u8>) -> F,
    F: Future<Output = std::io::Result<()>>,
{
    let mut encoder = Encoder::new(format)?;
    let mut count = 0;
    if let Some(window) = window(pool, filter).await? {
        let mut after = None::<i64>;
        loop {
            let mut query = QueryBuilder::new(EVENT_COLUMNS);
            push_where(&mut query, filter, window);
            if let Some(last) = after {
                query.push(" AND e.id > ").push_bind(last);
            }
            query.push(" ORDER BY e.id LIMIT ").push_bind(PAGE);
            let rows = query
                .build_query_as::<StoredEvent>()
                .fetch_all(pool)
                .await?;
            for row in &rows {
                encoder.push(row)?;
                count += 1;
                if encoder.len()? >= CHUNK {
                    sink(encoder.take()?).await?;
                }
            }
            match rows.last() {
                Some(last) if rows.len() as i64 == PAGE => after = Some(last.id),
                _ => break,
            }
        }
    }
    if !encoder.is_empty()? {
        sink(encoder.take()?).await?;
    }
    Ok(count)
}

/// Writes the export to `out` (the CLI's standard output).
pub async fn write_all(
    pool: &SqlitePool,
    filter: &Filter,
    format: ExportFormat,
    mut out: impl Write,
) -> Result<u64, ExportError> {
    let count = export_into(pool, filter, format, |chunk| {
        std::future::ready(out.write_all(&chunk))
    })
    .await?;
    out.flush()?;
    Ok(count)
}

/// The export as a stream of chunks for an HTTP body. A task reads the rows and hands chunks
/// over a small bounded channel, so a slow client slows the reading instead of filling memory,
/// and a client that goes away ends the task. The whole log leaves the console this way, so
/// only an operator who may read all of it (`Auditor`) opens one.
pub fn stream(
    _reader: &crate::services::auth::Auditor,
    pool: SqlitePool,
    filter: Filter,
    format: ExportFormat,
) -> impl Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static {
    let (sender, receiver) = tokio::sync::mpsc::channel::<std::io::Result<Vec<u8>>>(4);
    tokio::spawn(async move {
        let chunks = sender.clone();
        let sink = move |chunk: Vec<u8>| {
            let chunks = chunks.clone();
            async move {
                chunks.send(Ok(chunk)).await.map_err(|_| {
                    std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away")
                })
            }
        };
        match export_into(&pool, &filter, format, sink).await {
            Ok(_) => {}
            Err(ExportError::Write(error)) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
            Err(error) => {
                tracing::warn!(%error, "audit export stopped");
                // Ends the body with an error, so the client sees a broken download rather
                // than a silently short file.
                let _ = sender
                    .send(Err(std::io::Error::other(error.to_string())))
                    .await;
            }
        }
    });
    futures::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    })
}

/// Downloads one operator may have open at once; more answer 429. Each open one holds a task
/// and its buffers while the client reads, however slowly (never a pooled connection).
pub const EXPORTS_PER_OPERATOR: usize = 2;

/// The exports open now, per operator.
#[derive(Debug, Default)]
pub struct ExportSlots {
    open: Mutex<HashMap<String, usize>>,
}

/// One open export; dropping it (the download ended or the client went away) frees the slot.
#[derive(Debug)]
pub struct ExportSlot {
    slots: Arc<ExportSlots>,
    operator: String,
}

impl ExportSlots {
    /// A slot for `operator`, or `None` when they already have [`EXPORTS_PER_OPERATOR`].
    pub fn take(self: &Arc<Self>, operator: &str) -> Option<ExportSlot> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let count = open.entry(operator.to_string()).or_default();
        if *count >= EXPORTS_PER_OPERATOR {
            return None;
        }
        *count += 1;
        Some(ExportSlot {
            slots: Arc::clone(self),
            operator: operator.to_string(),
        })
    }
}

impl Drop for ExportSlot {
    fn drop(&mut self) {
        let mut open = self.slots.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = open.get_mut(&self.operator) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.operator);
            }
        }
    }
}

#[cfg(test)]
mod slot_tests {
    use super::*;

    #[test]
    fn an_operator_has_two_slots_and_a_finished_export_frees_one() {
        let slots = Arc::new(ExportSlots::default());
        let first = slots.take("ann").unwrap();
        let _second = slots.take("ann").unwrap();
        assert!(slots.take("ann").is_none());
        assert!(slots.take("bob").is_some(), "each operator has their own");
        drop(first);
        assert!(slots.take("ann").is_some());
    }
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn cells_a_spreadsheet_would_run_are_shown_as_text() {
        for formula in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(spreadsheet_safe(formula.to_string()), format!("'{formula}"));
        }
        for plain in ["", "a=b", "1-2", " =x", "'quoted", "{\"n\":1}"] {
            assert_eq!(spreadsheet_safe(plain.to_string()), plain);
        }
    }
}
