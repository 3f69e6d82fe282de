"""The order client the web handlers use."""

from decimal import Decimal

from shop.db import Database

Item = tuple[str, int, Decimal]  # (sku, quantity, unit price)


class OrderNotFound(LookupError):
    pass


class OrderClient:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def fetch_order(self, order_id: int) -> dict:
        order = await self.db.get("orders", order_id)
        if order is None:
            raise OrderNotFound(order_id)
        return order

    async def place_order(self, items: list[Item]) -> int:
        if not items:
            raise ValueError("an order needs at least one item")
        if any(quantity <= 0 for _, quantity, _ in items):
            raise ValueError("quantities must be positive")
        return await self.db.insert("orders", {"items": list(items)})

    def format_total(self, order: dict) -> str:
        total = sum(
            (quantity * price for _, quantity, price in order["items"]),
            Decimal("0"),
        )
        return f"${total:.2f}"
