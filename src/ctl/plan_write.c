/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The decision writer of `membalctl plan` (format in plan.h). A million
 * rows go out through one buffer with the integers formatted by hand,
 * and the price by plan_price.c ("%.6g" without printf).
 */
#include "ctl/plan.h"

#include <string.h>

#define OUT_FLUSH 65536

struct out {
	FILE *fp;
	size_t len;
	bool failed;
	char buf[OUT_FLUSH + 1024];   /* one row never passes 1024 bytes */
};

static void out_flush(struct out *o)
{
	if (o->len && fwrite(o->buf, 1, o->len, o->fp) != o->len)
		o->failed = true;
	o->len = 0;
}

static void out_str(struct out *o, const char *s, size_t n)
{
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void out_u64(struct out *o, unsigned long long v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	out_str(o, tmp + i, sizeof(tmp) - i);
}

static void out_cstr(struct out *o, const char *s)
{
	out_str(o, s, strlen(s));
}

int plan_write_csv(FILE *fp, const struct plan *pl,
		   const struct policy_decision *dec, bool explain)
{
	static struct out o;
	char price[PLAN_PRICE_MAX];
	size_t price_len = 0;
	double last = 0;
	bool have_last = false;

	o.fp = fp;
	o.len = 0;
	o.failed = false;
	out_cstr(&o, explain ? "domid,name,mode,target_kb,write_kb,price,stage,goal_kb,reasons\n"
			     : "domid,name,mode,target_kb,write_kb,price\n");
	const char *name = pl->names;

	for (size_t i = 0; i < pl->n; i++) {
		const struct policy_decision *d = &dec[i];
		size_t name_len = strlen(name);

		out_u64(&o, pl->dom[i].domid);
		out_str(&o, ",", 1);
		/* names are at most PLAN_MAX_NAME bytes (plan_read_csv) */
		out_str(&o, name, name_len);
		name += name_len + 1;
		out_str(&o, ",", 1);
		out_cstr(&o, policy_mode_name(d->mode));
		out_str(&o, ",", 1);
		out_u64(&o, d->target_kb);
		out_str(&o, ",", 1);
		if (d->has_write)
			out_u64(&o, d->write_kb);
		out_str(&o, ",", 1);
		if (d->has_price) {
			/* Most domains of a scarce host share one price. */
			if (!have_last || memcmp(&d->price, &last, sizeof(last))) {
				last = d->price;
				have_last = true;
				price_len = plan_format_price(price, d->price);
			}
			out_str(&o, price, price_len);
		}
		if (explain) {
			char why[160];

			out_str(&o, ",", 1);
			out_cstr(&o, policy_stage_name(d->stage));
			out_str(&o, ",", 1);
			out_u64(&o, d->goal_kb);
			out_str(&o, ",", 1);
			out_cstr(&o, policy_reasons_format(d->reasons, why,
							   sizeof(why)));
		}
		out_str(&o, "\n", 1);
		if (o.len >= OUT_FLUSH)
			out_flush(&o);
	}
	out_flush(&o);
	return !o.failed && fflush(fp) == 0 && !ferror(fp) ? 0 : -1;
}
