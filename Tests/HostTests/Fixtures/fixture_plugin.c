/*
 * fixture_plugin.c — a minimal strategy plugin for the host tests, built by the tests themselves:
 *
 *     gcc -std=c11 -shared -fPIC -I <StrategyABI include dir> fixture_plugin.c -o X.so [-DFIXTURE_...]
 *
 * It needs nothing but gatehouse_strategy.h and the C standard library.
 *
 * Default behaviour (no macro): a strategy named "fixture" that
 *   - in create() stores the host API pointer and the length of the config JSON, and reads an
 *     optional string key "trace_path" from the config;
 *   - on every GH_MD_TRADE event submits one MARKET BUY of quantity 1 for the event's symbol_id,
 *     with stop_loss_price = price * 0.98 and client_id 1, 2, 3, ...;
 *   - counts market events and decisions and remembers the last decision's verdict;
 *   - if "trace_path" was given, appends one line per callback to that file:
 *         md <symbol> <ts_ns> <price>                                       (every market event)
 *         decision <client_id> <verdict> <final_quantity> <reason>         (on_decision)
 *         destroy                                                           (destroy)
 *     Numbers: ts_ns and client_id as integers, verdict as its GH_VERDICT_* number, prices and
 *     quantities in the shortest %g form that reads back as the same double ("100.5", "1").
 *     A NULL symbol or reason is written as "-". The file is opened ("a"), written and closed for
 *     each line, so a test can read it at any moment.
 *   on_fill traces "fill <client_id> <side> <quantity> <price> <fee> position=<quantity after>";
 *   on_order_update traces "order_update <client_id> <status> <remaining_quantity> <reason>";
 *   on_timer is NULL (the host must accept that).
 *
 * Knobs, optional numbers in the config JSON (read once in create()):
 *   "quantity"          quantity of each buy (default 1)
 *   "client_id_step"    added to the client id after each intent (default 1; 0 repeats ids)
 *   "symbol_id_offset"  added to the event's symbol_id in the intent (default 0; non-zero names
 *                       a symbol the strategy may not trade)
 *   "stop_factor"       stop_loss_price = price x this (default 0.98; 0 = no stop)
 *   "max_intents"       submit at most this many intents in all, buys and exits alike (default 0:
 *                       no limit); "max_intents": 1 makes a strategy that buys exactly once
 *   "exit_below"        on a trade below this price, a strategy holding a long position in the
 *                       symbol (get_position) submits a reduce-only MARKET SELL of all of it, with
 *                       no stop, instead of the buy (default 0: never)
 *   "bad_submits"       on each trade, first call submit_intent this many times with NULL
 *                       arguments (refused, GH_ERR_INVALID_ARGUMENT) (default 0)
 *   "crash_at_event"    dereference NULL (SIGSEGV) in on_market_data on this event, counted from
 *                       1 (default 0: never): a plugin crashing inside the host's process
 *   "sleep_ms"          sleep this long in on_market_data, before the intent, from event
 *                       "sleep_from_event" on (counted from 1, default 1) (default 0: never): a
 *                       slow callback, for the watchdog
 *   "start_buy"         1: in on_start, submit a MARKET BUY of "quantity" in the first symbol,
 *                       stop at its mark x stop_factor, and trace
 *                           start submit <client_id> rc=<rc> verdict=<v> reason=<reason>
 *   "stop_flatten"      1: in on_stop, submit a reduce-only MARKET SELL of every long position,
 *                       tracing each as "stop submit <client_id> rc=<rc> verdict=<v> reason=<reason>"
 *   "lifecycle"         1: on_start and on_stop (built against a header that has them) trace
 *                       "start" and "stop" (start_buy and stop_flatten imply it); then on_stop
 *                       traces its get_strategy_view as
 *                           view rc=<rc> mode=<m> paused_by=<bits> equity=<e> realized=<r> unrealized=<u>
 *                           peak=<p> drawdown=<d>/<limit> daily_loss=<l>/<limit> blocked=<0|1>
 *                           gross=<g> open=<n>/<max> trades=<n>/<max> losses=<n> cooldown=<f>
 *   "probe_api"         1: in create(), trace what the host API appended after version 1
 *                       says (when built against a header that has it, and the host's table
 *                       covers it):
 *                           name <strategy_name>
 *                           symbols <count> <id>:<name> ... past_end=<symbol_at(count)> foreign=<symbol_name(9999) or ->
 *                           param <getter> <key> rc=<rc> <value or ->
 *                       for the getters and keys in fixture_probe_api, each read with a
 *                       default already in *out (so an error leaves it: the value traced is
 *                       the default)
 *
 * Variants, one macro each:
 *   -DFIXTURE_BAD_ABI       the table reports abi_version GH_ABI_VERSION + 1
 *   -DFIXTURE_SMALL_TABLE   the table reports struct_size 8
 *   -DFIXTURE_V1_TABLE      the table reports version 1's size (GH_STRATEGY_API_V1_SIZE), as a
 *                           plugin built before on_order_update was appended
 *   -DFIXTURE_CREATE_NULL   create() logs the error "fixture refuses to start" and returns NULL
 *   -DFIXTURE_NO_ENTRY      no gatehouse_strategy_entry at all; the library exports
 *                           fixture_not_the_entry (returning the table) so it is still a valid .so
 *   -DFIXTURE_ENTRY_NULL    gatehouse_strategy_entry returns NULL
 *
 * Built with -I Tests/HostTests/Fixtures/abi-1.0 instead of the StrategyABI include dir, it is a
 * plugin built against version 1.0 of the header (before the host API's appended functions):
 * the same code, less what the newer header has (GH_HOST_API_HAS is not defined there).
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep, under -std=c11 */

#include "gatehouse_strategy.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define FIXTURE_PATH_MAX 4096

/* Bytes of a host struct a reader needs to read `field` (the header's struct_size rule). */
#define FIXTURE_END_OF(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))

typedef struct fixture_state fixture_state;
static void fixture_trace(const fixture_state *s, const char *line);

typedef struct fixture_state {
    const gh_host_api *host;
    size_t config_length;
    uint64_t next_client_id;
    uint64_t events_seen;
    uint64_t decisions_seen;
    uint32_t last_verdict; /* 0 until the first decision */
    int tracing;
    char trace_path[FIXTURE_PATH_MAX];
    /* Knobs the tests turn to make the fixture misbehave on purpose. */
    double quantity;          /* "quantity", default 1 */
    uint64_t client_id_step;  /* "client_id_step", default 1 (0 repeats ids) */
    uint32_t symbol_offset;   /* "symbol_id_offset", default 0 (non-zero names a foreign symbol) */
    double stop_factor;       /* "stop_factor", default 0.98: stop = price x this (0 = no stop) */
    uint64_t max_intents;     /* "max_intents", default 0 (no limit) */
    uint64_t intents_sent;    /* intents submitted so far, for max_intents */
    double exit_below;        /* "exit_below", default 0 (never): sell a long position below this price */
    uint64_t bad_submits;     /* "bad_submits", default 0: malformed submit_intent calls per trade */
    uint64_t crash_at_event;  /* "crash_at_event", default 0 (never): SIGSEGV on this market event */
    double sleep_ms;          /* "sleep_ms", default 0: sleep in on_market_data */
    uint64_t sleep_from_event; /* "sleep_from_event", default 1 */
    int start_buy;            /* "start_buy": buy in on_start */
    int stop_flatten;         /* "stop_flatten": sell every long position in on_stop */
    int lifecycle;            /* "lifecycle": trace on_start and on_stop */
} fixture_state;

/* The number after the key "name" in `json`, or `fallback` if absent. Test fixture only. */
static double fixture_number(const char *json, const char *name, double fallback) {
    char key[64];
    const char *p;
    snprintf(key, sizeof key, "\"%s\":", name);
    if (json == NULL || (p = strstr(json, key)) == NULL) {
        return fallback;
    }
    return strtod(p + strlen(key), NULL);
}

/*
 * Copies the string value of "trace_path" from the config into `out`. Tiny on purpose: finds the
 * quoted key followed by ':' and a string, decodes the simple escapes (\" \\ \/ \n \t \r \b \f;
 * a \u escape makes it give up). Returns 1 if a path was found and fits.
 */
static int fixture_trace_path(const char *json, char *out, size_t cap) {
    static const char key[] = "\"trace_path\"";
    const char *p = json;
    size_t n = 0;

    if (json == NULL || cap == 0) {
        return 0;
    }
    while ((p = strstr(p, key)) != NULL) {
        const char *q = p + sizeof key - 1;
        while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') {
            q++;
        }
        if (*q != ':') { /* the text appeared as a value, not a key: keep looking */
            p++;
            continue;
        }
        q++;
        while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') {
            q++;
        }
        if (*q != '"') {
            return 0;
        }
        q++;
        while (*q != '"') {
            char c = *q;
            if (c == '\0') {
                return 0;
            }
            if (c == '\\') {
                q++;
                switch (*q) {
                case '"': c = '"'; break;
                case '\\': c = '\\'; break;
                case '/': c = '/'; break;
                case 'n': c = '\n'; break;
                case 't': c = '\t'; break;
                case 'r': c = '\r'; break;
                case 'b': c = '\b'; break;
                case 'f': c = '\f'; break;
                default: return 0; /* \u or garbage: not worth supporting in a fixture */
                }
            }
            if (n + 1 >= cap) {
                return 0;
            }
            out[n++] = c;
            q++;
        }
        out[n] = '\0';
        return n > 0;
    }
    return 0;
}

/* The shortest %g form of `x` (at least 6 digits, so 100 prints as "100") that reads back as
   the same double. */
static void fixture_format_double(char *buf, size_t cap, double x) {
    int precision;
    for (precision = 6; precision <= 17; precision++) {
        snprintf(buf, cap, "%.*g", precision, x);
        if (strtod(buf, NULL) == x) {
            return;
        }
    }
}

static void fixture_trace(const fixture_state *s, const char *line) {
    FILE *f;
    if (!s->tracing) {
        return;
    }
    f = fopen(s->trace_path, "a");
    if (f == NULL) {
        return;
    }
    fputs(line, f);
    fputc('\n', f);
    fclose(f);
}

#ifdef GH_HOST_API_HAS
/* The "probe_api" trace (see the top of the file). */
static void fixture_probe_api(const fixture_state *s) {
    const gh_host_api *h = s->host;
    char line[FIXTURE_PATH_MAX];
    size_t used;
    uint32_t i, count;
    static const char *const keys[] = {"p_double", "p_int", "p_whole", "p_fraction", "p_bool", "p_string",
                                       "nested.level.value", "dotted.key", "missing", "p_list"};
    size_t k;

    if (!GH_HOST_API_HAS(h, get_param_string)) {
        fixture_trace(s, "probe_api unavailable");
        return;
    }
    snprintf(line, sizeof line, "name %s", h->strategy_name(h->host));
    fixture_trace(s, line);
    count = h->symbol_count(h->host);
    used = (size_t)snprintf(line, sizeof line, "symbols %u", count);
    for (i = 0; i < count && used < sizeof line; i++) {
        uint32_t id = h->symbol_at(h->host, i);
        const char *name = h->symbol_name(h->host, id);
        used += (size_t)snprintf(line + used, sizeof line - used, " %u:%s", id, name != NULL ? name : "-");
    }
    if (used < sizeof line) {
        const char *foreign = h->symbol_name(h->host, 9999);
        snprintf(line + used, sizeof line - used, " past_end=%u foreign=%s", h->symbol_at(h->host, count), foreign != NULL ? foreign : "-");
    }
    fixture_trace(s, line);
    for (k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        double d = -1;
        int64_t n = -1;
        int32_t b = -1;
        const char *text = NULL;
        int32_t rc;
        rc = h->get_param_double(h->host, keys[k], &d);
        snprintf(line, sizeof line, "param double %s rc=%d %.17g", keys[k], rc, d);
        fixture_trace(s, line);
        rc = h->get_param_int(h->host, keys[k], &n);
        snprintf(line, sizeof line, "param int %s rc=%d %" PRId64, keys[k], rc, n);
        fixture_trace(s, line);
        rc = h->get_param_bool(h->host, keys[k], &b);
        snprintf(line, sizeof line, "param bool %s rc=%d %d", keys[k], rc, b);
        fixture_trace(s, line);
        rc = h->get_param_string(h->host, keys[k], &text);
        snprintf(line, sizeof line, "param string %s rc=%d %s", keys[k], rc, text != NULL ? text : "-");
        fixture_trace(s, line);
    }
    snprintf(line, sizeof line, "param null_key rc=%d null_out rc=%d", h->get_param_double(h->host, NULL, NULL),
             h->get_param_int(h->host, "p_int", NULL));
    fixture_trace(s, line);
}
#endif

static void *fixture_create(const gh_host_api *host, const char *config_json) {
    fixture_state *s;

    if (host == NULL || host->abi_version != GH_ABI_VERSION || host->struct_size < FIXTURE_END_OF(gh_host_api, log)) {
        return NULL;
    }
#ifdef FIXTURE_CREATE_NULL
    if (host->log != NULL) {
        host->log(host->host, GH_LOG_ERROR, "fixture refuses to start");
    }
    return NULL;
#endif
    s = calloc(1, sizeof *s);
    if (s == NULL) {
        if (host->log != NULL) {
            host->log(host->host, GH_LOG_ERROR, "fixture: out of memory");
        }
        return NULL;
    }
    s->host = host;
    s->config_length = config_json != NULL ? strlen(config_json) : 0;
    s->next_client_id = 1;
    s->tracing = fixture_trace_path(config_json, s->trace_path, sizeof s->trace_path);
    s->quantity = fixture_number(config_json, "quantity", 1.0);
    s->client_id_step = (uint64_t)fixture_number(config_json, "client_id_step", 1.0);
    s->symbol_offset = (uint32_t)fixture_number(config_json, "symbol_id_offset", 0.0);
    s->stop_factor = fixture_number(config_json, "stop_factor", 0.98);
    s->max_intents = (uint64_t)fixture_number(config_json, "max_intents", 0.0);
    s->exit_below = fixture_number(config_json, "exit_below", 0.0);
    s->bad_submits = (uint64_t)fixture_number(config_json, "bad_submits", 0.0);
    s->crash_at_event = (uint64_t)fixture_number(config_json, "crash_at_event", 0.0);
    s->sleep_ms = fixture_number(config_json, "sleep_ms", 0.0);
    s->sleep_from_event = (uint64_t)fixture_number(config_json, "sleep_from_event", 1.0);
    s->start_buy = fixture_number(config_json, "start_buy", 0.0) != 0;
    s->stop_flatten = fixture_number(config_json, "stop_flatten", 0.0) != 0;
    s->lifecycle = s->start_buy || s->stop_flatten || fixture_number(config_json, "lifecycle", 0.0) != 0;
#ifdef GH_HOST_API_HAS
    if (fixture_number(config_json, "probe_api", 0.0) != 0) {
        fixture_probe_api(s);
    }
#endif
    return s;
}

static void fixture_on_market_data(void *self, const gh_market_event *event) {
    fixture_state *s = self;
    char line[FIXTURE_PATH_MAX];
    char price[32];

    if (s == NULL || event == NULL || event->struct_size < FIXTURE_END_OF(gh_market_event, price)) {
        return;
    }
    s->events_seen++;
    if (s->crash_at_event != 0 && s->events_seen == s->crash_at_event) {
        volatile int *nowhere = NULL;
        *nowhere = 1;
    }
    if (s->sleep_ms > 0.0 && s->events_seen >= s->sleep_from_event) {
        struct timespec pause;
        pause.tv_sec = (time_t)(s->sleep_ms / 1000.0);
        pause.tv_nsec = (long)((s->sleep_ms - (double)pause.tv_sec * 1000.0) * 1e6);
        while (nanosleep(&pause, &pause) != 0) {
        }
    }
    if (s->tracing) {
        fixture_format_double(price, sizeof price, event->price);
        snprintf(line, sizeof line, "md %s %" PRId64 " %s", event->symbol != NULL ? event->symbol : "-",
                 event->ts_ns, price);
        fixture_trace(s, line);
    }
    if (event->kind == GH_MD_TRADE && s->host->submit_intent != NULL) {
        uint64_t bad;
        for (bad = 0; bad < s->bad_submits; bad++) {
            (void)s->host->submit_intent(s->host->host, NULL, NULL);
        }
    }
    if (event->kind == GH_MD_TRADE && s->host->submit_intent != NULL
        && (s->max_intents == 0 || s->intents_sent < s->max_intents)) {
        gh_intent intent;
        gh_decision decision;
        gh_position held;
        GH_INIT_INTENT(intent);
        int32_t rc;
        intent.client_id = s->next_client_id;
        s->next_client_id += s->client_id_step;
        s->intents_sent++;
        intent.symbol_id = event->symbol_id + s->symbol_offset;
        intent.side = GH_SIDE_BUY;
        intent.quantity = s->quantity;
        intent.order_type = GH_ORDER_MARKET;
        intent.reduce_only = 0;
        intent.limit_price = 0.0;
        intent.stop_loss_price = event->price * s->stop_factor;
        GH_INIT_POSITION(held);
        if (event->price < s->exit_below && s->host->get_position(s->host->host, event->symbol_id, &held) == GH_OK
            && held.quantity > 0.0) {
            /* The exit: close the whole long position; a reduce-only order needs no stop. */
            intent.side = GH_SIDE_SELL;
            intent.quantity = held.quantity;
            intent.reduce_only = 1;
            intent.stop_loss_price = 0.0;
        }
        GH_INIT_DECISION(decision);
        rc = s->host->submit_intent(s->host->host, &intent, &decision);
        if (s->tracing) {
            /* The synchronous answer, before on_decision delivers the same decision again. */
            snprintf(line, sizeof line, "submit %" PRIu64 " rc=%d verdict=%" PRIu32 " reason=%s", intent.client_id, rc,
                     decision.verdict, rc == GH_OK && decision.reason != NULL ? decision.reason : "-");
            fixture_trace(s, line);
        }
    }
}

static void fixture_on_decision(void *self, const gh_decision *decision) {
    fixture_state *s = self;
    char line[FIXTURE_PATH_MAX];
    char quantity[32];

    if (s == NULL || decision == NULL || decision->struct_size < FIXTURE_END_OF(gh_decision, reason)) {
        return;
    }
    s->decisions_seen++;
    s->last_verdict = decision->verdict;
    if (s->tracing) {
        fixture_format_double(quantity, sizeof quantity, decision->final_quantity);
        snprintf(line, sizeof line, "decision %" PRIu64 " %" PRIu32 " %s %s", decision->client_id, decision->verdict,
                 quantity, decision->reason != NULL ? decision->reason : "-");
        fixture_trace(s, line);
    }
}

static void fixture_on_fill(void *self, const gh_fill *fill) {
    fixture_state *s = self;
    char line[FIXTURE_PATH_MAX];
    char quantity[32], price[32], fee[32], held[32];
    gh_position position;

    if (s == NULL || fill == NULL || fill->struct_size < FIXTURE_END_OF(gh_fill, ts_ns)) {
        return;
    }
    GH_INIT_POSITION(position);
    /* The contract: a fill is reported before... and shows in get_position by now. */
    if (s->host->get_position(s->host->host, fill->symbol_id, &position) != GH_OK) {
        position.quantity = -1.0;
    }
    if (s->tracing) {
        fixture_format_double(quantity, sizeof quantity, fill->quantity);
        fixture_format_double(price, sizeof price, fill->price);
        fixture_format_double(fee, sizeof fee, fill->fee_usd);
        fixture_format_double(held, sizeof held, position.quantity);
        snprintf(line, sizeof line, "fill %" PRIu64 " %" PRIu32 " %s %s %s position=%s", fill->client_id, fill->side,
                 quantity, price, fee, held);
        fixture_trace(s, line);
    }
}

static void fixture_on_order_update(void *self, const gh_order_update *update) {
    fixture_state *s = self;
    char line[FIXTURE_PATH_MAX];
    char remaining[32];

    if (s == NULL || update == NULL || update->struct_size < FIXTURE_END_OF(gh_order_update, ts_ns)) {
        return;
    }
    if (s->tracing) {
        fixture_format_double(remaining, sizeof remaining, update->remaining_quantity);
        snprintf(line, sizeof line, "order_update %" PRIu64 " %" PRIu32 " %s %" PRIu32, update->client_id, update->status,
                 remaining, update->reason);
        fixture_trace(s, line);
    }
}

#ifdef GH_HOST_API_HAS
/* Submits a MARKET order from a lifecycle hook and traces "<hook> submit <client_id> rc= verdict= reason=". */
static void fixture_hook_submit(fixture_state *s, const char *hook, uint32_t symbol_id, uint32_t side, double quantity,
                                double stop, uint32_t reduce_only) {
    gh_intent intent;
    gh_decision decision;
    char line[FIXTURE_PATH_MAX];
    int32_t rc;
    GH_INIT_INTENT(intent);
    GH_INIT_DECISION(decision);
    intent.client_id = s->next_client_id;
    s->next_client_id += s->client_id_step;
    intent.symbol_id = symbol_id;
    intent.side = side;
    intent.quantity = quantity;
    intent.order_type = GH_ORDER_MARKET;
    intent.reduce_only = reduce_only;
    intent.stop_loss_price = stop;
    rc = s->host->submit_intent(s->host->host, &intent, &decision);
    snprintf(line, sizeof line, "%s submit %" PRIu64 " rc=%d verdict=%" PRIu32 " reason=%s", hook, intent.client_id, rc,
             rc == GH_OK ? decision.verdict : 0u, rc == GH_OK && decision.reason != NULL ? decision.reason : "-");
    fixture_trace(s, line);
}

static void fixture_on_start(void *self) {
    fixture_state *s = self;
    gh_position held;
    uint32_t symbol;
    if (s->lifecycle) {
        fixture_trace(s, "start");
    }
    if (!s->start_buy || !GH_HOST_API_HAS(s->host, symbol_at)) {
        return;
    }
    symbol = s->host->symbol_at(s->host->host, 0);
    GH_INIT_POSITION(held);
    (void)s->host->get_position(s->host->host, symbol, &held);
    fixture_hook_submit(s, "start", symbol, GH_SIDE_BUY, s->quantity, held.mark_price * s->stop_factor, 0);
}

static void fixture_on_stop(void *self) {
    fixture_state *s = self;
    uint32_t i, count;
    if (s->lifecycle) {
        gh_strategy_view view;
        char line[FIXTURE_PATH_MAX];
        int32_t rc;
        fixture_trace(s, "stop");
        GH_INIT_STRATEGY_VIEW(view);
        rc = s->host->get_strategy_view(s->host->host, &view);
        snprintf(line, sizeof line,
                 "view rc=%d mode=%u paused_by=%u equity=%.17g realized=%.17g unrealized=%.17g peak=%.17g drawdown=%.17g/%.17g "
                 "daily_loss=%.17g/%.17g blocked=%u gross=%.17g open=%u/%u trades=%u/%u losses=%u cooldown=%.17g",
                 rc, view.mode, view.paused_by, view.equity_usd, view.realized_pnl_usd, view.unrealized_pnl_usd,
                 view.peak_equity_usd, view.drawdown_pct, view.drawdown_limit_pct, view.daily_loss_pct,
                 view.daily_loss_limit_pct, view.daily_loss_blocked, view.gross_exposure_usd, view.open_positions,
                 view.max_open_positions, view.trades_today, view.max_trades_per_day, view.consecutive_losses,
                 view.cooldown_factor);
        fixture_trace(s, line);
    }
    if (!s->stop_flatten || !GH_HOST_API_HAS(s->host, symbol_at)) {
        return;
    }
    count = s->host->symbol_count(s->host->host);
    for (i = 0; i < count; i++) {
        gh_position held;
        uint32_t symbol = s->host->symbol_at(s->host->host, i);
        GH_INIT_POSITION(held);
        if (s->host->get_position(s->host->host, symbol, &held) == GH_OK && held.quantity > 0.0) {
            fixture_hook_submit(s, "stop", symbol, GH_SIDE_SELL, held.quantity, 0.0, 1);
        }
    }
}
#endif

static void fixture_destroy(void *self) {
    fixture_state *s = self;
    if (s == NULL) {
        return;
    }
    fixture_trace(s, "destroy");
    free(s);
}

#ifdef FIXTURE_BAD_ABI
#define FIXTURE_TABLE_ABI (GH_ABI_VERSION + 1u)
#else
#define FIXTURE_TABLE_ABI GH_ABI_VERSION
#endif

#ifdef FIXTURE_SMALL_TABLE
#define FIXTURE_TABLE_SIZE 8u
#elif defined(FIXTURE_V1_TABLE)
#define FIXTURE_TABLE_SIZE ((uint32_t)GH_STRATEGY_API_V1_SIZE)
#else
#define FIXTURE_TABLE_SIZE ((uint32_t)sizeof(gh_strategy_api))
#endif

static const gh_strategy_api fixture_api = {
    FIXTURE_TABLE_ABI,
    FIXTURE_TABLE_SIZE,
    "fixture",
    fixture_create,
    fixture_on_market_data,
    fixture_on_fill,
    fixture_on_decision,
    NULL, /* on_timer */
    fixture_destroy,
    fixture_on_order_update, /* beyond struct_size in the V1_TABLE variant: the host must not call it */
#ifdef GH_HOST_API_HAS
    fixture_on_start,
    fixture_on_stop,
#endif
};

#ifdef FIXTURE_NO_ENTRY
/* The table is here, but under a name the host does not look for. */
GH_EXPORT const gh_strategy_api *fixture_not_the_entry(uint32_t host_abi_version);
GH_EXPORT const gh_strategy_api *fixture_not_the_entry(uint32_t host_abi_version) {
    (void)host_abi_version;
    return &fixture_api;
}
#else
GH_EXPORT const gh_strategy_api *gatehouse_strategy_entry(uint32_t host_abi_version) {
#ifdef FIXTURE_ENTRY_NULL
    (void)host_abi_version;
    (void)fixture_api;
    return NULL;
#else
    /* The BAD_ABI and SMALL_TABLE variants still hand out their table: the host must catch it. */
    if (host_abi_version != GH_ABI_VERSION) {
        return NULL;
    }
    return &fixture_api;
#endif
}
#endif
