//! The figures: one row per measurement, each beside the reference it is judged against,
//! printed as one table and written to `bench/results.json`.

use std::path::Path;

use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct Metric {
    pub name: String,
    pub value: f64,
    pub unit: String,
    /// What the value is compared with (measured in the same run, or a stated target).
    pub reference: String,
    pub reference_value: Option<f64>,
    /// value / reference_value when both exist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ratio: Option<f64>,
}

#[derive(Default)]
pub struct Report {
    pub metrics: Vec<Metric>,
}

impl Report {
    /// A figure with its reference; the ratio is value / reference.
    pub fn add(&mut self, name: &str, value: f64, unit: &str, reference: &str, against: f64) {
        let ratio = (against != 0.0).then(|| value / against);
        self.push(name, value, unit, reference, Some(against), ratio);
    }

    /// A figure whose reference is a description only (no number to divide by).
    pub fn note(&mut self, name: &str, value: f64, unit: &str, reference: &str) {
        self.push(name, value, unit, reference, None, None);
    }

    fn push(
        &mut self,
        name: &str,
        value: f64,
        unit: &str,
        reference: &str,
        reference_value: Option<f64>,
        ratio: Option<f64>,
    ) {
        let metric = Metric {
            name: name.to_string(),
            value,
            unit: unit.to_string(),
            reference: reference.to_string(),
            reference_value,
            ratio,
        };
        eprintln!(
            "  {:<44} {:>12} {:<6} | {}",
            metric.name,
            number(metric.value),
            metric.unit,
            metric.reference
        );
        self.metrics.push(metric);
    }

    /// The table as Markdown, which reads as plain text too and pastes into the README.
    pub fn table(&self) -> String {
        let mut out = String::from(
            "| Measurement | Value | Unit | Reference | Ref. value | Ratio |\n|---|---:|---|---|---:|---:|\n",
        );
        for m in &self.metrics {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                m.name,
                number(m.value),
                m.unit,
                m.reference,
                m.reference_value.map(number).unwrap_or_default(),
                m.ratio.map(|r| format!("{r:.2}")).unwrap_or_default(),
            ));
        }
        out
    }

    pub fn write_json(&self, path: &Path) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(&self.metrics).map_err(std::io::Error::other)?;
        std::fs::write(path, text + "\n")
    }
}

/// Few significant digits: the machine's noise is larger than the rest.
pub fn number(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 100.0 || value.fract() == 0.0 {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}
