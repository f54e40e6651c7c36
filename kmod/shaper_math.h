/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flexvpn: the shaper's arithmetic, with no kernel dependency, so that the
 * host unit tests (userspace/tests/test_shaper.c) compile this very code.
 *
 * The includer provides u32, u64, and two helpers with the kernel's
 * semantics: mul_u64_u32_shr(a, b, shift) = (a * b) >> shift and
 * mul_u64_u64_div_u64(a, b, c) = a * b / c, both without overflowing in
 * between (128-bit intermediates).
 *
 * Rates are in bytes per second here (the API speaks bit/s), times in
 * nanoseconds.
 */
#ifndef _FLEXVPN_SHAPER_MATH_H
#define _FLEXVPN_SHAPER_MATH_H

#define FLEXVPN_NS_PER_SEC	1000000000ULL

/**
 * struct flexvpn_tb - a token bucket kept as a clock
 * @t_next: when the next packet may leave: each packet sent pushes it by
 *	its cost at the current rate; a packet may leave when it is not in the
 *	future. After an idle time it is pulled up to (now - @burst_ns), which
 *	is what lets a burst out at once.
 * @nsb: nanoseconds per byte at the current rate, fixed point 32.32
 * @burst_ns: the burst, in nanoseconds at the current rate
 * @rate: the current rate, bytes/s (what @nsb was computed from)
 *
 * Kept as a clock rather than a token count, a long idle time cannot
 * overflow anything and a rate change needs no conversion of saved tokens.
 */
struct flexvpn_tb {
	u64 t_next;
	u64 nsb;
	u64 burst_ns;
	u64 rate;
};

/* 2^32 * 10^9 fits in 64 bits; a rate of 0 is never set */
static inline u64 flexvpn_tb_nsb(u64 rate)
{
	return (FLEXVPN_NS_PER_SEC << 32) / rate;
}

/**
 * flexvpn_tb_cost - nanoseconds @len bytes take at the bucket's rate
 * @tb: the bucket
 * @len: bytes
 *
 * Return: the cost in ns, rounded down (the error is below one ns per
 * 2^32 ns, whatever the rate).
 */
static inline u64 flexvpn_tb_cost(const struct flexvpn_tb *tb, u32 len)
{
	return mul_u64_u32_shr(tb->nsb, len, 32);
}

/**
 * flexvpn_tb_set_rate - (re)configure a bucket
 * @tb: the bucket
 * @rate: bytes/s, at least 1
 * @burst: bytes
 *
 * The clock is kept: what was sent at the old rate stays paid for.
 */
static inline void flexvpn_tb_set_rate(struct flexvpn_tb *tb, u64 rate,
				       u32 burst)
{
	tb->rate = rate;
	tb->nsb = flexvpn_tb_nsb(rate);
	tb->burst_ns = flexvpn_tb_cost(tb, burst);
}

/**
 * flexvpn_tb_change_rate - a new rate for a bucket in use
 * @tb: the bucket
 * @rate: bytes/s, at least 1
 * @burst: bytes
 * @now: the time
 *
 * What the clock is ahead of @now is bytes sent in advance; they stay owed
 * as bytes, so the time they take is scaled to the new rate. Kept as time,
 * a packet charged at a tiny rate would hold the device back for that long
 * after its rate rose again.
 */
static inline void flexvpn_tb_change_rate(struct flexvpn_tb *tb, u64 rate,
					  u32 burst, u64 now)
{
	u64 old = tb->rate;

	if (old && tb->t_next > now)
		tb->t_next = now + mul_u64_u64_div_u64(tb->t_next - now, old,
						       rate);
	flexvpn_tb_set_rate(tb, rate, burst);
}

/* May a packet leave at @now? */
static inline int flexvpn_tb_ready(const struct flexvpn_tb *tb, u64 now)
{
	return tb->t_next <= now;
}

/* Charge @len bytes sent at @now. */
static inline void flexvpn_tb_charge(struct flexvpn_tb *tb, u64 now, u32 len)
{
	u64 floor = now > tb->burst_ns ? now - tb->burst_ns : 0;

	if (tb->t_next < floor)
		tb->t_next = floor;
	tb->t_next += flexvpn_tb_cost(tb, len);
}

/**
 * flexvpn_tb_charge_queued - charge a packet that had to wait
 * @tb: the bucket
 * @now: when it leaves
 * @len: bytes
 * @catchup_ns: how far behind @now the clock may stay
 *
 * A packet that waited in the queue left late only because the timer that
 * sends it fired late (timer slack, a busy CPU): the time lost is the
 * shaper's, not the device's idle time, so the clock is not pulled up to
 * (now - burst) but only to (now - max(burst, @catchup_ns)); the next
 * packets then catch up at once. Without this, every late timer would cost
 * the device rate it was owed.
 *
 * Return: the time lost anyway, in ns: how far the clock was behind the
 * catch-up bound (the CPU did not run the timer for that long).
 */
static inline u64 flexvpn_tb_charge_queued(struct flexvpn_tb *tb, u64 now,
					   u32 len, u64 catchup_ns)
{
	u64 back = tb->burst_ns > catchup_ns ? tb->burst_ns : catchup_ns;
	u64 floor = now > back ? now - back : 0;
	u64 lost = 0;

	if (tb->t_next < floor) {
		lost = floor - tb->t_next;
		tb->t_next = floor;
	}
	tb->t_next += flexvpn_tb_cost(tb, len);
	return lost;
}

/**
 * struct flexvpn_share - one child in a sharing of a parent's rate
 * @rate: its assured rate, bytes/s (at least 1)
 * @ceil: the most it may get, bytes/s (at least @rate)
 * @alloc: out: what it gets
 */
struct flexvpn_share {
	u64 rate;
	u64 ceil;
	u64 alloc;
};

/* passes of flexvpn_share(); each caps at least one more child */
#define FLEXVPN_SHARE_PASSES	16

/**
 * flexvpn_share - share a parent's rate among busy children, as HTB does
 * @v: the children
 * @n: how many
 * @cap: the parent's rate, bytes/s; 0 = no limit
 *
 * Every child gets its rate (all of them scaled down in proportion when
 * their rates add up to more than @cap); what is left is lent in proportion
 * to their rates, none above its ceil, and what a capped child cannot take
 * goes to the others. O(n) per pass; after FLEXVPN_SHARE_PASSES passes what
 * is left is not handed out (the parent's limit still holds).
 *
 * Return: the sum of the allocations (never above @cap when @cap is set).
 */
static inline u64 flexvpn_share(struct flexvpn_share **v, unsigned int n,
				u64 cap)
{
	u64 sum_rate = 0, left, open_rate, given, total = 0;
	unsigned int i, pass;

	for (i = 0; i < n; i++) {
		if (!cap)
			v[i]->alloc = v[i]->ceil;
		sum_rate += v[i]->rate;
	}
	if (!cap) {
		for (i = 0; i < n; i++)
			total += v[i]->alloc;
		return total;
	}
	if (sum_rate >= cap) {
		for (i = 0; i < n; i++) {
			v[i]->alloc = mul_u64_u64_div_u64(v[i]->rate, cap,
							  sum_rate);
			total += v[i]->alloc;
		}
		return total;
	}

	for (i = 0; i < n; i++)
		v[i]->alloc = v[i]->rate;
	left = cap - sum_rate;
	for (pass = 0; pass < FLEXVPN_SHARE_PASSES && left; pass++) {
		int capped = 0;

		open_rate = 0;
		for (i = 0; i < n; i++)
			if (v[i]->alloc < v[i]->ceil)
				open_rate += v[i]->rate;
		if (!open_rate)
			break;
		/* a child whose share would pass its ceil takes only what
		 * fits; the rest is shared again in the next pass
		 */
		given = 0;
		for (i = 0; i < n; i++) {
			struct flexvpn_share *c = v[i];
			u64 share;

			if (c->alloc >= c->ceil)
				continue;
			share = mul_u64_u64_div_u64(left, c->rate, open_rate);
			if (share >= c->ceil - c->alloc) {
				share = c->ceil - c->alloc;
				capped = 1;
			}
			c->alloc += share;
			given += share;
		}
		left -= given;
		if (!capped)
			break;
	}
	for (i = 0; i < n; i++)
		total += v[i]->alloc;
	return total;
}

#endif /* _FLEXVPN_SHAPER_MATH_H */
