"""A paginator whose count stops being exact above a threshold (discovery: page and API).

Counting every match of a broad search ("house", or no filter at all) costs a scan of every
matching row: at 100,000 artists that was most of a search's database time (bench/README.md,
"Search"). Above COUNT_CAP matches nobody reads the exact number, so the count reads
at most cap + 1 rows (`SELECT count(*) FROM (... LIMIT cap + 1)`, the ordering dropped) and
says "10,000+" instead. Pages beyond the cap are not offered.
"""

from functools import cached_property

from django.core.paginator import Paginator

COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """`count` is exact up to COUNT_CAP; above it, COUNT_CAP and `count_is_exact` is False."""

    cap = COUNT_CAP

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        found = self.object_list.order_by()[: self.cap + 1].count()
        return min(found, self.cap), found <= self.cap

    @property
    def count(self) -> int:
        return self._counted[0]

    @property
    def count_is_exact(self) -> bool:
        return self._counted[1]
