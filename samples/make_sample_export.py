"""Generate the sample JD order export (订单导出) that ships in ``samples/`` and feeds the bench.

The file looks like what a POP merchant downloads from the seller backend's export centre
during Jingxi's 618 2022: GBK encoded, the backend's headers, order ids protected as
``="…"`` so Excel keeps every digit, one line per SKU (an order's order-level columns repeat
on each of its lines), COD orders without a payment time, a few damaged lines, and the
merchant's own columns after the backend's: 快递揽收时间 (the carrier's pickup scan, which
needs ``--map 快递揽收时间=picked_up_at``), the subsidy activity and 满3免3. Every value is made up; the seed makes the
file byte-for-byte reproducible.

    python samples/make_sample_export.py                      # rewrites samples/jd_orders_export.csv
    python samples/make_sample_export.py --lines 1000000 -o /tmp/big.csv
"""
import argparse
import csv
import itertools
import random
import sys
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

SAMPLE = Path(__file__).with_name("jd_orders_export.csv")
SEED = 618
# The time the sample is read at (the README's --as-of): the last day of the 618 window.
AS_OF = datetime(2022, 6, 20, 12, 0, 0)
FIRST_PAID = datetime(2022, 6, 8, 0, 0, 0)
PEAK_START = datetime(2022, 6, 16, 0, 0, 0)
# Beyond this many lines the same orders repeat under new order ids, so that a bench-sized
# file takes seconds to make; the sample itself is all distinct orders.
DISTINCT_LINES = 50_000
HEADER = ["订单号", "商品ID", "商品名称", "订购数量", "京东价", "支付方式", "下单时间", "付款确认时间",
          "订单金额", "运费金额", "应付金额", "订单状态", "订单类型", "下单帐号", "客户姓名", "联系电话",
          "客户地址", "订单备注", "商家备注", "出库时间", "订单完成时间",
          # The merchant's own columns, pasted in from the carrier's and the activity's sheets.
          "快递揽收时间", "补贴活动", "补贴金额", "满3免3"]
PRODUCTS = [
    ("100023456781", "【京喜】纯棉短袖T恤男夏季，宽松百搭 白色 XL", "29.90"),
    ("100023456782", "儿童保温杯 316不锈钢 带吸管 500ml 小黄鸭", "39.90"),
    ("100031415926", "家用抽纸 3层100抽×24包 整箱", "35.80"),
    ("100027182818", "不粘锅炒锅 32cm 燃气电磁炉通用", "89.00"),
    ("100016180339", "无线蓝牙耳机 半入耳式 超长续航", "129.00"),
    ("100014142135", "洗衣凝珠 8g×52颗 持久留香", "24.90"),
    ("100017320508", "夏季冰丝凉席三件套 1.8m床", "159.00"),
    ("100022360679", "手机支架 桌面懒人支架 可折叠", "9.90"),
    ("100026457513", "东北大米 5kg 2022新米 真空包装", "45.50"),
    ("100019999999", "电风扇 落地扇 家用 遥控定时 静音", "199.00"),
    ("100011223344", "女士防晒衣 UPF50+ 冰丝透气 \"轻薄款\"", "59.00"),
    ("100055667788", "螺蛳粉 330g×5袋 广西柳州特产", "49.90"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
CITIES = ["广东省深圳市南山区", "北京市朝阳区", "上海市浦东新区", "浙江省杭州市西湖区", "四川省成都市武侯区",
          "湖北省武汉市洪山区", "河南省郑州市金水区", "江苏省南京市鼓楼区", "山东省临沂市兰山区"]
NOTES = ["", "", "", "", "请尽快发货", "不要放快递柜", "618活动价"]


def export_lines(lines: int, seed: int = SEED):
    """``lines`` data lines of the export (one per SKU line), deterministic for a seed."""
    rng = random.Random(seed)
    span = int((AS_OF - FIRST_PAID).total_seconds())
    orders = []
    made = 0
    while made < lines and made < DISTINCT_LINES:
        order = _order(rng, len(orders) + 1, span)
        orders.append(order)
        yield from order[: lines - made]
        made += len(order)
    for repeat in itertools.count(1):
        for number, order in enumerate(orders, start=repeat * len(orders) + 1):
            if made >= lines:
                return
            order_id = _order_id_cell(number)
            for line in order[: lines - made]:
                yield [order_id, *line[1:]]
            made += len(order)


def _order_id_cell(number: int) -> str:
    return f'="{235711131719 + number * 7919}"'


def _order(rng: random.Random, number: int, span: int) -> list[list[str]]:
    # Every 19th order is from the backlog of the 16th's afternoon peak, still in the warehouse
    # hours before its 96-hour deadline (at risk); every 13th was forgotten there (overdue, mostly).
    backlog = number % 19 == 7
    forgotten = number % 13 == 4
    if backlog:
        placed = PEAK_START + timedelta(hours=12, seconds=rng.randrange(5 * 3600))
    elif rng.random() < 0.4:
        # The 618 peak: 06-16 to 06-18, the 96-hour days, take the biggest share of orders.
        placed = PEAK_START + timedelta(seconds=rng.randrange(3 * 86400))
    else:
        placed = FIRST_PAID + timedelta(seconds=rng.randrange(span))
    cod = rng.random() < 0.06
    paid = None if cod else placed + timedelta(seconds=rng.randrange(20, 900))
    concluded = placed if cod else paid
    age = (AS_OF - concluded).total_seconds() / 3600
    skus = rng.sample(PRODUCTS, k=rng.choice((1, 1, 1, 1, 2, 2, 3)))
    quantities = [rng.choice((1, 1, 1, 2, 3)) for _ in skus]
    goods = sum((Decimal(price) * qty for (_, _, price), qty in zip(skus, quantities)), Decimal("0"))
    freight = Decimal("0.00") if goods >= 49 else Decimal("6.00")
    discount = min(goods, Decimal(rng.choice((0, 0, 0, 3, 5, 10))))
    total = goods + freight
    payable = total - discount

    shipped_after = rng.choice((2, 6, 12, 20, 30, 40, 44, 47, 52, 60, 90, 100))
    if backlog or forgotten or age < shipped_after:
        state = "wait_ship"
    else:
        state = "cancelled" if rng.random() < 0.04 else "shipped"
    shipped = picked = finished = None
    if state == "shipped":
        shipped = concluded + timedelta(hours=shipped_after, minutes=rng.randrange(60))
        picked = min(shipped + timedelta(minutes=rng.randrange(20, 360)), AS_OF - timedelta(minutes=5))
        finished = picked + timedelta(days=rng.choice((2, 3, 4)), hours=rng.randrange(24))
        if finished > AS_OF:
            finished = None
    status = {"cancelled": "已取消", "wait_ship": "等待出库", "shipped": "已完成" if finished else "等待确认收货"}[state]

    order_level = {
        "订单号": _order_id_cell(number), "支付方式": "货到付款" if cod else "在线支付",
        "下单时间": _time(placed), "付款确认时间": _time(paid) if paid else "",
        "订单金额": _money(total), "运费金额": _money(freight), "应付金额": _money(payable),
        "订单状态": status, "订单类型": "普通订单",
        "下单帐号": f"jd_{rng.randrange(16**8):08x}", "客户姓名": f"{rng.choice(SURNAMES)}*",
        "联系电话": f"1{rng.choice('3578')}{rng.randrange(10)}****{rng.randrange(10000):04d}",
        "客户地址": f"{rng.choice(CITIES)}****", "订单备注": rng.choice(NOTES), "商家备注": "",
        # The backend writes an unset outbound time as its zero date.
        "出库时间": _time(shipped) if shipped else "0000-00-00 00:00:00",
        "订单完成时间": _time(finished) if finished else "", "快递揽收时间": _time(picked) if picked else "",
        "补贴活动": "", "补贴金额": "", "满3免3": "是" if rng.random() < 0.25 else "",
    }
    if rng.random() < 0.1:
        order_level.update({"补贴活动": "百亿补贴", "补贴金额": _money(min(payable, Decimal(rng.choice((3, 5, 8, 10)))))})
    lines = []
    for (sku, name, price), qty in zip(skus, quantities):
        line = {**order_level, "商品ID": sku, "商品名称": name, "订购数量": str(qty), "京东价": price}
        lines.append([line[column] for column in HEADER])
    if number % 37 == 17:
        lines[0][HEADER.index("付款确认时间")] = "2022-06-31 25:00:00"
    if number % 53 == 29:
        lines[0][HEADER.index("应付金额")] = "12.3.4"
    return lines


def _time(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def _money(amount: Decimal) -> str:
    return str(amount.quantize(Decimal("0.01")))


def write_export(path: Path, lines: int, seed: int = SEED) -> None:
    with open(path, "w", encoding="gbk", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(export_lines(lines, seed))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="生成示例京东订单导出 Generate a sample JD order export (GBK CSV).")
    parser.add_argument("--lines", type=int, default=120, help="data lines (SKU lines), default 120")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("-o", "--output", type=Path, default=SAMPLE)
    args = parser.parse_args(argv)
    write_export(args.output, args.lines, args.seed)
    print(f"{args.output}: {args.lines} lines", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
