"""``jdpg worker --queue redis://…`` and the scheduling loop of ``jdpg watch --queue redis://…``.

A worker runs shop jobs (``watch.queue.pull_shop``) until stopped; start any number, on any number of
machines, with the same ``JDPG_DATABASE_URL``, ``JDPG_SECRET_KEY`` and queue. The scheduler enqueues one
job per shop each interval; it pulls nothing itself. The workers retry the jobs of workers that died.
"""
import argparse
import logging
import signal
import threading

from .queue import DEFAULT_HEARTBEAT, DEFAULT_MAINTENANCE, connect, run_worker, schedule, watch_queue
from .settings import WatchSettings

# How often the scheduler looks: a new slot is enqueued within this of its start.
TICK_SECONDS = 30


def worker_parser(prog: str, default_queue: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{prog} worker",
        description="运行监控任务：每个任务拉取一个店铺 Run the watch's jobs, one shop each, from the Redis queue "
                    "that `jdpg watch --queue` fills. Run any number, on any number of machines.")
    parser.add_argument("--queue", default=default_queue, required=default_queue is None, metavar="redis://…",
                        help="Redis 地址 the queue's Redis (env JDPG_WATCH_QUEUE)")
    parser.add_argument("--burst", action="store_true", help="队列空了就退出 exit once the queue is empty")
    parser.add_argument("--heartbeat", type=int, default=DEFAULT_HEARTBEAT, metavar="SECONDS",
                        help=f"心跳间隔秒数 seconds between heartbeats (default {DEFAULT_HEARTBEAT}); a worker that "
                             "dies mid-job has its job retried about this + 60 s after its last heartbeat")
    parser.add_argument("--maintenance", type=int, default=DEFAULT_MAINTENANCE, metavar="SECONDS",
                        help=f"维护间隔秒数 seconds between retries of dead workers' jobs (default {DEFAULT_MAINTENANCE})")
    return parser


def worker_main(argv, prog: str = "jdpg") -> int:
    from .cli import _guarded

    @_guarded
    def run(argv, prog):
        settings = WatchSettings.from_env()
        args = worker_parser(prog, settings.queue_url).parse_args(argv)
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
        from .queue import _watch
        _watch()  # the store and the key checked before the first job, not at it
        for name in ("heartbeat", "maintenance"):
            if not 1 <= getattr(args, name) <= 600:
                worker_parser(prog, settings.queue_url).error(f"--{name} 应为 1–600 秒 / must be 1–600 seconds")
        run_worker(args.queue, burst=args.burst, heartbeat=args.heartbeat, maintenance=args.maintenance)
        return 0
    return run(argv, prog)


def run_scheduler(store, settings: WatchSettings, queue_url: str, *, interval: int, once: bool, as_of=None) -> int:
    """Each tick: enqueue the current slot's jobs, those not enqueued yet (once: one slot, then exit)."""
    queue = watch_queue(connect(queue_url))
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    while True:
        enqueued = schedule(store, queue, interval_minutes=interval, concurrency=settings.jos_concurrency, as_of=as_of)
        print(f"已排队 enqueued {len(enqueued)} shop job(s) on {queue.name}", flush=True)
        if once or stop.wait(TICK_SECONDS):
            return 0
