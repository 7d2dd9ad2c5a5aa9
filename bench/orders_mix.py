"""A realistic generated mix of orders touching every per-order rule family (for benchmarks)."""
import random
from datetime import datetime, timedelta

from shared import BEIJING

START = datetime(2022, 5, 24, tzinfo=BEIJING)


def _t(dt):
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def generate(count: int, seed: int = 618) -> list:
    rng = random.Random(seed)
    orders = []
    for i in range(count):
        platform = rng.choice(("jingxi", "jingxi", "jd", "jd_international"))
        if platform == "jd":
            paid = datetime(2023, 3, 1, tzinfo=BEIJING) + timedelta(seconds=rng.randrange(120 * 86400))
        else:
            paid = START + timedelta(seconds=rng.randrange(28 * 86400))
        amount = rng.choice(("6.40", "15.00", "29.90", "129.00", "399.00", "3299.00"))
        order = {"order_id": str(235711131719 + i), "platform": platform, "paid_at": _t(paid),
                 "placed_at": _t(paid - timedelta(minutes=rng.randrange(1, 30))), "payment_method": "online",
                 "paid_amount": amount, "quantity": rng.randrange(1, 4)}
        roll = rng.random()
        if roll < 0.6:
            order["picked_up_at"] = _t(paid + timedelta(hours=rng.uniform(2, 110)))
            order["received_at"] = _t(paid + timedelta(hours=rng.uniform(120, 200)))
        elif roll < 0.7:
            order["order_status"] = "等待确认收货"
        if rng.random() < 0.2:
            order["subsidy_activity"], order["subsidy_amount"] = "百亿补贴", "5.00"
        if platform == "jd" and rng.random() < 0.3:
            order["price_match"] = {"competitor_platform": "tmall", "competitor_paid_amount": "109.00",
                                    "competitor_monthly_sales": 150, "same_product": True, "service_mark": True,
                                    "claimed_at": _t(paid + timedelta(hours=rng.uniform(0, 30)))}
        if platform == "jingxi" and rng.random() < 0.5:
            order["red_envelope"] = {"qualifying": True}
        if platform == "jd_international" and rng.random() < 0.5:
            order["price_commitment"] = {"post_window_lowest_price": "99.00"}
            order["services"] = {"freight_insurance": True, "lightning_refund": rng.random() < 0.9}
        if rng.random() < 0.1:
            order["return_request"] = {"requested_at": _t(paid + timedelta(days=8)), "user_level": "S3",
                                       "in_lightning_scope": True, "credit_limit": "5000", "pickup": True}
        if rng.random() < 0.05:
            order["after_sales"] = {"delay_report_approved": True}
        if rng.random() < 0.1:
            order["weight_kg"] = "1.2"
        orders.append(order)
    return orders
