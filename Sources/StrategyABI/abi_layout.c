/* Compile-time checks that the wire layout and the contract structs are what the docs say.
   A failure here means the header changed incompatibly: bump GH_ABI_VERSION or revert. */
#include "gatehouse_strategy.h"

_Static_assert(sizeof(gh_wire_md_v1) == GH_WIRE_MD_V1_SIZE, "binary feed payload must be 64 bytes");
_Static_assert(offsetof(gh_wire_md_v1, ts_ns) == 8, "ts_ns at byte 8");
_Static_assert(offsetof(gh_wire_md_v1, v) == 16, "values start at byte 16");
_Static_assert(offsetof(gh_market_event, abi_version) == 0, "abi_version leads");
_Static_assert(offsetof(gh_intent, struct_size) == 4, "struct_size second");
_Static_assert(offsetof(gh_decision, struct_size) == 4, "struct_size second");
_Static_assert(offsetof(gh_strategy_api, struct_size) == 4, "struct_size second");
_Static_assert(offsetof(gh_host_api, struct_size) == 4, "struct_size second");
_Static_assert(GH_STRATEGY_API_V1_SIZE == 8 + 7 * sizeof(void *), "version 1's table: header, name and six callbacks");
_Static_assert(offsetof(gh_strategy_api, on_order_update) == GH_STRATEGY_API_V1_SIZE, "on_order_update right after version 1's table");
_Static_assert(offsetof(gh_order_update, struct_size) == 4, "struct_size second");
_Static_assert(offsetof(gh_strategy_api, on_start) == GH_STRATEGY_API_V1_SIZE + sizeof(void *), "on_start after on_order_update");
_Static_assert(sizeof(gh_strategy_api) == GH_STRATEGY_API_V1_SIZE + 3 * sizeof(void *), "three callbacks appended after version 1's table");
_Static_assert(offsetof(gh_host_api, strategy_name) == 8 + 8 * sizeof(void *), "appended host API right after version 1's set_timer");
_Static_assert(sizeof(gh_host_api) == 8 + 20 * sizeof(void *), "version 1's host API and twelve appended functions");
_Static_assert(sizeof(gh_stage_note) == 80, "gh_stage_note is 80 bytes");
_Static_assert(sizeof(gh_order_info) == 88, "gh_order_info is 88 bytes");
_Static_assert(sizeof(gh_strategy_view) == 128, "gh_strategy_view is 128 bytes");
