#include "common/keys.h"

const char *const membal_key_names[MK_COUNT] = {
	[MK_TOT] = "tot",
	[MK_FREE] = "free",
	[MK_AVAIL] = "avail",
	[MK_COMMITTED_AS] = "committed_as",
	[MK_SWAP_TOT] = "swap_tot",
	[MK_SWAP_FREE] = "swap_free",
	[MK_BALLOON_CURRENT] = "balloon_current",
	[MK_BALLOON_TARGET] = "balloon_target",
	[MK_OOM_KILLS] = "oom_kills",
	[MK_PSI_SOME] = "psi_some",
	[MK_SWAPIN_RATE] = "swapin_rate",
	[MK_STAMP] = "stamp",
	[MK_VERSION] = "membal_version",
};
