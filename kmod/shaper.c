// SPDX-License-Identifier: GPL-2.0
/*
 * flexvpn: the shaper of virtual-access devices: HTB semantics (assured
 * rate, ceil reached by borrowing from the parent, the parent never above
 * its own rate) without HTB's one lock per tree.
 *
 * Per packet, a shaped device touches only its own state: a token bucket
 * kept as a clock (shaper_math.h), two queues (control first) and a timer
 * that fires when the head of the queue may leave. The parent level is not
 * asked per packet. Instead, while any device of a template is busy, the
 * template's allocator runs every FLEXVPN_SHAPER_PERIOD_NS (longer with
 * many busy devices, so its work per second stays bounded): it looks at
 * what each busy device sent and whether it had to queue, and shares the
 * parent's rate among the backlogged devices (a water-fill, in proportion to
 * their rates, none above its ceil, through the groups), then tells each
 * device the rate it may send at until the next period. Devices that are not
 * backlogged keep their assured rate and are counted at what they use. The
 * parent's limit holds to within what the busy devices' rates can change in
 * one period.
 *
 * Timers: one per device, armed only while packets wait, for the moment the
 * first may leave; one per template, running only while the template has
 * busy devices. Nothing ticks for idle devices.
 *
 * Locks: each device's shaper lock (queues, bucket, counters, settings),
 * taken per packet by that device's senders and its timer; the template's
 * root lock (the list of busy devices and the allocator's fields), taken by
 * the allocator and when a device turns busy or idle, never per packet.
 * Settings change under RTNL with the root lock, then the device's lock,
 * the only nesting there is.
 */
#include <linux/pkt_sched.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <linux/udp.h>

#include "flexvpn.h"

#define FLEXVPN_SHAPER_PERIOD_NS	(2 * NSEC_PER_MSEC)
/* busy devices the allocator looks at per FLEXVPN_SHAPER_PERIOD_NS at most:
 * with more, the period grows, so that its work per second stays bounded
 * (with a thousand busy spokes, each has little rate to share anyway)
 */
#define FLEXVPN_SHAPER_PERIOD_DEVICES	64
/* a busy device that sends nothing for this many periods is let go */
#define FLEXVPN_SHAPER_IDLE_PERIODS	50
/* A device that had to queue counts as backlogged for a while: a sender
 * that pauses for a moment does not lose its share. The while is in time,
 * not in periods: four of the device's own packet intervals at its rate,
 * at least 20 ms, at most 5 s (a device of a few packets a second would
 * otherwise flip between backlogged and not between two of its packets).
 */
#define FLEXVPN_SHAPER_BUSY_MIN_NS	(20 * NSEC_PER_MSEC)
#define FLEXVPN_SHAPER_BUSY_MAX_NS	(5 * NSEC_PER_SEC)
#define FLEXVPN_SHAPER_BUSY_PACKETS	4
/* control packets that may wait */
#define FLEXVPN_SHAPER_PRIO_QLEN	64
/* A device's timer may fire this much after the first waiting packet's
 * time: what is due by then leaves together (the clock catches up, below),
 * so a fast device does not take a timer interrupt per packet.
 */
#define FLEXVPN_SHAPER_SLACK_NS		(1 * NSEC_PER_MSEC)
/* how far a backlogged device's clock may lag behind a late timer */
#define FLEXVPN_SHAPER_CATCHUP_NS	(20 * NSEC_PER_MSEC)
/* the automatic burst: this long at the ceil, and at least two packets */
#define FLEXVPN_SHAPER_AUTO_BURST_NS	(2 * NSEC_PER_MSEC)

/* what a queued packet keeps in skb->cb: its length as the shaper counts it */
struct flexvpn_shaper_cb {
	u32 len;
};

static struct flexvpn_shaper_cb *flexvpn_shaper_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct flexvpn_shaper_cb) > sizeof(skb->cb));
	return (struct flexvpn_shaper_cb *)skb->cb;
}

/* bytes the encapsulation adds to every packet (every GSO segment) */
static u32 flexvpn_shaper_outer(const struct flexvpn_endpoint *ep,
				u32 overhead)
{
	return (ep->key.family == AF_INET ? sizeof(struct iphdr) :
					    sizeof(struct ipv6hdr)) +
	       (ep->key.has_key ? FLEXVPN_GRE_KEY_HLEN : FLEXVPN_GRE_HLEN) +
	       overhead;
}

/* the most flexvpn_shaper_outer() can be, for checks against the MTU */
static u32 flexvpn_shaper_outer_max(u32 overhead)
{
	return sizeof(struct ipv6hdr) + FLEXVPN_GRE_KEY_HLEN + overhead;
}

/* What @skb costs on the wire: a GSO packet counts as its segments would. */
static u32 flexvpn_shaper_wire_len(struct sk_buff *skb, u32 outer)
{
	const struct skb_shared_info *shinfo = skb_shinfo(skb);
	unsigned int segs, hdr;

	if (!skb_is_gso(skb))
		return skb->len + outer;
	segs = shinfo->gso_segs ?: 1;
	hdr = skb_transport_offset(skb);
	if (shinfo->gso_type & (SKB_GSO_TCPV4 | SKB_GSO_TCPV6))
		hdr += tcp_hdrlen(skb);
	else if (shinfo->gso_type & SKB_GSO_UDP_L4)
		hdr += sizeof(struct udphdr);
	return skb->len + (segs - 1) * hdr + segs * outer;
}

/* Control traffic (NHRP and the like, or what asked for it) goes first. */
static bool flexvpn_shaper_is_control(const struct sk_buff *skb)
{
	return skb->priority == TC_PRIO_CONTROL ||
	       (skb->protocol != htons(ETH_P_IP) &&
		skb->protocol != htons(ETH_P_IPV6));
}

/* Does the allocator decide this device's rate? */
static bool flexvpn_shaper_needs_parent(const struct flexvpn_shaper *s)
{
	return READ_ONCE(s->root->rate) || READ_ONCE(s->group);
}

/* What a device the allocator does not look after may send at. */
static u64 flexvpn_shaper_solo_rate(const struct flexvpn_shaper *s)
{
	return flexvpn_shaper_needs_parent(s) ? s->rate : s->ceil;
}

/* Bring the bucket to the rate the allocator set. Under s->lock. */
static void flexvpn_shaper_sync_rate(struct flexvpn_shaper *s, u64 now)
{
	u64 allowed = READ_ONCE(s->allowed);

	if (allowed != s->tb.rate)
		flexvpn_tb_change_rate(&s->tb, allowed, s->burst, now);
}

/* Account @len bytes leaving at @now, after waiting if @queued. Under s->lock. */
static void flexvpn_shaper_charge(struct flexvpn_shaper *s, u64 now, u32 len,
				  bool queued)
{
	if (queued)
		s->cnt.stalled_ns +=
			flexvpn_tb_charge_queued(&s->tb, now, len,
						 FLEXVPN_SHAPER_CATCHUP_NS);
	else
		flexvpn_tb_charge(&s->tb, now, len);
	WRITE_ONCE(s->cnt.packets, s->cnt.packets + 1);
	WRITE_ONCE(s->cnt.bytes, s->cnt.bytes + len);
	if (s->tb.rate > s->rate)
		s->cnt.borrowed += mul_u64_u64_div_u64(len, s->tb.rate - s->rate,
						       s->tb.rate);
}

/* Wake up when the first waiting packet may leave. Under s->lock. */
static void flexvpn_shaper_arm(struct flexvpn_shaper *s)
{
	hrtimer_start_range_ns(&s->timer, ns_to_ktime(s->tb.t_next),
			       FLEXVPN_SHAPER_SLACK_NS, HRTIMER_MODE_ABS_SOFT);
}

/*
 * Move what may leave at @now to @out, control packets first; arm the timer
 * for the first packet that may not. Under s->lock.
 */
static void flexvpn_shaper_dequeue(struct flexvpn_shaper *s, u64 now,
				   struct sk_buff_head *out)
{
	struct sk_buff_head *q;
	struct sk_buff *skb;

	flexvpn_shaper_sync_rate(s, now);
	for (;;) {
		q = skb_queue_empty(&s->prio) ? &s->bulk : &s->prio;
		skb = skb_peek(q);
		if (!skb)
			return;
		if (!flexvpn_tb_ready(&s->tb, now)) {
			/* also from the timer's own callback: the timer is
			 * then queued again and stays so
			 */
			flexvpn_shaper_arm(s);
			return;
		}
		__skb_unlink(skb, q);
		s->backlog -= flexvpn_shaper_cb(skb)->len;
		flexvpn_shaper_charge(s, now, flexvpn_shaper_cb(skb)->len, true);
		__skb_queue_tail(out, skb);
	}
}

/* Send what flexvpn_shaper_dequeue() let out. BHs off, under RCU. */
static void flexvpn_shaper_send(struct flexvpn_access *va,
				struct sk_buff_head *out)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(out)))
		flexvpn_xmit_one(va, skb);
}

static enum hrtimer_restart flexvpn_shaper_timer(struct hrtimer *timer)
{
	struct flexvpn_shaper *s = container_of(timer, typeof(*s), timer);
	struct flexvpn_access *va = container_of(s, typeof(*va), shaper);
	struct sk_buff_head out;

	__skb_queue_head_init(&out);
	spin_lock(&s->lock);
	/* a stopped device's queues are empty; flexvpn_shaper_stop() waits
	 * for this callback before it lets the device go
	 */
	if (!s->stopped)
		flexvpn_shaper_dequeue(s, ktime_get_ns(), &out);
	spin_unlock(&s->lock);

	rcu_read_lock_bh();
	flexvpn_shaper_send(va, &out);
	rcu_read_unlock_bh();
	return HRTIMER_NORESTART;
}

/* ---- the parent level ---- */

/* Put @s on its template's list of busy devices. BHs off. */
static void flexvpn_shaper_track(struct flexvpn_shaper *s)
{
	struct flexvpn_shaper_root *root = s->root;

	if (likely(READ_ONCE(s->tracked)) || !flexvpn_shaper_needs_parent(s))
		return;
	spin_lock(&root->lock);
	if (!s->tracked && !root->dead) {
		list_add_tail(&s->active, &root->active);
		WRITE_ONCE(s->tracked, true);
		root->nr_tracked++;
		s->last_bytes = READ_ONCE(s->cnt.bytes);
		s->idle = 0;
		s->used = 0;
		s->busy_until = 0;
		if (!root->timer_on) {
			root->timer_on = true;
			root->last_run = ktime_get_ns();
			hrtimer_start(&root->timer,
				      ns_to_ktime(FLEXVPN_SHAPER_PERIOD_NS),
				      HRTIMER_MODE_REL_SOFT);
		}
	}
	spin_unlock(&root->lock);
}

/* Take @s off the busy list. Under the root's lock. */
static void flexvpn_shaper_untrack(struct flexvpn_shaper *s)
{
	list_del_init(&s->active);
	WRITE_ONCE(s->tracked, false);
	s->root->nr_tracked--;
	WRITE_ONCE(s->allowed, flexvpn_shaper_solo_rate(s));
}

/* How long @s counts as backlogged after it queued; @bytes: its byte count. */
static u64 flexvpn_shaper_busy_hold(const struct flexvpn_shaper *s, u64 bytes)
{
	u64 packets = max_t(u64, READ_ONCE(s->cnt.packets), 1);
	u64 hold = mul_u64_u64_div_u64(FLEXVPN_SHAPER_BUSY_PACKETS * bytes /
				       packets, FLEXVPN_NS_PER_SEC, s->rate);

	return clamp_t(u64, hold, FLEXVPN_SHAPER_BUSY_MIN_NS,
		       FLEXVPN_SHAPER_BUSY_MAX_NS);
}

/*
 * One allocator period: what did each busy device send, which of them are
 * backlogged, and what may each send at until the next period.
 * Under the root's lock.
 */
static void flexvpn_shaper_allocate(struct flexvpn_shaper_root *root, u64 now)
{
	u64 elapsed = max_t(u64, now - root->last_run, 1);
	struct flexvpn_shaper *s, *tmp;
	struct flexvpn_group *g;
	unsigned int n = 0, off;
	u64 root_light = 0, sum_rate = 0, cap;

	root->last_run = now;
	list_for_each_entry(g, &root->groups, node) {
		g->light = 0;
		g->busy_ceil = 0;
		g->nr_busy = 0;
		g->sum_rate = 0;
	}

	list_for_each_entry_safe(s, tmp, &root->active, active) {
		u64 bytes = READ_ONCE(s->cnt.bytes);
		u64 delta = bytes - s->last_bytes;
		u64 used;

		s->last_bytes = bytes;
		if (READ_ONCE(s->overlimit) || READ_ONCE(s->backlog))
			s->busy_until = now + flexvpn_shaper_busy_hold(s, bytes);
		WRITE_ONCE(s->overlimit, false);
		s->busy = s->busy_until > now;
		if (!flexvpn_shaper_needs_parent(s) ||
		    (!s->busy && !delta &&
		     ++s->idle > FLEXVPN_SHAPER_IDLE_PERIODS)) {
			flexvpn_shaper_untrack(s);
			continue;
		}
		if (s->busy || delta)
			s->idle = 0;
		g = s->group;
		/* what it sends, smoothed over about 16 periods: one packet
		 * in one period of 2 ms is not a rate
		 */
		used = mul_u64_u64_div_u64(delta, FLEXVPN_NS_PER_SEC, elapsed);
		if (used >= s->used)
			s->used += (used - s->used) / 8;
		else
			s->used -= (s->used - used) / 8;
		sum_rate += s->rate;
		if (g)
			g->sum_rate += s->rate;
		if (!s->busy) {
			/* it sends less than it may: the parent counts what it
			 * uses, and it keeps what it had, so that a sender
			 * pausing for a moment does not lose its share; should
			 * it want more, it queues and is backlogged next period
			 */
			used = min(s->used, s->ceil);
			if (g)
				g->light += used;
			else
				root_light += used;
			WRITE_ONCE(s->allowed, clamp(READ_ONCE(s->allowed),
						     s->rate, s->ceil));
		} else if (g) {
			g->busy_ceil += s->ceil;
			g->nr_busy++;
		} else {
			s->share.rate = s->rate;
			s->share.ceil = s->ceil;
			root->vec[n++] = &s->share;
		}
	}

	/* the template's level: groups and devices directly under it */
	list_for_each_entry(g, &root->groups, node) {
		if (!g->nr_busy && !g->light)
			continue;
		g->share.ceil = max_t(u64, min(g->ceil, g->light + g->busy_ceil), 1);
		g->share.rate = min(g->rate, g->share.ceil);
		root->vec[n++] = &g->share;
	}
	cap = root->rate ? max_t(u64, root->rate - min(root->rate, root_light), 1) : 0;
	flexvpn_share(root->vec, n, cap);

	/* each group's share among its own backlogged devices */
	off = 0;
	list_for_each_entry(g, &root->groups, node) {
		g->vec_off = off;
		off += g->nr_busy;
		g->nr_busy = 0;
	}
	list_for_each_entry(s, &root->active, active) {
		g = s->group;
		if (!s->busy || !g)
			continue;
		s->share.rate = s->rate;
		s->share.ceil = s->ceil;
		root->vec[g->vec_off + g->nr_busy++] = &s->share;
	}
	list_for_each_entry(g, &root->groups, node) {
		if (g->nr_busy)
			flexvpn_share(root->vec + g->vec_off, g->nr_busy,
				      max_t(u64, g->share.alloc -
					    min(g->share.alloc, g->light), 1));
	}

	/* HTB's promise: a busy device gets its rate when the parent allows
	 * (scaled down when the rates add up to more than the parent or the
	 * group), whatever the devices that are not backlogged seem to use
	 */
	list_for_each_entry(s, &root->active, active) {
		u64 floor = s->rate;

		if (!s->busy)
			continue;
		if (root->rate && sum_rate > root->rate)
			floor = mul_u64_u64_div_u64(floor, root->rate, sum_rate);
		g = s->group;
		if (g && g->sum_rate > g->rate)
			floor = min(floor, mul_u64_u64_div_u64(s->rate, g->rate,
							       g->sum_rate));
		WRITE_ONCE(s->allowed, max3(s->share.alloc, floor, 1ULL));
	}
}

static enum hrtimer_restart flexvpn_shaper_root_timer(struct hrtimer *timer)
{
	struct flexvpn_shaper_root *root = container_of(timer, typeof(*root),
							timer);
	enum hrtimer_restart ret = HRTIMER_RESTART;

	spin_lock(&root->lock);
	flexvpn_shaper_allocate(root, ktime_get_ns());
	if (list_empty(&root->active) || root->dead) {
		root->timer_on = false;
		ret = HRTIMER_NORESTART;
	} else {
		hrtimer_forward_now(timer, ns_to_ktime(FLEXVPN_SHAPER_PERIOD_NS *
			max(1U, root->nr_tracked / FLEXVPN_SHAPER_PERIOD_DEVICES)));
	}
	spin_unlock(&root->lock);
	return ret;
}

/* Room in the allocator's scratch for @need entries. RTNL. */
static int flexvpn_shaper_vec_reserve(struct flexvpn_shaper_root *root,
				      unsigned int need)
{
	struct flexvpn_share **vec, **old;
	unsigned int size;

	if (need <= root->vec_size)
		return 0;
	size = max(roundup_pow_of_two(need), 16U);
	vec = kvmalloc_array(size, sizeof(*vec), GFP_KERNEL);
	if (!vec)
		return -ENOMEM;
	spin_lock_bh(&root->lock);
	old = root->vec;
	root->vec = vec;
	root->vec_size = size;
	spin_unlock_bh(&root->lock);
	kvfree(old);
	return 0;
}

/**
 * flexvpn_shaper_root_init - set up a template's parent level
 * @root: the template's
 */
void flexvpn_shaper_root_init(struct flexvpn_shaper_root *root)
{
	spin_lock_init(&root->lock);
	INIT_LIST_HEAD(&root->groups);
	INIT_LIST_HEAD(&root->active);
	hrtimer_init(&root->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	root->timer.function = flexvpn_shaper_root_timer;
	root->overhead = FLEXVPN_SHAPER_ESP_OVERHEAD;
}

/**
 * flexvpn_shaper_root_uninit - stop a template's allocator
 * @root: the template's
 *
 * Its access devices may still be on the busy list (they go in the same
 * batch, before or after the template); they take themselves off it, and
 * the groups and scratch are freed with the template
 * (flexvpn_shaper_root_free()).
 */
void flexvpn_shaper_root_uninit(struct flexvpn_shaper_root *root)
{
	spin_lock_bh(&root->lock);
	root->dead = true;
	spin_unlock_bh(&root->lock);
	hrtimer_cancel(&root->timer);
}

/**
 * flexvpn_shaper_root_free - free a template's groups and scratch
 * @root: the template's, whose access devices are all gone
 */
void flexvpn_shaper_root_free(struct flexvpn_shaper_root *root)
{
	struct flexvpn_group *g, *tmp;

	list_for_each_entry_safe(g, tmp, &root->groups, node)
		kfree(g);
	kvfree(root->vec);
}

/**
 * flexvpn_shaper_set_parent - change a template's parent rate and overhead
 * @tmpl: the template
 * @rate: bit/s, 0 = none
 * @overhead: ESP bytes per packet
 *
 * Called under RTNL.
 */
void flexvpn_shaper_set_parent(struct flexvpn_template *tmpl, u64 rate,
			       u32 overhead)
{
	struct flexvpn_shaper_root *root = &tmpl->shaper;
	struct flexvpn_access *va;

	spin_lock_bh(&root->lock);
	WRITE_ONCE(root->rate, rate / 8);
	WRITE_ONCE(root->overhead, overhead);
	/* the allocator sees to the busy ones; the others may now send at
	 * their ceil, or only at their rate
	 */
	list_for_each_entry(va, &tmpl->access_list, node) {
		if (va->shaper.on && !va->shaper.tracked)
			WRITE_ONCE(va->shaper.allowed,
				   flexvpn_shaper_solo_rate(&va->shaper));
	}
	spin_unlock_bh(&root->lock);
}

/**
 * flexvpn_group_find - a template's shaper group by name
 * @root: the template's parent level
 * @name: the name
 *
 * Return: the group or NULL. Called under RTNL.
 */
struct flexvpn_group *flexvpn_group_find(struct flexvpn_shaper_root *root,
					 const char *name)
{
	struct flexvpn_group *g;

	list_for_each_entry(g, &root->groups, node) {
		if (!strcmp(g->name, name))
			return g;
	}
	return NULL;
}

/* The attribute policies (uapi/flexvpn.yaml) hold rates and ceils to
 * FLEXVPN_SHAPER_RATE_MAX; what they cannot say is checked here.
 */
static int flexvpn_shaper_check_rate(u64 rate, u64 ceil,
				     struct netlink_ext_ack *extack)
{
	if (rate < FLEXVPN_SHAPER_RATE_MIN) {
		NL_SET_ERR_MSG_MOD(extack, "shaper rate out of range: 8 bit/s to 10 Tbit/s (0 turns shaping off)");
		return -ERANGE;
	}
	if (ceil && ceil < rate) {
		NL_SET_ERR_MSG_MOD(extack, "shaper ceil below the rate");
		return -EINVAL;
	}
	return 0;
}

/**
 * flexvpn_group_set - create, change or delete a template's shaper group
 * @tmpl: the template
 * @name: the group's name (checked by the caller)
 * @rate: bit/s, 0 = keep (required when creating)
 * @ceil: bit/s, 0 = the rate
 * @del: delete it
 * @extack: where to say what is wrong
 *
 * Return: 0 or a negative errno; nothing changed on error. Under RTNL.
 */
int flexvpn_group_set(struct flexvpn_template *tmpl, const char *name,
		      u64 rate, u64 ceil, bool del,
		      struct netlink_ext_ack *extack)
{
	struct flexvpn_shaper_root *root = &tmpl->shaper;
	struct flexvpn_group *g = flexvpn_group_find(root, name);
	bool created = false;
	int ret;

	if (del) {
		if (!g) {
			NL_SET_ERR_MSG_MOD(extack, "no shaper group of this name in the template");
			return -ENOENT;
		}
		if (g->members) {
			NL_SET_ERR_MSG_MOD(extack, "the shaper group still has access devices: move or unshape them first");
			return -EBUSY;
		}
		if (!strcmp(root->dflt.group, name)) {
			NL_SET_ERR_MSG_MOD(extack, "the template's access-device default names this shaper group");
			return -EBUSY;
		}
		spin_lock_bh(&root->lock);
		list_del(&g->node);
		spin_unlock_bh(&root->lock);
		WRITE_ONCE(root->nr_groups, root->nr_groups - 1);
		kfree(g);
		return 0;
	}

	if (!rate && !g) {
		NL_SET_ERR_MSG_MOD(extack, "a new shaper group needs a rate");
		return -EINVAL;
	}
	ret = flexvpn_shaper_check_rate(rate ?: g->rate * 8, ceil, extack);
	if (ret)
		return ret;
	if (!g && root->nr_groups >= FLEXVPN_SHAPER_GROUPS_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "a template has at most " __stringify(FLEXVPN_SHAPER_GROUPS_MAX) " shaper groups");
		return -ENOSPC;
	}
	if (!g) {
		ret = flexvpn_shaper_vec_reserve(root, tmpl->nr_shaped +
						 root->nr_groups + 1);
		if (ret)
			return ret;
		g = kzalloc(sizeof(*g), GFP_KERNEL);
		if (!g)
			return -ENOMEM;
		strscpy(g->name, name, sizeof(g->name));
		created = true;
	}

	spin_lock_bh(&root->lock);
	if (rate)
		g->rate = rate / 8;
	g->ceil = ceil ? ceil / 8 : g->rate;
	if (g->ceil < g->rate)
		g->ceil = g->rate;
	if (created)
		list_add_tail(&g->node, &root->groups);
	spin_unlock_bh(&root->lock);
	WRITE_ONCE(root->nr_groups, root->nr_groups + created);
	return 0;
}

/* ---- a device's shaper ---- */

/**
 * flexvpn_shaper_init - set up a device's shaper, off
 * @va: the device, being allocated
 */
void flexvpn_shaper_init(struct flexvpn_access *va)
{
	struct flexvpn_shaper *s = &va->shaper;

	spin_lock_init(&s->lock);
	s->stopped = true;
	__skb_queue_head_init(&s->prio);
	__skb_queue_head_init(&s->bulk);
	hrtimer_init(&s->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	s->timer.function = flexvpn_shaper_timer;
	INIT_LIST_HEAD(&s->active);
}

/**
 * flexvpn_shaper_check - may a device (or a template default) be shaped so?
 * @tmpl: the template
 * @cfg: the settings, complete
 * @mtu: the device's MTU
 * @extack: where to say what is wrong
 *
 * Return: 0 or a negative errno. Called under RTNL.
 */
int flexvpn_shaper_check(struct flexvpn_template *tmpl,
			 const struct flexvpn_shaper_cfg *cfg, u32 mtu,
			 struct netlink_ext_ack *extack)
{
	int ret;

	if (!cfg->rate)
		return 0;
	ret = flexvpn_shaper_check_rate(cfg->rate, cfg->ceil, extack);
	if (ret)
		return ret;
	if (cfg->burst &&
	    cfg->burst < mtu + flexvpn_shaper_outer_max(tmpl->shaper.overhead)) {
		NL_SET_ERR_MSG_MOD(extack, "shaper burst below one packet: the MTU plus the encapsulation");
		return -EINVAL;
	}
	if (cfg->group[0] && !flexvpn_group_find(&tmpl->shaper, cfg->group)) {
		NL_SET_ERR_MSG_MOD(extack, "no shaper group of this name in the template");
		return -ENOENT;
	}
	return 0;
}

/**
 * flexvpn_shaper_set - apply checked settings to a device's shaper
 * @va: the device
 * @cfg: settings that passed flexvpn_shaper_check()
 *
 * Packets that wait stay queued across a change of rate; turning shaping
 * off sends them at once.
 *
 * Return: 0 or -ENOMEM, with nothing changed. Called under RTNL.
 */
int flexvpn_shaper_set(struct flexvpn_access *va,
		       const struct flexvpn_shaper_cfg *cfg)
{
	struct flexvpn_shaper *s = &va->shaper;
	struct flexvpn_shaper_root *root = s->root;
	struct flexvpn_template *tmpl = va->tmpl;
	struct flexvpn_group *group = NULL;
	bool was_on = s->on, on = cfg->rate;
	struct sk_buff_head out;
	u64 ceil;
	int ret;

	if (on && !was_on) {
		ret = flexvpn_shaper_vec_reserve(root, tmpl->nr_shaped + 1 +
						 root->nr_groups);
		if (ret)
			return ret;
	}
	if (on && cfg->group[0])
		group = flexvpn_group_find(root, cfg->group);
	ceil = (cfg->ceil ?: cfg->rate) / 8;

	__skb_queue_head_init(&out);
	spin_lock_bh(&root->lock);
	spin_lock(&s->lock);
	s->cfg = *cfg;
	if (s->group)
		s->group->members--;
	if (group)
		group->members++;
	WRITE_ONCE(s->group, group);
	if (on) {
		s->rate = max_t(u64, cfg->rate / 8, 1);
		s->ceil = max_t(u64, ceil, s->rate);
		s->burst = cfg->burst ?:
			max_t(u64, 2 * (va->dev->mtu +
					flexvpn_shaper_outer_max(root->overhead)),
			      mul_u64_u64_div_u64(s->ceil,
						  FLEXVPN_SHAPER_AUTO_BURST_NS,
						  FLEXVPN_NS_PER_SEC));
		s->qlen = cfg->qlen ?: FLEXVPN_SHAPER_QLEN_DEFAULT;
		if (!s->tracked)
			WRITE_ONCE(s->allowed, flexvpn_shaper_solo_rate(s));
		if (was_on) {
			flexvpn_tb_change_rate(&s->tb, READ_ONCE(s->allowed),
					       s->burst, ktime_get_ns());
		} else {
			flexvpn_tb_set_rate(&s->tb, READ_ONCE(s->allowed),
					    s->burst);
			s->tb.t_next = 0;
		}
	} else {
		if (s->tracked)
			flexvpn_shaper_untrack(s);
		skb_queue_splice_tail_init(&s->prio, &out);
		skb_queue_splice_tail_init(&s->bulk, &out);
		s->backlog = 0;
	}
	WRITE_ONCE(s->on, on);
	spin_unlock(&s->lock);
	spin_unlock_bh(&root->lock);

	if (on != was_on)
		tmpl->nr_shaped += on ? 1 : -1;
	if (!skb_queue_empty(&out)) {
		local_bh_disable();
		rcu_read_lock_bh();
		flexvpn_shaper_send(va, &out);
		rcu_read_unlock_bh();
		local_bh_enable();
	}
	return 0;
}

/**
 * flexvpn_shaper_detach - a device is being unregistered
 * @va: the device
 *
 * Called under RTNL from ndo_uninit, after the device stopped.
 */
void flexvpn_shaper_detach(struct flexvpn_access *va)
{
	struct flexvpn_shaper *s = &va->shaper;
	struct flexvpn_shaper_root *root = s->root;
	struct flexvpn_shaper_counters *gone[2] = { &root->gone, NULL };
	int i;

	flexvpn_shaper_stop(va);
	if (!s->on)
		return;
	spin_lock_bh(&root->lock);
	if (s->tracked)
		flexvpn_shaper_untrack(s);
	if (s->group) {
		s->group->members--;
		gone[1] = &s->group->gone;
	}
	WRITE_ONCE(s->group, NULL);
	WRITE_ONCE(s->on, false);
	spin_unlock_bh(&root->lock);
	va->tmpl->nr_shaped--;

	/* the parent's and the group's counters keep what it sent */
	for (i = 0; i < ARRAY_SIZE(gone) && gone[i]; i++) {
		gone[i]->packets += s->cnt.packets;
		gone[i]->bytes += s->cnt.bytes;
		gone[i]->dropped += s->cnt.dropped;
		gone[i]->overlimits += s->cnt.overlimits;
		gone[i]->borrowed += s->cnt.borrowed;
		gone[i]->stalled_ns += s->cnt.stalled_ns;
	}
}

/**
 * flexvpn_shaper_open - the device came up
 * @va: the device
 */
void flexvpn_shaper_open(struct flexvpn_access *va)
{
	spin_lock_bh(&va->shaper.lock);
	va->shaper.stopped = false;
	spin_unlock_bh(&va->shaper.lock);
}

/**
 * flexvpn_shaper_stop - the device went down: drop what waits, stop the timer
 * @va: the device
 *
 * After this, nothing re-arms the timer until flexvpn_shaper_open().
 */
void flexvpn_shaper_stop(struct flexvpn_access *va)
{
	struct flexvpn_shaper *s = &va->shaper;

	spin_lock_bh(&s->lock);
	s->stopped = true;
	spin_unlock_bh(&s->lock);
	hrtimer_cancel(&s->timer);

	spin_lock_bh(&s->lock);
	s->cnt.dropped += skb_queue_len(&s->prio) + skb_queue_len(&s->bulk);
	__skb_queue_purge(&s->prio);
	__skb_queue_purge(&s->bulk);
	s->backlog = 0;
	spin_unlock_bh(&s->lock);
}

/**
 * flexvpn_shaper_xmit - send @skb now, or queue it until its time comes
 * @va: a shaped device
 * @skb: the inner packet
 *
 * Never sleeps; takes only the device's own lock.
 *
 * Return: NETDEV_TX_OK, always.
 */
netdev_tx_t flexvpn_shaper_xmit(struct flexvpn_access *va, struct sk_buff *skb)
{
	const struct flexvpn_endpoint *ep = rcu_dereference_bh(va->ep);
	struct flexvpn_shaper *s = &va->shaper;
	struct sk_buff_head *q;
	u32 len, limit;
	u64 now;

	if (unlikely(!ep)) {
		flexvpn_xmit_one(va, skb);	/* counts the drop */
		return NETDEV_TX_OK;
	}
	len = flexvpn_shaper_wire_len(skb, flexvpn_shaper_outer(ep,
					READ_ONCE(s->root->overhead)));
	flexvpn_shaper_cb(skb)->len = len;
	q = flexvpn_shaper_is_control(skb) ? &s->prio : &s->bulk;
	now = ktime_get_ns();

	spin_lock(&s->lock);
	if (unlikely(s->stopped || !s->on)) {
		bool on = s->on;

		spin_unlock(&s->lock);
		if (on)
			goto drop;
		flexvpn_xmit_one(va, skb);	/* shaping was just turned off */
		return NETDEV_TX_OK;
	}
	flexvpn_shaper_sync_rate(s, now);
	if (skb_queue_empty(&s->prio) && skb_queue_empty(&s->bulk) &&
	    flexvpn_tb_ready(&s->tb, now)) {
		flexvpn_shaper_charge(s, now, len, false);
		spin_unlock(&s->lock);
		flexvpn_shaper_track(s);
		flexvpn_xmit_one(va, skb);
		return NETDEV_TX_OK;
	}

	limit = q == &s->prio ? FLEXVPN_SHAPER_PRIO_QLEN : s->qlen;
	if (skb_queue_len(q) >= limit) {
		s->cnt.dropped++;
		spin_unlock(&s->lock);
		flexvpn_shaper_track(s);
		goto drop;
	}
	__skb_queue_tail(q, skb);
	WRITE_ONCE(s->backlog, s->backlog + len);
	s->cnt.overlimits++;
	WRITE_ONCE(s->overlimit, true);
	if (!hrtimer_is_queued(&s->timer))
		flexvpn_shaper_arm(s);
	spin_unlock(&s->lock);
	flexvpn_shaper_track(s);
	return NETDEV_TX_OK;

drop:
	dev_core_stats_tx_dropped_inc(va->dev);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

/**
 * flexvpn_shaper_read - a consistent copy of a device's shaper counters
 * @s: the shaper
 * @c: out: the counters
 * @backlog_pkts: out: packets waiting
 * @backlog_bytes: out: their bytes
 */
void flexvpn_shaper_read(struct flexvpn_shaper *s,
			 struct flexvpn_shaper_counters *c, u64 *backlog_pkts,
			 u64 *backlog_bytes)
{
	spin_lock_bh(&s->lock);
	*c = s->cnt;
	*backlog_pkts = skb_queue_len(&s->prio) + skb_queue_len(&s->bulk);
	*backlog_bytes = s->backlog;
	spin_unlock_bh(&s->lock);
}
