//! Entities: the distinct documents cited, each merging its mentions (in one document, and
//! across the documents of a batch) with the fields the mentions supply.

use std::collections::BTreeMap;

use serde::Serialize;

use super::codes::System;
use super::references::{Reference, ReferenceKind};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Entity {
    /// `vn-party:23-KL/TW`, `vn-state:115/QĐ-TTg`.
    pub key: String,
    pub system: System,
    pub doc_type: String,
    pub number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Reference ids within a document; `path#id` in a batch.
    pub mentions: Vec<String>,
    /// Which mention supplied each field, so a reader can check it.
    pub field_sources: BTreeMap<&'static str, String>,
}

/// One entity per cited document (the document's own number excluded), in order of first
/// mention; fields come from the first mention that has them, even a later one. Keys gain the
/// document's date (`vn-party:23-KL/TW@2017-11-22`) when a mention gives it, since Party
/// numbers restart every term and local codes (`TU`) repeat across provinces; each reference's
/// `resolves_to` is updated to the final key.
pub fn of_document(references: &mut [Reference]) -> Vec<Entity> {
    let mut entities: Vec<Entity> = Vec::new();
    for reference in references.iter() {
        if reference.kind == ReferenceKind::SelfNumbered {
            continue;
        }
        let (Some(number), Some(key)) = (&reference.number, &reference.resolves_to) else {
            continue;
        };
        let position = entities.iter().position(|e| &e.key == key);
        let entity = match position {
            Some(i) => &mut entities[i],
            None => {
                entities.push(Entity {
                    key: key.clone(),
                    system: number.system,
                    doc_type: reference.doc_type.value.clone(),
                    number: number.value.clone(),
                    date: None,
                    issuer: None,
                    subject: None,
                    mentions: Vec::new(),
                    field_sources: BTreeMap::new(),
                });
                entities.last_mut().expect("pushed")
            }
        };
        entity.mentions.push(reference.id.clone());
        let date = reference.date.as_ref().and_then(|d| d.value.clone());
        let issuer = reference
            .issuer
            .as_ref()
            .filter(|i| !i.inferred)
            .map(|i| i.normalized.clone());
        let subject = reference.subject.as_ref().map(|s| s.text.clone());
        fill(entity, "date", date, &reference.id);
        fill(entity, "issuer", issuer, &reference.id);
        fill(entity, "subject", subject, &reference.id);
    }
    for entity in &mut entities {
        let base = entity.key.clone();
        if let Some(date) = &entity.date {
            entity.key = format!("{base}@{date}");
        }
        for reference in references.iter_mut() {
            if reference.resolves_to.as_deref() == Some(base.as_str()) {
                reference.resolves_to = Some(entity.key.clone());
            }
        }
    }
    entities
}

/// Same document: same system and number, and no two different dates.
fn same_document(a: &Entity, b: &Entity) -> bool {
    a.system == b.system
        && a.number == b.number
        && (a.date.is_none() || b.date.is_none() || a.date == b.date)
}

fn fill(entity: &mut Entity, name: &'static str, value: Option<String>, source: &str) {
    let slot = match name {
        "date" => &mut entity.date,
        "issuer" => &mut entity.issuer,
        _ => &mut entity.subject,
    };
    if slot.is_none() && value.is_some() {
        *slot = value;
        entity.field_sources.insert(name, source.to_owned());
    }
}

/// Merges the entities of a batch's documents (in input order) that name the same document;
/// mentions and field sources become `path#id`.
pub fn merge_batch<'a>(
    documents: impl IntoIterator<Item = (&'a str, &'a [Entity])>,
) -> Vec<Entity> {
    let mut merged: Vec<Entity> = Vec::new();
    for (path, entities) in documents {
        for entity in entities {
            let qualify = |id: &String| format!("{path}#{id}");
            let position = merged.iter().position(|m| same_document(m, entity));
            let target = match position {
                Some(i) => &mut merged[i],
                None => {
                    let mut fresh = entity.clone();
                    fresh.mentions.clear();
                    fresh.field_sources.clear();
                    fresh.date = None;
                    fresh.issuer = None;
                    fresh.subject = None;
                    merged.push(fresh);
                    merged.last_mut().expect("pushed")
                }
            };
            target.mentions.extend(entity.mentions.iter().map(qualify));
            if target.date.is_none() && entity.date.is_some() {
                target.key.clone_from(&entity.key);
            }
            for (name, value) in [
                ("date", entity.date.clone()),
                ("issuer", entity.issuer.clone()),
                ("subject", entity.subject.clone()),
            ] {
                let source = entity
                    .field_sources
                    .get(name)
                    .map(qualify)
                    .unwrap_or_default();
                fill(target, name, value, &source);
            }
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, plain_span};

    fn entities(text: &str) -> Vec<Entity> {
        parse(text, &plain_span(text)).entities
    }

    #[test]
    fn batch_merges_the_same_document_and_keeps_different_dates_apart() {
        let a = entities(
            "Căn cứ Kế hoạch số 40-KH/TU, ngày 29/6/2017 của Ban Thường vụ Tỉnh ủy về báo chí.",
        );
        let b = entities("Thực hiện Kế hoạch số 40-KH/TU của Tỉnh ủy; Kết luận số 23-KL/TW.");
        let c =
            entities("Kế hoạch số 40-KH/TU, ngày 02/3/2021 của Ban Thường vụ Tỉnh ủy Lai Châu.");
        let merged = merge_batch([
            ("a.txt", a.as_slice()),
            ("b.txt", b.as_slice()),
            ("c.txt", c.as_slice()),
        ]);
        let keys: Vec<&str> = merged.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "vn-party:40-KH/TU@2017-06-29",
                "vn-party:23-KL/TW",
                "vn-party:40-KH/TU@2021-03-02"
            ]
        );
        assert_eq!(merged[0].mentions, ["a.txt#r1", "b.txt#r1"]);
        assert_eq!(merged[0].field_sources["date"], "a.txt#r1");
        assert_eq!(merged[0].issuer.as_deref(), Some("Ban Thường vụ Tỉnh ủy"));
    }
}
