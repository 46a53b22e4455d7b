//! `reseller.packages` (API.md §4.3): the fixed package list with its documented types.

use serde_json::{json, Value};

use super::envelope::{Reply, Xml};
use crate::catalog::PACKAGES;

pub fn handle() -> Reply {
    let json: Vec<Value> = PACKAGES
        .iter()
        .map(|p| {
            let mut entry = json!({
                "name": p.name,
                "price": price(p.price_cents),
                "description": p.description,
                "credits": p.credits,
                "overage": p.overage,
                "has_reseller": p.has_reseller,
                "has_ip": p.has_ip,
            });
            // Present only on some packages, as in the docs (API.md §8 item 7).
            if let (Some(d), Some(map)) = (p.distributor_price, entry.as_object_mut()) {
                map.insert("distributor_price".to_owned(), json!(d));
            }
            entry
        })
        .collect();
    let xml = PACKAGES
        .iter()
        .map(|p| {
            let mut fields = vec![
                Xml::text("name", p.name),
                Xml::text("price", format!("{:.2}", price(p.price_cents))),
                Xml::text("description", p.description),
                Xml::text("credits", p.credits),
                Xml::text("overage", p.overage),
                Xml::text("has_reseller", p.has_reseller),
                Xml::text("has_ip", p.has_ip),
            ];
            fields.extend(
                p.distributor_price
                    .map(|d| Xml::text("distributor_price", d)),
            );
            Xml::node("package", fields)
        })
        .collect();
    Reply::Data {
        json: json.into(),
        xml: Xml::node("result", vec![Xml::node("packages", xml)]),
    }
}

fn price(cents: i64) -> f64 {
    cents as f64 / 100.0
}
