"""The watch on a queue: one RQ job per shop per cycle, run by any number of ``jdpg worker`` processes.

``schedule`` (what ``jdpg watch --queue`` runs each interval) enqueues one job per shop for the
cycle's slot (the time floored to the interval). Several schedulers can run: each (shop, slot) is
claimed once in Redis (``SET NX`` with an expiry) before its job is enqueued under a deterministic id
(``watch-<shop id>-<slot>``), so a second scheduler enqueues nothing for a slot already claimed.

A job is ``pull_shop``: ``cycle.run_shop_cycle`` with the job's id as the lease's owner, so a shop is
never pulled twice at once (the store's lease, one conditional UPDATE, holds across machines), and a
retry of the same job (RQ retries a job whose worker died: ``Retry``, and the workers' maintenance
for an abandoned one) takes its own lease back at once. The orders,
their alert levels and the message reporting them are one transaction (``watch.cycle``): a worker killed
before the commit wrote nothing and the retry reports anew; killed after it, the retry sees the levels
already reported and sends nothing twice.

JD's quota is per app key: every job carries ``RateLimit(key=<app key>, concurrency=K)`` (RQ holds the
others back), and a job makes one JOS call at a time, so at most K calls per app are in flight across
all workers (``JDPG_JOS_CONCURRENCY``, default 2).
"""
import hashlib
import logging
import os
import socket
from dataclasses import replace
from datetime import datetime, timezone

from redis import Redis
from rq import Queue, Retry, Worker
from rq.job import Job
from rq.rate_limit import RateLimit, RateLimitRegistry
from rq.registry import StartedJobRegistry
from sqlalchemy import select

from .store import Shop, Store

log = logging.getLogger("jdpg.watch.queue")
QUEUE_NAME = "jdpg-watch"
# A job's attempts after the first (a worker died, an unexpected error), and the pause before each.
RETRIES = (10, 30, 60)
# A shop's cycle longer than this is stopped (and retried): well under the lease (cycle.DEFAULT_LEASE).
JOB_TIMEOUT = 600
# Seconds between a worker's heartbeats while a job runs (RQ's job monitoring interval).
DEFAULT_HEARTBEAT = 30
# Seconds between RQ's maintenance passes (retries of dead workers' jobs; RQ's default is 10 minutes).
DEFAULT_MAINTENANCE = 30
# How long a finished job's record stays in Redis (the health report reads the queue, not them).
RESULT_TTL = 3600


def connect(url: str) -> Redis:
    return Redis.from_url(url, socket_connect_timeout=5, health_check_interval=30)


def watch_queue(connection: Redis) -> Queue:
    return Queue(QUEUE_NAME, connection=connection)


def slot_of(moment: datetime, interval_minutes: int) -> datetime:
    """The cycle a moment belongs to: the moment floored to the interval (UTC epoch minutes)."""
    minutes = int(moment.timestamp() // 60)
    return datetime.fromtimestamp((minutes - minutes % interval_minutes) * 60, timezone.utc)


def job_id(shop_id: int, slot: datetime) -> str:
    return f"watch-{shop_id}-{slot.strftime('%Y%m%dT%H%M')}"


def rate_key(app_key: str) -> str:
    """The app's concurrency key: a digest, so the app key itself is not a Redis key name."""
    return "jos-app:" + hashlib.sha256(app_key.encode()).hexdigest()[:16]


def schedule(store: Store, queue: Queue, *, interval_minutes: int, concurrency: int,
             as_of: datetime | None = None) -> list[str]:
    """Enqueue one job per shop for the slot of ``as_of`` (default now); the ids of the jobs enqueued
    by this call (none for a slot another scheduler already claimed)."""
    moment = as_of or datetime.now(timezone.utc)
    slot = slot_of(moment, interval_minutes)
    with store.session() as session:
        shops = session.execute(select(Shop.id, Shop.app_key).order_by(Shop.id)).all()
    claims = queue.connection.pipeline()
    for shop_id, _ in shops:
        claims.set(f"jdpg:claim:{job_id(shop_id, slot)}", "1", nx=True, ex=max(interval_minutes * 60 * 3, 3600))
    claimed = claims.execute()
    enqueued = []
    for (shop_id, app_key), won in zip(shops, claimed):
        if not won:
            continue
        ident = job_id(shop_id, slot)
        queue.enqueue(pull_shop, shop_id, as_of.isoformat() if as_of else None, job_id=ident,
                      description=f"shop {shop_id} cycle {slot.isoformat()}",
                      retry=Retry(max=len(RETRIES), interval=list(RETRIES)), job_timeout=JOB_TIMEOUT,
                      result_ttl=RESULT_TTL, failure_ttl=7 * 86400,
                      rate_limit=RateLimit(key=rate_key(app_key), concurrency=concurrency))
        enqueued.append(ident)
    return enqueued


# The worker's side: one store and one watch per worker, made before its first job; each job runs in a
# forked child (RQ's ``Worker``), which drops the connections it inherited (SQLAlchemy's advice for
# fork: ``dispose(close=False)``) and opens its own.
_process: dict = {}


def _watch():
    if not _process:
        from .cycle import Watch
        from .settings import WatchSettings
        from .store import open_store
        settings = WatchSettings.from_env()
        store = open_store(settings.database_url, settings.secret_key)
        _process.update(store=store, watch=Watch.from_env(store, settings), pid=os.getpid())
    if _process["pid"] != os.getpid():
        _process["store"].engine.dispose(close=False)
        _process["pid"] = os.getpid()
    return _process["store"], _process["watch"]


def pull_shop(shop_id: int, as_of: str | None = None) -> dict:
    """One shop's cycle as a job; what it returns is the job's result (outcome, open orders, sent)."""
    from rq import get_current_job

    from .cycle import run_shop_cycle
    store, watch = _watch()
    job = get_current_job()
    owner = f"job:{job.id}" if job else f"{socket.gethostname()}:{os.getpid()}"
    moment = datetime.fromisoformat(as_of) if as_of else None
    with store.session() as session:
        outcome = run_shop_cycle(session, shop_id, replace(watch, owner=owner), as_of=moment)
    if outcome.outcome == "busy":  # another run of this shop holds the lease: try again later
        raise RuntimeError(f"shop {shop_id} is busy (another run holds its lease)")
    return {"shop": outcome.shop, "outcome": outcome.outcome, "orders": outcome.orders, "sent": outcome.sent,
            "message": outcome.message}


def run_worker(url: str, *, burst: bool = False, heartbeat: int = DEFAULT_HEARTBEAT,
               maintenance: int = DEFAULT_MAINTENANCE) -> bool:
    """A worker on the watch's queue until stopped (``burst``: until the queue is empty). Each job runs
    in a child forked from this process, so the rules engine is loaded once and a job that crashes
    (or is killed) leaves the worker running; the worker retries it. ``heartbeat``: seconds between the
    worker's heartbeats; a worker that dies is noticed ``heartbeat`` + 60 s after its last one.
    ``maintenance``: seconds between RQ's maintenance, which one worker at a time runs (under RQ's
    lock): it retries the jobs of dead workers (abandoned in the started registry, or dequeued and
    stuck in the intermediate queue for over a minute). Every worker may run RQ's scheduler (one at a
    time): it enqueues the retries when due."""
    connection = connect(url)
    worker = Worker([watch_queue(connection)], connection=connection, job_monitoring_interval=heartbeat,
                    maintenance_interval=maintenance, name=f"jdpg-{socket.gethostname()}-{os.getpid()}",
                    worker_ttl=maintenance + 15)   # an idle worker wakes every `maintenance` s (RQ waits ttl - 15)
    return worker.work(burst=burst, logging_level="WARNING", with_scheduler=True)


def queue_health(url: str) -> dict:
    """The queue's depth (jobs waiting, those the per-app limit holds back included), the jobs running,
    and the oldest waiting job's age in seconds (None when none waits)."""
    connection = connect(url)
    try:
        return _health(connection)
    finally:
        connection.close()


def _health(connection: Redis) -> dict:
    queue = watch_queue(connection)
    now = datetime.now(timezone.utc)
    since = []
    head = queue.get_job_ids(0, 0)
    if head:
        job = Job.fetch(head[0], connection=connection)
        if job.enqueued_at:
            since.append(job.enqueued_at.replace(tzinfo=timezone.utc).timestamp())
    held = 0
    for registry in RateLimitRegistry.all(connection):
        held += connection.zcard(registry.rate_limited_key)
        since += [score for _, score in connection.zrange(registry.rate_limited_key, 0, 0, withscores=True)]
    return {"queue": QUEUE_NAME, "depth": queue.count + held, "running": StartedJobRegistry(queue=queue).count,
            "oldest_job_age_seconds": round(now.timestamp() - min(since), 1) if since else None}
