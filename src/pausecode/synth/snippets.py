"""Tutorial code the synthetic presenter types: small, realistic beginner programs (Python and one
JavaScript file), 4-space indentation, lines short enough to stay clear of a webcam box."""

from __future__ import annotations

from .script import block

GREET = block('''
def greet(name):
    """Return a friendly greeting."""
    message = f"Hello, {name}!"
    return message
''')

GREET_CALL = block("""


print(greet("Ada"))
""")

ADD = block('''


def add(a, b=0):
    """Add two numbers; b is optional."""
    return a + b


print(add(2, 3))
''')

DEMO_ADD = block("""


def add(a, b=0):
    return a + b
""")

LOOP = block("""
numbers = [3, 8, 1, 9, 4]
for n in numbers:
    if n > 5:
        print(n, "is big")
""")

EVENS = block("""
def is_even(n):
    return n % 2 == 0


evens = [x for x in range(10) if is_even(x)]
print(evens)
""")

INVENTORY_FULL = block('''
"""A tiny inventory manager for a corner shop."""
from dataclasses import dataclass, field


@dataclass
class Item:
    name: str
    price: float
    quantity: int = 0

    def total_value(self):
        return self.price * self.quantity


@dataclass
class Inventory:
    items: dict = field(default_factory=dict)

    def add(self, item):
        self.items[item.name] = item

    def remove(self, name):
        return self.items.pop(name, None)

    def restock(self, name, amount):
        item = self.items[name]
        item.quantity += amount
        return item.quantity

    def value(self):
        return sum(i.total_value() for i in self.items.values())

    def low_stock(self, limit=5):
        return [i.name for i in self.items.values() if i.quantity < limit]


def main():
    shop = Inventory()
    shop.add(Item("apple", 0.5, 40))
    shop.add(Item("bread", 2.25, 3))
    shop.add(Item("milk", 1.1, 12))
    print("Total:", round(shop.value(), 2))
    print("Low stock:", shop.low_stock())


if __name__ == "__main__":
    main()
''')

SCROLL_INSERT = block(
    """
    def sell(self, name, amount=1):
        self.items[name].quantity -= amount
""",
    indent=4,
)

MODELS = block("""
class Book:
    def __init__(self, title, author, year):
        self.title = title
        self.author = author
        self.year = year

    def __repr__(self):
        return f"Book({self.title!r}, {self.year})"
""")

MODELS_METHOD = block(
    """

    def age(self, now=2024):
        return now - self.year
""",
    indent=4,
)

MAIN_BOOKS = block("""
from models import Book

shelf = [Book("Dune", "Herbert", 1965)]
for book in shelf:
    print(book, book.age())
""")

# ---- long case: inventory typed from scratch with a webcam ---------------------------------
INV_PART1 = block('''
"""Track the stock of a small shop."""
from dataclasses import dataclass


@dataclass
class Item:
    name: str
    price: float
    quantity: int = 0

    def total_value(self):
        return self.price * self.quantity
''')

INV_PART2 = block("""


def load_items(rows):
    items = []
    for name, price, qty in rows:
        items.append(Item(name, float(price), int(qty)))
    return items


def report(items):
    total = 0.0
    for item in items:
        value = item.total_value()
        total += value
        print(f"{item.name:<10} {item.quantity:>4} {value:>8.2f}")
    print(f"{'TOTAL':<15} {total:>8.2f}")
    return total
""")

INV_PART3 = block("""


if __name__ == "__main__":
    rows = [("apple", "0.5", "40"), ("bread", "2.25", "3")]
    report(load_items(rows))
""")

INV_INSERT = block(
    """

    def is_low(self, limit=5):
        return self.quantity < limit
""",
    indent=4,
)

# ---- long case: shapes + main with a terminal panel ----------------------------------------
SHAPES = block("""
import math


class Shape:
    name = "shape"

    def area(self):
        raise NotImplementedError

    def describe(self):
        return f"{self.name} with area {self.area():.2f}"


class Circle(Shape):
    name = "circle"

    def __init__(self, radius):
        self.radius = radius

    def area(self):
        return math.pi * self.radius ** 2
""")

SHAPES_RECT = block("""


class Rectangle(Shape):
    name = "rectangle"

    def __init__(self, width, height):
        self.width = width
        self.height = height

    def area(self):
        return self.width * self.height
""")

SHAPES_PERIMETER = block(
    """

    def perimeter(self):
        return 2 * math.pi * self.radius
""",
    indent=4,
)

SHAPES_MAIN = block("""
from shapes import Circle, Rectangle

shapes = [Circle(1.5), Rectangle(2, 4)]
for shape in shapes:
    print(shape.describe())
""")

SHAPES_MAIN_MORE = block("""

largest = max(shapes, key=lambda s: s.area())
print("Largest:", largest.name)
""")

# ---- JavaScript ----------------------------------------------------------------------------
CART_JS_1 = block("""
// Shopping cart helpers
const cart = [
    { name: "pen", price: 1.5, qty: 4 },
    { name: "notebook", price: 3.25, qty: 2 },
];

function lineTotal(item) {
    return item.price * item.qty;
}
""")

CART_JS_2 = block("""

function cartTotal(items) {
    return items.reduce((sum, item) => sum + lineTotal(item), 0);
}

const expensive = cart.filter((item) => item.price > 2);
console.log(`Total: ${cartTotal(cart).toFixed(2)}`);
""")

CART_JS_3 = block("""

function addItem(items, name, price, qty = 1) {
    const found = items.find((item) => item.name === name);
    if (found) {
        found.qty += qty;
    } else {
        items.push({ name, price, qty });
    }
    return items;
}
""")

# ---- temperature converter (no line numbers, zoom) -----------------------------------------
TEMP_1 = block("""
def to_fahrenheit(celsius):
    return celsius * 9 / 5 + 32


def to_celsius(fahrenheit):
    return (fahrenheit - 32) * 5 / 9
""")

TEMP_2 = block("""


def convert(value, unit):
    if unit == "C":
        return to_fahrenheit(value), "F"
    elif unit == "F":
        return to_celsius(value), "C"
    else:
        raise ValueError(f"unknown unit: {unit}")


readings = [(21.5, "C"), (70, "F"), (-4, "C")]
for value, unit in readings:
    result, new_unit = convert(value, unit)
    print(f"{value}{unit} = {result:.1f}{new_unit}")
""")

# ---- bank account (IDE + terminal) ----------------------------------------------------------
BANK_1 = block('''
class BankAccount:
    """A very small bank account."""

    def __init__(self, owner, balance=0):
        self.owner = owner
        self.balance = balance

    def deposit(self, amount):
        if amount <= 0:
            raise ValueError("deposit must be positive")
        self.balance += amount
        return self.balance
''')

BANK_2 = block(
    """

    def withdraw(self, amount):
        if amount > self.balance:
            raise ValueError("insufficient funds")
        self.balance -= amount
        return self.balance
""",
    indent=4,
)

BANK_3 = block(
    """

    def __str__(self):
        return f"{self.owner}: {self.balance}"
""",
    indent=4,
)
