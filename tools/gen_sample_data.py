#!/usr/bin/env python3
"""Deterministic sample market-data generator for Gatehouse.

Writes a CSV of trades and quotes for four symbols (BTCUSD, ETHUSD, SOLUSD,
XAUUSD) starting at 2026-03-02T14:00:00Z. The output is byte-for-byte
identical for identical arguments: all randomness comes from
``random.Random(seed)``, timestamps are integer nanoseconds, prices are
rounded to integer ticks and printed with fixed decimals, and nothing depends
on wall-clock time or dict ordering.

Usage::

    python3 tools/gen_sample_data.py [--out PATH] [--seed N] [--hours H]

Defaults: ``--out tools/data/sample_ticks.csv --seed 42 --hours 3``.

Model
-----
Prices are simulated on a one-second grid as log prices. For each second
``t`` and symbol ``i``::

    r_i(t) = beta_i * m(t) + e_i(t)

``m(t)`` is a common crypto market factor and ``e_i(t)`` is idiosyncratic
Gaussian noise. ``beta_i`` and the noise volatility are chosen so that a
fraction ``r2_i`` of each crypto's variance is explained by the factor,
giving pairwise log-return correlations of about sqrt(r2_i * r2_j)
(roughly 0.7-0.85). XAUUSD loads only very weakly on the factor, so it is
nearly uncorrelated with the crypto names. Per-second volatilities are
about 0.025-0.04 % for crypto and 0.008 % for gold. The idiosyncratic part
of each log price is pulled back weakly towards zero (half-life of about
30 minutes), so symbols drift apart slowly but do not decouple.

The market factor follows a fixed regime schedule (``REGIMES``, in minutes
from the start; the schedule repeats if ``--hours`` exceeds its length):

* ``range``: mean-reverting (Ornstein-Uhlenbeck) around the factor level
  at the start of the segment, half-life about 2.5 minutes.
* ``trend``: a constant drift that adds up to the given total log move over
  the segment, on top of the usual noise.
* ``selloff``: a steep drift (-4.5 % log move of the factor over 10
  minutes, i.e. roughly -4 to -6 % for the crypto names once their factor
  loadings and noise are included) with volatility raised 1.5x; this
  happens around the middle of the session.

Ranging segments followed by trends give breakout signals, and trends give
trend-following signals.

Events: each symbol gets trades at random gaps of 1-3 s and quotes at random
gaps of 4-6 s, with whole-nanosecond timestamps. The mid at an event time is
interpolated linearly (in log space) between grid seconds. Quotes use a
spread of a few basis points around the mid. Trades print at the bid or
the ask side of that spread. Prices are rounded to the symbol's tick size
(BTC/ETH/XAU 0.01, SOL 0.001). Sizes are log-normal and rounded to
4 decimals, with a minimum of 0.0001.

CSV format
----------
- Optional first line header starting with ``#`` is a comment; lines
  starting with ``#`` are comments anywhere.
- Trade row: ``ts_ns,symbol,price,size`` (4 fields).
- Quote row: ``ts_ns,symbol,bid,bid_size,ask,ask_size`` (6 fields).
- ts_ns is an integer, nanoseconds since the Unix epoch, UTC; rows are
  sorted by ts_ns ascending (ties keep a fixed symbol order); prices > 0,
  sizes > 0, bid < ask.
"""

from __future__ import annotations

import argparse
import math
import random
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple, Sequence

START = datetime(2026, 3, 2, 14, 0, 0, tzinfo=timezone.utc)
NS_PER_S = 1_000_000_000
DEFAULT_OUT = Path(__file__).resolve().parent / "data" / "sample_ticks.csv"

# Per-second volatility of the common market factor.
MARKET_VOL = 0.00028


@dataclass(frozen=True)
class SymbolSpec:
    """Static parameters of one simulated instrument."""

    name: str
    start_price: float
    vol: float            # total per-second log-return volatility
    r2: float             # share of variance explained by the market factor
    decimals: int         # tick size is 10 ** -decimals
    half_spread_bp: float  # typical half spread in basis points
    trade_size: float     # median trade size
    quote_size: float     # median quoted size at each side


# Order matters: it is the tie-break order for equal timestamps.
SYMBOLS: tuple[SymbolSpec, ...] = (
    SymbolSpec("BTCUSD", 60000.0, 0.00025, 0.85, 2, 0.5, 0.05, 1.5),
    SymbolSpec("ETHUSD", 3000.0, 0.00030, 0.80, 2, 0.8, 0.8, 25.0),
    SymbolSpec("SOLUSD", 140.0, 0.00040, 0.65, 3, 1.5, 15.0, 400.0),
    SymbolSpec("XAUUSD", 2300.0, 0.00008, 0.005, 2, 1.0, 2.0, 50.0),
)


class Regime(NamedTuple):
    """A market-factor regime: [start_min, end_min) with a kind and a move."""

    start_min: int
    end_min: int
    kind: str          # "range", "trend" or "selloff"
    total_move: float  # total log drift over the segment (trend/selloff)


REGIMES: tuple[Regime, ...] = (
    Regime(0, 20, "range", 0.0),
    Regime(20, 45, "trend", 0.025),
    Regime(45, 65, "range", 0.0),
    Regime(65, 85, "trend", -0.020),
    Regime(85, 88, "range", 0.0),
    Regime(88, 98, "selloff", -0.045),
    Regime(98, 120, "range", 0.0),
    Regime(120, 145, "trend", 0.022),
    Regime(145, 165, "range", 0.0),
    Regime(165, 180, "trend", -0.015),
)

RANGE_KAPPA = math.log(2) / 150.0   # OU pull per second, ~2.5 min half-life
IDIO_KAPPA = math.log(2) / 1800.0   # idiosyncratic pull, ~30 min half-life
SELLOFF_VOL_MULT = 1.5
TRADE_GAP_NS = (1 * NS_PER_S, 3 * NS_PER_S)
QUOTE_GAP_NS = (4 * NS_PER_S, 6 * NS_PER_S)


def regime_at(second: int) -> Regime:
    """Return the regime active at ``second``, tiling REGIMES if needed."""
    period = REGIMES[-1].end_min * 60
    s = second % period
    for regime in REGIMES:
        if regime.start_min * 60 <= s < regime.end_min * 60:
            return regime
    raise AssertionError("regime schedule has a gap")


def simulate_factor(rng: random.Random, n_seconds: int) -> list[float]:
    """Simulate the per-second market-factor log returns."""
    returns: list[float] = []
    level = 0.0
    anchor = 0.0
    current: Regime | None = None
    for t in range(n_seconds):
        regime = regime_at(t)
        if regime is not current:
            current = regime
            anchor = level
        vol = MARKET_VOL
        if regime.kind == "range":
            drift = -RANGE_KAPPA * (level - anchor)
        else:
            drift = regime.total_move / ((regime.end_min - regime.start_min) * 60)
            if regime.kind == "selloff":
                vol *= SELLOFF_VOL_MULT
        r = drift + vol * rng.gauss(0.0, 1.0)
        returns.append(r)
        level += r
    return returns


def simulate_log_prices(
    rng: random.Random, spec: SymbolSpec, factor: Sequence[float]
) -> list[float]:
    """Return log prices on the 1 s grid (len(factor) + 1 points)."""
    beta = math.sqrt(spec.r2) * spec.vol / MARKET_VOL
    idio_vol = math.sqrt(1.0 - spec.r2) * spec.vol
    log_p = math.log(spec.start_price)
    idio = 0.0
    out = [log_p]
    for t, m in enumerate(factor):
        vol_mult = SELLOFF_VOL_MULT if regime_at(t).kind == "selloff" else 1.0
        e = -IDIO_KAPPA * idio + vol_mult * idio_vol * rng.gauss(0.0, 1.0)
        idio += e
        log_p += beta * m + e
        out.append(log_p)
    return out


def mid_at(log_prices: Sequence[float], offset_ns: int) -> float:
    """Linearly interpolate the log-price grid at ``offset_ns`` and return a price."""
    sec, frac_ns = divmod(offset_ns, NS_PER_S)
    sec = min(sec, len(log_prices) - 2)
    w = frac_ns / NS_PER_S
    return math.exp(log_prices[sec] * (1.0 - w) + log_prices[sec + 1] * w)


def fmt_ticks(ticks: int, decimals: int) -> str:
    """Format an integer tick count as a fixed-decimal string."""
    sign = "-" if ticks < 0 else ""
    whole, frac = divmod(abs(ticks), 10 ** decimals)
    return f"{sign}{whole}.{frac:0{decimals}d}" if decimals else f"{sign}{whole}"


def draw_size(rng: random.Random, median: float) -> str:
    """Draw a log-normal size with the given median, formatted to 4 decimals."""
    units = max(1, round(median * math.exp(0.8 * rng.gauss(0.0, 1.0)) * 10_000))
    return fmt_ticks(units, 4)


def half_spread(rng: random.Random, spec: SymbolSpec, mid: float) -> float:
    """Draw a randomised half spread in price units."""
    return mid * spec.half_spread_bp * 1e-4 * rng.uniform(0.6, 1.6)


def bid_ask_ticks(rng: random.Random, spec: SymbolSpec, mid: float) -> tuple[int, int]:
    """Return (bid, ask) in integer ticks with bid < ask."""
    scale = 10 ** spec.decimals
    h = half_spread(rng, spec, mid)
    bid = math.floor((mid - h) * scale)
    ask = math.ceil((mid + h) * scale)
    if ask <= bid:
        ask = bid + 1
    return bid, ask


def event_offsets(rng: random.Random, gap_ns: tuple[int, int], horizon_ns: int) -> list[int]:
    """Random event offsets (ns from start) with uniform gaps, strictly inside the horizon."""
    offsets = []
    t = rng.randint(0, gap_ns[1])
    while t < horizon_ns:
        offsets.append(t)
        t += rng.randint(*gap_ns)
    return offsets


def symbol_rows(
    rng: random.Random, spec: SymbolSpec, rank: int, log_prices: Sequence[float],
    start_ns: int, horizon_ns: int,
) -> list[tuple[int, int, int, str]]:
    """Build sortable (ts_ns, rank, kind, line) rows of trades and quotes for one symbol."""
    rows = []
    for off in event_offsets(rng, TRADE_GAP_NS, horizon_ns):
        mid = mid_at(log_prices, off)
        bid, ask = bid_ask_ticks(rng, spec, mid)
        price = ask if rng.random() < 0.5 else bid
        line = (
            f"{start_ns + off},{spec.name},"
            f"{fmt_ticks(price, spec.decimals)},{draw_size(rng, spec.trade_size)}"
        )
        rows.append((start_ns + off, rank, 0, line))
    for off in event_offsets(rng, QUOTE_GAP_NS, horizon_ns):
        mid = mid_at(log_prices, off)
        bid, ask = bid_ask_ticks(rng, spec, mid)
        line = (
            f"{start_ns + off},{spec.name},"
            f"{fmt_ticks(bid, spec.decimals)},{draw_size(rng, spec.quote_size)},"
            f"{fmt_ticks(ask, spec.decimals)},{draw_size(rng, spec.quote_size)}"
        )
        rows.append((start_ns + off, rank, 1, line))
    return rows


def generate(seed: int, hours: float) -> list[str]:
    """Generate all output lines (comments first, then sorted data rows)."""
    n_seconds = int(round(hours * 3600))
    if n_seconds < 1:
        raise ValueError("--hours must cover at least one second")
    horizon_ns = n_seconds * NS_PER_S
    start_ns = int(START.timestamp()) * NS_PER_S

    master = random.Random(seed)
    factor_seed = master.getrandbits(64)
    path_seeds = [master.getrandbits(64) for _ in SYMBOLS]
    event_seeds = [master.getrandbits(64) for _ in SYMBOLS]

    factor = simulate_factor(random.Random(factor_seed), n_seconds)
    rows: list[tuple[int, int, int, str]] = []
    for rank, spec in enumerate(SYMBOLS):
        log_prices = simulate_log_prices(random.Random(path_seeds[rank]), spec, factor)
        rows.extend(symbol_rows(random.Random(event_seeds[rank]), spec, rank,
                                log_prices, start_ns, horizon_ns))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))

    header = [
        "# ts_ns,symbol,price,size | ts_ns,symbol,bid,bid_size,ask,ask_size",
        f"# gatehouse sample ticks: start={START.strftime('%Y-%m-%dT%H:%M:%SZ')} "
        f"hours={hours:g} seed={seed} symbols={','.join(s.name for s in SYMBOLS)}",
    ]
    return header + [r[3] for r in rows]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse command-line arguments."""
    p = argparse.ArgumentParser(description="Generate deterministic sample tick data.")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output CSV path")
    p.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    p.add_argument("--hours", type=float, default=3.0, help="session length in hours (default 3)")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: generate the data and write it with LF line endings."""
    args = parse_args(argv)
    lines = generate(args.seed, args.hours)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    n_data = sum(1 for line in lines if not line.startswith("#"))
    print(f"wrote {n_data} rows to {args.out}")


if __name__ == "__main__":
    main()
