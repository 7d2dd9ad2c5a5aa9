"""Real JD data shapes several suites read: every status word and JOS orderState code of
docs/supported-inputs.md with what it means for the ship rule, and one JOS order as JD returns it."""

PAID = "2022-06-16 10:00:00"  # jd, 48 h: due 06-18 10:00, so a to-ship order is overdue at AS_OF

# docs/supported-inputs.md ("Order status words"), and what each means for the ship rule: None = no late flag, not to ship now.
STATUS_WORDS_SEEN = {
    "等待付款": None, "等待出库": "overdue", "等待确认收货": "shipped_time_unknown", "完成": "shipped_time_unknown",
    "已完成": "shipped_time_unknown", "已取消": None, "锁定": None, "锁定订单": None, "暂停订单": None,
    "已出库": "shipped_time_unknown", "等待境外出库": "overdue", "等待境内发货": "overdue",
    "(锁定)等待出库": None, "(删除)等待出库": None, "(删除)等待确认收货": None, "(删除)等待付款": None,
    "WAIT_SELLER_STOCK_OUT": "overdue", "WAIT_SELLER_DELIVERY": "overdue", "SEND_TO_DISTRIBUTION_CENER": "shipped_time_unknown",
    "DISTRIBUTION_CENTER_RECEIVED": "shipped_time_unknown", "WAIT_GOODS_RECEIVE_CONFIRM": "shipped_time_unknown",
    "RECEIPTS_CONFIRM": "shipped_time_unknown", "FINISHED_L": "shipped_time_unknown", "TRADE_CANCELED": None,
    "LOCKED": None, "POP_ORDER_PAUSE": None, "PAUSE": None, "WAIT_SEND_CODE": None,
}

# One orderInfoList element, with the fields real captures hold (docs/supported-inputs.md, "JOS order payloads").
JOS_ORDER = {
    "orderId": "235711200001", "venderId": "10086", "orderType": "22", "orderState": "WAIT_SELLER_STOCK_OUT",
    "orderStateRemark": "等待出库", "payType": "4-在线支付", "orderStartTime": "2022-06-16 09:58:00",
    "paymentConfirmTime": PAID, "modified": "2022-06-16 10:00:05", "orderEndTime": "0001-01-01 00:00:00",
    "outBoundDate": "0001-01-01 00:00:00", "orderTotalPrice": "139.00", "orderSellerPrice": "129.00",
    "orderPayment": "129.00", "freightPrice": "0.00", "sellerDiscount": "10.00", "balanceUsed": "0.00",
    "itemInfoList": [{"skuId": "100012", "outerSkuId": "A-1", "wareId": "9001", "skuName": "勺子", "jdPrice": "64.50",
                      "itemTotal": "1"},
                     {"skuId": "100013", "outerSkuId": "A-2", "wareId": "9002", "skuName": "碗", "jdPrice": "10.00",
                      "itemTotal": "2"}],
    "couponDetailList": [], "waybill": "", "logisticsId": "", "storeOrder": "", "idSopShipmenttype": "",
    "parentOrderId": "0", "orderSource": "移动端订单", "venderRemark": "", "consigneeInfo": {"fullname": "***"},
}
