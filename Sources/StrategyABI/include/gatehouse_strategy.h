/*
 * gatehouse_strategy.h — the whole contract between the Gatehouse host and a strategy plugin.
 *
 * A strategy is a shared library (.so) that exports one C function, GH_ENTRY_SYMBOL, returning a
 * table of callbacks (gh_strategy_api). The host opens the library with
 * dlopen(RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE), checks the table's abi_version and struct_size,
 * calls create() once with the strategy's own configuration as JSON, then feeds it market data.
 * The strategy answers with order intents through the host API (gh_host_api); every intent passes
 * the host's risk chain and the decision comes back synchronously.
 *
 * This header needs nothing but a C11 compiler and the C standard headers; include it alone.
 *
 * ----------------------------------------------------------------------------------------------
 * Versioning
 *   - Every struct that can grow starts with `abi_version` and `struct_size`.
 *   - GH_ABI_VERSION changes only on an incompatible change. Compatible changes only ever append
 *     fields to the end of a struct; a reader uses `struct_size` to know which fields exist.
 *   - The host refuses a plugin whose table reports another GH_ABI_VERSION or a struct_size
 *     smaller than GH_STRATEGY_API_V1_SIZE (the table up to `destroy`). Callbacks appended after
 *     `destroy` (on_order_update, on_start, on_stop) are read only when the table's struct_size covers them, so a
 *     plugin built against an older header still loads.
 *   - The host API table (gh_host_api) grows the same way: functions appended after set_timer
 *     exist when the table's struct_size covers them (GH_HOST_API_HAS), so a plugin built
 *     against this header can still run on an older host by checking before it calls.
 *   - Structs the plugin fills in (gh_intent, the gh_decision / gh_position it hands to the host for
 *     writing) must have abi_version = GH_ABI_VERSION and struct_size = sizeof(the struct); use
 *     the GH_INIT_* macros. The host never writes past the struct_size the plugin gave.
 *
 * Threading
 *   - The host calls every callback of every strategy on ONE thread, the event-loop thread, one
 *     call at a time. A strategy needs no locks for state touched only from its callbacks.
 *   - Host API functions may be called only on that thread, from inside a callback (create
 *     included). Called from any other thread they return GH_ERR_WRONG_THREAD and do nothing.
 *   - A callback must not block: the whole host (all strategies, the risk chain) waits for it.
 *
 * Ownership and lifetimes
 *   - The gh_strategy_api table returned by the entry function is owned by the plugin and must
 *     stay valid for the life of the process (a static const table). Plugins are never unloaded.
 *   - `config_json` passed to create() is owned by the host and valid only during that call.
 *   - The gh_host_api pointer passed to create() is owned by the host and valid until destroy()
 *     returns. Keep it in your state.
 *   - Every struct pointer passed to a callback (market event, fill, decision) is owned by the
 *     host and valid only during that callback. Copy what you need.
 *   - `symbol` strings in gh_market_event and the `reason` string in gh_decision are owned by the
 *     host and stay valid for the life of the host process.
 *   - The intent passed to submit_intent() is owned by the caller; the host copies it.
 *   - Strings given to log() are owned by the caller and copied before log() returns.
 *
 * Units
 *   - Time: int64 nanoseconds since the Unix epoch, UTC. The host clock is *event time*: the
 *     timestamp of the market event being processed, so a replay gives the same decisions.
 *   - Prices: quote currency (USD) per unit. Quantities: units of the instrument (> 0; the side
 *     gives the direction). Money: USD.
 * ----------------------------------------------------------------------------------------------
 */
#ifndef GATEHOUSE_STRATEGY_H
#define GATEHOUSE_STRATEGY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h> /* memset, for the GH_INIT_* macros */

#ifdef __cplusplus
extern "C" {
#endif

/** The contract version this header describes. */
#define GH_ABI_VERSION 1u

/** Name of the function every plugin exports (see gh_entry_fn). */
#define GH_ENTRY_SYMBOL "gatehouse_strategy_entry"

/** Marks the entry function as exported from the shared library. */
#if defined(__GNUC__) || defined(__clang__)
#define GH_EXPORT __attribute__((visibility("default")))
#else
#define GH_EXPORT
#endif

/* ---- Return codes of host API functions ---------------------------------------------------- */
#define GH_OK 0
#define GH_ERR_INVALID_ARGUMENT (-1) /**< a NULL pointer, a bad struct header or a bad field */
#define GH_ERR_NOT_FOUND (-2)        /**< unknown symbol, client id or position */
#define GH_ERR_WRONG_THREAD (-3)     /**< called from outside the event-loop thread */
#define GH_ERR_NOT_PERMITTED (-4)    /**< called at a moment the host does not allow it */
#define GH_ERR_WRONG_TYPE (-5)       /**< a parameter exists but is of another type than asked */

/* ---- Market data ----------------------------------------------------------------------------- */
#define GH_MD_TRADE 1u /**< a trade printed: price, size */
#define GH_MD_QUOTE 2u /**< top of book: bid, bid_size, ask, ask_size */
#define GH_MD_BAR 3u   /**< a closed bar: open, high, low, close, volume; ts_ns is the bar's end */

/**
 * One market-data event as the host hands it to a strategy (on_market_data).
 * Fields that do not apply to `kind` are 0.
 */
typedef struct gh_market_event {
    uint32_t abi_version; /**< GH_ABI_VERSION */
    uint32_t struct_size; /**< sizeof(gh_market_event) as the host was built */
    uint32_t kind;        /**< GH_MD_TRADE, GH_MD_QUOTE or GH_MD_BAR */
    uint32_t symbol_id;   /**< host-interned id of the symbol, stable for the host's lifetime, >= 1 */
    int64_t ts_ns;        /**< event time, ns since the Unix epoch (UTC) */
    const char *symbol;   /**< NUL-terminated symbol name; host-owned, valid for the host's lifetime */
    double price;         /**< reference price: trade price, quote mid, or bar close (> 0) */
    double size;          /**< trade size, or bar volume; 0 for a quote */
    double bid;           /**< quote: best bid price */
    double bid_size;      /**< quote: size at the best bid */
    double ask;           /**< quote: best ask price */
    double ask_size;      /**< quote: size at the best ask */
    double open;          /**< bar: open */
    double high;          /**< bar: high */
    double low;           /**< bar: low */
    double close;         /**< bar: close */
} gh_market_event;

/* ---- Intents and decisions ------------------------------------------------------------------- */
#define GH_SIDE_BUY 1u
#define GH_SIDE_SELL 2u

#define GH_ORDER_MARKET 1u
#define GH_ORDER_LIMIT 2u

#define GH_VERDICT_APPROVE 1u /**< accepted at the requested quantity */
#define GH_VERDICT_RESHAPE 2u /**< accepted at a smaller quantity (final_quantity) */
#define GH_VERDICT_REJECT 3u  /**< refused; final_quantity is 0 */

/**
 * Primary reason codes. Stable numbers; new codes are only appended. `gh_decision.reason` carries
 * the same code as a SCREAMING_SNAKE string. docs/reason-codes.md documents each one.
 */
#define GH_REASON_NONE 0u                 /**< clean approval */
#define GH_REASON_INVALID_INTENT 1u       /**< the intent itself is malformed (see docs/reason-codes.md) */
#define GH_REASON_SYMBOL_NOT_SUBSCRIBED 2u /**< symbol_id is not one of the strategy's symbols */
#define GH_REASON_DUPLICATE_CLIENT_ID 3u  /**< client_id not greater than the last one used */
#define GH_REASON_NO_MARKET_DATA 4u       /**< no price seen yet for the symbol */
/* Risk chain rules (docs/reason-codes.md has each one's meaning, severity and detail keys). */
#define GH_REASON_KILL_SWITCH_ACTIVE 5u
#define GH_REASON_ACCOUNT_HALTED 6u
#define GH_REASON_ACCOUNT_REDUCING 7u
#define GH_REASON_STALE_MARKET_DATA 8u
#define GH_REASON_STOP_LOSS_REQUIRED 9u
#define GH_REASON_STOP_LOSS_WRONG_SIDE 10u
#define GH_REASON_ACCOUNT_DRAWDOWN_HALT 11u
#define GH_REASON_DRAWDOWN_BUFFER 12u
#define GH_REASON_ROLLING_DRAWDOWN_BREACHED 13u
#define GH_REASON_ACCOUNT_DAILY_LOSS 14u
#define GH_REASON_STRATEGY_DRAWDOWN_BREAKER 15u
#define GH_REASON_STRATEGY_DAILY_LOSS 16u
#define GH_REASON_MAX_OPEN_POSITIONS 17u
#define GH_REASON_MAX_TRADES_PER_DAY 18u
#define GH_REASON_AGGREGATE_NOTIONAL_RESHAPE 19u
#define GH_REASON_AGGREGATE_NOTIONAL_EXHAUSTED 20u
#define GH_REASON_SYMBOL_NOTIONAL_RESHAPE 21u
#define GH_REASON_SYMBOL_NOTIONAL_EXHAUSTED 22u
#define GH_REASON_CLUSTER_NOTIONAL_RESHAPE 23u
#define GH_REASON_CLUSTER_NOTIONAL_EXHAUSTED 24u
#define GH_REASON_STRATEGY_POSITION_RESHAPE 25u
#define GH_REASON_STRATEGY_POSITION_EXHAUSTED 26u
#define GH_REASON_RISK_PER_TRADE_RESHAPE 27u
#define GH_REASON_CORRELATION_SCALED 28u
#define GH_REASON_CORRELATION_INSUFFICIENT_DATA 29u
#define GH_REASON_CORRELATION_TOO_HIGH 30u
#define GH_REASON_COOLDOWN_SCALED 31u
#define GH_REASON_DECAY_PAUSED 32u
#define GH_REASON_BELOW_MIN_ORDER_SIZE 33u
#define GH_REASON_REDUCE_ONLY_TRIMMED 34u
#define GH_REASON_REDUCE_ONLY_NOTHING_TO_REDUCE 35u
#define GH_REASON_JOURNAL_UNAVAILABLE 36u
#define GH_REASON_ORDER_STATE_UNKNOWN 37u /* an order in this symbol awaits the gateway's answer */
#define GH_REASON_STRATEGY_PAUSED 38u     /* an operator paused this strategy (gatehouse ctl pause) */
#define GH_REASON_PRICE_OFF_TICK 39u      /* limit price not on the symbol's tick grid: whole intent refused */
#define GH_REASON_PRICE_OUTSIDE_BAND 40u  /* limit price outside the price band around the mark: whole intent refused */
#define GH_REASON_ORDER_QUANTITY_ABOVE_MAX 41u /* quantity above the symbol's maximum: whole intent refused */
#define GH_REASON_ORDER_NOTIONAL_ABOVE_MAX 42u /* notional above the symbol's maximum: whole intent refused */
#define GH_REASON_ORDER_NOTIONAL_ABOVE_STRATEGY_MAX 43u /* notional above the strategy's share of its capital */
#define GH_REASON_RESTRICTED_SYMBOL 44u   /* the symbol is closed to new risk; exits pass */
#define GH_REASON_STALE_PORTFOLIO 45u     /* a held symbol's mark is stale: no new risk anywhere; exits pass */
#define GH_REASON_LOT_SIZE_ROUNDED 46u    /* final quantity rounded down to whole lots */
#define GH_REASON_ORDER_RATE_EXCEEDED 47u /* the strategy's order-rate bucket is empty; exits pass */
#define GH_REASON_ACCOUNT_ORDER_RATE_EXCEEDED 48u /* the account's order-rate bucket is empty; exits pass */
#define GH_REASON_DUPLICATE_ORDER 49u     /* the same order as one sent within the duplicate window */
#define GH_REASON_REPEATED_EXECUTIONS 50u /* too many same-side fills in a window paused the strategy */
#define GH_REASON_SELF_TRADE_PREVENTED 51u /* would trade against a resting live order of the host's; exits pass */
#define GH_REASON_SELF_TRADE_RESTING_CANCELLED 52u /* trace note: the resting orders it would have crossed were cancelled */
#define GH_REASON_AUDIT_QUEUE_SHARE_EXCEEDED 53u /* the strategy holds more than its share of the audit queue; exits pass */
#define GH_REASON_LOOP_TIME_SHARE_EXCEEDED 54u /* the strategy's callbacks took more than its share of loop time; exits pass */
#define GH_REASON_CALLBACK_OVERRUN 55u    /* the callback watchdog paused the strategy until an operator resumes it */
#define GH_REASON_CLIENT_ID_OUT_OF_RANGE 56u /* client_id above GH_CLIENT_ID_MAX: refused, and the id is not used up */

/**
 * The largest client_id the host accepts: 2^63 - 1, so every id fits the journal's signed 64-bit
 * integers. A larger one is refused (GH_REASON_CLIENT_ID_OUT_OF_RANGE) without being used up.
 */
#define GH_CLIENT_ID_MAX 0x7FFFFFFFFFFFFFFFull

/**
 * An order intent: what the strategy would like to trade. Build it with GH_INIT_INTENT.
 * An intent is risk-increasing when it grows |position| of its strategy in its symbol; for one that
 * crosses through zero (sell 8 while long 5) the part beyond zero (a new short of 3) is
 * risk-increasing. Only the filled position can be reduced, less what the strategy's pending
 * orders on the same side already take away: a sell against an approved but unfilled buy is
 * risk-increasing (if the buy is cancelled, the sell opens a short). Risk-increasing intents must carry a stop_loss_price on the protective side:
 * below the price for a buy, above it for a sell (the price being the limit price, or the last
 * reference price of the symbol for a market intent).
 */
typedef struct gh_intent {
    uint32_t abi_version;   /**< GH_ABI_VERSION */
    uint32_t struct_size;   /**< sizeof(gh_intent) */
    uint64_t client_id;     /**< chosen by the strategy: 1 to GH_CLIENT_ID_MAX, strictly increasing per strategy */
    uint32_t symbol_id;     /**< from gh_market_event.symbol_id or host->symbol_id() */
    uint32_t side;          /**< GH_SIDE_BUY or GH_SIDE_SELL */
    double quantity;        /**< units of the instrument, finite and > 0 */
    uint32_t order_type;    /**< GH_ORDER_MARKET or GH_ORDER_LIMIT */
    uint32_t reduce_only;   /**< 1: may only shrink the position; 0 otherwise */
    double limit_price;     /**< LIMIT: finite and > 0; MARKET: 0 */
    double stop_loss_price; /**< protective stop price; 0 = none */
} gh_intent;

/**
 * The host's answer to an intent. Written by submit_intent() into the caller's struct, and passed
 * again to on_decision() once the submitting callback has returned.
 */
typedef struct gh_decision {
    uint32_t abi_version;      /**< GH_ABI_VERSION */
    uint32_t struct_size;      /**< caller sets sizeof(gh_decision); host writes no further */
    uint64_t client_id;        /**< the intent's client_id */
    uint64_t decision_id;      /**< host-assigned, unique and increasing within a host run */
    uint32_t verdict;          /**< GH_VERDICT_* */
    uint32_t reason_code;      /**< GH_REASON_*; primary reason */
    double requested_quantity; /**< the intent's quantity */
    double final_quantity;     /**< quantity let through; 0 on REJECT */
    int64_t ts_ns;             /**< event time of the decision */
    const char *reason;        /**< reason_code as a string, e.g. "NONE"; host-owned, process lifetime */
} gh_decision;

/** A fill of an approved intent (on_fill). */
typedef struct gh_fill {
    uint32_t abi_version; /**< GH_ABI_VERSION */
    uint32_t struct_size; /**< sizeof(gh_fill) as the host was built */
    uint64_t client_id;   /**< the intent's client_id */
    uint64_t fill_id;     /**< host-assigned, unique within a host run */
    uint32_t symbol_id;   /**< the intent's symbol */
    uint32_t side;        /**< GH_SIDE_* */
    double quantity;      /**< filled units, > 0 */
    double price;         /**< fill price */
    double fee_usd;       /**< fee charged, USD */
    int64_t ts_ns;        /**< event time of the fill */
} gh_fill;

/** What happened to an order (on_order_update). */
#define GH_ORDER_UPDATE_CANCELLED 1u /**< no longer working; nothing more of it will fill */
#define GH_ORDER_UPDATE_REJECTED 2u  /**< the order gateway refused it; nothing of it will fill */

/**
 * An approved order of the strategy ended other than by filling (on_order_update): the host
 * cancelled it because the account latched HALTED or the strategy was paused; the order gateway
 * rejected it; or the gateway confirmed a cancel (a cancel_intent of a gateway order returns GH_OK
 * when the request is sent, and this confirms it); or a paper order was cancelled by the
 * strategy's own cancel_intent (done at once, confirmed here after the calling callback returns,
 * reason 0): the same callback for every venue.
 */
typedef struct gh_order_update {
    uint32_t abi_version;        /**< GH_ABI_VERSION */
    uint32_t struct_size;        /**< sizeof(gh_order_update) as the host was built */
    uint64_t client_id;          /**< the intent's client_id */
    uint32_t symbol_id;          /**< the intent's symbol */
    uint32_t status;             /**< GH_ORDER_UPDATE_* */
    double remaining_quantity;   /**< units that were still working and no longer are */
    uint32_t reason;             /**< GH_REASON_* why, e.g. GH_REASON_ACCOUNT_DRAWDOWN_HALT */
    uint32_t reserved;           /**< 0 */
    int64_t ts_ns;               /**< event time */
} gh_order_update;

/** The strategy's own position in one symbol (get_position). */
typedef struct gh_position {
    uint32_t abi_version;  /**< caller sets GH_ABI_VERSION */
    uint32_t struct_size;  /**< caller sets sizeof(gh_position); host writes no further */
    uint32_t symbol_id;    /**< the symbol asked for */
    uint32_t reserved;     /**< 0 */
    double quantity;       /**< signed units: > 0 long, < 0 short, 0 flat */
    double avg_price;      /**< average entry price of the open quantity; 0 when flat */
    double realized_pnl;   /**< USD, since the strategy started */
    double unrealized_pnl; /**< USD at the last mark */
    double mark_price;     /**< last reference price seen for the symbol; 0 if none yet */
} gh_position;

/** The strategy's mode (gh_strategy_view.mode). */
#define GH_MODE_LIVE 1u
#define GH_MODE_SHADOW 2u

/** Why no new risk passes for the strategy (gh_strategy_view.paused_by, one bit each). */
#define GH_PAUSED_OPERATOR 1u         /**< gatehouse ctl pause; ctl resume lifts it */
#define GH_PAUSED_DECAY 2u            /**< the decay detector (GH_REASON_DECAY_PAUSED) */
#define GH_PAUSED_EXECUTION_LATCH 4u  /**< the repeated-execution latch (GH_REASON_REPEATED_EXECUTIONS) */
#define GH_PAUSED_CALLBACK_WATCHDOG 8u /**< the callback watchdog (GH_REASON_CALLBACK_OVERRUN) */

/**
 * The strategy's own figures as the risk chain sees them now (get_strategy_view), each beside the
 * limit its check compares it with. Appended after ABI 1.0; build with GH_INIT_STRATEGY_VIEW.
 */
typedef struct gh_strategy_view {
    uint32_t abi_version;          /**< caller sets GH_ABI_VERSION */
    uint32_t struct_size;          /**< caller sets sizeof(gh_strategy_view); host writes no further */
    uint32_t mode;                 /**< GH_MODE_LIVE or GH_MODE_SHADOW */
    uint32_t paused_by;            /**< GH_PAUSED_* bits; 0 = not paused (exits pass while paused) */
    double allocated_capital_usd;  /**< the config's allocated_capital_usd */
    double equity_usd;             /**< allocated + realized + unrealized, USD */
    double realized_pnl_usd;       /**< after fees, since start, USD */
    double unrealized_pnl_usd;     /**< at the marks, USD */
    double peak_equity_usd;        /**< high-water mark of equity_usd */
    double drawdown_pct;           /**< from the peak, % */
    double drawdown_limit_pct;     /**< risk.strategy.drawdown_pct: at or past it, no new risk */
    double daily_loss_pct;         /**< since the UTC day's start, % of allocated capital */
    double daily_loss_limit_pct;   /**< risk.strategy.daily_loss_pct */
    double gross_exposure_usd;     /**< sum of |position|, pending orders included, x mark, USD */
    double cooldown_factor;        /**< the Cooldown stage's factor on its next new risk (1 = none) */
    uint32_t open_positions;       /**< symbols with a position or a pending order */
    uint32_t max_open_positions;   /**< risk.strategy.max_open_positions */
    uint32_t trades_today;         /**< risk-increasing intents approved this UTC day */
    uint32_t max_trades_per_day;   /**< risk.strategy.max_trades_per_day */
    uint32_t consecutive_losses;   /**< losing round trips in a row (the Cooldown's count) */
    uint32_t daily_loss_blocked;   /**< 1: the daily loss limit was hit today, no new risk until tomorrow (UTC) */
} gh_strategy_view;

/** Where an open order stands (gh_order_info.state). */
#define GH_ORDER_STATE_WORKING 1u /**< resting: on the paper venue, or acknowledged by the order gateway */
#define GH_ORDER_STATE_SENT 2u    /**< for the order gateway, not yet acknowledged (or waiting to be sent) */
#define GH_ORDER_STATE_UNKNOWN 3u /**< the gateway's answer timed out; the host asked for its status */

/**
 * One of the strategy's open orders (get_open_orders, get_order). Appended after ABI 1.0; build
 * with GH_INIT_ORDER_INFO.
 */
typedef struct gh_order_info {
    uint32_t abi_version;   /**< caller sets GH_ABI_VERSION */
    uint32_t struct_size;   /**< caller sets sizeof(gh_order_info); host writes no further */
    uint64_t client_id;     /**< the intent's client_id */
    uint64_t decision_id;   /**< the decision that approved it (gh_decision.decision_id) */
    uint32_t symbol_id;     /**< the intent's symbol */
    uint32_t side;          /**< GH_SIDE_* */
    uint32_t order_type;    /**< GH_ORDER_* */
    uint32_t state;         /**< GH_ORDER_STATE_* */
    double quantity;        /**< the approved quantity (gh_decision.final_quantity) */
    double remaining;       /**< what has not filled yet */
    double limit_price;     /**< LIMIT: its price; MARKET: 0 */
    double stop_loss_price; /**< as the intent gave it; 0 = none */
    int64_t ts_ns;          /**< event time of its decision */
    uint32_t reduce_only;   /**< 1: may only shrink the position */
    uint32_t reserved;      /**< 0 */
} gh_order_info;

/** The stages of a decision's trace (gh_stage_note.stage), in chain order. */
#define GH_STAGE_VALIDATION 0u        /**< the host's check of the intent's fields */
#define GH_STAGE_FIREWALL 1u
#define GH_STAGE_PORTFOLIO_GUARD 2u
#define GH_STAGE_CORRELATION_SIZER 3u
#define GH_STAGE_COOLDOWN 4u
#define GH_STAGE_DECAY_DETECTOR 5u
#define GH_STAGE_EXECUTION 6u

/**
 * One note of a decision's stage trace (get_decision_trace): what one stage did to the intent.
 * The same notes the journal's decision_stages rows and the event stream's `stages` carry.
 * Appended after ABI 1.0; build with GH_INIT_STAGE_NOTE.
 */
typedef struct gh_stage_note {
    uint32_t abi_version;  /**< caller sets GH_ABI_VERSION (on out[0]) */
    uint32_t struct_size;  /**< caller sets sizeof(gh_stage_note) (on out[0]): the array's stride */
    uint32_t stage;        /**< GH_STAGE_* */
    uint32_t reason_code;  /**< GH_REASON_*; GH_REASON_NONE when the stage let it through unchanged */
    double quantity_in;    /**< units the stage was given */
    double quantity_out;   /**< units it let through */
    double factor;         /**< sizing factor it applied to the risk-increasing part (1 = none) */
    double details[4];     /**< values named by the reason's detail keys (docs/reason-codes.md), in order; 0 beyond them */
    const char *reason;    /**< reason_code as a string; host-owned, process lifetime */
} gh_stage_note;

/* ---- The host API, handed to create() -------------------------------------------------------- */
#define GH_LOG_DEBUG 0u
#define GH_LOG_INFO 1u
#define GH_LOG_WARN 2u
#define GH_LOG_ERROR 3u

/** Opaque handle to the host's state for one strategy instance. */
typedef struct gh_host gh_host;

/**
 * Functions the host offers a strategy. Pass `host` as the first argument of each.
 * All of them: event-loop thread only, from inside a callback (see Threading above).
 */
typedef struct gh_host_api {
    uint32_t abi_version; /**< GH_ABI_VERSION */
    uint32_t struct_size; /**< sizeof(gh_host_api) as the host was built */
    gh_host *host;        /**< this strategy instance's handle */

    /**
     * Submit an intent through the risk chain. The decision is written to *out (set out's
     * abi_version and struct_size first) before the call returns. Returns GH_OK when a decision
     * was made (including a REJECT), GH_ERR_INVALID_ARGUMENT when `intent` or `out` is NULL or
     * their headers are unusable. Not allowed from create() or destroy(), nor once on_stop has
     * been called (GH_ERR_NOT_PERMITTED); allowed in on_start and on_stop.
     * on_decision() receives the same decision after the current callback returns.
     */
    int32_t (*submit_intent)(gh_host *host, const gh_intent *intent, gh_decision *out);

    /**
     * Ask the host to cancel the unfilled rest of an approved intent. GH_OK if a cancel was
     * requested, GH_ERR_NOT_FOUND if nothing is open under that client_id.
     */
    int32_t (*cancel_intent)(gh_host *host, uint64_t client_id);

    /** Write a line to the host's log, tagged with the strategy's name. level: GH_LOG_*. */
    void (*log)(gh_host *host, uint32_t level, const char *message);

    /** The host's clock: event time in ns since the Unix epoch (0 before the first event). */
    int64_t (*now_ns)(gh_host *host);

    /**
     * Read the strategy's own position in `symbol_id` into *out (set its header first).
     * The position counts fills only: an approved intent that has not filled yet is not in it
     * (track your own in-flight intents from their decisions and on_fill). A fill is applied to
     * the position before on_fill reports it, so inside on_fill the position already includes it.
     * GH_OK, or GH_ERR_NOT_FOUND if the symbol is not one of the strategy's symbols.
     */
    int32_t (*get_position)(gh_host *host, uint32_t symbol_id, gh_position *out);

    /** The id of a symbol the strategy subscribes to, or 0 if it is not one of them. */
    uint32_t (*symbol_id)(gh_host *host, const char *symbol);

    /**
     * Ask for on_timer() every `interval_ns` of event time (>= 1 ms); 0 stops the timer.
     * The timer runs on event time: it fires when market events carry the clock past the deadline,
     * once per crossing even if several periods passed. GH_OK, or GH_ERR_INVALID_ARGUMENT for an
     * interval below 1 ms (or negative).
     */
    int32_t (*set_timer)(gh_host *host, int64_t interval_ns);

    /* ---- appended after version 1's host API; check GH_HOST_API_HAS(api, field) first ---- */

    /**
     * The strategy instance's name from the config (`strategies[].name`), NUL-terminated;
     * host-owned, valid until destroy() returns. NULL only from outside the event-loop thread.
     */
    const char *(*strategy_name)(gh_host *host);

    /** How many symbols the strategy subscribes to (its config's `symbols`). */
    uint32_t (*symbol_count)(gh_host *host);

    /** The id of the strategy's symbol at `index` (0-based, config order), or 0 past the end. */
    uint32_t (*symbol_at)(gh_host *host, uint32_t index);

    /**
     * The name of one of the strategy's symbols, NUL-terminated; host-owned, valid for the life
     * of the process. NULL if `symbol_id` is not one of the strategy's symbols.
     */
    const char *(*symbol_name)(gh_host *host, uint32_t symbol_id);

    /**
     * (All four:) Typed reads of the strategy's `params` (the same values create() gets as JSON), so a
     * plugin needs no JSON reader. `key` names a member of the mapping; a dotted key
     * ("exit.atr_multiple") reaches into nested mappings when no member has the whole key as
     * its name. Arrays are not reachable by key. Each returns GH_OK and sets *out;
     * GH_ERR_NOT_FOUND if there is no such member; GH_ERR_WRONG_TYPE if the member is of another
     * type (the host logs which, naming the key); GH_ERR_INVALID_ARGUMENT for a NULL key or
     * out. *out is untouched on any error, so a default set before the call survives. Allowed
     * in create().
     */
    /** A number; an integer reads too. */
    int32_t (*get_param_double)(gh_host *host, const char *key, double *out);
    /** An integer: 3 and 3.0 read as 3; 3.5, or a number outside int64, is GH_ERR_WRONG_TYPE. */
    int32_t (*get_param_int)(gh_host *host, const char *key, int64_t *out);
    /** true or false, as 1 or 0. */
    int32_t (*get_param_bool)(gh_host *host, const char *key, int32_t *out);
    /** A string, NUL-terminated; host-owned, valid until destroy() returns. */
    int32_t (*get_param_string)(gh_host *host, const char *key, const char **out);

    /**
     * Read the strategy's own figures into *out (set its header first: GH_INIT_STRATEGY_VIEW).
     * GH_OK, or GH_ERR_INVALID_ARGUMENT if out is NULL or its header is bad. Allowed in every
     * callback, create() included.
     */
    int32_t (*get_strategy_view)(gh_host *host, gh_strategy_view *out);

    /**
     * The strategy's open orders (approved, not yet wholly filled, cancelled or rejected), oldest
     * first: up to `capacity` written to out[0 .. capacity-1], and *total set to how many there
     * are (call with capacity 0 and out NULL to count). Set out[0]'s header (GH_INIT_ORDER_INFO);
     * its struct_size is the array's stride. GH_OK; GH_ERR_INVALID_ARGUMENT for a NULL total, a
     * NULL out with capacity > 0, or a bad header. Orders an earlier run left (restored from the
     * journal) are not this instance's and are not listed.
     */
    int32_t (*get_open_orders)(gh_host *host, gh_order_info *out, uint32_t capacity, uint32_t *total);

    /**
     * The open order with `client_id` into *out (set its header first). GH_OK; GH_ERR_NOT_FOUND
     * when none is open under it (it filled, was cancelled or rejected: on_fill and
     * on_order_update said so; or the id is unknown); GH_ERR_INVALID_ARGUMENT for a bad out.
     */
    int32_t (*get_order)(gh_host *host, uint64_t client_id, gh_order_info *out);

    /**
     * The stage trace of the strategy's most recent decision, `decision_id` (the one
     * submit_intent last returned; also readable in its on_decision until the next submit): up
     * to `capacity` notes written to out, in chain order, and *total set to how many there are.
     * An intent refused by validation has one GH_STAGE_VALIDATION note. Set out[0]'s header
     * (GH_INIT_STAGE_NOTE); its struct_size is the array's stride. GH_OK; GH_ERR_NOT_FOUND when
     * decision_id is not the strategy's most recent decision (older traces are in the journal
     * and the event stream, not kept here); GH_ERR_INVALID_ARGUMENT as for get_open_orders.
     */
    int32_t (*get_decision_trace)(gh_host *host, uint64_t decision_id, gh_stage_note *out, uint32_t capacity, uint32_t *total);
} gh_host_api;

/**
 * Whether the host's API table has `field`: true for every field when the host was built from
 * this header or a later one. A plugin that also runs on older hosts checks appended functions
 * with it before calling them.
 */
#define GH_HOST_API_HAS(api, field) \
    ((api)->struct_size >= offsetof(gh_host_api, field) + sizeof(((gh_host_api *)0)->field))

/* ---- The strategy table, returned by the entry function --------------------------------------- */

/**
 * What a strategy implements. Every function pointer is required except on_fill, on_decision and
 * on_timer, which may be NULL. All are called on the event-loop thread (see Threading above).
 */
typedef struct gh_strategy_api {
    uint32_t abi_version; /**< GH_ABI_VERSION the plugin was built against */
    uint32_t struct_size; /**< sizeof(gh_strategy_api) the plugin was built against */
    const char *name;     /**< the strategy type's name, e.g. "ema_crossover"; static */

    /**
     * Create one instance. `config_json` is the strategy's own parameters from the host config as
     * a JSON object (NUL-terminated, valid during this call). Return the instance state, or NULL
     * to refuse (the host then refuses to start). Log why through host->log before returning NULL.
     */
    void *(*create)(const gh_host_api *host, const char *config_json);

    /** A market event for one of the strategy's symbols. */
    void (*on_market_data)(void *self, const gh_market_event *event);

    /** A fill of one of the strategy's approved intents. May be NULL. */
    void (*on_fill)(void *self, const gh_fill *fill);

    /** A decision on one of the strategy's intents, after the submitting callback returned. May be NULL. */
    void (*on_decision)(void *self, const gh_decision *decision);

    /** The timer asked for with set_timer() is due; `now_ns` is event time. May be NULL. */
    void (*on_timer)(void *self, int64_t now_ns);

    /** Free the instance. Called once at shutdown; the host API is invalid after it returns. */
    void (*destroy)(void *self);

    /* ---- appended after version 1's table; read only when struct_size covers it ---- */

    /**
     * One of the strategy's approved orders changed without the strategy asking (the host
     * cancelled it). `update` is valid during the call. May be NULL. Delivered like on_decision:
     * never from inside another callback of the same strategy's submit_intent.
     */
    void (*on_order_update)(void *self, const gh_order_update *update);

    /**
     * The host is ready to trade: called once per instance, in config order, after every
     * strategy is created and (after a restart) the journal's state recovered, before the first
     * market event. submit_intent and cancel_intent are allowed; an intent for a symbol without
     * a price yet is refused GH_REASON_NO_MARKET_DATA (get_position shows what a recovered run
     * holds). Decisions arrive in on_decision after it returns. May be NULL.
     */
    void (*on_start)(void *self);

    /**
     * The host is stopping in order (SIGINT/SIGTERM, or the end of the stream in a replay or the
     * demo): called once per instance, in reverse config order, before any destroy(). Intents
     * (a reduce-only exit, say) and cancels are allowed and decided as usual; decisions arrive in
     * on_decision after it returns. With the order gateway, the host then waits, up to
     * execution.gateway_max_send_delay_ms + gateway_ack_timeout_ms, for the gateway to answer
     * the orders sent, and delivers its fills and rejects, before destroying. Not called when the
     * host fails to start or dies. May be NULL.
     */
    void (*on_stop)(void *self);
} gh_strategy_api;

/** Size of version 1's table (up to `destroy`): the smallest struct_size the host accepts. */
#define GH_STRATEGY_API_V1_SIZE (offsetof(gh_strategy_api, destroy) + sizeof(void (*)(void *)))

/**
 * Signature of the entry function, exported as GH_ENTRY_SYMBOL. `host_abi_version` is the
 * GH_ABI_VERSION the host speaks; return NULL if the plugin cannot speak it.
 */
typedef const gh_strategy_api *(*gh_entry_fn)(uint32_t host_abi_version);

/** Declaration for C plugins: define this function in your library. */
GH_EXPORT const gh_strategy_api *gatehouse_strategy_entry(uint32_t host_abi_version);

/* ---- Initialisers ---------------------------------------------------------------------------- */
#define GH_INIT_INTENT(x) \
    do { memset(&(x), 0, sizeof(x)); (x).abi_version = GH_ABI_VERSION; (x).struct_size = (uint32_t)sizeof(x); } while (0)
#define GH_INIT_DECISION GH_INIT_INTENT
#define GH_INIT_POSITION GH_INIT_INTENT
#define GH_INIT_STRATEGY_VIEW GH_INIT_INTENT
#define GH_INIT_ORDER_INFO GH_INIT_INTENT
#define GH_INIT_STAGE_NOTE GH_INIT_INTENT

/* ---- Binary wire format of a market-data payload (feed frames) ------------------------------- */

/** First two bytes of every binary payload. */
#define GH_WIRE_MAGIC_0 0x47u /* 'G' */
#define GH_WIRE_MAGIC_1 0x4Du /* 'M' */
#define GH_WIRE_VERSION 1u

/** Wire kind that ends a stream (replays): v[0] = number of data frames sent before it. */
#define GH_WIRE_END_OF_STREAM 255u

/**
 * Binary payload of one market-data frame: exactly 64 bytes, every field little-endian, no
 * padding. The symbol travels in the frame's topic (md.<venue>.<symbol>), not here.
 *   kind TRADE: v = {price, size, 0, 0, 0, 0}
 *   kind QUOTE: v = {bid, bid_size, ask, ask_size, 0, 0}
 *   kind BAR:   v = {open, high, low, close, volume, 0}
 *   kind END_OF_STREAM: v = {frames_sent, 0, 0, 0, 0, 0}
 */
typedef struct gh_wire_md_v1 {
    uint8_t magic[2];  /**< GH_WIRE_MAGIC_0, GH_WIRE_MAGIC_1 */
    uint8_t version;   /**< GH_WIRE_VERSION */
    uint8_t kind;      /**< GH_MD_* or GH_WIRE_END_OF_STREAM */
    uint32_t reserved; /**< 0 */
    int64_t ts_ns;     /**< event time, ns since the Unix epoch (UTC) */
    double v[6];       /**< IEEE-754 binary64 values, meaning by kind (above) */
} gh_wire_md_v1;

#define GH_WIRE_MD_V1_SIZE 64u

#ifdef __cplusplus
}
#endif

#endif /* GATEHOUSE_STRATEGY_H */
