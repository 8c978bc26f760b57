//! The sync centre's statistics over the last 7, 30 or 90 days, from the operations log:
//! success rate, operations and items per day, durations (p50/p95) and errors per type —
//! each as a chart drawn here as SVG (plotters' SVG backend: nothing for the browser to
//! download but the picture) and as figures for a table.

use std::collections::BTreeMap;

use plotters::prelude::*;

use crate::core::collection::Collection;
use crate::core::error::AppError;
use crate::core::locale::current;
use crate::core::operation::{Operation, OperationKind, OperationStatus};
use crate::core::principal::Principal;
use crate::core::time::now_ms;
use crate::engine::{store, Engine};
use crate::i18n::*;
use crate::sync_centre::model::{DayFigures, KindFigures, Stats};

const DAY_MS: i64 = 86_400_000;
/// Periods offered, in days.
pub const PERIODS: [i64; 3] = [7, 30, 90];

/// The figures and charts of the last `days` days (7, 30 or 90).
pub async fn stats(engine: &Engine, who: &Principal, days: i64) -> Result<Stats, AppError> {
    let days = if PERIODS.contains(&days) { days } else { 7 };
    let now = now_ms();
    let first_day = now.div_euclid(DAY_MS) - (days - 1);
    let ops: Vec<Operation> = {
        let mut conn = engine.db.read.acquire().await?;
        store::list_records(&mut conn, who.org, Operation::NAME)
            .await?
            .into_iter()
            .filter_map(|r| serde_json::from_value(serde_json::Value::Object(r.to_map())).ok())
            .filter(|o: &Operation| o.started_at.div_euclid(DAY_MS) >= first_day)
            .collect()
    };
    let mut stats = figures(&ops, first_day, days, now);
    stats.charts = charts(&stats).map_err(|e| AppError::Internal(format!("chart: {e}")))?;
    Ok(stats)
}

/// The figures alone (no drawing): a pure function of the operations.
pub fn figures(ops: &[Operation], first_day: i64, days: i64, now: i64) -> Stats {
    let mut per_day: Vec<DayFigures> = (0..days)
        .map(|i| DayFigures {
            day: crate::core::locale::iso_date((first_day + i) * DAY_MS),
            ..Default::default()
        })
        .collect();
    let mut durations: BTreeMap<OperationKind, Vec<i64>> = BTreeMap::new();
    let mut kinds: BTreeMap<OperationKind, KindFigures> = BTreeMap::new();
    let (mut finished, mut succeeded) = (0i64, 0i64);
    for o in ops {
        let i = (o.started_at.div_euclid(DAY_MS) - first_day) as usize;
        if let Some(day) = per_day.get_mut(i) {
            day.operations += 1;
            day.items += o.counts.done.max(o.counts.total);
            if o.status == OperationStatus::Failed {
                day.failed += 1;
            }
        }
        let k = kinds.entry(o.kind).or_insert_with(|| KindFigures {
            kind: o.kind,
            ..Default::default()
        });
        k.operations += 1;
        if matches!(o.status, OperationStatus::Failed | OperationStatus::Partial) {
            k.errors += 1;
        }
        if o.status != OperationStatus::Running {
            finished += 1;
            if o.status == OperationStatus::Succeeded {
                succeeded += 1;
            }
            durations
                .entry(o.kind)
                .or_default()
                .push(o.duration_ms(now));
        }
    }
    for (kind, mut times) in durations {
        times.sort_unstable();
        if let Some(k) = kinds.get_mut(&kind) {
            k.p50_ms = percentile(&times, 50);
            k.p95_ms = percentile(&times, 95);
        }
    }
    Stats {
        days,
        operations: ops.len() as i64,
        succeeded,
        finished,
        per_day,
        kinds: kinds.into_values().collect(),
        charts: Vec::new(),
    }
}

/// The nearest-rank percentile of sorted values.
fn percentile(sorted: &[i64], p: usize) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

const SIZE: (u32, u32) = (720, 260);
const BLUE: RGBColor = RGBColor(0x1d, 0x4e, 0xd8);
const RED: RGBColor = RGBColor(0xb4, 0x23, 0x18);
const GREY: RGBColor = RGBColor(0x47, 0x55, 0x69);

/// The three charts, as SVG documents.
fn charts(s: &Stats) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let l = current();
    let days: Vec<String> = s.per_day.iter().map(|d| d.day[5..].to_string()).collect();
    let per_day = bars(
        td_string!(l, sync.stats.per_day),
        &days,
        &[
            (s.per_day.iter().map(|d| d.operations).collect(), BLUE),
            (s.per_day.iter().map(|d| d.failed).collect(), RED),
        ],
    )?;
    let names: Vec<String> = s
        .kinds
        .iter()
        .map(|k| crate::sync_centre::ui::ops::kind_label(k.kind, l).to_string())
        .collect();
    let durations = bars(
        td_string!(l, sync.stats.durations),
        &names,
        &[
            (s.kinds.iter().map(|k| k.p50_ms).collect(), BLUE),
            (s.kinds.iter().map(|k| k.p95_ms).collect(), GREY),
        ],
    )?;
    let errors = bars(
        td_string!(l, sync.stats.errors),
        &names,
        &[(s.kinds.iter().map(|k| k.errors).collect(), RED)],
    )?;
    Ok(vec![per_day, durations, errors])
}

/// A bar chart: one group per label, one bar per series in each group.
fn bars(
    caption: &str,
    labels: &[String],
    series: &[(Vec<i64>, RGBColor)],
) -> Result<String, Box<dyn std::error::Error>> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE)?;
        let top = series
            .iter()
            .flat_map(|(v, _)| v.iter().copied())
            .max()
            .unwrap_or(0)
            .max(1);
        let groups = labels.len().max(1) as i64;
        let per_group = series.len() as i64 + 1;
        let mut chart = ChartBuilder::on(&root)
            .caption(caption, ("sans-serif", 16))
            .margin(8)
            .x_label_area_size(28)
            .y_label_area_size(48)
            .build_cartesian_2d(0..groups * per_group, 0..top.saturating_add(top / 10 + 1))?;
        let every = (labels.len() / 10).max(1);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(labels.len().min(15) + 1)
            .x_label_formatter(&|x| {
                let group = (x / per_group) as usize;
                if x % per_group == 0 && group.is_multiple_of(every) {
                    labels.get(group).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .draw()?;
        for (s, (values, colour)) in series.iter().enumerate() {
            chart.draw_series(values.iter().enumerate().map(|(g, v)| {
                let x = g as i64 * per_group + s as i64;
                Rectangle::new([(x, 0), (x + 1, *v)], colour.filled())
            }))?;
        }
        root.present()?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(kind: OperationKind, status: OperationStatus, day: i64, ms: i64) -> Operation {
        let mut o = Operation {
            kind,
            status,
            started_at: day * DAY_MS + 1_000,
            ended_at: Some(day * DAY_MS + 1_000 + ms),
            ..Default::default()
        };
        o.counts.done = 10;
        o
    }

    #[test]
    fn figures_count_per_day_and_per_kind() {
        let ops = vec![
            op(OperationKind::Backup, OperationStatus::Succeeded, 100, 100),
            op(OperationKind::Backup, OperationStatus::Succeeded, 100, 300),
            op(OperationKind::Backup, OperationStatus::Failed, 101, 900),
            op(OperationKind::Restore, OperationStatus::Succeeded, 102, 50),
        ];
        let s = figures(&ops, 100, 3, 103 * DAY_MS);
        assert_eq!(s.operations, 4);
        assert_eq!((s.finished, s.succeeded), (4, 3));
        assert_eq!(
            s.per_day.iter().map(|d| d.operations).collect::<Vec<_>>(),
            [2, 1, 1]
        );
        assert_eq!(s.per_day[1].failed, 1);
        assert_eq!(s.per_day[0].items, 20);
        let backup = s
            .kinds
            .iter()
            .find(|k| k.kind == OperationKind::Backup)
            .unwrap();
        assert_eq!((backup.p50_ms, backup.p95_ms, backup.errors), (300, 900, 1));
        let svg = charts(&s).unwrap();
        assert_eq!(svg.len(), 3);
        assert!(
            svg[0].starts_with("<svg") && svg[0].contains("<rect"),
            "{}",
            svg[0]
        );
        assert!(
            !svg.iter().any(|s| s.contains("style=")),
            "no inline styles (CSP)"
        );
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let v: Vec<i64> = (1..=100).collect();
        assert_eq!((percentile(&v, 50), percentile(&v, 95)), (50, 95));
        assert_eq!(percentile(&[7], 95), 7);
        assert_eq!(percentile(&[], 50), 0);
    }
}
