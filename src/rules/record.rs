//! A record as a CEL value without copying it per use. Each record's fields are converted to CEL
//! values once, when the run starts; a [`RecordVal`] shares them, so binding `self`, returning a
//! record from `ref()` or a list of them from `referrers()` costs a reference count, not a copy.

use std::any::Any;
use std::sync::Arc;

use cel::ExecutionError;
use cel::common::traits::{Container, Indexer, Sizer};
use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, MAP_TYPE, Type,
};
use cel::common::value::{CowVal, StaticVal, Val};

use crate::source::node::{Node, Value};

/// A record's fields as CEL values, converted once.
#[derive(Debug)]
pub struct Fields {
    entries: Vec<(String, Box<dyn Val>)>,
}

impl Fields {
    pub fn of(node: &Node, kind: &str, index: usize) -> Fields {
        let mut entries: Vec<(String, Box<dyn Val>)> = node
            .entries()
            .unwrap_or_default()
            .iter()
            .map(|entry| (entry.key.clone(), to_val(&entry.value)))
            .collect();
        entries.push((
            "__kind".to_string(),
            Box::new(CelString::from(kind.to_string())),
        ));
        entries.push(("__index".to_string(), Box::new(CelInt::from(index as i64))));
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Fields { entries }
    }

    fn find(&self, key: &str) -> Option<&(dyn Val + 'static)> {
        self.entries
            .binary_search_by(|(name, _)| name.as_str().cmp(key))
            .ok()
            .and_then(|position| self.entries.get(position))
            .map(|(_, value)| value.as_ref())
    }
}

/// A record: its index in the repository and its shared fields.
#[derive(Debug, Clone)]
pub struct RecordVal {
    pub index: usize,
    fields: Arc<Fields>,
}

impl RecordVal {
    pub fn new(index: usize, fields: Arc<Fields>) -> Self {
        RecordVal { index, fields }
    }
}

impl Val for RecordVal {
    fn get_type(&self) -> &Type {
        <Self as Val>::cel_type()
    }

    fn cel_type() -> &'static Type {
        &MAP_TYPE
    }

    fn as_container(&self) -> Option<&dyn Container> {
        Some(self)
    }

    fn as_indexer<'b, 'w>(&'b self) -> Option<&'b (dyn Indexer + 'w)>
    where
        Self: 'w,
    {
        Some(self)
    }

    fn as_sizer(&self) -> Option<&dyn Sizer> {
        Some(self)
    }

    fn equals(&self, other: &dyn Val) -> bool {
        other
            .downcast_ref::<RecordVal>()
            .is_some_and(|other| other.index == self.index)
    }

    fn clone_as_boxed<'w>(&self) -> Box<dyn Val + 'w>
    where
        Self: 'w,
    {
        Box::new(self.clone())
    }

    fn as_any(&self) -> Option<&dyn Any> {
        Some(self)
    }
}

impl StaticVal for RecordVal {}

fn key_text(key: &dyn Val) -> Option<&str> {
    key.downcast_ref::<CelString>().map(CelString::inner)
}

impl Container for RecordVal {
    fn contains(&self, key: &dyn Val) -> Result<bool, ExecutionError> {
        Ok(key_text(key).is_some_and(|key| self.fields.find(key).is_some()))
    }
}

impl Indexer for RecordVal {
    fn get<'b, 'w>(&'b self, key: &dyn Val) -> Result<CowVal<'b, 'w>, ExecutionError>
    where
        Self: 'w,
    {
        let Some(name) = key_text(key) else {
            return Err(ExecutionError::UnexpectedType {
                got: key.get_type().name().to_owned(),
                want: "string".to_owned(),
            });
        };
        match self.fields.find(name) {
            Some(value) => Ok(CowVal::Borrowed(value)),
            None => Err(ExecutionError::NoSuchKey(Arc::new(name.to_string()))),
        }
    }

    fn steal<'w>(self: Box<Self>, key: &dyn Val) -> Result<Box<dyn Val + 'w>, ExecutionError>
    where
        Self: 'w,
    {
        self.get(key).map(CowVal::into_owned)
    }
}

impl Sizer for RecordVal {
    fn size(&self) -> CelInt {
        CelInt::from(self.fields.entries.len() as i64 - 2)
    }
}

/// A value of the tree as a CEL value.
pub fn to_val(node: &Node) -> Box<dyn Val> {
    match &node.value {
        Value::Null => Box::new(CelNull),
        Value::Bool(flag) => Box::new(CelBool::from(*flag)),
        Value::Integer(number) => Box::new(CelInt::from(*number)),
        Value::Float(number) => Box::new(CelDouble::from(*number)),
        Value::String(text) => Box::new(CelString::from(text.clone())),
        Value::Sequence(items) => {
            Box::new(CelList::from(items.iter().map(to_val).collect::<Vec<_>>()))
        }
        Value::Map(entries) => Box::new(CelMap::from(
            entries
                .iter()
                .map(|entry| {
                    (
                        CelMapKey::String(CelString::from(entry.key.clone())),
                        to_val(&entry.value),
                    )
                })
                .collect::<std::collections::HashMap<_, _>>(),
        )),
    }
}
