"""Sessions in PostgreSQL, read through Redis, that survive a Redis outage.

Django's `cached_db` engine already writes every session to the database and falls back
to it when reading from the cache fails, but two of its cache calls are unguarded: putting
a session loaded from the database back into the cache, and the key-collision check on
creating a session. With Redis down they raised, and a logged-in visitor got an error page.
Deleting (logging out) stays unguarded on purpose: if Redis cannot forget a session, the
logout must fail visibly rather than leave a copy that would be valid again when Redis is
back.
"""

import logging

from django.contrib.sessions.backends import cached_db, db

from transfer_portal.lib.page_cache import CACHE_ERRORS

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
            cache_answers = True
        except CACHE_ERRORS:
            logger.warning("Cache unreachable: session read from the database.")
            data, cache_answers = None, False
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        if cache_answers:
            expiry = self.get_expiry_age(expiry=stored.expire_date)
            try:
                self._cache.set(self.cache_key, data, expiry)
            except CACHE_ERRORS:
                logger.warning("Cache unreachable: session not put back into the cache.")
        return data

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except CACHE_ERRORS:
            pass  # every session is in the database too
        return db.SessionStore.exists(self, session_key)
