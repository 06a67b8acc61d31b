"""The ``<id:...>`` path converter that every URLconf uses for a row id."""

from __future__ import annotations


class IdConverter:
    """A row id. Ids are bigints: a number of more than 18 digits is a 404, never an
    integer overflow in the database."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
