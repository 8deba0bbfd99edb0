"""Alembic environment: the URL comes from the caller (``dispatcher db upgrade``)."""

from __future__ import annotations

from alembic import context

import dispatcher.accounts.models
import dispatcher.audit
import dispatcher.flows.models
import dispatcher.rosters.models  # noqa: F401  (register every table)
from dispatcher.db import Base, make_engine

config = context.config
url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")


def run() -> None:
    """Run migrations online against ``url``."""
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
