//! The job-queue pattern: workers claim jobs no other worker holds, with `SKIP LOCKED`, in
//! two statements per transaction or in one (`UPDATE .. WHERE id IN (SELECT .. FOR UPDATE
//! SKIP LOCKED LIMIT 1)`).

use super::{claims, jobs, other, DDL};
use crate::setup;
use sqlwright::prelude::*;

#[test]
fn job_queue_workers_claim_every_job_exactly_once() {
    const JOBS: i32 = 200;
    const WORKERS: i32 = 4;
    let e = crate::engine_setup(DDL, |b| {
        b.pool_size(WORKERS as usize)
            .statement_timeout(std::time::Duration::from_secs(10))
    });
    let mut conn = e.db.connect().unwrap();
    conn.batch_execute(&format!(
        "INSERT INTO jobs (id, payload) SELECT i, 'job ' || i FROM generate_series(5, {JOBS}) AS i"
    ))
    .unwrap();
    let per_worker: Vec<usize> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..WORKERS)
            .map(|worker| {
                let engine = &e.engine;
                s.spawn(move || {
                    let mut conn = engine.connect().unwrap();
                    let mut done = 0;
                    loop {
                        let claimed = conn
                            .transaction(|tx| {
                                let job: Option<i32> = jobs::table
                                    .filter(jobs::done.eq(false))
                                    .select(jobs::id)
                                    .order_by(jobs::id)
                                    .limit(1)
                                    .for_update()
                                    .skip_locked()
                                    .first(tx)?;
                                let Some(id) = job else { return Ok(false) };
                                update(jobs::table)
                                    .filter(jobs::id.eq(id))
                                    .set((
                                        jobs::done.to(true),
                                        jobs::attempts.to(jobs::attempts + 1),
                                    ))
                                    .execute(tx)?;
                                insert_into(claims::table)
                                    .values((claims::job_id.to(id), claims::worker.to(worker)))
                                    .execute(tx)?;
                                Ok::<_, sqlwright::Error>(true)
                            })
                            .unwrap();
                        if !claimed {
                            return done;
                        }
                        done += 1;
                    }
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    assert_eq!(
        per_worker.iter().sum::<usize>(),
        JOBS as usize,
        "{per_worker:?}"
    );
    let claims_made: i64 = claims::table.count(&mut conn).unwrap();
    let distinct_jobs: i64 = claims::table
        .select(claims::job_id)
        .distinct()
        .count(&mut conn)
        .unwrap();
    assert_eq!((claims_made, distinct_jobs), (JOBS as i64, JOBS as i64));
    let attempts: Vec<i32> = jobs::table
        .select(jobs::attempts)
        .distinct()
        .load(&mut conn)
        .unwrap();
    assert_eq!(attempts, [1]);
    let undone: i64 = jobs::table
        .filter(jobs::done.eq(false))
        .count(&mut conn)
        .unwrap();
    assert_eq!(undone, 0);
}

#[test]
fn a_locked_subquery_claims_a_job_in_one_statement() {
    let mut db = setup(DDL);
    let mut second = other(&db);
    let next = || {
        jobs::table
            .filter(jobs::done.eq(false))
            .select(jobs::id)
            .order_by(jobs::id)
            .limit(1)
            .for_update()
            .skip_locked()
    };
    let claim = || {
        update(jobs::table)
            .filter(jobs::id.in_query(next()))
            .set(jobs::done.to(true))
            .returning(jobs::id)
    };
    let sql = claim().render().sql;
    assert!(
        sql.starts_with("UPDATE \"jobs\" SET \"done\" = $1 WHERE \"jobs\".\"id\" IN (SELECT "),
        "{sql}"
    );
    assert!(
        sql.ends_with(" LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING \"jobs\".\"id\""),
        "{sql}"
    );

    // another transaction holds job 1: the claim skips it and takes job 2
    let mut held = second.begin().unwrap();
    let one: Vec<i32> = jobs::table
        .filter(jobs::id.eq(1))
        .select(jobs::id)
        .for_update()
        .load(&mut held)
        .unwrap();
    assert_eq!(one, [1]);
    assert_eq!(claim().get_results(&mut db.conn).unwrap(), [2]);
    assert_eq!(claim().get_results(&mut db.conn).unwrap(), [3]);
    held.rollback().unwrap();
    assert_eq!(claim().get_results(&mut db.conn).unwrap(), [1]);
    assert_eq!(claim().get_results(&mut db.conn).unwrap(), [4]);
    assert!(claim().get_results(&mut db.conn).unwrap().is_empty());
    let done: i64 = jobs::table
        .filter(jobs::done.eq(true))
        .count(&mut db.conn)
        .unwrap();
    assert_eq!(done, 4);

    // under EXISTS too (nothing is left to claim)
    let claimed = jobs::table
        .filter(sqlwright::query::exists(next()))
        .select(jobs::id)
        .order_by(jobs::id)
        .load(&mut db.conn)
        .unwrap();
    assert!(claimed.is_empty(), "{claimed:?}");
}
