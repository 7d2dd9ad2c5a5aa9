"""Rows of JD's order export (订单导出) as the seller backend writes them: one row per SKU line,
the columns in their order (shared/data/export_templates.toml, classic template with 出库时间)."""

JD_HEADER = ["订单号", "商品ID", "商品名称", "订购数量", "支付方式", "下单时间", "京东价", "订单金额", "结算金额",
             "余额支付", "应付金额", "订单状态", "订单类型", "下单帐号", "客户姓名", "客户地址", "联系电话", "订单备注",
             "付款确认时间", "出库时间", "商家备注"]


def line(order_id, sku, name, qty, placed, paid, status, amount, shipped="", note=""):
    """One SKU line of an online-paid order, with a buyer's masked contact data as JD writes it."""
    return [order_id, sku, name, qty, "在线支付", placed, amount, amount, amount, "0.00", amount, status, "普通订单",
            "jd_buyer", "张三", "北京市朝阳区某路 1 号", "138****0000", note, paid, shipped, ""]
