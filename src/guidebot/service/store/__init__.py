"""Where chat turns and feedback are recorded: a SQLite file by default, PostgreSQL when
GUIDEBOT_DATABASE_URL says so. `schema` is the tables, `database` opening and migrating,
`store.Store` writes and reads, `writer.EventWriter` the bounded queue and background batch
writer that keep the chat path from ever waiting for the database, `events` what is recorded,
`rows` the turn rows as the driver binds them.
"""

from .events import Cited, Event, FeedbackEvent, TurnEvent, TurnRecord
from .store import Purged, Store

__all__ = ["Cited", "Event", "FeedbackEvent", "Purged", "Store", "TurnEvent", "TurnRecord"]
