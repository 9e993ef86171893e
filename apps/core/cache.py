"""Django's Redis cache, keeping one redis-py client per connection pool, and falling back to process memory while
Redis is unreachable.

Django builds a new `redis.Redis` object for every cache call; since redis-py 5 that copies a few hundred response
callbacks each time, about a quarter of a millisecond per call, more than the round trip itself. A client is
thread-safe and only borrows connections from its pool, so one per pool is enough.

Redis is optional at run time: when a call finds it unreachable, that call and every call for the next
RETRY_REDIS_AFTER seconds use a local in-memory cache instead (pages and API keep answering; rate limits count per
process meanwhile). Keys written meanwhile are deleted from Redis when it answers again, so that no answer cached
there before the outage (a dossier's public tracking) outlives a change made during it.

Without Redis (the embedded setup) the cache is `LocalCache`: process memory, with the rate-limit counters in a
small SQLite file that all the processes of the machine share (`SharedCounters`)."""

import collections
import contextlib
import logging
import os
import sqlite3
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("congvu.cache")

REDIS_UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_REDIS_AFTER = 5.0  # seconds: a dead Redis costs one failed connection per process this often, not every call
MAX_MISSED_KEYS = 100_000


class _Outage:
    """Whether a Redis server is taken as down, and the keys written locally meanwhile. One per server, shared by
    the threads of the process (Django makes a cache object per thread)."""

    def __init__(self):
        self.down_until = 0.0
        self.missed: set[str] = set()
        self.lock = threading.Lock()

    def is_down(self) -> bool:
        return time.monotonic() < self.down_until

    def begin(self, server, error: Exception) -> None:
        if not self.down_until:
            logger.warning("Redis %s unreachable (%s): using the local cache", server, error)
        self.down_until = time.monotonic() + RETRY_REDIS_AFTER

    def remember(self, made_keys) -> None:
        with self.lock:
            if len(self.missed) < MAX_MISSED_KEYS:
                self.missed.update(made_keys)

    def take_missed(self) -> list[str]:
        with self.lock:
            keys, self.missed = list(self.missed), set()
        return keys


_outages: dict[str, _Outage] = {}
_dropped_after_outage: set[str] = set()


def drop_after_outage(key: str) -> None:
    """Have Redis forget `key` whenever it answers again after an outage: a mark saying that Redis holds something
    complete, which the writes of the outage (kept in each process's memory, lost with it) may have made untrue."""
    _dropped_after_outage.add(key)


_outages_lock = threading.Lock()


def _outage_of(server: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(server, _Outage())


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


# A fill waiting for the next round trip is dropped after this long: it was read before any change the publisher
# made since, and once the publisher's own answer has expired, SET NX would no longer keep the older one out.
SOON_SECONDS = 2.0


# converge_many's script: atomic per key, so a publisher's SET cannot fall between the comparison and the write.
_CONVERGE = """
local set = 0
for i, key in ipairs(KEYS) do
  local value, current = ARGV[i + 1], redis.call('GET', key)
  if not current then
    redis.call('SET', key, value, 'EX', ARGV[1])
    set = set + 1
  elseif current == value then
    redis.call('EXPIRE', key, ARGV[1])
  else
    redis.call('DEL', key)
  end
end
return set
"""


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
        self._server = server
        self._outage = _outage_of(server)
        # LocMemCache keeps its data per name at module level: every thread's fallback is the same memory.
        self._fallback = _LocalFallback(f"redis-fallback:{server}", {**params, "OPTIONS": {"MAX_ENTRIES": 10_000}})
        self._soon: collections.deque = collections.deque(maxlen=256)  # see add_soon (an instance per thread)

    def _degrading(self, method: str, *args, written=(), version=None, **kwargs):
        """Run `method` on Redis, or on the local cache while Redis is unreachable. `written`: the keys it writes."""
        if not self._outage.is_down():
            try:
                if self._outage.down_until:
                    self._recover()
                return self._on_redis(method, *args, **kwargs)
            except REDIS_UNREACHABLE as error:
                self._outage.begin(self._server, error)
        if written:
            self._outage.remember(self.make_and_validate_key(key, version) for key in written)
        return getattr(self._fallback, method)(*args, **kwargs)

    def _on_redis(self, method: str, *args, **kwargs):
        """The Redis implementation of `method`: Django's, or ours for the counting calls."""
        implementation = getattr(RedisCache, method, None) or getattr(SharedClientRedisCache, method)
        return implementation(self, *args, **kwargs)

    def _recover(self) -> None:
        """After an outage: drop in Redis the keys written locally meanwhile (their Redis copy is older), then use
        Redis again. Raises (and stays down) if Redis is still unreachable."""
        missed = self._outage.take_missed()
        client = self._cache.get_client(write=True)
        dropped = [*missed, *(self.make_and_validate_key(key) for key in _dropped_after_outage)]
        try:
            if dropped:
                client.delete(*dropped)
            else:
                client.ping()
        except BaseException:
            self._outage.remember(missed)
            raise
        self._outage.down_until = 0.0
        self._soon.clear()  # read before the outage: a publisher may have written newer answers meanwhile
        self._fallback.clear()  # what was written there would be stale by the next outage
        logger.warning("Redis %s answers again (%s keys written meanwhile dropped there)", self._server, len(missed))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._degrading("add", key, value, timeout, version, written=[key], version=version)

    def get(self, key, default=None, version=None):
        return self._degrading("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._degrading("set", key, value, timeout, version, written=[key], version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._degrading("touch", key, timeout, version, written=[key], version=version)

    def delete(self, key, version=None):
        return self._degrading("delete", key, version, written=[key], version=version)

    def get_many(self, keys, version=None):
        return self._degrading("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._degrading("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._degrading("incr", key, delta, version, written=[key], version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._degrading("set_many", data, timeout, version, written=list(data), version=version)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        return self._degrading("delete_many", keys, version, written=keys, version=version)

    def clear(self):
        self._soon.clear()
        self._fallback.clear()
        return self._degrading("clear")

    def count(self, key: str, timeout: int) -> int:
        """Add one to a counter that expires `timeout` seconds after its first count, in one round trip (Django's
        incr checks that the key exists first and a missing key needs an add: up to three)."""
        return self._degrading("_count", key, timeout, written=[key])

    def count_and_get(self, count_key: str, timeout: int, key: str):
        """`count` and a `get` of another key in the same round trip: (count, value or None)."""
        count, (value,) = self.count_and_get_many(count_key, timeout, [key])
        return count, value

    def count_and_get_many(self, count_key: str, timeout: int, keys: list[str]):
        """`count` and a `get` of each of `keys` in the same round trip: (count, [value or None for each key])."""
        return self._degrading("_count_and_get_many", count_key, timeout, keys, written=[count_key])

    def add_soon(self, key: str, value, timeout: int) -> None:
        """`add`, sent with this thread's next `count_and_get(_many)` instead of in a round trip of its own: a reader
        that caches what it read waits for nothing. Redis refuses it when the key exists (SET NX), so it never
        replaces a newer value written meanwhile. A cache fill: dropped while Redis is unreachable, and when no
        lookup comes within SOON_SECONDS."""
        self._send_soon(key, value, timeout, "NX")

    def set_soon(self, key: str, value, timeout: int) -> None:
        """`set` (it replaces what the key holds), sent as add_soon is: for a value that carries its own check of
        freshness, so that one read before a change cannot stay in the way of the one read after it."""
        self._send_soon(key, value, timeout)

    def _send_soon(self, key: str, value, timeout: int, *flags: str) -> None:
        if not self._outage.is_down():
            made = self.make_and_validate_key(key)
            command = ("SET", made, self._cache._serializer.dumps(value), "EX", timeout, *flags)
            self._soon.append((time.monotonic() + SOON_SECONDS, command))

    def converge_many(self, data: dict, timeout: int) -> int | None:
        """Make Redis agree with `data` (key → value, read from the source just now) without ever writing over a
        value that may be newer: a missing key is set, a key holding the same value is given `timeout` again, a
        key holding another value is deleted (the next reader takes the source's). One round trip; the number of
        keys set, or None when nothing was written: Redis unreachable (the local cache keeps no copies of the
        source) or refusing (out of memory without an eviction policy)."""
        if self._outage.is_down():
            return None
        try:
            return self._converge_many(data, timeout)
        except REDIS_UNREACHABLE as error:
            self._outage.begin(self._server, error)
        except ResponseError as error:
            logger.warning("Redis %s refused to store: %s", self._server, error)
        return None

    def nearly_full(self, share: float = 0.9) -> bool:
        """Whether Redis uses more than `share` of its `maxmemory` (never, without one). False while unreachable."""
        try:
            memory = self._cache.get_client().info("memory")
        except REDIS_UNREACHABLE:
            return False
        return bool(memory["maxmemory"]) and memory["used_memory"] > share * memory["maxmemory"]

    def _converge_many(self, data: dict, timeout: int) -> int:
        if not data:
            return 0
        client = self._cache.get_client(write=True)
        script = client.register_script(_CONVERGE)  # only hashes it: sent by EVALSHA, by EVAL the first time
        dumps = self._cache._serializer.dumps
        keys = [self.make_and_validate_key(key) for key in data]
        return script(keys=keys, args=[timeout, *(dumps(value) for value in data.values())], client=client)

    def _count(self, key: str, timeout: int) -> int:
        return self._pipeline([("INCR", key), ("EXPIRE", key, timeout, "NX")])[0]

    def _count_and_get_many(self, count_key: str, timeout: int, keys: list[str]):
        count_key = self.make_and_validate_key(count_key)
        now, soon = time.monotonic(), []
        while self._soon:  # their answers (even errors) do not matter
            until, command = self._soon.popleft()
            if until > now:
                soon.append(command)
        gets = [("GET", self.make_and_validate_key(key)) for key in keys]
        essential = 2 + len(gets)
        count, _expiry, *values = self._pipeline(
            [("INCR", count_key), ("EXPIRE", count_key, timeout, "NX"), *gets, *soon], made=True, essential=essential
        )[:essential]
        loads = self._cache._serializer.loads
        return count, [None if value is None else loads(value) for value in values]

    def _pipeline(self, commands: list[tuple], *, made: bool = False, essential: int | None = None) -> list:
        """Send the commands down one pooled connection as a packed pipeline: redis-py's pipeline object costs more
        CPU than Redis does. Keys are already prefixed when `made`. Every answer is read before an error answer of
        the first `essential` commands (all by default) is raised, so nothing is left unread on the connection."""
        if not made:
            commands = [(name, self.make_and_validate_key(key), *rest) for name, key, *rest in commands]
        pool = self._cache._get_connection_pool(write=True)
        connection = pool.get_connection()
        try:
            connection.send_packed_command(connection.pack_commands(commands))
            answers = []
            for _command in commands:
                try:
                    answers.append(connection.read_response())
                except ResponseError as error:
                    answers.append(error)
        except BaseException:
            connection.disconnect()
            raise
        finally:
            pool.release(connection)
        for answer in answers[:essential]:
            if isinstance(answer, ResponseError):
                raise answer
        return answers


class _LocalFallback(LocMemCache):
    """The local cache used while Redis is unreachable, with the two counting calls of SharedClientRedisCache."""

    def _count(self, key: str, timeout: int) -> int:
        try:
            return self.incr(key)
        except ValueError:  # no counter yet in this window
            if self.add(key, 1, timeout):
                return 1
            return self.incr(key)

    def _count_and_get_many(self, count_key: str, timeout: int, keys: list[str]):
        return self._count(count_key, timeout), [self.get(key) for key in keys]


# --- without Redis: counters shared by the processes of one machine ------------------------------------------------

_UPSERT = (
    "INSERT INTO counter (key, n, expires) VALUES (?1, 1, ?2) ON CONFLICT (key) DO UPDATE SET "
    "n = CASE WHEN expires <= ?3 THEN 1 ELSE n + 1 END, expires = CASE WHEN expires <= ?3 THEN ?2 ELSE expires END "
    "RETURNING n"
)
PRUNE_EVERY = 60.0  # seconds: each process deletes the expired counters at most this often


class SharedCounters:
    """Counters that expire, in a small SQLite file that every process of this machine opens (gunicorn's workers,
    the Huey worker): the rate limits of the embedded setup, where the cache itself is each process's own memory.

    One statement per count, an atomic upsert (`INSERT … ON CONFLICT DO UPDATE … RETURNING n`): SQLite serialises
    writers on the file, so two processes never lose a count. A file of its own, not the application's database:
    counting every public request there would queue those requests behind the dossiers' write transactions (and
    them behind the requests). WAL, no fsync: the counters are worth a minute; a crash may lose some, nothing else.
    When the file cannot be written (read-only, locked for seconds), counting falls back to process memory."""

    def __init__(self, path):
        self.path = str(path)
        self._local = threading.local()
        self._pruned_at = 0.0
        self._fallback = _LocalFallback(f"counters-fallback:{self.path}", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
        self._failing_since = 0.0

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():  # a new thread, or a process forked after opening
            connection = sqlite3.connect(self.path, timeout=2.0, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS counter (key TEXT PRIMARY KEY, n INTEGER NOT NULL, expires REAL NOT NULL)"
            )
            local.connection, local.pid = connection, os.getpid()
        return local.connection

    def count(self, key: str, timeout: float) -> int:
        """Add one to `key` and answer its count; the counter restarts `timeout` seconds after its first count."""
        now = time.time()
        if self._failing_since and time.monotonic() - self._failing_since < RETRY_REDIS_AFTER:
            return self._fallback._count(key, int(timeout))
        try:
            connection = self._connection()
            (count,) = connection.execute(_UPSERT, (key, now + timeout, now)).fetchone()
            if now - self._pruned_at > PRUNE_EVERY:
                self._pruned_at = now
                connection.execute("DELETE FROM counter WHERE expires <= ?", (now,))
        except sqlite3.Error as error:
            if not self._failing_since:
                logger.warning("Rate-limit counters %s unusable (%s): counting in process memory", self.path, error)
            self._failing_since = time.monotonic()
            self._local.pid = None  # open it again next time
            return self._fallback._count(key, int(timeout))
        if self._failing_since:
            self._failing_since = 0.0
            logger.warning("Rate-limit counters %s usable again", self.path)
        return count

    def clear(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._connection().execute("DELETE FROM counter")
        self._fallback.clear()


_counters: dict[str, SharedCounters] = {}


def _counters_at(path: str) -> SharedCounters:
    with _outages_lock:
        return _counters.setdefault(str(path), SharedCounters(path))


class LocalCache(LocMemCache):
    """The cache without Redis: process memory for cached values (each gunicorn worker its own), and `count` (rate
    limits) on counters shared by every process of the machine (`OPTIONS["COUNTER_FILE"]`, see SharedCounters).
    Deliberately no `count_and_get`: the public tracking answer must not be cached per process (a change made in
    one worker could not drop the copy another one keeps)."""

    def __init__(self, name, params):
        options = dict(params.get("OPTIONS") or {})
        counter_file = options.pop("COUNTER_FILE")
        super().__init__(name, {**params, "OPTIONS": options})
        self.counters = _counters_at(counter_file)

    def count(self, key: str, timeout: int) -> int:
        return self.counters.count(self.make_and_validate_key(key), timeout)

    def clear(self):
        super().clear()
        self.counters.clear()
