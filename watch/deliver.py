"""Sending one message to a shop's group robot, through the project's one robot client (``server.robots``)."""
from server import robots

# Seconds one message may take, waits for the robot's rate included; the next cycle retries.
DEADLINE_S = 30.0


class NotDelivered(Exception):
    def __init__(self, error: robots.RobotError):
        super().__init__(error.message_en)
        self.message, self.message_en = error.message, error.message_en
        self.maybe_delivered = error.maybe_delivered


def send(kind: str | None, webhook: str, title: str, text: str, *, secret: str | None = None,
         deadline: float = DEADLINE_S) -> None:
    """Raises ``NotDelivered`` (its ``message`` / ``message_en`` say why) when the robot did not take it."""
    try:
        delivery = robots.send(robots.robot(webhook, kind=kind, secret=secret), [robots.Message(title, text)], deadline)
    except robots.RobotError as exc:
        raise NotDelivered(exc) from None
    if not delivery.ok:
        raise NotDelivered(delivery.error)
