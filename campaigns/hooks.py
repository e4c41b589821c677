"""Hooks the bookings layer offers the layers above it (they subscribe in `AppConfig.ready()`;
layers import downwards only: campaigns never imports payments).

The money a contract moved (funded, paid out, refunded, still held) is known to payments, which
sits above campaigns. The contract page and the API still show it: payments registers its
reader here, and campaigns.selectors.contract_money_summary calls it.
"""

from collections.abc import Callable
from typing import Any

# contract -> {"funded", "paid_to_artist", "refunded_to_brand", "fee_refunded", "in_escrow"}
# (minor units, the contract's currency), or None when no payment has funded it.
ContractMoneyReader = Callable[[Any], dict[str, int] | None]

_money_readers: list[ContractMoneyReader] = []


def contract_money_reader_register(reader: ContractMoneyReader) -> None:
    """Payments calls this once in its ready(); a second registration of the same reader is
    ignored (ready() may run twice in tests)."""
    if reader not in _money_readers:
        _money_readers.append(reader)


def contract_money_read(contract: Any) -> dict[str, int] | None:
    """What the registered reader says about `contract`; None without a reader or a payment."""
    for reader in _money_readers:
        found = reader(contract)
        if found is not None:
            return found
    return None
