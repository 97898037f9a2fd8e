//! The store database (`db/db.sqlite`): opening it with Nix's settings, and reading
//! and writing valid-path information, references and derivation outputs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::closure::ClosureGraph;
use super::error::LocalStoreError;
use super::schema::{PRAGMAS, SCHEMA_SQL};
use crate::store::hash::{Hash, HashAlgo};
use crate::store::path::{StoreDir, StorePath};
use crate::store::path_info::ValidPathInfo;

/// An open store database.
pub struct StoreDb {
    conn: Connection,
    file: PathBuf,
    dir: StoreDir,
}

/// The derivation outputs to record for a `.drv` being registered: output name → path.
pub type DrvOutputs = BTreeMap<String, StorePath>;

impl StoreDb {
    /// Opens the database at `file` (creating the schema when `create`), for a store
    /// with logical directory `dir`.
    pub fn open(file: &Path, dir: StoreDir, create: bool) -> Result<StoreDb, LocalStoreError> {
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let db_err = |what: &str| {
            let what = what.to_owned();
            move |source| LocalStoreError::Db {
                db: file.to_owned(),
                what,
                source,
            }
        };
        let conn = Connection::open_with_flags(file, flags).map_err(db_err("opening"))?;
        conn.busy_timeout(Duration::from_secs(60 * 60))
            .map_err(db_err("setting the busy timeout"))?;
        conn.execute_batch(PRAGMAS)
            .map_err(db_err("setting pragmas"))?;
        let mode: String = conn
            .query_row("pragma main.journal_mode", [], |r| r.get(0))
            .map_err(db_err("reading the journal mode"))?;
        if mode != "wal" {
            conn.query_row("pragma main.journal_mode = wal", [], |_| Ok(()))
                .map_err(db_err("setting the journal mode"))?;
        }
        if create {
            conn.execute_batch(SCHEMA_SQL)
                .map_err(db_err("creating the schema"))?;
        }
        Ok(StoreDb {
            conn,
            file: file.to_owned(),
            dir,
        })
    }

    /// The database file.
    pub fn file(&self) -> &Path {
        &self.file
    }

    fn err(&self, what: impl Into<String>) -> impl FnOnce(rusqlite::Error) -> LocalStoreError {
        let db = self.file.clone();
        let what = what.into();
        move |source| LocalStoreError::Db { db, what, source }
    }

    fn corrupt(&self, what: String) -> LocalStoreError {
        LocalStoreError::Corrupt {
            db: self.file.clone(),
            what,
        }
    }

    fn parse_path(&self, s: &str) -> Result<StorePath, LocalStoreError> {
        self.dir
            .parse_path(s)
            .map_err(|e| self.corrupt(format!("invalid store path '{s}' in the database: {e}")))
    }

    fn id_of(&self, path: &StorePath) -> Result<Option<i64>, LocalStoreError> {
        let p = self.dir.display(path);
        self.conn
            .prepare_cached("select id from ValidPaths where path = ?1")
            .and_then(|mut q| q.query_row([&p], |r| r.get(0)).optional())
            .map_err(self.err(format!("looking up '{p}'")))
    }

    /// Whether `path` is registered as valid.
    pub fn is_valid(&self, path: &StorePath) -> Result<bool, LocalStoreError> {
        Ok(self.id_of(path)?.is_some())
    }

    /// Everything recorded about `path`, or `None` when it is not valid.
    pub fn path_info(&self, path: &StorePath) -> Result<Option<ValidPathInfo>, LocalStoreError> {
        let p = self.dir.display(path);
        type Row = (
            i64,
            String,
            i64,
            Option<String>,
            Option<i64>,
            Option<i64>,
            Option<String>,
            Option<String>,
        );
        let row: Option<Row> = self
            .conn
            .query_row(
                "select id, hash, registrationTime, deriver, narSize, ultimate, sigs, ca \
                 from ValidPaths where path = ?1",
                [&p],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                    ))
                },
            )
            .optional()
            .map_err(self.err(format!("querying '{p}'")))?;
        let Some((id, hash, time, deriver, nar_size, ultimate, sigs, ca)) = row else {
            return Ok(None);
        };
        let nar_hash = Hash::parse(&hash, Some(HashAlgo::Sha256))
            .map_err(|e| self.corrupt(format!("bad hash of '{p}': {e}")))?;
        let deriver = match deriver.filter(|d| !d.is_empty()) {
            Some(d) => Some(self.parse_path(&d)?),
            None => None,
        };
        let ca = match ca.filter(|c| !c.is_empty()) {
            Some(c) => Some(c.parse()?),
            None => None,
        };
        Ok(Some(ValidPathInfo {
            path: path.clone(),
            deriver,
            nar_hash,
            nar_size: nar_size.unwrap_or(0).max(0) as u64,
            references: self.references_of_id(id, &p)?,
            registration_time: time,
            ultimate: ultimate.unwrap_or(0) != 0,
            sigs: sigs
                .unwrap_or_default()
                .split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            ca,
        }))
    }

    fn references_of_id(&self, id: i64, p: &str) -> Result<BTreeSet<StorePath>, LocalStoreError> {
        self.paths_query(
            "select path from Refs join ValidPaths on reference = id where referrer = ?1",
            id,
            &format!("querying the references of '{p}'"),
        )
    }

    fn paths_query(
        &self,
        sql: &str,
        arg: impl rusqlite::ToSql,
        what: &str,
    ) -> Result<BTreeSet<StorePath>, LocalStoreError> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(self.err(what))?;
        let rows = stmt
            .query_map([arg], |r| r.get::<_, String>(0))
            .map_err(self.err(what))?;
        let mut out = BTreeSet::new();
        for row in rows {
            let s = row.map_err(self.err(what))?;
            out.insert(self.parse_path(&s)?);
        }
        Ok(out)
    }

    /// Adds the closure of `root` with every member's references to `graph`, read with
    /// one recursive query over row ids (each new member's path is read and parsed
    /// once). Returns `false` when `root` is not valid.
    pub fn add_closure(
        &self,
        root: &StorePath,
        graph: &mut ClosureGraph,
    ) -> Result<bool, LocalStoreError> {
        let p = self.dir.display(root);
        let what = format!("querying the closure of '{p}'");
        let mut stmt = self
            .conn
            .prepare_cached(
                "with recursive closure(id) as ( \
                   select id from ValidPaths where path = ?1 \
                   union \
                   select reference from Refs join closure on referrer = closure.id) \
                 select c.id, v.path, Refs.reference from closure c \
                   join ValidPaths v on v.id = c.id \
                   left join Refs on Refs.referrer = c.id",
            )
            .map_err(self.err(what.clone()))?;
        let mut rows = stmt.query([&p]).map_err(self.err(what.clone()))?;
        let first_new = graph.len();
        let mut found = false;
        // (member, row id of a path it refers to), resolved once every member is known.
        let mut edges: Vec<(usize, i64)> = Vec::new();
        while let Some(row) = rows.next().map_err(self.err(what.clone()))? {
            found = true;
            let id: i64 = row.get(0).map_err(self.err(what.clone()))?;
            let member = match graph.member_of_row(id) {
                Some(m) => m,
                None => {
                    let path = row
                        .get_ref(1)
                        .and_then(|v| v.as_str().map_err(Into::into))
                        .map_err(self.err(what.clone()))?;
                    let path = self.parse_path(path)?;
                    graph.add_member(id, path)
                }
            };
            let reference: Option<i64> = row.get(2).map_err(self.err(what.clone()))?;
            // Members known before this query already have their references.
            if let (Some(r), true) = (reference, member >= first_new) {
                edges.push((member, r));
            }
        }
        for (member, r) in edges {
            let to = graph.member_of_row(r).ok_or_else(|| {
                self.corrupt(format!(
                    "a reference of '{p}''s closure (row {r}) is not in the closure"
                ))
            })?;
            graph.add_reference(member, to);
        }
        Ok(found)
    }

    /// The paths `path` refers to (empty when it is not valid).
    pub fn references(&self, path: &StorePath) -> Result<BTreeSet<StorePath>, LocalStoreError> {
        match self.id_of(path)? {
            Some(id) => self.references_of_id(id, &self.dir.display(path)),
            None => Ok(BTreeSet::new()),
        }
    }

    /// The valid paths that refer to `path`.
    pub fn referrers(&self, path: &StorePath) -> Result<BTreeSet<StorePath>, LocalStoreError> {
        let p = self.dir.display(path);
        self.paths_query(
            "select path from Refs join ValidPaths on referrer = id \
             where reference = (select id from ValidPaths where path = ?1)",
            &p,
            &format!("querying the referrers of '{p}'"),
        )
    }

    /// The valid derivations that list `path` as one of their outputs.
    pub fn valid_derivers(&self, path: &StorePath) -> Result<BTreeSet<StorePath>, LocalStoreError> {
        let p = self.dir.display(path);
        self.paths_query(
            "select v.path from DerivationOutputs d join ValidPaths v on d.drv = v.id \
             where d.path = ?1",
            &p,
            &format!("querying the derivers of '{p}'"),
        )
    }

    /// The outputs recorded for the valid derivation `drv`.
    pub fn derivation_outputs(
        &self,
        drv: &StorePath,
    ) -> Result<BTreeSet<StorePath>, LocalStoreError> {
        let p = self.dir.display(drv);
        self.paths_query(
            "select d.path from DerivationOutputs d join ValidPaths v on d.drv = v.id \
             where v.path = ?1",
            &p,
            &format!("querying the outputs of '{p}'"),
        )
    }

    /// Every valid path.
    pub fn all_valid_paths(&self) -> Result<BTreeSet<StorePath>, LocalStoreError> {
        let what = "listing valid paths";
        let mut stmt = self
            .conn
            .prepare("select path from ValidPaths")
            .map_err(self.err(what))?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(self.err(what))?;
        let mut out = BTreeSet::new();
        for row in rows {
            out.insert(self.parse_path(&row.map_err(self.err(what))?)?);
        }
        Ok(out)
    }

    /// Registers `infos` as valid in one transaction: inserts (or updates) their rows,
    /// their derivation outputs (`drv_outputs`, by `.drv` path) and their references.
    /// Every reference must be valid already or among `infos`.
    pub fn register(
        &mut self,
        infos: &[ValidPathInfo],
        drv_outputs: &BTreeMap<StorePath, DrvOutputs>,
    ) -> Result<(), LocalStoreError> {
        let file = self.file.clone();
        let dir = self.dir.clone();
        let err = |what: String| db_error(&file, what);
        let tx = self
            .conn
            .transaction()
            .map_err(err("starting a transaction".into()))?;
        let mut ids = BTreeMap::new();
        let mut row_ids = Vec::with_capacity(infos.len());
        for info in infos {
            let p = dir.display(&info.path);
            let hash = format!("sha256:{}", info.nar_hash.to_base16());
            let deriver = info.deriver.as_ref().map(|d| dir.display(d));
            let ultimate = info.ultimate.then_some(1i64);
            let sigs = (!info.sigs.is_empty()).then(|| info.sigs.join(" "));
            let ca = info.ca.as_ref().map(|c| c.to_string());
            let existing: Option<i64> = tx
                .query_row("select id from ValidPaths where path = ?1", [&p], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(err(format!("looking up '{p}'")))?;
            let id = match existing {
                Some(id) => {
                    tx.execute(
                        "update ValidPaths set narSize = ?1, hash = ?2, ultimate = ?3, sigs = ?4, ca = ?5 \
                         where path = ?6",
                        params![info.nar_size as i64, hash, ultimate, sigs, ca, p],
                    )
                    .map_err(err(format!("updating '{p}'")))?;
                    id
                }
                None => {
                    tx.execute(
                        "insert into ValidPaths (path, hash, registrationTime, deriver, narSize, ultimate, sigs, ca) \
                         values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                        params![
                            p,
                            hash,
                            info.registration_time,
                            deriver,
                            info.nar_size as i64,
                            ultimate,
                            sigs,
                            ca
                        ],
                    )
                    .map_err(err(format!("registering '{p}'")))?;
                    tx.last_insert_rowid()
                }
            };
            if let Some(outputs) = drv_outputs.get(&info.path) {
                for (name, out) in outputs {
                    tx.execute(
                        "insert or replace into DerivationOutputs (drv, id, path) values (?1, ?2, ?3)",
                        params![id, name, dir.display(out)],
                    )
                    .map_err(err(format!("recording output '{name}' of '{p}'")))?;
                }
            }
            ids.insert(info.path.clone(), id);
            row_ids.push(id);
        }
        for (info, &referrer) in infos.iter().zip(&row_ids) {
            let p = dir.display(&info.path);
            for r in &info.references {
                let reference = match ids.get(r) {
                    Some(id) => *id,
                    None => {
                        let rp = dir.display(r);
                        let found: Option<i64> = tx
                            .query_row("select id from ValidPaths where path = ?1", [&rp], |row| {
                                row.get(0)
                            })
                            .optional()
                            .map_err(err(format!("looking up '{rp}'")))?;
                        found.ok_or_else(|| LocalStoreError::MissingReference {
                            path: p.clone(),
                            reference: rp.clone(),
                        })?
                    }
                };
                tx.execute(
                    "insert or replace into Refs (referrer, reference) values (?1, ?2)",
                    params![referrer, reference],
                )
                .map_err(err(format!("recording a reference of '{p}'")))?;
            }
        }
        crate::testhook::pause("register");
        tx.commit().map_err(err("committing".into()))
    }

    /// Removes `paths` from the database in one transaction. Paths must come referrers
    /// first: a path still referred to by a valid path outside the list fails.
    pub fn invalidate(&mut self, paths: &[StorePath]) -> Result<(), LocalStoreError> {
        let file = self.file.clone();
        let err = |what: String| db_error(&file, what);
        let tx = self
            .conn
            .transaction()
            .map_err(err("starting a transaction".into()))?;
        for path in paths {
            let p = self.dir.display(path);
            tx.execute("delete from ValidPaths where path = ?1", [&p])
                .map_err(err(format!("invalidating '{p}'")))?;
        }
        tx.commit().map_err(err("committing".into()))
    }

    /// Updates the recorded NAR hash and size of `path` (after a repair).
    pub fn update_nar_hash(
        &mut self,
        path: &StorePath,
        hash: &Hash,
        size: u64,
    ) -> Result<(), LocalStoreError> {
        let p = self.dir.display(path);
        self.conn
            .execute(
                "update ValidPaths set hash = ?1, narSize = ?2 where path = ?3",
                params![format!("sha256:{}", hash.to_base16()), size as i64, p],
            )
            .map_err(self.err(format!("updating '{p}'")))?;
        Ok(())
    }
}

/// Turns a SQLite error into a store error naming the database file and what was being done.
fn db_error(db: &std::path::Path, what: String) -> impl FnOnce(rusqlite::Error) -> LocalStoreError {
    let db = db.to_path_buf();
    move |source| LocalStoreError::Db { db, what, source }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(s: &str) -> StorePath {
        s.parse().expect("store path")
    }

    fn open(tmp: &Path) -> StoreDb {
        StoreDb::open(&tmp.join("db.sqlite"), StoreDir::default(), true).expect("open")
    }

    #[test]
    fn registers_and_reads_back_with_references() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut db = open(tmp.path());
        let a = path("0c6kzph7l0dcbfmjap64f0czdafn3b7x-a");
        let b = path("1c6kzph7l0dcbfmjap64f0czdafn3b7x-b.drv");
        let h = Hash::digest(HashAlgo::Sha256, b"x");
        let ia = ValidPathInfo::new(a.clone(), h.clone(), 120);
        let mut ib = ValidPathInfo::new(b.clone(), h, 130);
        ib.references = [a.clone(), b.clone()].into_iter().collect();
        let mut outs = BTreeMap::new();
        outs.insert(
            b.clone(),
            [("out".to_owned(), path("2c6kzph7l0dcbfmjap64f0czdafn3b7x-b"))]
                .into_iter()
                .collect(),
        );
        db.register(&[ib.clone(), ia.clone()], &outs)
            .expect("register");
        let got = db.path_info(&b).expect("query").expect("valid");
        assert_eq!(got, ib);
        assert_eq!(db.referrers(&a).expect("referrers").len(), 1);
        assert_eq!(
            db.valid_derivers(&path("2c6kzph7l0dcbfmjap64f0czdafn3b7x-b"))
                .expect("derivers"),
            [b.clone()].into_iter().collect()
        );
        // Self-references do not block deletion (trigger DeleteSelfRefs).
        db.invalidate(&[b.clone(), a.clone()]).expect("invalidate");
        assert!(!db.is_valid(&a).expect("valid?"));
    }

    #[test]
    fn refuses_a_missing_reference() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut db = open(tmp.path());
        let mut i = ValidPathInfo::new(
            path("0c6kzph7l0dcbfmjap64f0czdafn3b7x-a"),
            Hash::digest(HashAlgo::Sha256, b"x"),
            1,
        );
        i.references
            .insert(path("1c6kzph7l0dcbfmjap64f0czdafn3b7x-gone"));
        let e = db.register(&[i], &BTreeMap::new()).expect_err("must fail");
        assert!(
            e.to_string()
                .contains("1c6kzph7l0dcbfmjap64f0czdafn3b7x-gone"),
            "{e}"
        );
        assert!(
            !db.is_valid(&path("0c6kzph7l0dcbfmjap64f0czdafn3b7x-a"))
                .expect("q")
        );
    }
}
