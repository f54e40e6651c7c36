// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the shaper's arithmetic (kmod/shaper_math.h), the very
 * code the module compiles: the token bucket kept as a clock (exactness at
 * low rates, no overflow at high rates or after long idle times, burst,
 * achieved rate, rate changes) and flexvpn_share(), the water-fill of a
 * parent's rate among its busy children.
 */
#include <inttypes.h>
#include <stdint.h>
#include <linux/flexvpn.h>

#include "parse.h"
#include "tap.h"

/* What the kernel provides to shaper_math.h, with the kernel's semantics */
typedef uint32_t u32;
typedef uint64_t u64;

static inline u64 mul_u64_u32_shr(u64 a, u32 b, unsigned int shift)
{
	return (u64)(((unsigned __int128)a * b) >> shift);
}

static inline u64 mul_u64_u64_div_u64(u64 a, u64 b, u64 c)
{
	return (u64)((unsigned __int128)a * b / c);
}

#include "shaper_math.h"

#define NS FLEXVPN_NS_PER_SEC

/* len bytes at rate bytes/s, in ns, exactly (rounded down) */
static u64 exact_cost(u64 rate, u32 len)
{
	return (u64)((unsigned __int128)len * NS / rate);
}

static struct flexvpn_tb bucket(u64 rate, u32 burst)
{
	struct flexvpn_tb tb = { 0 };

	flexvpn_tb_set_rate(&tb, rate, burst);
	return tb;
}

/*
 * The cost is never above the exact one, and below it by less than 1 ns
 * per 2^32 ns, plus the one ns the final rounding down may take.
 */
static bool cost_close(u64 rate, u32 len)
{
	struct flexvpn_tb tb = bucket(rate, 0);
	u64 cost = flexvpn_tb_cost(&tb, len), exact = exact_cost(rate, len);

	if (cost <= exact && exact - cost <= 1 + (exact >> 32))
		return true;
	printf("# rate %" PRIu64 " B/s len %u: cost %" PRIu64 ", exact %"
	       PRIu64 "\n", rate, len, cost, exact);
	return false;
}

static void test_cost_low_rates(void)
{
	static const u32 lens[] = { 1, 3, 64, 1500, 65535, UINT32_MAX };
	static const u64 rates[] = { 1, 3, 7, 125, 999983 };
	struct flexvpn_tb tb = bucket(1, 0);
	size_t i, j;
	bool all = true;

	ok(flexvpn_tb_cost(&tb, 1) == NS && flexvpn_tb_cost(&tb, 1500) ==
	   1500 * NS, "cost at 1 B/s: one second a byte, exactly");
	ok(flexvpn_tb_cost(&tb, UINT32_MAX) == (u64)UINT32_MAX * NS,
	   "cost at 1 B/s: 2^32-1 bytes, exactly, no overflow");
	tb = bucket(3, 0);
	ok(flexvpn_tb_cost(&tb, 3) >= NS - 1 && flexvpn_tb_cost(&tb, 3) <= NS,
	   "cost at 3 B/s: three bytes are one second, to the ns");
	ok(flexvpn_tb_cost(&tb, 3000) >= 1000 * NS - 1 &&
	   flexvpn_tb_cost(&tb, 3000) <= 1000 * NS,
	   "cost at 3 B/s: 3000 bytes are 1000 s, within 1 ns");
	for (i = 0; i < ARRAY_SIZE(rates); i++)
		for (j = 0; j < ARRAY_SIZE(lens); j++)
			all &= cost_close(rates[i], lens[j]);
	ok(all, "cost at low rates: error below 1 ns per 2^32 ns");
}

static void test_cost_high_rates(void)
{
	u64 max = FLEXVPN_SHAPER_RATE_MAX / 8;	/* 10 Tbit/s in B/s */
	struct flexvpn_tb tb = bucket(max, 65536);

	ok(max == 1250000000000ULL, "10 Tbit/s is 1.25e12 B/s");
	ok(tb.nsb > 0, "10 Tbit/s: ns per byte not rounded to 0");
	ok(cost_close(max, 1500) && cost_close(max, 65535) &&
	   cost_close(max, UINT32_MAX) && cost_close(UINT64_MAX / 8, 1500),
	   "cost at 10 Tbit/s and beyond: exact within the bound");
	ok(flexvpn_tb_cost(&tb, 65536) == 52,
	   "10 Tbit/s: a 64 KiB GSO packet costs 52 ns");
	ok(tb.burst_ns == flexvpn_tb_cost(&tb, 65536), "burst in ns");
}

static void test_long_idle(void)
{
	u64 now = 1ULL << 62;
	struct flexvpn_tb tb = bucket(1, UINT32_MAX);
	u64 cost = flexvpn_tb_cost(&tb, 1500);

	ok(tb.burst_ns == (u64)UINT32_MAX * NS,
	   "1 B/s, 4 GiB burst: burst_ns without overflow");
	ok(flexvpn_tb_ready(&tb, now), "idle since 0: ready at 2^62 ns");
	flexvpn_tb_charge(&tb, now, 1500);
	ok(tb.t_next == now - tb.burst_ns + cost,
	   "idle since 0: the clock pulled up to now - burst, then charged");

	tb = bucket(FLEXVPN_SHAPER_RATE_MAX / 8, 3000);
	flexvpn_tb_charge(&tb, now, 1500);
	ok(tb.t_next <= now && tb.t_next >= now - tb.burst_ns,
	   "10 Tbit/s after 2^62 ns idle: the clock near now, no wrap");

	tb = bucket(1000, 3000);
	flexvpn_tb_charge(&tb, 5, 1500);
	ok(tb.t_next == flexvpn_tb_cost(&tb, 1500),
	   "now below the burst: the floor is 0, no underflow");
}

/*
 * One bucket sending packets of @len bytes back to back as soon as it lets
 * them, for @seconds from an idle start at now = 1 s.
 */
struct sim {
	u64 burst_bytes;	/* sent at the start, at once */
	u64 steady_bytes;	/* sent after the burst, but for the last packet */
	u64 steady_ns;		/* from the first departure after it to the last */
	u64 window_bytes;	/* all sent within the @seconds */
};

static struct sim simulate(u64 rate, u32 burst, u32 len, u64 seconds)
{
	struct flexvpn_tb tb = bucket(rate, burst);
	u64 start = NS, end = start + seconds * NS, now = start, first = 0;
	struct sim s = { 0 };

	while (flexvpn_tb_ready(&tb, now)) {
		flexvpn_tb_charge(&tb, now, len);
		s.burst_bytes += len;
	}
	s.window_bytes = s.burst_bytes;
	for (;;) {
		now = tb.t_next;	/* the packet waits for its time */
		if (now >= end)
			break;
		if (!first)
			first = now;
		else
			s.steady_bytes += len;
		s.steady_ns = now - first;
		flexvpn_tb_charge(&tb, now, len);
		s.window_bytes += len;
	}
	/* steady_bytes counts the packets sent before the last departure */
	return s;
}

static void test_burst_and_rate(void)
{
	static const u64 mbits[] = { 1, 5, 20 };
	u32 burst = 3000, len = 1500;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mbits); i++) {
		u64 rate = mbits[i] * 1000000 / 8;
		struct sim s = simulate(rate, burst, len, 10);
		double got = (double)s.steady_bytes * NS / s.steady_ns;
		double err = (got - rate) / rate;

		ok(s.burst_bytes >= burst && s.burst_bytes <= burst + len,
		   "%" PRIu64 " Mbit/s: after idle, the burst (+ one packet) "
		   "at once: %" PRIu64 " bytes", mbits[i], s.burst_bytes);
		if (!ok(err < 0.0001 && err > -0.0001,
			"%" PRIu64 " Mbit/s: 10 s back to back within 0.01%%",
			mbits[i]))
			printf("# got %.3f B/s, want %" PRIu64 "\n", got, rate);
		ok(s.window_bytes <= rate * 10 + burst + 2 * len,
		   "%" PRIu64 " Mbit/s: 10 s never above rate * 10 s + burst",
		   mbits[i]);
	}
}

/*
 * A backlogged bucket whose timer fires up to @late_ns late, every time:
 * bytes it sends in @seconds, charged as queued (catch-up) or as fresh.
 */
static u64 late_timers(u64 rate, u64 late_ns, int queued, u64 seconds)
{
	struct flexvpn_tb tb = bucket(rate, 3000);
	u64 end = NS + seconds * NS, now = NS, sent = 0;
	unsigned int i = 0;

	tb.t_next = now;
	while (now < end) {
		/* the timer fires late; what is due goes out at once */
		now = tb.t_next + (i++ % 7) * late_ns / 6;
		while (flexvpn_tb_ready(&tb, now) && now < end) {
			if (queued)
				flexvpn_tb_charge_queued(&tb, now, 1500,
							 20000000);
			else
				flexvpn_tb_charge(&tb, now, 1500);
			sent += 1500;
		}
	}
	return sent;
}

static void test_late_timers(void)
{
	u64 rate = 20000000 / 8, want = rate * 10;
	u64 fresh = late_timers(rate, 5000000, 0, 10);
	u64 queued = late_timers(rate, 5000000, 1, 10);

	printf("# 20 Mbit/s, timers up to 5 ms late: %" PRIu64 " bytes charged "
	       "as fresh, %" PRIu64 " as queued, %" PRIu64 " due\n",
	       fresh, queued, want);
	ok(fresh < want * 99 / 100,
	   "late timers, charged as fresh: the rate is lost (the control case)");
	ok(queued >= want - 3000 && queued <= want + 3000 + 1500,
	   "late timers, charged as queued: the rate holds");
}

static void test_change_rate(void)
{
	struct flexvpn_tb tb = bucket(1, 3000);		/* 1 B/s */
	u64 now = 10 * NS;

	tb.t_next = now;
	flexvpn_tb_charge_queued(&tb, now, 152, 20000000);
	ok(tb.t_next == now + 152 * NS,
	   "a 152-byte packet at 1 B/s puts the clock 152 s ahead");
	flexvpn_tb_change_rate(&tb, 1250000, 3000, now + NS);
	ok(tb.t_next == now + NS + 151 * NS / 1250000,
	   "the rate rises to 10 Mbit/s: the 151 bytes still owed take 121 us, "
	   "not 151 s");
	tb.t_next = now - 1000;
	flexvpn_tb_change_rate(&tb, 125000, 3000, now);
	ok(tb.t_next == now - 1000, "a clock behind now is left alone");
}

static void test_stalled(void)
{
	struct flexvpn_tb tb = bucket(1250000, 3000);	/* 10 Mbit/s */
	u64 now = 10 * NS;

	tb.t_next = now;
	ok(flexvpn_tb_charge_queued(&tb, now + 5000000, 1500, 20000000) == 0,
	   "5 ms late, within the 20 ms catch-up: nothing lost");
	tb.t_next = now;
	ok(flexvpn_tb_charge_queued(&tb, now + 50000000, 1500, 20000000) ==
	   30000000, "50 ms late: 30 ms lost, reported");
	ok(tb.t_next == now + 30000000 + flexvpn_tb_cost(&tb, 1500),
	   "50 ms late: the clock 20 ms behind now, then charged");
}

static void test_rate_change(void)
{
	struct flexvpn_tb tb = bucket(125000, 3000);
	u64 now = 10 * NS, t;

	flexvpn_tb_charge(&tb, now, 1500);
	flexvpn_tb_charge(&tb, now, 1500);
	flexvpn_tb_charge(&tb, now, 1500);
	t = tb.t_next;
	flexvpn_tb_set_rate(&tb, 1250000, 3000);
	ok(tb.t_next == t, "rate change: the clock is kept");
	ok(flexvpn_tb_cost(&tb, 1500) == 1200000,
	   "rate change: the new rate's cost (1500 B at 10 Mbit/s: 1.2 ms)");
	ok(tb.burst_ns == 2400000, "rate change: burst at the new rate");
	flexvpn_tb_charge(&tb, t, 1500);
	ok(tb.t_next == t + 1200000,
	   "rate change: the next packet is charged at the new rate");
}

/* flexvpn_share() over @n children given as rate/ceil pairs */
static u64 share(struct flexvpn_share *c, unsigned int n, u64 cap)
{
	struct flexvpn_share *v[64];
	unsigned int i;

	for (i = 0; i < n; i++)
		v[i] = &c[i];
	return flexvpn_share(v, n, cap);
}

static void test_share(void)
{
	struct flexvpn_share c[4];
	u64 total;

	memcpy(c, (struct flexvpn_share[]){ { 5, 15, 0 }, { 2, 9, 0 } },
	       2 * sizeof(*c));
	total = share(c, 2, 0);
	ok(total == 24 && c[0].alloc == 15 && c[1].alloc == 9,
	   "share: no cap, each child gets its ceil");

	memcpy(c, (struct flexvpn_share[]){ { 10, 40, 0 }, { 20, 40, 0 },
					    { 30, 40, 0 } }, 3 * sizeof(*c));
	total = share(c, 3, 30);
	ok(total == 30 && c[0].alloc == 5 && c[1].alloc == 10 &&
	   c[2].alloc == 15, "share: rates over the cap, scaled down in "
	   "proportion");

	memcpy(c, (struct flexvpn_share[]){ { 5, 15, 0 }, { 5, 15, 0 },
					    { 5, 15, 0 } }, 3 * sizeof(*c));
	total = share(c, 3, 15);
	ok(total == 15 && c[0].alloc == 5 && c[1].alloc == 5 &&
	   c[2].alloc == 5, "share: 3 children rate 5 ceil 15 under 15: 5 each");
	total = share(c, 1, 15);
	ok(total == 15 && c[0].alloc == 15,
	   "share: one child rate 5 ceil 15 alone under 15: 15");
	total = share(c, 2, 15);
	ok(total == 14 && c[0].alloc == 7 && c[1].alloc == 7,
	   "share: two of them under 15: 7 each, the odd B/s unshared");

	memcpy(c, (struct flexvpn_share[]){ { 1, 100, 0 }, { 3, 100, 0 } },
	       2 * sizeof(*c));
	total = share(c, 2, 8);
	ok(total == 8 && c[0].alloc == 2 && c[1].alloc == 6,
	   "share: leftovers lent in proportion to the rates");

	/* pass 1: 10000 left, 1:1:2, c[0] capped at 2000; pass 2: 1500 left */
	memcpy(c, (struct flexvpn_share[]){ { 1000, 2000, 0 },
					    { 1000, 1000000, 0 },
					    { 2000, 1000000, 0 } },
	       3 * sizeof(*c));
	total = share(c, 3, 14000);
	ok(total == 14000 && c[0].alloc == 2000 && c[1].alloc == 4000 &&
	   c[2].alloc == 8000,
	   "share: a capped child's leftover moves on to the others");

	memcpy(c, (struct flexvpn_share[]){ { 1, 1, 0 }, { 1, 1, 0 } },
	       2 * sizeof(*c));
	total = share(c, 2, 100);
	ok(total == 2 && c[0].alloc == 1 && c[1].alloc == 1,
	   "share: all at their ceil, the rest of the cap unused");
}

/* xorshift64*: the same cases every run */
static u64 rnd(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/*
 * Random children and caps, rates from 1 B/s to 10 Tbit/s: the sum never
 * passes the cap, no child passes its ceil, every child gets its rate when
 * the rates fit, and with at most FLEXVPN_SHARE_PASSES children nothing
 * but rounding (under one B/s a child) is left unshared while a child
 * could take more.
 */
static void test_share_random(void)
{
	u64 seed = 0x5eed, cases = 100000, bad_cap = 0, bad_ceil = 0,
	    bad_rate = 0, bad_total = 0, bad_left = 0, k;
	struct flexvpn_share c[FLEXVPN_SHARE_PASSES];

	for (k = 0; k < cases; k++) {
		unsigned int n = 1 + rnd(&seed) % FLEXVPN_SHARE_PASSES, i;
		u64 maxr = 1 + rnd(&seed) % (FLEXVPN_SHAPER_RATE_MAX / 8);
		u64 cap = rnd(&seed) % 4 ? 1 + rnd(&seed) % (maxr * n) : 0;
		u64 sum_rate = 0, sum = 0, total;
		bool open = false;

		for (i = 0; i < n; i++) {
			c[i].rate = 1 + rnd(&seed) % maxr;
			c[i].ceil = c[i].rate + rnd(&seed) % (maxr + 1);
			sum_rate += c[i].rate;
		}
		total = share(c, n, cap);
		for (i = 0; i < n; i++) {
			sum += c[i].alloc;
			bad_ceil += c[i].alloc > c[i].ceil;
			bad_rate += cap && sum_rate < cap &&
				    c[i].alloc < c[i].rate;
			open |= c[i].alloc < c[i].ceil;
		}
		bad_total += total != sum;
		bad_cap += cap && total > cap;
		bad_left += cap && open && total + n < cap;
	}
	ok(!bad_cap, "share, %" PRIu64 " random cases: never above the cap "
	   "(%" PRIu64 " were)", cases, bad_cap);
	ok(!bad_ceil, "share, random: never above a ceil (%" PRIu64 " were)",
	   bad_ceil);
	ok(!bad_rate, "share, random: every child gets its rate when the "
	   "rates fit (%" PRIu64 " did not)", bad_rate);
	ok(!bad_total, "share, random: the return is the sum (%" PRIu64
	   " was not)", bad_total);
	ok(!bad_left, "share, random: nothing but rounding left while a "
	   "child could take more (%" PRIu64 " cases left more)", bad_left);
}

int main(void)
{
	test_cost_low_rates();
	test_cost_high_rates();
	test_long_idle();
	test_burst_and_rate();
	test_rate_change();
	test_late_timers();
	test_stalled();
	test_change_rate();
	test_share();
	test_share_random();
	return tap_done();
}
