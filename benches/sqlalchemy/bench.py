#!/usr/bin/env python3
"""The SQLAlchemy 2.x side of the runtime benchmarks (benches/runtime, see BENCHMARKS.md).

Runs the Rust harness's workloads on the database the harness set up (schema and data are
the harness's: this script only reads, except the insert workload, which appends users as
the Rust sides do), each in two flavours:

- core: `Table` objects, `select(...)` / `insert(...)`, `conn.execute(...)`;
- orm:  declarative mapped classes with relationships, `Session.scalars(select(User))`,
        `selectinload` for the association workloads, `session.add_all` + `commit` for
        inserts.

Each call does what a request handler does: takes a connection from the engine's pool
(`engine.connect()` / `Session(engine)`) and returns it. Both engines run in AUTOCOMMIT
(psycopg2 sends no BEGIN/ROLLBACK), so each call sends the same statements as the Rust
sides, one round trip each; `--transactional` keeps SQLAlchemy's default (a transaction
per call: BEGIN ... ROLLBACK/COMMIT) for comparison.

One workload, printed as one JSON line (median wall time per call, in seconds):

    python3 bench.py --url URL --workload select --size 100 --calls 500

Driven by the harness (`--serve`): one JSON request a line on stdin, one JSON answer a
line on stdout; the harness interleaves these blocks with its own.

    {"workload": "select", "size": 100, "calls": 10, "first": "orm"}
      -> {"core": [seconds, ...], "orm": [...], "core_check": N, "orm_check": N}
    {"pids": true} -> {"pids": [this process, core backend, orm backend]}

Every call returns a checksum computed like the Rust sides' (benches/runtime/src/data.rs,
plans.rs), so all sides provably did the same work.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from typing import Callable, Optional

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    MetaData,
    Table,
    Text,
    create_engine,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    selectinload,
)

# --- Core: the tables of benches/runtime/src/data.rs -------------------------------------

metadata = MetaData()
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("hair_color", Text),
)
posts = Table(
    "posts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("title", Text, nullable=False),
)
comments = Table(
    "comments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("post_id", Integer, ForeignKey("posts.id"), nullable=False),
    Column("body", Text, nullable=False),
)
big = Table(
    "big",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", Text, nullable=False),
)


# --- ORM: declarative classes for the same tables ---------------------------------------


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    hair_color: Mapped[Optional[str]] = mapped_column(Text)
    posts: Mapped[list["Post"]] = relationship(back_populates="user")


class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(Text)
    user: Mapped[User] = relationship(back_populates="posts")
    comments: Mapped[list["Comment"]] = relationship(back_populates="post")


class Comment(Base):
    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    body: Mapped[str] = mapped_column(Text)
    post: Mapped[Post] = relationship(back_populates="comments")


class Big(Base):
    __tablename__ = "big"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(Text)


# --- Checksums, as the Rust sides compute them -------------------------------------------


def checksum(ids, names) -> int:
    """data.rs `checksum`: sum of ids * 31 + sum of the names' lengths in bytes."""
    return sum(ids) * 31 + sum(len(n.encode()) for n in names)


def assoc_tally(users_n: int, posts_n: int, comments_n: int) -> int:
    """data.rs `associations`."""
    return users_n * 1_000_000 + posts_n * 1000 + comments_n


def loading_tally(users_n: int, posts_n: int, comments_n: int) -> int:
    """plans.rs `associations`."""
    return users_n * 1_000_000_000 + posts_n * 100_000 + comments_n


def blen(s: Optional[str]) -> int:
    return 0 if s is None else len(s.encode())


def in_list_ids(n: int) -> list[int]:
    """plans.rs `in_list`: n ids spread over `big`'s 100 000 rows."""
    return [1 + (i * 7919) % 100_000 for i in range(n)]


# --- The workloads: for a size, a (core, orm) pair of calls returning a checksum ---------


def select_all(core: Engine, orm: Engine, n: int):
    """`SELECT id, name, hair_color FROM users` (all rows)."""

    def core_call() -> int:
        with core.connect() as conn:
            rows = conn.execute(select(users.c.id, users.c.name, users.c.hair_color)).all()
        return checksum((r.id for r in rows), (r.name for r in rows))

    def orm_call() -> int:
        with Session(orm) as session:
            found = session.scalars(select(User)).all()
        return checksum((u.id for u in found), (u.name for u in found))

    return core_call, orm_call


def left_join(core: Engine, orm: Engine, n: int):
    """`users LEFT JOIN posts WHERE hair_color = 'brown'`, selecting name and title."""

    def core_call() -> int:
        query = (
            select(users.c.name, posts.c.title)
            .select_from(users.outerjoin(posts))
            .where(users.c.hair_color == "brown")
        )
        with core.connect() as conn:
            rows = conn.execute(query).all()
        return sum(blen(r.name) + blen(r.title) for r in rows)

    def orm_call() -> int:
        query = (
            select(User.name, Post.title)
            .outerjoin(User.posts)
            .where(User.hair_color == "brown")
        )
        with Session(orm) as session:
            rows = session.execute(query).all()
        return sum(blen(r.name) + blen(r.title) for r in rows)

    return core_call, orm_call


def insert_users(core: Engine, orm: Engine, n: int):
    """n users per call in one INSERT statement (insertmanyvalues)."""
    names = [f"New user {i}" for i in range(n)]
    hair = ["red" if i % 2 == 0 else None for i in range(n)]

    def core_call() -> int:
        rows = [{"name": name, "hair_color": h} for name, h in zip(names, hair)]
        with core.connect() as conn:
            result = conn.execute(insert(users), rows)
            conn.commit()
        return result.rowcount

    def orm_call() -> int:
        new = [User(name=name, hair_color=h) for name, h in zip(names, hair)]
        with Session(orm) as session:
            session.add_all(new)
            session.commit()
        # Rows stored: the objects that got their primary key (read without a query).
        return sum(1 for u in new if inspect(u).has_identity)

    return core_call, orm_call


def three_levels(tally: Callable[[int, int, int], int]):
    """users -> posts -> comments, one level a statement, each user's posts and each
    post's comments grouped (data.rs and plans.rs `associations`)."""

    def make(core: Engine, orm: Engine, n: int):
        def core_call() -> int:
            with core.connect() as conn:
                found = conn.execute(
                    select(users.c.id, users.c.name, users.c.hair_color)
                ).all()
                user_ids = [u.id for u in found]
                by_user: dict[int, list] = {}
                for p in conn.execute(
                    select(posts.c.id, posts.c.user_id, posts.c.title).where(
                        posts.c.user_id.in_(user_ids)
                    )
                ):
                    by_user.setdefault(p.user_id, []).append(p)
                per_user = [by_user.get(uid, []) for uid in user_ids]
                post_ids = [p.id for ps in per_user for p in ps]
                by_post: dict[int, list] = {}
                for c in conn.execute(
                    select(comments.c.id, comments.c.post_id, comments.c.body).where(
                        comments.c.post_id.in_(post_ids)
                    )
                ):
                    by_post.setdefault(c.post_id, []).append(c)
                per_post = [by_post.get(pid, []) for pid in post_ids]
            return tally(
                len(found), sum(map(len, per_user)), sum(map(len, per_post))
            )

        def orm_call() -> int:
            query = select(User).options(
                selectinload(User.posts).selectinload(Post.comments)
            )
            with Session(orm) as session:
                found = session.scalars(query).all()
                n_posts = sum(len(u.posts) for u in found)
                n_comments = sum(len(p.comments) for u in found for p in u.posts)
            return tally(len(found), n_posts, n_comments)

        return core_call, orm_call

    return make


def in_list(core: Engine, orm: Engine, n: int):
    """`SELECT id, name FROM big WHERE id IN (...)` with n ids."""
    ids = in_list_ids(n)

    def core_call() -> int:
        with core.connect() as conn:
            rows = conn.execute(select(big.c.id, big.c.name).where(big.c.id.in_(ids))).all()
        return sum(r.id * 7 + blen(r.name) for r in rows)

    def orm_call() -> int:
        with Session(orm) as session:
            found = session.scalars(select(Big).where(Big.id.in_(ids))).all()
        return sum(b.id * 7 + blen(b.name) for b in found)

    return core_call, orm_call


WORKLOADS = {
    "select": select_all,
    "join": left_join,
    "insert": insert_users,
    "assoc": three_levels(assoc_tally),
    "loading": three_levels(loading_tally),
    "in_list": in_list,
}


# --- Running ----------------------------------------------------------------------------


def engine(url: str, transactional: bool) -> Engine:
    """One pooled connection, as a long-lived application holds it."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            url = "postgresql+psycopg2://" + url[len(scheme) :]
            break
    options = {} if transactional else {"isolation_level": "AUTOCOMMIT"}
    return create_engine(url, pool_size=1, max_overflow=0, **options)


class Bench:
    def __init__(self, url: str, transactional: bool):
        self.core = engine(url, transactional)
        self.orm = engine(url, transactional)
        self.calls: dict[tuple[str, int], tuple[Callable[[], int], Callable[[], int]]] = {}

    def pair(self, workload: str, size: int):
        key = (workload, size)
        if key not in self.calls:
            if workload not in WORKLOADS:
                raise ValueError(f"unknown workload {workload!r}; known: {sorted(WORKLOADS)}")
            self.calls[key] = WORKLOADS[workload](self.core, self.orm, size)
        return self.calls[key]

    def block(self, workload: str, size: int, calls: int, first: str = "core") -> dict:
        """`calls` calls of each flavour in a row, `first` first."""
        core_call, orm_call = self.pair(workload, size)
        order = [("core", core_call), ("orm", orm_call)]
        if first == "orm":
            order.reverse()
        out: dict = {}
        clock = time.perf_counter_ns
        for flavour, call in order:
            times = []
            check = None
            for _ in range(calls):
                t0 = clock()
                check = call()
                times.append((clock() - t0) / 1e9)
            out[flavour] = times
            out[f"{flavour}_check"] = check
        return out

    def pids(self) -> list[int]:
        found = [os.getpid()]
        for eng in (self.core, self.orm):
            with eng.connect() as conn:
                found.append(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())
        return found


def serve(bench: Bench) -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            if req.get("pids"):
                answer = {"pids": bench.pids()}
            else:
                answer = bench.block(
                    req["workload"], int(req["size"]), int(req["calls"]), req.get("first", "core")
                )
        except Exception as e:  # reported to the harness, which stops with it
            answer = {"error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default=os.environ.get("DATABASE_URL"), help="PostgreSQL URL")
    ap.add_argument("--workload", choices=sorted(WORKLOADS))
    ap.add_argument("--size", type=int, default=100)
    ap.add_argument("--calls", type=int, default=100)
    ap.add_argument("--serve", action="store_true", help="answer JSON requests on stdin")
    ap.add_argument(
        "--transactional",
        action="store_true",
        help="SQLAlchemy's default transaction per call (BEGIN ... COMMIT/ROLLBACK)",
    )
    args = ap.parse_args()
    if not args.url:
        ap.error("--url or DATABASE_URL is required")
    bench = Bench(args.url, args.transactional)
    if args.serve:
        serve(bench)
        return
    if not args.workload:
        ap.error("--workload is required (or --serve)")
    bench.block(args.workload, args.size, max(2, args.calls // 10))  # warm-up
    out = bench.block(args.workload, args.size, args.calls)
    print(
        json.dumps(
            {
                "workload": args.workload,
                "size": args.size,
                "calls": args.calls,
                "core_median_s": statistics.median(out["core"]),
                "orm_median_s": statistics.median(out["orm"]),
                "core_check": out["core_check"],
                "orm_check": out["orm_check"],
            }
        )
    )


if __name__ == "__main__":
    main()
