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
 * Parameters (the strategy's JSON config object; every key optional, unknown keys ignored)
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
#define BO_KEY_MAX 32        /* longest key we keep for matching; longer keys are unknown keys */
#define BO_JSON_MAX_DEPTH 32 /* nesting allowed inside ignored values */
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

/* ---- Configuration: a tiny JSON reader for a flat object of numbers ------------------------- */
/*
 * Reads one JSON object. Keys this strategy knows must have a JSON number as value; every other
 * key's value is skipped whatever it is (string, number, literal, nested object or array), so the
 * host config may carry anything else beside our parameters. Numbers are converted without
 * strtod, because strtod follows the process locale (a host that called setlocale with a
 * comma-decimal locale would silently read "2.5" as 2).
 */

typedef struct bo_parser {
    const char *start;
    const char *p;
    const gh_host_api *host;
} bo_parser;

static int bo_is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static int bo_is_digit(char c) { return c >= '0' && c <= '9'; }

static void bo_skip_ws(bo_parser *ps) {
    while (bo_is_ws(*ps->p)) {
        ps->p++;
    }
}

static void bo_syntax_error(bo_parser *ps, const char *expected) {
    bo_log(ps->host, GH_LOG_ERROR, "breakout: config is not a valid JSON object: expected %s at offset %ld",
           expected, (long)(ps->p - ps->start));
}

static int bo_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned bo_hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return (unsigned)(c - '0');
    }
    if (c >= 'a' && c <= 'f') {
        return (unsigned)(c - 'a' + 10);
    }
    return (unsigned)(c - 'A' + 10);
}

/*
 * Reads a JSON string at ps->p (which points at the opening quote). If `out` is not NULL the
 * decoded text goes there; `*exact` is cleared when the text could not be kept exactly (too long,
 * or a \u escape beyond ASCII), so it can never be mistaken for one of our keys. Returns 1, or 0
 * on bad syntax (logged).
 */
static int bo_parse_string(bo_parser *ps, char *out, size_t cap, int *exact) {
    size_t n = 0;
    if (exact != NULL) {
        *exact = 1;
    }
    if (*ps->p != '"') {
        bo_syntax_error(ps, "'\"'");
        return 0;
    }
    ps->p++;
    for (;;) {
        char c = *ps->p;
        char decoded = c;
        size_t advance = 1; /* bytes of input this character took */
        int keep = 1;       /* 0: a character that cannot be part of one of our keys */
        if (c == '\0') {
            bo_syntax_error(ps, "the end of a string");
            return 0;
        }
        if ((unsigned char)c < 0x20) { /* raw control characters are not allowed in JSON strings */
            bo_syntax_error(ps, "an escaped control character");
            return 0;
        }
        if (c == '"') {
            ps->p++;
            break;
        }
        if (c == '\\') {
            advance = 2;
            switch (ps->p[1]) {
            case '"': decoded = '"'; break;
            case '\\': decoded = '\\'; break;
            case '/': decoded = '/'; break;
            case 'b': decoded = '\b'; break;
            case 'f': decoded = '\f'; break;
            case 'n': decoded = '\n'; break;
            case 'r': decoded = '\r'; break;
            case 't': decoded = '\t'; break;
            case 'u': {
                /* Four hex digits, checked one by one so we never read past the terminating NUL.
                   "\u006c" is a valid way to write 'l', so ASCII code points are decoded; any
                   other code point cannot be part of one of our keys. */
                unsigned code = 0;
                int k;
                for (k = 2; k < 6; k++) {
                    if (!bo_hex(ps->p[k])) {
                        ps->p++;
                        bo_syntax_error(ps, "four hex digits after \\u");
                        return 0;
                    }
                    code = code * 16u + bo_hex_value(ps->p[k]);
                }
                advance = 6;
                keep = code != 0 && code < 0x80;
                decoded = (char)(code & 0x7Fu);
                break;
            }
            default:
                ps->p++;
                bo_syntax_error(ps, "a valid escape character");
                return 0;
            }
        }
        ps->p += advance;
        if (out != NULL) {
            if (keep && n + 1 < cap) {
                out[n++] = decoded;
            } else if (exact != NULL) {
                *exact = 0;
            }
        }
    }
    if (out != NULL && cap > 0) {
        out[n] = '\0';
    }
    return 1;
}

/*
 * Reads a JSON number (strict grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?).
 * Up to 19 significant digits are kept exactly in an integer; the value is then scaled by a power
 * of ten. When the digits fit 2^53 and the power is within 10^22 (every realistic config value)
 * the result is correctly rounded, as both factors are exact doubles; otherwise it is within a
 * few ulps, which is plenty for strategy parameters. Overflow gives inf, which callers reject.
 * On bad syntax returns 0 with *why naming what was expected; the caller reports it.
 */
static int bo_parse_number(bo_parser *ps, double *out, const char **why) {
    static const double bo_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    int negative = 0;
    uint64_t mantissa = 0;
    int digits = 0;     /* significant digits kept in mantissa */
    long exponent = 0;  /* decimal exponent to apply to mantissa */
    long exp_value = 0; /* the written exponent, clamped */
    int exp_negative = 0;
    double value;

    if (*ps->p == '-') {
        negative = 1;
        ps->p++;
    }
    if (!bo_is_digit(*ps->p)) {
        *why = "a digit";
        return 0;
    }
    if (*ps->p == '0') {
        ps->p++;
        if (bo_is_digit(*ps->p)) { /* JSON forbids leading zeros such as 012 */
            *why = "no leading zero";
            return 0;
        }
    } else {
        while (bo_is_digit(*ps->p)) {
            if (digits < 19) {
                mantissa = mantissa * 10u + (uint64_t)(*ps->p - '0');
                digits++;
            } else {
                exponent++; /* a dropped integer digit still counts a power of ten */
            }
            ps->p++;
        }
    }
    if (*ps->p == '.') {
        ps->p++;
        if (!bo_is_digit(*ps->p)) {
            *why = "a digit after '.'";
            return 0;
        }
        while (bo_is_digit(*ps->p)) {
            /* Leading zeros of a fraction (0.0005) are not significant but do scale. */
            if (digits < 19 && (mantissa != 0 || *ps->p != '0')) {
                mantissa = mantissa * 10u + (uint64_t)(*ps->p - '0');
                digits++;
                exponent--;
            } else if (mantissa == 0) {
                exponent--;
            }
            ps->p++;
        }
    }
    if (*ps->p == 'e' || *ps->p == 'E') {
        ps->p++;
        if (*ps->p == '+' || *ps->p == '-') {
            exp_negative = (*ps->p == '-');
            ps->p++;
        }
        if (!bo_is_digit(*ps->p)) {
            *why = "a digit in the exponent";
            return 0;
        }
        while (bo_is_digit(*ps->p)) {
            if (exp_value < 100000) { /* beyond this the result is 0 or inf anyway */
                exp_value = exp_value * 10 + (*ps->p - '0');
            }
            ps->p++;
        }
    }
    exponent += exp_negative ? -exp_value : exp_value;

    value = (double)mantissa;
    if (mantissa != 0) {
        while (exponent > 22) {
            value *= 1e22;
            exponent -= 22;
            if (!isfinite(value)) {
                break;
            }
        }
        while (exponent < -22) {
            value /= 1e22;
            exponent += 22;
            if (value == 0.0) {
                break;
            }
        }
        if (exponent > 0 && exponent <= 22) {
            value *= bo_pow10[exponent];
        } else if (exponent < 0 && exponent >= -22) {
            value /= bo_pow10[-exponent];
        }
    }
    *out = negative ? -value : value;
    return 1;
}

/* Skips any JSON value (used for keys we do not know). */
static int bo_skip_value(bo_parser *ps, int depth) {
    char c = *ps->p;
    if (depth > BO_JSON_MAX_DEPTH) {
        bo_syntax_error(ps, "less nesting");
        return 0;
    }
    if (c == '"') {
        return bo_parse_string(ps, NULL, 0, NULL);
    }
    if (c == '-' || bo_is_digit(c)) {
        double ignored;
        const char *why = NULL;
        if (!bo_parse_number(ps, &ignored, &why)) {
            bo_syntax_error(ps, why);
            return 0;
        }
        return 1;
    }
    if (c == 't' || c == 'f' || c == 'n') {
        const char *word = c == 't' ? "true" : c == 'f' ? "false" : "null";
        size_t len = strlen(word);
        if (strncmp(ps->p, word, len) != 0) {
            bo_syntax_error(ps, "a value");
            return 0;
        }
        ps->p += len;
        return 1;
    }
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        ps->p++;
        bo_skip_ws(ps);
        if (*ps->p == close) {
            ps->p++;
            return 1;
        }
        for (;;) {
            if (c == '{') {
                if (!bo_parse_string(ps, NULL, 0, NULL)) {
                    return 0;
                }
                bo_skip_ws(ps);
                if (*ps->p != ':') {
                    bo_syntax_error(ps, "':'");
                    return 0;
                }
                ps->p++;
                bo_skip_ws(ps);
            }
            if (!bo_skip_value(ps, depth + 1)) {
                return 0;
            }
            bo_skip_ws(ps);
            if (*ps->p == ',') {
                ps->p++;
                bo_skip_ws(ps);
                continue;
            }
            if (*ps->p == close) {
                ps->p++;
                return 1;
            }
            bo_syntax_error(ps, c == '{' ? "',' or '}'" : "',' or ']'");
            return 0;
        }
    }
    bo_syntax_error(ps, "a value");
    return 0;
}

/* Where each known key's number goes while parsing; validated afterwards. */
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

/* Parses config_json into *raw (which holds the defaults on entry). Logs and returns 0 on error. */
static int bo_parse_config(const gh_host_api *host, const char *config_json, bo_raw_params *raw) {
    bo_parser ps;
    int seen[BO_KEY_COUNT] = {0};

    if (config_json == NULL) { /* not per contract, but "no parameters" is the only sane reading */
        return 1;
    }
    ps.start = config_json;
    ps.p = config_json;
    ps.host = host;

    bo_skip_ws(&ps);
    if (*ps.p == '\0') { /* an empty config: all defaults */
        return 1;
    }
    if (*ps.p != '{') {
        bo_syntax_error(&ps, "'{'");
        return 0;
    }
    ps.p++;
    bo_skip_ws(&ps);
    if (*ps.p == '}') {
        ps.p++;
    } else {
        for (;;) {
            char key[BO_KEY_MAX];
            int exact;
            size_t k;
            int known = -1;

            if (!bo_parse_string(&ps, key, sizeof key, &exact)) {
                return 0;
            }
            bo_skip_ws(&ps);
            if (*ps.p != ':') {
                bo_syntax_error(&ps, "':'");
                return 0;
            }
            ps.p++;
            bo_skip_ws(&ps);

            for (k = 0; exact && k < BO_KEY_COUNT; k++) {
                if (strcmp(key, bo_keys[k].name) == 0) {
                    known = (int)k;
                    break;
                }
            }
            if (known < 0) {
                if (!bo_skip_value(&ps, 1)) {
                    return 0;
                }
            } else {
                double value;
                const char *why = NULL;
                if (*ps.p != '-' && !bo_is_digit(*ps.p)) {
                    bo_log(host, GH_LOG_ERROR, "breakout: parameter \"%s\" must be a JSON number",
                           bo_keys[known].name);
                    return 0;
                }
                if (!bo_parse_number(&ps, &value, &why)) {
                    bo_log(host, GH_LOG_ERROR, "breakout: parameter \"%s\" is not a valid JSON number: expected %s at offset %ld",
                           bo_keys[known].name, why, (long)(ps.p - ps.start));
                    return 0;
                }
                /* "2x" or "1.5.0": the number must end where the value ends. */
                {
                    const char *after = ps.p;
                    bo_skip_ws(&ps);
                    if (*ps.p != ',' && *ps.p != '}' && *ps.p != '\0') {
                        bo_log(host, GH_LOG_ERROR, "breakout: parameter \"%s\" has unexpected text after its number at offset %ld",
                               bo_keys[known].name, (long)(ps.p - ps.start));
                        return 0;
                    }
                    ps.p = after; /* a missing '}' is reported below as a syntax error */
                }
                if (!isfinite(value)) {
                    bo_log(host, GH_LOG_ERROR, "breakout: parameter \"%s\" is out of range", bo_keys[known].name);
                    return 0;
                }
                if (seen[known]) { /* two values for one parameter: refuse rather than guess */
                    bo_log(host, GH_LOG_ERROR, "breakout: parameter \"%s\" is given twice", bo_keys[known].name);
                    return 0;
                }
                seen[known] = 1;
                *(double *)(void *)((char *)raw + bo_keys[known].offset) = value;
            }

            bo_skip_ws(&ps);
            if (*ps.p == ',') {
                ps.p++;
                bo_skip_ws(&ps);
                continue;
            }
            if (*ps.p == '}') {
                ps.p++;
                break;
            }
            bo_syntax_error(&ps, "',' or '}'");
            return 0;
        }
    }
    bo_skip_ws(&ps);
    if (*ps.p != '\0') {
        bo_syntax_error(&ps, "the end of the config after the object");
        return 0;
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

    raw.lookback = 20;
    raw.atr_period = 14;
    raw.atr_multiple = 2.0;
    raw.bar_seconds = 60;
    raw.risk_usd = 100;
    raw.max_quantity_usd = 2000;
    if (!bo_parse_config(host, config_json, &raw) || !bo_validate(host, &raw, &params, &bar_ns)) {
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
