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
/// mention; fields come from the first mention that has them, even a later one.
pub fn of_document(references: &[Reference]) -> Vec<Entity> {
    let mut entities: Vec<Entity> = Vec::new();
    for reference in references {
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
    entities
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

/// Merges the entities of a batch's documents (in input order) by key; mentions and field
/// sources become `path#id`.
pub fn merge_batch<'a>(
    documents: impl IntoIterator<Item = (&'a str, &'a [Entity])>,
) -> Vec<Entity> {
    let mut merged: Vec<Entity> = Vec::new();
    for (path, entities) in documents {
        for entity in entities {
            let qualify = |id: &String| format!("{path}#{id}");
            let position = merged.iter().position(|m| m.key == entity.key);
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
