"""Opening the database a URL names, and bringing its schema to the current version.

SQLite (the default, a file beside the index) runs in WAL mode with a busy timeout, so several
worker processes can write to one file; PostgreSQL (`postgresql://...`, several replicas sharing
one store) goes through psycopg 3, with connections checked before use so a database that went
away and came back is reconnected to without a restart.

Migrations are Alembic revisions in migrations/versions/, applied on start by `migrate` without
an env.py or alembic.ini (the service calls Alembic's runtime directly). Concurrent starts are
serialised: a PostgreSQL advisory lock held for the migrating transaction, a file lock beside a
SQLite database.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url

from .schema import VERSION_TABLE

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK_KEY = 0x6775_6964_6562  # "guideb": any constant shared by every replica
SQLITE_BUSY_SECONDS = 5.0
PG_CONNECT_SECONDS = 3


def store_url(raw: str) -> URL:
    """The URL with the driver guidebot uses: psycopg 3 for PostgreSQL (also for `postgres://`)."""
    url = make_url(raw.replace("postgres://", "postgresql://", 1) if raw.startswith("postgres://") else raw)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(f"GUIDEBOT_DATABASE_URL must name a sqlite:/// file or a postgresql:// server "
                         f"(got {url.get_backend_name()})")
    return url


def open_engine(raw_url: str) -> Engine:
    url = store_url(raw_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=2, pool_recycle=1800,
                         connect_args={"connect_timeout": PG_CONNECT_SECONDS})


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()


def migrate(engine: Engine) -> str:
    """Apply every migration the database lacks (one transaction); returns the revision now current."""
    config = _config()
    script = ScriptDirectory.from_config(config)
    with _migration_lock(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        _upgrade(conn, config, script)
    revision = current_revision(engine)
    assert revision is not None
    return revision


def _upgrade(conn: Connection, config: Config, script: ScriptDirectory) -> None:
    def steps(revision, _context):  # type: ignore[no-untyped-def]
        return script._upgrade_revs("head", revision)

    with EnvironmentContext(config, script, fn=steps, destination_rev="head") as env:
        env.configure(connection=conn, version_table=VERSION_TABLE, transactional_ddl=True)
        with env.begin_transaction():
            env.run_migrations()


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """For a SQLite file: an exclusive flock on `<file>.migrate.lock` while migrating."""
    database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(Path(database).with_name(Path(database).name + ".migrate.lock"), "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
