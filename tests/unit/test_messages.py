"""The sentences of flags, money items and skip reasons come from the vocabulary's templates
(shared/messages.py): rules record words, the renderer writes them. Held here: the sentences are
those of contract v1, word for word; a lean result rendered is the full result; the JavaScript
renderer gets the same words to render (tests/js/fixtures/messages.json, tests/js/messages.test.js).

    JDPG_WRITE_FIXTURES=1 .venv/bin/python -m pytest -q tests/unit/test_messages.py   # rewrite the fixture
"""
import ast
import json
import os
import re
import sys

import pytest

from shared import messages, parse_time
from shared.annotate import annotate_batch
from shared.options import Options
from shared.order_input import parse_order
from shared.rules import context
from shared.store import evaluate_store
from shared.vocabulary import VOCAB
from tests.support import ROOT

LEAN = Options(detail="lean")

FIXTURE = ROOT / "tests" / "js" / "fixtures" / "messages.json"
AS_OF = "2022-06-20T12:00:00+08:00"
AS_OF_2024 = "2024-08-20T12:00:00+08:00"
PLACEHOLDER = re.compile(r"\{(\w+)\}")

# Orders raising every message the rules can say, by the time they are checked at (price match and
# return value protection came into force later).
REPRESENTATIVE = {AS_OF: [
    # shipping
    {"order_id": "late", "platform": "jingxi", "paid_at": "2022-06-16 10:00:00", "picked_up_at": "2022-06-20 11:00:00",
     "subsidy_activity": "百亿补贴", "subsidy_amount": "12.50", "subsidy_cap": "20.00", "weight_kg": "1.3"},
    {"order_id": "late-outbound", "platform": "jd", "paid_at": "2022-06-10 10:00:00", "shipped_at": "2022-06-12 10:30:00",
     "subsidy_amount": "30.00", "subsidy_cap": "20.00"},
    {"order_id": "late-minutes", "platform": "jd", "paid_at": "2022-03-01 10:00:00", "picked_up_at": "2022-03-03 10:07:00",
     "subsidy_activity": "京享礼金"},
    {"order_id": "overdue", "platform": "jd_international", "paid_at": "2022-06-14 21:54:03", "weight_kg": "1.3"},
    {"order_id": "at-risk", "platform": "jd", "paid_at": "2022-06-18 13:30:00"},
    {"order_id": "promise", "platform": "jd", "paid_at": "2022-06-18 20:00:00", "promised_ship_by": "2022-06-20 12:30:00"},
    {"order_id": "shown", "platform": "jd", "paid_at": "2022-06-18 20:00:00", "shown_ship_by": "2022-06-20 13:00:00"},
    {"order_id": "outside", "platform": "jingxi", "campaign": "jingxi_618_2022", "paid_at": "2022-06-21 10:00:00"},
    {"order_id": "cancelled", "platform": "jd", "order_status": "已取消", "paid_at": "2022-06-18 10:00:00"},
    {"order_id": "unknown-status", "platform": "jd", "order_status": "神秘状态", "paid_at": "2022-06-18 10:00:00"},
    {"order_id": "no-paid-at", "platform": "jd"},
    {"order_id": "unreadable", "platform": "jd", "paid_at": "31/02/2022"},
    # price
    {"order_id": "commitment", "platform": "jd_international", "paid_at": "2022-06-10 10:00:00", "paid_amount": "100.00",
     "quantity": 3, "price_commitment": {"post_window_lowest_price": "30.5"}},
    {"order_id": "commitment-claimed", "platform": "jd_international", "paid_at": "2022-06-10 10:00:00",
     "paid_amount": "100.00", "price_commitment": {"unit_price": "100.00", "post_window_lowest_price": "90.00", "claimed": True}},
    {"order_id": "raise-cut", "platform": "jd", "paid_at": "2022-06-19 10:00:00",
     "price_history": {"baseline_price": "100", "peak_price": "150", "activity_price": "100"}},
    {"order_id": "raise-cut-missing", "platform": "jd", "price_history": {"baseline_price": "100"}},
    {"order_id": "protection", "platform": "jd", "paid_at": "2022-06-15 10:00:00", "paid_amount": "200.00", "quantity": 2,
     "price_protection": {"days": 30, "lowest_price_after": "80.00"}},
    {"order_id": "protection-missing", "platform": "jd", "price_protection": {"days": 30}},
    # after-sales
    {"order_id": "return-open", "platform": "jd", "paid_at": "2022-06-10 10:00:00", "received_at": "2022-06-15 10:00:00"},
    {"order_id": "return-closed", "platform": "jd", "paid_at": "2022-06-01 10:00:00", "received_at": "2022-06-05 10:00:00"},
    {"order_id": "return-in-window", "platform": "jd", "paid_at": "2022-06-10 10:00:00", "received_at": "2022-06-15 10:00:00",
     "return_request": {"requested_at": "2022-06-18 10:00:00"}},
    {"order_id": "return-late", "platform": "jd", "paid_at": "2022-06-01 10:00:00", "received_at": "2022-06-05 10:00:00",
     "return_request": {"requested_at": "2022-06-18 10:00:00"}},
    {"order_id": "return-excluded", "platform": "jd", "return_request": {"no_reason_excluded": True}},
    {"order_id": "return-missing", "platform": "jd", "order_status": "已完成", "paid_at": "2022-06-10 10:00:00"},
    {"order_id": "lightning-due", "platform": "jd", "paid_at": "2022-06-10 10:00:00", "paid_amount": "99.00",
     "return_request": {"user_level": "S3", "in_lightning_scope": True, "credit_limit": "500", "waybill_uploaded_at": "2022-06-19 10:00:00"}},
    {"order_id": "lightning-pickup", "platform": "jd", "paid_amount": "99.00",
     "return_request": {"user_level": "S2", "in_lightning_scope": True, "credit_limit": "500", "pickup": True},
     "services": {"freight_insurance": True, "lightning_refund": True}},
    {"order_id": "lightning-picked-up", "platform": "jd", "paid_amount": "99.00",
     "return_request": {"user_level": "S2", "in_lightning_scope": True, "credit_limit": "500", "pickup": True,
                        "picked_up_at": "2022-06-19 10:00:00", "refund_amount": "60.00"}},
    {"order_id": "lightning-eligible", "platform": "jd", "paid_amount": "99.00",
     "return_request": {"user_level": "S2", "in_lightning_scope": True, "credit_limit": "500"}},
    {"order_id": "lightning-missing", "platform": "jd", "return_request": {"user_level": "S2"}},
    {"order_id": "lightning-refunded", "platform": "jd", "paid_amount": "99.00",
     "return_request": {"lightning_order": True, "refund_amount": "88.00"}},
    {"order_id": "lightning-refunded-unknown", "platform": "jd", "return_request": {"lightning_order": True}},
    {"order_id": "services-required", "platform": "jd_international", "paid_at": "2022-06-10 10:00:00",
     "services": {"freight_insurance": False, "lightning_refund": False}},
    {"order_id": "exempt", "platform": "jd", "after_sales": {"delay_report_approved": True}},
    {"order_id": "exempt-full", "platform": "jd", "after_sales": {"delay_report_approved": True,
     "delay_report_service_id": "S1", "delay_report_reason": "物流延误", "delay_report_delayed_to": "2022-06-25 10:00:00",
     "delay_report_proof": True}, "return_request": {"service_id": "S1"}},
    {"order_id": "report-pending", "platform": "jd", "after_sales": {"delay_report_reason": "物流延误"}},
    {"order_id": "report-pending-full", "platform": "jd", "after_sales": {"delay_report_service_id": "S1",
     "delay_report_reason": "物流延误", "delay_report_delayed_to": "2022-06-25 10:00:00", "delay_report_proof": True}},
    {"order_id": "report-other", "platform": "jd", "after_sales": {"delay_report_approved": True, "delay_report_service_id": "S9"},
     "return_request": {"service_id": "S1"}},
    {"order_id": "negotiated", "platform": "jd", "after_sales": {"negotiated": True}},
    # promotions
    {"order_id": "envelope", "platform": "jingxi", "paid_at": "2022-06-10 10:00:00", "paid_amount": "8.50",
     "red_envelope": {"qualifying": True}},
    {"order_id": "envelope-returned", "platform": "jingxi", "paid_at": "2022-06-10 10:00:00", "paid_amount": "19.00",
     "red_envelope": {"qualifying": True, "refunded_at": "2022-06-19 10:00:00"}},
    {"order_id": "envelope-late-refund", "platform": "jingxi", "paid_at": "2022-06-10 10:00:00", "paid_amount": "19.00",
     "red_envelope": {"qualifying": True, "refunded_at": "2022-08-30 10:00:00"}},
    {"order_id": "envelope-outside", "platform": "jd", "paid_at": "2022-06-10 10:00:00", "paid_amount": "19.00",
     "red_envelope": {"qualifying": True, "activity_end": "2022-06-01 23:59:59"}},
    {"order_id": "envelope-missing", "platform": "jingxi", "paid_at": "2022-06-10 10:00:00"},
    {"order_id": "envelope-partial", "platform": "jd", "paid_at": "2022-06-10 10:00:00", "red_envelope": {"qualifying": True}},
], AS_OF_2024: [
    {"order_id": "pm-owed", "platform": "jd", "placed_at": "2024-08-20 09:00:00", "paid_at": "2024-08-20 09:01:00",
     "paid_amount": "129.00", "price_match": {"competitor_platform": "tmall", "competitor_paid_amount": "109.00",
     "competitor_monthly_sales": 500, "same_product": True, "service_mark": True, "on_sale": True, "proof": True,
     "claimed_at": "2024-08-20 10:00:00"}},
    {"order_id": "pm-verify", "platform": "jd", "placed_at": "2024-08-20 09:00:00", "paid_amount": "129.005",
     "price_match": {"competitor_platform": "pdd_billion_subsidy", "competitor_paid_amount": "109.00",
     "claimed_at": "2024-08-20 10:00:00"}},
    {"order_id": "pm-possible", "platform": "jd", "placed_at": "2024-08-20 09:00:00", "paid_amount": "129.00",
     "price_match": {"competitor_platform": "tmall", "competitor_paid_amount": "100.00"}},
    {"order_id": "pm-expired", "platform": "jd", "placed_at": "2024-08-19 09:00:00", "paid_amount": "129.00",
     "price_match": {"competitor_platform": "tmall", "competitor_paid_amount": "100.00"}},
    {"order_id": "pm-claimed-late", "platform": "jd", "placed_at": "2024-08-19 09:00:00", "paid_amount": "129.00",
     "price_match": {"competitor_platform": "tmall", "competitor_paid_amount": "100.00", "claimed_at": "2024-08-20 08:00:00"}},
    {"order_id": "pm-not-eligible", "platform": "jd", "placed_at": "2024-08-20 09:00:00", "paid_amount": "99.00",
     "price_match": {"competitor_platform": "tmall", "competitor_paid_amount": "100.00", "merchant_type": "jd_xiaodian",
     "service_mark": False, "custom_product": True, "same_product": False, "on_sale": False, "proof": False,
     "competitor_monthly_sales": 3, "exited_at": "2024-08-01 00:00:00"}},
    {"order_id": "pm-unlisted", "platform": "jd", "placed_at": "2024-08-20 09:00:00", "paid_amount": "99.00",
     "price_match": {"competitor_platform": "taobao", "competitor_paid_amount": "90.00"}},
    {"order_id": "pm-not-in-force", "platform": "jd", "placed_at": "2021-01-05 09:00:00", "paid_amount": "99.00",
     "price_match": {"competitor_platform": "tmall", "competitor_paid_amount": "90.00"}},
    {"order_id": "pm-not-applicable", "platform": "jingxi", "placed_at": "2024-08-20 09:00:00", "paid_amount": "99.00",
     "price_match": {"competitor_platform": "tmall", "competitor_paid_amount": "90.00"}},
    {"order_id": "pm-missing", "platform": "jd", "paid_amount": "99.00", "price_match": {"competitor_platform": "tmall"}},
    {"order_id": "reverse-covered", "platform": "jd", "paid_amount": "99.00", "return_request": {"requested_at": "2024-08-19 10:00:00"},
     "services": {"freight_insurance": True}},
    {"order_id": "reverse-not-covered", "platform": "jd", "paid_amount": "3000.005",
     "return_request": {"requested_at": "2024-08-19 10:00:00"}, "services": {"freight_insurance": True}},
]}

# One sentence of each kind, as contract v1 wrote it before sentences came from templates (durations
# since in the one duration format, shared/duration.py).
EXPECTED = [
    ('late', 'flags.LATE_SHIPMENT',
     '超时发货 1 小时：应于 2022-06-20 10:00:00 前揽收（京喜 2022 年 618 2022-06-16 为 96 小时发货日），按揽收时间',
     'Shipped 1 h late: pickup due by 2022-06-20 10:00:00 (Jingxi 618 (2022): 2022-06-16 is a 96 h day), by pickup scan'),
    ('late', 'flags.SUBSIDY_FORFEITED',
     '延迟发货订单平台不予补贴（百亿补贴），损失补贴 ¥12.50',
     'Late-shipped order in 百亿补贴: no platform subsidy; ¥12.50 lost'),
    ('late', 'flags.SHIP_SURCHARGE_ESTIMATE',
     '大促快递涨价估算：1.30 kg 约多付 ¥1.50–¥3.00',
     'Promo carrier surcharge estimate: 1.30 kg costs about ¥1.50–¥3.00 more'),
    ('late', 'losses.SHIP-SUBSIDY',
     '延迟发货订单平台不予补贴（百亿补贴），损失补贴 ¥12.50',
     'Late-shipped order in 百亿补贴: no platform subsidy; ¥12.50 lost'),
    ('late', 'skipped_reasons.RED-ENVELOPE-3FOR3',
     '未提供满3免3信息',
     'no buy-3-get-3 data given'),
    ('late-outbound', 'flags.SUBSIDY_FORFEITED',
     '延迟发货订单平台不予补贴（补贴活动），损失补贴 ¥20.00（补贴上限 ¥20.00）',
     'Late-shipped order in 补贴活动: no platform subsidy; ¥20.00 lost (the subsidy cap of ¥20.00)'),
    ('late-minutes', 'flags.SUBSIDY_FORFEITED',
     '延迟发货订单平台不予补贴（京享礼金）',
     'Late-shipped order in 京享礼金: no platform subsidy'),
    ('overdue', 'flags.SHIP_OVERDUE',
     '已超过发货截止 3 天 15 小时 仍未揽收：截止 2022-06-16 21:54:03（京东国际 2022 年 618 活动期 48 小时发货）',
     'Not picked up 3 d 15 h after the deadline 2022-06-16 21:54:03 (JD International 618 (2022): 48 h to ship)'),
    ('overdue', 'skipped_reasons.PRICE-COMMITMENT',
     '缺少 price_commitment.unit_price（活动单价）, price_commitment.post_window_lowest_price（活动后最低价），无法判断价格承诺',
     'missing price_commitment.unit_price（活动单价）, price_commitment.post_window_lowest_price（活动后最低价）; cannot evaluate the price commitment'),
    ('at-risk', 'flags.SHIP_AT_RISK',
     '距发货截止仅剩 1.5 小时：请于 2022-06-20 13:30:00 前完成揽收（非活动期，平台默认 48 小时）',
     'Only 1.5 h left: pickup due by 2022-06-20 13:30:00 (outside any campaign, platform default 48 h)'),
    ('shown', 'flags.SHIP_PROMISE_DIFFERS',
     '京东显示的承诺发货时间 2022-06-20 13:00:00 与规则计算的 2022-06-20 20:00:00 不同（京东显示的承诺发货时间更早，以其为准）',
     'JD shows ship-by 2022-06-20 13:00:00, the rules give 2022-06-20 20:00:00 (the earlier ship-by time JD shows binds)'),
    ('outside', 'flags.CAMPAIGN_OUTSIDE_WINDOW',
     '订单成交时间 2022-06-21 10:00:00 不在京喜 2022 年 618活动期（2022-05-24 00:00:00 – 2022-06-20 23:59:59）内：未按该活动规则判断，按非活动期平台默认规则判断',
     'Concluded 2022-06-21 10:00:00, outside Jingxi 618 (2022) (2022-05-24 00:00:00 – 2022-06-20 23:59:59): its rules are not applied; the platform defaults apply'),
    ('cancelled', 'skipped_reasons.SHIP-DEADLINE',
     '订单已取消，无需发货',
     'the order is cancelled; nothing to ship'),
    ('unknown-status', 'skipped_reasons.SHIP-DEADLINE',
     '订单状态 “神秘状态” 无法识别：不判断发货时效，以免误报。',
     "Order status '神秘状态' is not one we know: the ship deadline is not judged, to avoid a wrong flag."),
    ('no-paid-at', 'skipped_reasons.PRICE-MATCH',
     '无比价信息，未判断买贵双倍赔',
     'no price-match claim data given'),
    ('unreadable', 'skipped_reasons.SHIP-DEADLINE',
     'paid_at 的值无法读取（见错误），未判断发货时效',
     'paid_at could not be read (see errors); ship deadline not evaluated'),
    ('commitment', 'flags.PRICE_COMMITMENT_BREACH',
     '活动价 ¥33.33 高于活动后 15 日最低价 ¥30.50：如消费者申请差价，商家承担 ¥8.50',
     'Window price ¥33.33 above the post-window low ¥30.50: merchant bears, if the consumer claims, ¥8.50'),
    ('commitment', 'compensation.PRICE-COMMITMENT',
     '活动价 ¥33.33 高于活动后 15 日最低价 ¥30.50：如消费者申请差价，商家承担 ¥8.50',
     'Window price ¥33.33 above the post-window low ¥30.50: merchant bears, if the consumer claims, ¥8.50'),
    ('commitment-claimed', 'flags.PRICE_COMMITMENT_BREACH',
     '活动价 ¥100.00 高于活动后 15 日最低价 ¥90.00：消费者已申请差价，商家承担 ¥10.00',
     'Window price ¥100.00 above the post-window low ¥90.00: merchant bears ¥10.00'),
    ('raise-cut', 'flags.PRICE_RAISE_THEN_CUT',
     '疑似先涨后降：基准价 ¥100.00，预售期最高 ¥150.00，活动价 ¥100.00 并未低于基准价（可能被警告、扣分、下架）',
     'Looks like raise-then-cut: baseline ¥100.00, presale peak ¥150.00, activity price ¥100.00 not below the baseline (warning, deduction, delisting risk)'),
    ('protection', 'flags.PRICE_PROTECTION_EXPOSURE',
     '价保期内降价：单价 ¥100.00 → ¥80.00，2022-07-15 23:59:59 前消费者可申请 ¥40.00',
     'Price drop within price protection: ¥100.00 → ¥80.00; claimable until 2022-07-15 23:59:59: ¥40.00'),
    ('protection', 'compensation.PRICE-PROTECTION',
     '价保期内降价：单价 ¥100.00 → ¥80.00，2022-07-15 23:59:59 前消费者可申请 ¥40.00',
     'Price drop within price protection: ¥100.00 → ¥80.00; claimable until 2022-07-15 23:59:59: ¥40.00'),
    ('return-open', 'flags.RETURN_WINDOW_OPEN',
     '7 天无理由退货期至 2022-06-22 23:59:59',
     '7-day no-reason returns open until 2022-06-22 23:59:59'),
    ('return-closed', 'flags.RETURN_WINDOW_CLOSED',
     '7 天无理由退货期已于 2022-06-12 23:59:59 结束',
     'The 7-day return window closed at 2022-06-12 23:59:59'),
    ('return-in-window', 'flags.RETURN_REQUEST_IN_WINDOW',
     '退货申请在 7 天无理由期内（截止 2022-06-22 23:59:59），须受理',
     'Return requested within the 7-day window (until 2022-06-22 23:59:59): accept it'),
    ('return-late', 'flags.RETURN_WINDOW_CLOSED',
     '退货申请晚于 7 天无理由期（截止 2022-06-12 23:59:59）',
     'Return requested after the 7-day window closed (2022-06-12 23:59:59)'),
    ('return-excluded', 'flags.RETURN_NO_REASON_EXCLUDED',
     '该商品不适用 7 天无理由退货',
     'This item is excluded from 7-day no-reason returns'),
    ('lightning-due', 'flags.LIGHTNING_REFUND_DUE',
     '闪电退款：S3 用户已上传运单，¥99.00 将先行退款',
     'Lightning refund: the S3 user has uploaded a waybill; ¥99.00 is refunded before the goods return'),
    ('lightning-pickup', 'flags.FREE_PICKUP_RETURN',
     '免费上门取退：消费者选择上门取件，退货运费由运费险承担',
     'Free pickup return: the consumer chose pickup; freight insurance pays the return'),
    ('lightning-pickup', 'flags.LIGHTNING_REFUND_ELIGIBLE',
     '符合闪电退款：已预约上门取件，取件后即先行退款',
     'Lightning refund applies once the booked pickup has collected the return'),
    ('lightning-picked-up', 'flags.LIGHTNING_REFUND_DUE',
     '闪电退款：S2 用户已完成上门取件，¥60.00 将先行退款',
     'Lightning refund: the S2 user has had the return picked up; ¥60.00 is refunded before the goods return'),
    ('lightning-eligible', 'flags.LIGHTNING_REFUND_ELIGIBLE',
     '符合闪电退款：用户上传有效运单后即先行退款',
     'Lightning refund applies once the user uploads a valid waybill'),
    ('lightning-refunded', 'flags.LIGHTNING_REFUNDED',
     '闪退订单：京东已先行退款 ¥88.00，退货寄回后请及时验收',
     'Lightning-refund order: JD refunded ¥88.00 before the goods come back; inspect them on arrival'),
    ('lightning-refunded-unknown', 'flags.LIGHTNING_REFUNDED',
     '闪退订单：京东已先行退款，退货寄回后请及时验收',
     'Lightning-refund order: JD refunded before the goods come back; inspect them on arrival'),
    ('services-required', 'flags.FREIGHT_INSURANCE_REQUIRED',
     '京东国际 2022 年 618 活动期间须开通运费险',
     'JD International 618 (2022) requires return-freight insurance during the window'),
    ('services-required', 'flags.LIGHTNING_REFUND_REQUIRED',
     '京东国际 2022 年 618 活动期间须开通闪电退款',
     'JD International 618 (2022) requires lightning refund during the window'),
    ('exempt', 'flags.ASSESSMENT_EXEMPT',
     '延迟售后报备已通过：该服务单从考核数据中剔除（报备内容未提供：服务单号、报备原因、延迟时间、证明图片）',
     'Delayed after-sales report approved: this service order is removed from assessment data (report content not given: service order number, reason, delay time, proof pictures)'),
    ('exempt-full', 'flags.ASSESSMENT_EXEMPT',
     '延迟售后报备已通过：该服务单从考核数据中剔除',
     'Delayed after-sales report approved: this service order is removed from assessment data'),
    ('report-pending', 'flags.DELAY_REPORT_PENDING',
     '延迟售后报备待审核：通过后该服务单从考核数据中剔除；报备还需：服务单号、延迟时间、证明图片',
     'Delayed after-sales report filed: once approved, this service order leaves assessment data; the report still needs: service order number, delay time, proof pictures'),
    ('report-pending-full', 'flags.DELAY_REPORT_PENDING',
     '延迟售后报备待审核：通过后该服务单从考核数据中剔除',
     'Delayed after-sales report filed: once approved, this service order leaves assessment data'),
    ('report-other', 'flags.DELAY_REPORT_OTHER_SERVICE_ORDER',
     '延迟售后报备的服务单号 S9 不是本服务单 S1：不从考核数据中剔除',
     'The delay report names service order S9, not this one (S1): not removed from assessment'),
    ('negotiated', 'flags.NEGOTIATION_SETTLED',
     '友好协商成功：该服务单不会被售后治理规则命中',
     'Settled by friendly negotiation: the after-sales governance rules do not hit this order'),
    ('envelope', 'flags.RED_ENVELOPE_SHARE',
     '满3免3：红包 ¥8.50，商家分摊 ¥4.25（确认收货后从货款扣除）',
     'Buy 3 get 3: envelope ¥8.50, your share ¥4.25 (deducted once receipt is confirmed)'),
    ('envelope', 'compensation.RED-ENVELOPE-3FOR3',
     '满3免3：红包 ¥8.50，商家分摊 ¥4.25（确认收货后从货款扣除）',
     'Buy 3 get 3: envelope ¥8.50, your share ¥4.25 (deducted once receipt is confirmed)'),
    ('envelope-returned', 'flags.RED_ENVELOPE_SHARE_RETURNED',
     '结算期内（2022-07-18 23:59:59 前）退款，满3免3分摊 ¥5.00 返还商家',
     'Refunded inside settlement (before 2022-07-18 23:59:59): the ¥5.00 share comes back'),
    ('envelope-late-refund', 'flags.RED_ENVELOPE_SHARE',
     '结算期（2022-07-18 23:59:59）后退款，满3免3分摊 ¥5.00 不予退回',
     'Refunded after settlement ended (2022-07-18 23:59:59): the ¥5.00 share is not returned'),
    ('envelope-outside', 'flags.RED_ENVELOPE_OUTSIDE_ACTIVITY',
     '成交时间 2022-06-10 10:00:00 不在满3免3活动期内（2022-06-01 23:59:59 结束）：商家无需分摊',
     'Concluded 2022-06-10 10:00:00, outside the buy-3-get-3 activity (ended 2022-06-01 23:59:59): no share'),
    ('pm-owed', 'flags.PRICE_MATCH_OWED',
     '买贵双倍赔应赔 (¥129.00 − ¥109.00) × 2 = ¥40.00（比价天猫）',
     'Price match owed: (¥129.00 − ¥109.00) × 2 = ¥40.00 (vs Tmall)'),
    ('pm-owed', 'compensation.PRICE-MATCH',
     '买贵双倍赔应赔 (¥129.00 − ¥109.00) × 2 = ¥40.00（比价天猫）',
     'Price match owed: (¥129.00 − ¥109.00) × 2 = ¥40.00 (vs Tmall)'),
    ('pm-verify', 'flags.PRICE_MATCH_POSSIBLE',
     '买贵双倍赔申请待核实（同款商品、买贵双倍赔标识、比价商品月销量、比价商品在售可售、有效凭证），成立则赔 (¥129.005 − ¥109.00) × 2 = ¥40.01',
     "Price-match claim to verify (same item, service mark, other item's monthly sales, other item on sale and available, valid proof); if upheld: (¥129.005 − ¥109.00) × 2 = ¥40.01"),
    ('pm-possible', 'flags.PRICE_MATCH_POSSIBLE',
     '消费者可在 2024-08-20 23:59:59 前申请买贵双倍赔：(¥129.00 − ¥100.00) × 2 = ¥58.00',
     'The consumer may claim until 2024-08-20 23:59:59: (¥129.00 − ¥100.00) × 2 = ¥58.00'),
    ('pm-expired', 'flags.PRICE_MATCH_CLAIM_EXPIRED',
     '买贵双倍赔申请期已于 2024-08-19 23:59:59 结束，未申请，无需赔付',
     'The claim window closed at 2024-08-19 23:59:59 with no claim: nothing owed'),
    ('pm-claimed-late', 'flags.PRICE_MATCH_CLAIM_EXPIRED',
     '申请时间 2024-08-20 08:00:00 已过下单当天 23:59:59，无需赔付',
     'Claimed at 2024-08-20 08:00:00, after 23:59:59 of the order day: nothing owed'),
    ('pm-not-eligible', 'flags.PRICE_MATCH_NOT_ELIGIBLE',
     '不适用买贵双倍赔：京东小店不适用；商品无买贵双倍赔标识；定制商品不适用；非同款商品；比价商品未在售或不可售；无有效凭证；同款月销 3 件，不足 100 件；下单时商家已退出活动；京东实付 ¥99.00 不高于天猫 ¥100.00',
     'No price match: not for JD Xiaodian stores; the item carries no price-match mark; custom-made goods are excluded; not the same item; the other item is not on sale and available; no valid proof; the other item sold 3 a month, under 100; the merchant had left the activity when the order was placed; JD paid ¥99.00 is not above Tmall ¥100.00'),
    ('pm-unlisted', 'flags.PRICE_MATCH_NOT_ELIGIBLE',
     '不适用买贵双倍赔：taobao 不是特定平台（仅拼多多百亿补贴、天猫）',
     'No price match: taobao is not a listed platform (only PDD ten-billion subsidy and Tmall)'),
    ('pm-not-in-force', 'flags.PRICE_MATCH_NOT_IN_FORCE',
     '下单时买贵双倍赔尚未生效（2023-02-28 起）',
     'Price match was not in force when the order was placed (from 2023-02-28)'),
    ('pm-not-applicable', 'flags.PRICE_MATCH_NOT_APPLICABLE',
     '买贵双倍赔仅适用于京东开放平台（JD.COM）第三方商家',
     'Price match applies to JD.COM open-platform merchants only'),
    ('reverse-covered', 'flags.REVERSE_VALUE_PROTECTED',
     '逆向保价：揽收时发现货损由平台先行赔付商家',
     'Return value protection: damage found at pickup is paid to you in advance'),
    ('reverse-not-covered', 'flags.REVERSE_VALUE_NOT_COVERED',
     '实付 ¥3000.01 ≥ ¥3000.00，2024-08-31 00:00:00 前不在逆向保价范围',
     'Paid ¥3000.01 ≥ ¥3000.00: not covered before 2024-08-31 00:00:00'),
]



def _items(result) -> list:
    """(where, item) of everything in a result that says something."""
    return ([(f"flags.{f['code']}", f) for f in result["flags"]]
            + [(f"compensation.{i['rule']}", i) for i in result["compensation"]["items"]]
            + [(f"losses.{i['rule']}", i) for i in result["losses"]["items"]]
            + [(f"skipped_reasons.{rule}", why) for rule, why in result["skipped_reasons"].items()])


def _both(engine, orders, as_of):
    full, full_summary = annotate_batch(engine, orders, as_of=parse_time(as_of))
    lean, lean_summary = annotate_batch(engine, orders, as_of=parse_time(as_of), options=LEAN)
    assert full_summary == lean_summary
    return full, lean


def _mix(count: int) -> list:
    sys.path.insert(0, str(ROOT / "bench"))
    from orders_mix import generate
    return generate(count)


@pytest.fixture(scope="module")
def representative(engine):
    """{order_id: (full result, lean result)} of the representative orders."""
    out = {}
    for as_of, orders in REPRESENTATIVE.items():
        full, lean = _both(engine, orders, as_of)
        out.update({f["order_id"]: (f, l) for f, l in zip(full, lean)})
    return out


@pytest.mark.parametrize("order_id, where, message, message_en", EXPECTED, ids=[f"{e[0]}:{e[1]}" for e in EXPECTED])
def test_the_sentences_are_those_of_contract_v1(representative, order_id, where, message, message_en):
    full, lean = representative[order_id]
    said = dict(_items(full))[where]
    assert (said["message"], said["message_en"]) == (message, message_en)
    words = dict(_items(lean))[where]["words"]
    assert messages.sentences(words) == (message, message_en)
    assert (messages.render(words, "zh"), messages.render(words, "en")) == (message, message_en)


def _lean_rendered(lean: dict) -> dict:
    """A lean result with each item's words rendered into message / message_en, as a client does."""
    out = json.loads(json.dumps(lean))
    for _, item in _items(out):
        item["message"], item["message_en"] = messages.sentences(item.pop("words"))
    return out


@pytest.mark.parametrize("as_of", ["2022-06-20 12:00:00", "2022-06-18 09:00:00", "2022-11-11 20:00:00"])
def test_a_lean_result_rendered_is_the_full_result(engine, as_of):
    full, lean = _both(engine, _mix(3000), as_of)
    assert sum(len(_items(r)) for r in lean) > 3000
    for f, l in zip(full, lean):
        assert not any("message" in item or "message_en" in item for _, item in _items(l))
        assert _lean_rendered(l) == f


def test_representative_lean_results_render_to_their_full_results(representative):
    for full, lean in representative.values():
        assert _lean_rendered(lean) == full


def _order_rule_codes() -> set:
    """The message codes the order rules (and the engine's skips) can say, read from their source."""
    codes = set()
    order_rules = [path for path in sorted((ROOT / "shared" / "rules").glob("*.py")) if path.name != "store.py"]
    for path in order_rules + [ROOT / "shared" / "annotate.py"]:  # store rules say metrics' reasons, not items
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "say" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                codes.add(node.args[0].value)
    return codes


def test_every_message_the_rules_can_say_is_said_by_a_representative_order(representative):
    said = {item["words"]["code"] for _, lean in representative.values() for _, item in _items(lean)}
    codes = _order_rule_codes()
    assert len(codes) > 40 and sorted(codes - said) == []


def test_lean_never_calls_the_renderer(engine, monkeypatch):
    """Every sentence rendered loads its template into the renderer's table (``_PAIRS``), and
    every rule's words are rendered through ``context._words``, which keeps the last pair: both
    stay untouched by a lean batch (the summary's coverage reasons are sentences in every detail). (Data, not a function, is watched: the compiled build calls
    its functions directly, past any monkeypatch.)"""
    templates, last = messages._PAIRS, (None, None)  # the table itself, emptied: it is a final name
    kept = dict(templates)
    templates.clear()
    monkeypatch.setattr(context, "_last", last)
    try:
        for as_of, orders in REPRESENTATIVE.items():
            results, _ = annotate_batch(engine, orders, as_of=parse_time(as_of), options=LEAN)
            assert any(_items(r) for r in results)
        assert sorted(set(templates) & _order_rule_codes()) == [] and context._last is last
        annotate_batch(engine, REPRESENTATIVE[AS_OF][:1], as_of=parse_time(AS_OF))
        assert set(templates) & _order_rule_codes() and context._last is not last
    finally:
        templates.update(kept)


def test_an_unknown_detail_is_refused_by_name(engine):
    with pytest.raises(ValueError, match="detail"):
        Options(detail="short")


def _templates(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _templates(value, (*path, key))
    elif isinstance(node, str):
        yield ".".join(path), node


def test_templates_hold_only_name_placeholders_the_same_in_both_languages():
    """What both renderers fill alike (str.format_map, JDPG_VOCAB.fill): {name} and no other brace."""
    texts = dict(_templates({"messages": VOCAB["messages"], "phrases": VOCAB["phrases"]}))
    assert len(texts) > 120 and all(path.endswith((".zh", ".en")) for path in texts)
    for path, text in texts.items():
        assert "{" not in PLACEHOLDER.sub("", text) and "}" not in PLACEHOLDER.sub("", text), path
        if path.endswith(".zh"):
            en = texts[path[:-3] + ".en"]
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(en)), path


def _fixture(engine) -> dict:
    """Words from real lean results and the sentences the Python renderer writes for them."""
    cases = []
    seen = {}
    batches = [(as_of, orders) for as_of, orders in REPRESENTATIVE.items()] + [("2022-06-20 12:00:00", _mix(600))]
    for as_of, orders in batches:
        results, _ = annotate_batch(engine, orders, as_of=parse_time(as_of), options=LEAN)
        for result in results:
            for where, item in _items(result):
                code = item["words"]["code"]
                if seen.get(code, 0) >= 3:
                    continue
                seen[code] = seen.get(code, 0) + 1
                message, message_en = messages.sentences(item["words"])
                cases.append({"order_id": result["order_id"], "where": where, "item": item,
                              "message": message, "message_en": message_en})
    return {"generated_by": "tests/unit/test_messages.py (JDPG_WRITE_FIXTURES=1 to rewrite)", "cases": cases}


def test_the_javascript_fixture_is_current(engine):
    expected = json.dumps(_fixture(engine), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if os.environ.get("JDPG_WRITE_FIXTURES"):
        FIXTURE.parent.mkdir(parents=True, exist_ok=True)
        FIXTURE.write_text(expected, encoding="utf-8")
    assert FIXTURE.read_text(encoding="utf-8") == expected, "run with JDPG_WRITE_FIXTURES=1 to rewrite the fixture"


# Store reports' reasons come from the same templates (messages.store_*), as contract v1 wrote them.
STORES = [
    {"platform": "jd_international", "campaign": "jd_intl_618_2022", "quality_grade": "B", "violation_restricted": False,
     "freight_insurance": True, "lightning_refund": True, "category_in_pickup_scope": True, "category_exempt": True,
     "late_guarantee": True, "products_without_promise_template": 0},
    {"platform": "jd_international", "campaign": "jd_intl_618_2022", "late_guarantee": True, "dropshipping": False,
     "products": [{"sku": "A1", "group_price": "9.90", "units_sold_90d": 50}]},
]
STORE_REASONS = [
    [
        ('pickup_rate_48h', '48 小时揽件率 100.00%：达标', '48-hour pickup rate 100.00%: meets the target'),
        ('daily_risk', '2022-06-10 不在设有日监控阈值的活动内', '2022-06-10 is in no campaign with daily-watch thresholds'),
        ('quality_grade', '商品质量指数均高于 D 级', 'no product at grade D'),
        ('violation_points', '无违规限制', 'no violation restriction'),
        ('pickup_rate_48h', '48 小时揽件率 100.00%：达标', '48-hour pickup rate 100.00%: meets the target'),
        ('freight_insurance', '类目豁免，无需开通运费险', 'category exempt from return-freight insurance'),
        ('lightning_refund', '类目豁免，无需开通闪电退款', 'category exempt from lightning refund'),
        ('free_pickup_label', '展示“免费上门取退”标签', 'the free-pickup-return label shows'),
        ('promise_templates', '在售商品均已绑定 Promise 时效模板', 'every product on sale has a Promise template'),
    ],
    [
        ('pickup_rate_48h', '48 小时揽件率 100.00%：达标', '48-hour pickup rate 100.00%: meets the target'),
        ('daily_risk', '2022-06-10 不在设有日监控阈值的活动内', '2022-06-10 is in no campaign with daily-watch thresholds'),
        ('quality_grade', '未提供商品质量指数', 'no quality grades given'),
        ('violation_points', '未提供违规积分状态', 'violation status not given'),
        ('pickup_rate_48h', '48 小时揽件率 100.00%：达标', '48-hour pickup rate 100.00%: meets the target'),
        ('product:A1', 'A1 符合满3免3报名条件', 'A1 meets the entry rules'),
        ('freight_insurance', '未提供是否开通运费险', 'return-freight insurance status not given'),
        ('lightning_refund', '未提供是否开通闪电退款', 'lightning refund status not given'),
        ('promise_templates', '未提供未绑定 Promise 时效模板的商品数', 'count of products without a Promise template not given'),
    ],
]


def test_store_reasons_are_those_of_contract_v1(engine):
    order, _ = parse_order({"order_id": "1", "platform": "jd_international", "paid_at": "2022-06-10 10:00:00",
                            "picked_up_at": "2022-06-11 10:00:00"})
    for store, expected in zip(STORES, STORE_REASONS, strict=True):
        report = evaluate_store(engine, store, [order], as_of=parse_time(AS_OF))
        assert [(m["metric"], m["reason"], m["reason_en"]) for m in report["metrics"]] == expected


def test_every_code_the_core_says_has_a_template():
    """Every say(...) and phrase(...) with a literal code, in the rules, the engine and the store
    checks, names a template in both languages."""
    found = 0
    for path in sorted((ROOT / "shared").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("say", "phrase") and node.args
                    and isinstance(node.args[0], ast.Constant)):
                code = node.args[0].value
                where = f"phrases.{code}" if node.func.id == "phrase" else code if "." in code else f"messages.{code}"
                entry = VOCAB
                for part in where.split("."):
                    entry = entry.get(part) if isinstance(entry, dict) else None
                assert isinstance(entry, dict) and {"zh", "en"} <= entry.keys(), f"{path.name}: {code}"
                found += 1
    assert found > 80
