/*
 * breakout.c — example Gatehouse strategy: Donchian-channel breakout with ATR-based stops.
 *
 * The strategy
 *   For every symbol it trades, the strategy builds its own bars of `bar_seconds` from trade
 *   events (or takes closed bars from the feed directly) and keeps, per symbol:
 *     - a Donchian channel: the highest high and the lowest low of the previous `lookback` bars;
 *     - Wilder's Average True Range (ATR) over `atr_period` bars.
 *   When a bar closes above the channel's high it buys; when it closes below the channel's low it
 *   sells. "Previous" matters: the channel excludes the bar being judged, otherwise a close could
 *   never exceed a high that includes itself.
 *
 *   Risk first: every trade has a predefined stop-loss before entry, set at `atr_multiple` times
 *   the ATR away from the close (seed doc: "Stop-losses are set using ATR multiples (typically 1.5
 *   to 2.0 times ATR)"). The position is sized so that being stopped out loses about `risk_usd`:
 *       quantity = risk_usd / (atr_multiple * ATR)
 *   capped so that quantity * close <= `max_quantity_usd`. The host's risk chain has the last word
 *   and may reshape or reject any intent.
 *
 *   If the position is already in the signal's direction nothing happens. If it is opposite, the
 *   one intent both closes it and opens the new entry (|position| + entry quantity); the host treats
 *   the part beyond zero as risk-increasing, so the intent always carries the stop.
 *
 * Parameters (the strategy's `params`, read by key with the host's get_param_double; every key
 * optional, unknown keys ignored)
 *   lookback          bars in the channel, integer 2..256                              default 20
 *   atr_period        bars in Wilder's ATR, integer 1..100000                          default 14
 *   atr_multiple      stop distance in ATRs, > 0                                       default 2.0
 *   bar_seconds       length of the bars built from trades, > 0 and <= 366 days        default 60
 *   risk_usd          USD lost if the stop is hit (before slippage and fees), > 0      default 100
 *   max_quantity_usd  cap on the notional of the new entry (quantity * close), > 0     default 2000
 *   A known key with a value that is not a number, or out of range, makes create() fail with an
 *   error log naming the key: a risk system should not guess what a broken config meant.
 *
 * Behaviour worth knowing
 *   - Bars from trades close when a trade arrives in a later bar window; windows with no trades
 *     make no bar (no flat filler bars), and the last bar of a session only closes when the next
 *     trade arrives. Trades older than the bar being built are ignored.
 *   - GH_MD_BAR events are taken as closed bars. Bars (of either origin) that end at or before the
 *     last bar already processed for the symbol are ignored, so each period counts once.
 *   - Quotes are ignored.
 *   - One intent in flight per symbol: after an approved intent the strategy waits for its fills
 *     before acting on a new signal for that symbol, because get_position() reports filled
 *     quantity and a trending market keeps breaking out bar after bar; without this guard one
 *     unfilled entry could be sent again on the next bar. If the fills have not completed within
 *     BO_PENDING_EXPIRY_BARS closed bars (the order may have been cancelled, e.g. when the account halted), the strategy
 *     stops waiting.
 *   - Up to BO_MAX_SYMBOLS symbols per instance; events for more are ignored (one warning).
 *
 * Contract: Sources/StrategyABI/include/gatehouse_strategy.h. All callbacks run on the host's one
 * event-loop thread, so the state needs no locks. The only state lives in the instance; the table
 * below is const.
 */
#include "gatehouse_strategy.h"

#include <inttypes.h>
#include <math.h> /* isfinite: a macro, no libm symbol needed */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- Limits ---------------------------------------------------------------------------------- */

#define BO_MAX_SYMBOLS 16
#define BO_MAX_LOOKBACK 256
#define BO_MAX_ATR_PERIOD 100000
/* 366 days: long enough for any bar anyone means, short enough that bar_ns fits int64. */
#define BO_MAX_BAR_SECONDS (366.0 * 86400.0)
#define BO_PENDING_EXPIRY_BARS 3
#define BO_LOG_MAX 512

/* Bytes of a host struct a reader needs to have to read `field` (versioning rule of the header). */
#define BO_END_OF(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))

#if defined(__GNUC__) || defined(__clang__)
#define BO_PRINTF(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))
#else
#define BO_PRINTF(fmt_index, first_arg)
#endif

/* ---- State ----------------------------------------------------------------------------------- */

typedef struct bo_params {
    int lookback;
    int atr_period;
    double atr_multiple;
    double bar_seconds;
    double risk_usd;
    double max_quantity_usd;
} bo_params;

typedef struct bo_symbol {
    uint32_t symbol_id; /* 0: slot free (the host never uses 0 for a symbol) */

    /* Bar being built from trades. */
    int building;
    int64_t bar_window; /* floor(ts_ns / bar_ns) of the bar being built */
    double bar_high;
    double bar_low;
    double bar_close;
    int64_t last_bar_end_ns; /* end of the last closed bar processed; 0: none yet */

    /* Ring of the last `lookback` closed bars' highs and lows: the Donchian channel. */
    double highs[BO_MAX_LOOKBACK];
    double lows[BO_MAX_LOOKBACK];
    int ring_count; /* filled entries, up to lookback */
    int ring_next;  /* where the next bar goes */

    /* Wilder's ATR: a plain mean of the first atr_period true ranges, then smoothed. */
    int atr_count; /* true ranges seen, stops counting at atr_period */
    double tr_sum;
    double atr;
    int has_prev_close;
    double prev_close;

    /* The one approved intent still waiting for fills (see the header comment). */
    uint64_t pending_client_id; /* 0: none */
    double pending_quantity;    /* approved quantity, for a relative "fully filled" test */
    double pending_remaining;
    int pending_bars; /* closed bars since it was approved */
} bo_symbol;

typedef struct bo_state {
    const gh_host_api *host;
    bo_params p;
    int64_t bar_ns;
    uint64_t next_client_id; /* >= 1, strictly increasing per submitted intent */
    int warned_too_many_symbols;
    uint64_t intents_submitted;
    uint64_t intents_rejected;
    uint64_t decisions_seen;
    uint64_t fills_seen;
    bo_symbol symbols[BO_MAX_SYMBOLS];
} bo_state;

/* ---- Small helpers --------------------------------------------------------------------------- */

/* Own fabs/max so the library needs no libm symbol (the host may not link libm for us). */
static double bo_abs(double x) { return x < 0.0 ? -x : x; }
static double bo_max(double a, double b) { return a > b ? a : b; }

static int bo_positive_finite(double x) { return isfinite(x) && x > 0.0; }

BO_PRINTF(3, 4)
static void bo_log(const gh_host_api *host, uint32_t level, const char *fmt, ...) {
    char message[BO_LOG_MAX];
    va_list args;
    if (host == NULL || host->log == NULL) {
        return;
    }
    va_start(args, fmt);
    /* vsnprintf always NUL-terminates; a long message is cut, which is fine for a log line. */
    (void)vsnprintf(message, sizeof message, fmt, args);
    va_end(args);
    host->log(host->host, level, message);
}

/* ---- Configuration: the parameters, read by key from the host ------------------------------ */

/* Where each known key's number goes while reading; validated afterwards. */
typedef struct bo_raw_params {
    double lookback, atr_period, atr_multiple, bar_seconds, risk_usd, max_quantity_usd;
} bo_raw_params;

typedef struct bo_key {
    const char *name;
    size_t offset; /* of the double in bo_raw_params */
} bo_key;

static const bo_key bo_keys[] = {
    {"lookback", offsetof(bo_raw_params, lookback)},
    {"atr_period", offsetof(bo_raw_params, atr_period)},
    {"atr_multiple", offsetof(bo_raw_params, atr_multiple)},
    {"bar_seconds", offsetof(bo_raw_params, bar_seconds)},
    {"risk_usd", offsetof(bo_raw_params, risk_usd)},
    {"max_quantity_usd", offsetof(bo_raw_params, max_quantity_usd)},
};
#define BO_KEY_COUNT (sizeof bo_keys / sizeof bo_keys[0])

/* Reads each known parameter with the host's typed getter into *raw, which holds the defaults:
   a missing key keeps its default (GH_ERR_NOT_FOUND leaves the value untouched). A key whose
   value is not a number makes create() fail, naming it. Logs and returns 0 on error. */
static int bo_read_params(const gh_host_api *host, bo_raw_params *raw) {
    size_t k;
    for (k = 0; k < BO_KEY_COUNT; k++) {
        double *value = (double *)(void *)((char *)raw + bo_keys[k].offset);
        int32_t rc = host->get_param_double(host->host, bo_keys[k].name, value);
        if (rc == GH_ERR_WRONG_TYPE) {
            bo_log(host, GH_LOG_ERROR, "breakout: parameter \"%s\" must be a number", bo_keys[k].name);
            return 0;
        }
        if (rc != GH_OK && rc != GH_ERR_NOT_FOUND) {
            bo_log(host, GH_LOG_ERROR, "breakout: reading parameter \"%s\" failed (%d)", bo_keys[k].name, (int)rc);
            return 0;
        }
    }
    return 1;
}

/* Checks ranges and converts to the typed parameters. Logs, naming the key, and returns 0 on error. */
static int bo_validate(const gh_host_api *host, const bo_raw_params *raw, bo_params *p, int64_t *bar_ns) {
    if (!(raw->lookback >= 2 && raw->lookback <= BO_MAX_LOOKBACK) || raw->lookback != (double)(int)raw->lookback) {
        bo_log(host, GH_LOG_ERROR, "breakout: parameter \"lookback\" must be an integer from 2 to %d (got %g)",
               BO_MAX_LOOKBACK, raw->lookback);
        return 0;
    }
    if (!(raw->atr_period >= 1 && raw->atr_period <= BO_MAX_ATR_PERIOD) ||
        raw->atr_period != (double)(int)raw->atr_period) {
        bo_log(host, GH_LOG_ERROR, "breakout: parameter \"atr_period\" must be an integer from 1 to %d (got %g)",
               BO_MAX_ATR_PERIOD, raw->atr_period);
        return 0;
    }
    if (!bo_positive_finite(raw->atr_multiple)) {
        bo_log(host, GH_LOG_ERROR, "breakout: parameter \"atr_multiple\" must be > 0 (got %g)", raw->atr_multiple);
        return 0;
    }
    /* bar_ns must be at least 1 ns and fit int64 comfortably. */
    if (!(raw->bar_seconds >= 1e-9 && raw->bar_seconds <= BO_MAX_BAR_SECONDS)) {
        bo_log(host, GH_LOG_ERROR, "breakout: parameter \"bar_seconds\" must be > 0 and at most %.0f (got %g)",
               BO_MAX_BAR_SECONDS, raw->bar_seconds);
        return 0;
    }
    if (!bo_positive_finite(raw->risk_usd)) {
        bo_log(host, GH_LOG_ERROR, "breakout: parameter \"risk_usd\" must be > 0 (got %g)", raw->risk_usd);
        return 0;
    }
    if (!bo_positive_finite(raw->max_quantity_usd)) {
        bo_log(host, GH_LOG_ERROR, "breakout: parameter \"max_quantity_usd\" must be > 0 (got %g)",
               raw->max_quantity_usd);
        return 0;
    }
    p->lookback = (int)raw->lookback;
    p->atr_period = (int)raw->atr_period;
    p->atr_multiple = raw->atr_multiple;
    p->bar_seconds = raw->bar_seconds;
    p->risk_usd = raw->risk_usd;
    p->max_quantity_usd = raw->max_quantity_usd;
    *bar_ns = (int64_t)(raw->bar_seconds * 1e9 + 0.5);
    if (*bar_ns < 1) {
        *bar_ns = 1;
    }
    return 1;
}

/* ---- Per-symbol state ------------------------------------------------------------------------ */

static bo_symbol *bo_find_symbol(bo_state *s, uint32_t symbol_id) {
    int i;
    bo_symbol *free_slot = NULL;
    if (symbol_id == 0) {
        return NULL;
    }
    for (i = 0; i < BO_MAX_SYMBOLS; i++) {
        if (s->symbols[i].symbol_id == symbol_id) {
            return &s->symbols[i];
        }
        if (s->symbols[i].symbol_id == 0 && free_slot == NULL) {
            free_slot = &s->symbols[i];
        }
    }
    if (free_slot != NULL) {
        free_slot->symbol_id = symbol_id; /* the rest is zero from calloc */
        return free_slot;
    }
    if (!s->warned_too_many_symbols) {
        s->warned_too_many_symbols = 1;
        bo_log(s->host, GH_LOG_WARN,
               "breakout: more than %d symbols; ignoring symbol id %" PRIu32 " and any further new symbols",
               BO_MAX_SYMBOLS, symbol_id);
    }
    return NULL;
}

/* floor(a / b) for b > 0: C division truncates toward zero, which would put the trades of
   (-bar_ns, 0) and [0, bar_ns) in one window. */
static int64_t bo_floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    if (a % b != 0 && a < 0) {
        q--;
    }
    return q;
}

/* ---- Signals and intents --------------------------------------------------------------------- */

static void bo_submit(bo_state *s, bo_symbol *sym, uint32_t side, double quantity, double stop, double close) {
    gh_intent intent;
    gh_decision decision;
    int32_t rc;
    const char *side_name = side == GH_SIDE_BUY ? "buy" : "sell";

    GH_INIT_INTENT(intent);
    intent.client_id = s->next_client_id++;
    intent.symbol_id = sym->symbol_id;
    intent.side = side;
    intent.quantity = quantity;
    intent.order_type = GH_ORDER_MARKET;
    intent.reduce_only = 0;
    intent.limit_price = 0.0; /* MARKET */
    intent.stop_loss_price = stop;

    GH_INIT_DECISION(decision);
    rc = s->host->submit_intent(s->host->host, &intent, &decision);
    s->intents_submitted++;
    if (rc != GH_OK) {
        bo_log(s->host, GH_LOG_WARN, "breakout: submit_intent for client id %" PRIu64 " failed with %" PRId32,
               intent.client_id, rc);
        return;
    }
    if ((decision.verdict == GH_VERDICT_APPROVE || decision.verdict == GH_VERDICT_RESHAPE) &&
        bo_positive_finite(decision.final_quantity)) {
        sym->pending_client_id = intent.client_id;
        sym->pending_quantity = decision.final_quantity;
        sym->pending_remaining = decision.final_quantity;
        sym->pending_bars = 0;
        bo_log(s->host, GH_LOG_INFO,
               "breakout: %s %g of symbol %" PRIu32 " at close %g, stop %g: %s (client id %" PRIu64 ")",
               side_name, decision.final_quantity, sym->symbol_id, close, stop,
               decision.verdict == GH_VERDICT_APPROVE ? "approved" : "reshaped", intent.client_id);
    } else {
        s->intents_rejected++;
        bo_log(s->host, GH_LOG_DEBUG, "breakout: %s %g of symbol %" PRIu32 " rejected: %s (client id %" PRIu64 ")",
               side_name, quantity, sym->symbol_id, decision.reason != NULL ? decision.reason : "(no reason)",
               intent.client_id);
    }
}

static void bo_maybe_trade(bo_state *s, bo_symbol *sym, double close) {
    double highest = sym->highs[0];
    double lowest = sym->lows[0];
    uint32_t side;
    gh_position position;
    double stop_distance;
    double entry;
    double stop;
    double quantity;
    int i;

    /* The channel of the previous `lookback` bars (the ring holds exactly those). */
    for (i = 1; i < sym->ring_count; i++) {
        highest = bo_max(highest, sym->highs[i]);
        if (sym->lows[i] < lowest) {
            lowest = sym->lows[i];
        }
    }
    if (close > highest) {
        side = GH_SIDE_BUY;
    } else if (close < lowest) {
        side = GH_SIDE_SELL;
    } else {
        return;
    }

    if (sym->pending_client_id != 0) {
        bo_log(s->host, GH_LOG_DEBUG, "breakout: signal on symbol %" PRIu32 " skipped: client id %" PRIu64
               " still waiting for fills", sym->symbol_id, sym->pending_client_id);
        return;
    }

    GH_INIT_POSITION(position);
    if (s->host->get_position(s->host->host, sym->symbol_id, &position) != GH_OK || !isfinite(position.quantity)) {
        bo_log(s->host, GH_LOG_DEBUG, "breakout: no position for symbol %" PRIu32 "; signal skipped", sym->symbol_id);
        return;
    }
    if ((side == GH_SIDE_BUY && position.quantity > 0.0) || (side == GH_SIDE_SELL && position.quantity < 0.0)) {
        return; /* already positioned in the signal's direction */
    }

    /* Size from the stop distance; a flat market (ATR 0) gives no trade, not a division by zero. */
    stop_distance = s->p.atr_multiple * sym->atr;
    if (!bo_positive_finite(stop_distance)) {
        return;
    }
    entry = s->p.risk_usd / stop_distance;
    if (entry * close > s->p.max_quantity_usd) {
        entry = s->p.max_quantity_usd / close;
    }
    stop = side == GH_SIDE_BUY ? close - stop_distance : close + stop_distance;
    if (!bo_positive_finite(stop)) {
        /* ATR so large that a long's stop would be at or below zero: no sensible stop, no trade. */
        bo_log(s->host, GH_LOG_DEBUG, "breakout: stop for symbol %" PRIu32 " would be %g; signal skipped",
               sym->symbol_id, stop);
        return;
    }
    /* Opposite position: close it and enter in one intent. */
    quantity = entry + bo_abs(position.quantity);
    if (!bo_positive_finite(entry) || !bo_positive_finite(quantity)) {
        return;
    }
    bo_submit(s, sym, side, quantity, stop, close);
}

/* One closed bar for a symbol, from trades or from the feed. */
static void bo_on_bar(bo_state *s, bo_symbol *sym, int64_t end_ns, double high, double low, double close) {
    double tr;

    if (!bo_positive_finite(high) || !bo_positive_finite(low) || !bo_positive_finite(close) || low > high ||
        close > high || close < low) {
        return; /* an impossible bar would poison the channel and the ATR */
    }
    if (sym->last_bar_end_ns != 0 && end_ns <= sym->last_bar_end_ns) {
        return; /* this period was already counted */
    }
    sym->last_bar_end_ns = end_ns;

    /* Stop waiting for an intent whose fills did not complete in time. */
    if (sym->pending_client_id != 0 && ++sym->pending_bars >= BO_PENDING_EXPIRY_BARS) {
        bo_log(s->host, GH_LOG_DEBUG, "breakout: no complete fill for client id %" PRIu64 " after %d bars; not waiting any longer",
               sym->pending_client_id, BO_PENDING_EXPIRY_BARS);
        sym->pending_client_id = 0;
    }

    /* Wilder's true range and ATR (the first bar has no previous close: its range is high - low). */
    tr = high - low;
    if (sym->has_prev_close) {
        tr = bo_max(tr, bo_max(bo_abs(high - sym->prev_close), bo_abs(low - sym->prev_close)));
    }
    sym->prev_close = close;
    sym->has_prev_close = 1;
    if (sym->atr_count < s->p.atr_period) {
        sym->tr_sum += tr;
        sym->atr_count++;
        if (sym->atr_count == s->p.atr_period) {
            sym->atr = sym->tr_sum / (double)s->p.atr_period;
        }
    } else {
        sym->atr = (sym->atr * (double)(s->p.atr_period - 1) + tr) / (double)s->p.atr_period;
    }

    /* Judge the bar against the channel of the bars before it, then add it to the channel. */
    if (sym->ring_count == s->p.lookback && sym->atr_count >= s->p.atr_period) {
        bo_maybe_trade(s, sym, close);
    }
    sym->highs[sym->ring_next] = high;
    sym->lows[sym->ring_next] = low;
    sym->ring_next = (sym->ring_next + 1) % s->p.lookback;
    if (sym->ring_count < s->p.lookback) {
        sym->ring_count++;
    }
}

static void bo_on_trade(bo_state *s, bo_symbol *sym, int64_t ts_ns, double price) {
    int64_t window;
    if (!bo_positive_finite(price) || ts_ns < 0 || ts_ns > INT64_MAX - s->bar_ns) {
        return; /* not a usable trade; the ts bounds also keep the bar-end arithmetic in range */
    }
    window = bo_floor_div(ts_ns, s->bar_ns);
    if (!sym->building) {
        sym->building = 1;
    } else if (window == sym->bar_window) {
        sym->bar_high = bo_max(sym->bar_high, price);
        if (price < sym->bar_low) {
            sym->bar_low = price;
        }
        sym->bar_close = price;
        return;
    } else if (window < sym->bar_window) {
        return; /* late trade for a bar already behind us */
    } else {
        /* A trade in a later window closes the bar being built. */
        bo_on_bar(s, sym, sym->bar_window * s->bar_ns + s->bar_ns, sym->bar_high, sym->bar_low, sym->bar_close);
    }
    sym->bar_window = window;
    sym->bar_high = price;
    sym->bar_low = price;
    sym->bar_close = price;
}

/* ---- Callbacks ------------------------------------------------------------------------------- */

static void *bo_create(const gh_host_api *host, const char *config_json) {
    bo_raw_params raw;
    bo_params params;
    int64_t bar_ns;
    bo_state *s;

    if (host == NULL) {
        return NULL; /* nobody to tell */
    }
    if (host->abi_version != GH_ABI_VERSION || host->struct_size < BO_END_OF(gh_host_api, log)) {
        return NULL; /* cannot even trust host->log */
    }
    if (host->struct_size < BO_END_OF(gh_host_api, get_position) || host->submit_intent == NULL ||
        host->get_position == NULL) {
        bo_log(host, GH_LOG_ERROR, "breakout: the host API lacks submit_intent or get_position");
        return NULL;
    }
    if (!GH_HOST_API_HAS(host, get_param_double) || host->get_param_double == NULL) {
        bo_log(host, GH_LOG_ERROR, "breakout: the host is older than this plugin (no get_param_double)");
        return NULL;
    }
    (void)config_json; /* the same parameters, read by key below */

    raw.lookback = 20;
    raw.atr_period = 14;
    raw.atr_multiple = 2.0;
    raw.bar_seconds = 60;
    raw.risk_usd = 100;
    raw.max_quantity_usd = 2000;
    if (!bo_read_params(host, &raw) || !bo_validate(host, &raw, &params, &bar_ns)) {
        return NULL; /* already logged, naming the problem */
    }

    s = calloc(1, sizeof *s);
    if (s == NULL) {
        bo_log(host, GH_LOG_ERROR, "breakout: out of memory");
        return NULL;
    }
    s->host = host;
    s->p = params;
    s->bar_ns = bar_ns;
    s->next_client_id = 1;
    bo_log(host, GH_LOG_INFO,
           "breakout: lookback %d, atr_period %d, atr_multiple %g, bar_seconds %g, risk_usd %g, max_quantity_usd %g",
           params.lookback, params.atr_period, params.atr_multiple, params.bar_seconds, params.risk_usd,
           params.max_quantity_usd);
    return s;
}

static void bo_on_market_data(void *self, const gh_market_event *event) {
    bo_state *s = self;
    bo_symbol *sym;

    if (s == NULL || event == NULL || event->abi_version != GH_ABI_VERSION ||
        event->struct_size < BO_END_OF(gh_market_event, symbol_id)) {
        return;
    }
    if (event->kind == GH_MD_TRADE) {
        if (event->struct_size < BO_END_OF(gh_market_event, price)) {
            return;
        }
        sym = bo_find_symbol(s, event->symbol_id);
        if (sym != NULL) {
            bo_on_trade(s, sym, event->ts_ns, event->price);
        }
    } else if (event->kind == GH_MD_BAR) {
        if (event->struct_size < BO_END_OF(gh_market_event, close) || event->ts_ns <= 0) {
            return;
        }
        sym = bo_find_symbol(s, event->symbol_id);
        if (sym != NULL) {
            bo_on_bar(s, sym, event->ts_ns, event->high, event->low, event->close);
        }
    }
    /* Quotes and unknown kinds: nothing to do. */
}

static void bo_on_fill(void *self, const gh_fill *fill) {
    bo_state *s = self;
    int i;

    if (s == NULL || fill == NULL || fill->abi_version != GH_ABI_VERSION ||
        fill->struct_size < BO_END_OF(gh_fill, quantity)) {
        return;
    }
    s->fills_seen++;
    for (i = 0; i < BO_MAX_SYMBOLS; i++) {
        bo_symbol *sym = &s->symbols[i];
        if (sym->symbol_id == fill->symbol_id && sym->symbol_id != 0 && sym->pending_client_id == fill->client_id) {
            if (isfinite(fill->quantity) && fill->quantity > 0.0) {
                sym->pending_remaining -= fill->quantity;
            }
            /* Relative tolerance: fills are doubles that need not sum exactly to the approval. */
            if (sym->pending_remaining <= sym->pending_quantity * 1e-9) {
                sym->pending_client_id = 0;
            }
            return;
        }
    }
}

static void bo_on_decision(void *self, const gh_decision *decision) {
    bo_state *s = self;
    if (s == NULL || decision == NULL) {
        return;
    }
    /* The same decision already came back from submit_intent; we only count it here. */
    s->decisions_seen++;
}

static void bo_destroy(void *self) { free(self); }

static const gh_strategy_api bo_api = {
    GH_ABI_VERSION,
    (uint32_t)sizeof(gh_strategy_api),
    "breakout",
    bo_create,
    bo_on_market_data,
    bo_on_fill,
    bo_on_decision,
    NULL, /* on_timer: bars close on trades, no timer needed */
    bo_destroy,
};

GH_EXPORT const gh_strategy_api *gatehouse_strategy_entry(uint32_t host_abi_version) {
    if (host_abi_version != GH_ABI_VERSION) {
        return NULL;
    }
    return &bo_api;
}
