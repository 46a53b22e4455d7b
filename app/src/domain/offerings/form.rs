//! The offerings form: one package (radio) and add-ons (checkbox plus quantity), as typed.

use serde::{Deserialize, Serialize};

use super::{CatalogItem, OfferingField, OfferingFieldError, OfferingKind, OfferingLine};
use crate::domain::change::FieldError;

/// The form's values as strings, the way a query string or a form post carries them: the
/// checked package, the checked add-ons, and every add-on's quantity input.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferingsForm {
    pub package: String,
    pub addons: Vec<String>,
    pub quantities: Vec<(String, String)>,
}

impl OfferingsForm {
    /// The name of the quantity input of `addon`.
    pub fn quantity_param(addon: &str) -> String {
        format!("quantity.{addon}")
    }

    /// The form filled with what the account holds now.
    pub fn from_current(current: &[OfferingLine]) -> OfferingsForm {
        let mut form = OfferingsForm::default();
        for line in current {
            match line.kind {
                OfferingKind::Package => form.package = line.name.clone(),
                OfferingKind::Addon => {
                    form.addons.push(line.name.clone());
                    form.quantities
                        .push((line.name.clone(), line.quantity.to_string()));
                }
            }
        }
        form
    }

    pub fn quantity_of(&self, addon: &str) -> Option<&str> {
        self.quantities
            .iter()
            .rev()
            .find(|(name, _)| name == addon)
            .map(|(_, q)| q.as_str())
    }

    pub fn has_addon(&self, addon: &str) -> bool {
        self.addons.iter().any(|a| a == addon)
    }

    /// The chosen offerings as lines; a checked add-on's quantity must be a whole number.
    pub fn lines(&self) -> Result<Vec<OfferingLine>, Vec<OfferingFieldError>> {
        let mut errors = Vec::new();
        let mut lines = Vec::new();
        if !self.package.trim().is_empty() {
            lines.push(OfferingLine {
                name: self.package.trim().to_string(),
                kind: OfferingKind::Package,
                quantity: 1,
            });
        }
        for addon in &self.addons {
            let text = self.quantity_of(addon).unwrap_or("1").trim();
            let quantity = if text.is_empty() {
                Some(1)
            } else if text.bytes().all(|b| b.is_ascii_digit()) {
                text.parse::<i64>().ok()
            } else {
                None
            };
            match quantity {
                Some(quantity) => lines.push(OfferingLine {
                    name: addon.trim().to_string(),
                    kind: OfferingKind::Addon,
                    quantity,
                }),
                None => errors.push(FieldError::new(
                    OfferingField::Quantity(addon.clone()),
                    format!("Enter the quantity of {addon} as a whole number."),
                )),
            }
        }
        if errors.is_empty() {
            Ok(lines)
        } else {
            Err(errors)
        }
    }

    /// The form's fields as query pairs, for the review step's URL and "Edit the change".
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = vec![("package".to_string(), self.package.clone())];
        pairs.extend(self.addons.iter().map(|a| ("addon".to_string(), a.clone())));
        pairs.extend(
            self.quantities
                .iter()
                .map(|(name, q)| (OfferingsForm::quantity_param(name), q.clone())),
        );
        pairs
    }
}

/// Every line names an offering of the catalog, with the catalog's type (API.md §5.2): an
/// unknown name would only be refused upstream.
pub fn check_catalog(
    lines: &[OfferingLine],
    catalog: &[CatalogItem],
) -> Result<(), Vec<OfferingFieldError>> {
    let errors: Vec<OfferingFieldError> = lines
        .iter()
        .filter_map(|line| {
            let field = match line.kind {
                OfferingKind::Package => OfferingField::Package,
                OfferingKind::Addon => OfferingField::Offerings,
            };
            match catalog.iter().find(|item| item.name == line.name) {
                None => Some(FieldError::new(
                    field,
                    format!(
                        "{} is not in the catalog; refresh the catalog and choose again.",
                        line.name
                    ),
                )),
                Some(item) if item.kind != line.kind => Some(FieldError::new(
                    field,
                    format!(
                        "{} is {}, not {}.",
                        line.name,
                        article(item.kind),
                        article(line.kind)
                    ),
                )),
                Some(_) => None,
            }
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn article(kind: OfferingKind) -> &'static str {
    match kind {
        OfferingKind::Package => "a package",
        OfferingKind::Addon => "an add-on",
    }
}
