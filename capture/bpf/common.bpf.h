/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * common.bpf.h: what every program shares: the filters set by user
 * space, the maps, the traced-pid check, record headers, merging of
 * repeated records and syscall counting. Syscall numbers are x86-64's.
 *
 * Part of the one compilation unit capture.bpf.c (included from there,
 * after vmlinux.h, the libbpf headers and capture.h); not a public header.
 */
#ifndef BOB_COMMON_BPF_H
#define BOB_COMMON_BPF_H

#define AF_INET 2
#define AF_INET6 10
#define EEXIST 17

_Static_assert(sizeof(struct bob_header) == BOB_HEADER_SIZE, "header size");
_Static_assert(sizeof(struct bob_exec) == BOB_EXEC_SIZE, "exec size");
_Static_assert(sizeof(struct bob_open) == BOB_OPEN_SIZE, "open size");
_Static_assert(sizeof(struct bob_net) == BOB_NET_SIZE, "net size");
_Static_assert(sizeof(struct bob_dns) == BOB_DNS_SIZE, "dns size");
_Static_assert(sizeof(struct bob_cap) == BOB_CAP_SIZE, "cap size");
_Static_assert(sizeof(struct bob_fork) == BOB_FORK_SIZE, "fork size");
_Static_assert(sizeof(struct bob_exit) == BOB_EXIT_SIZE, "exit size");
_Static_assert(sizeof(struct bob_sys_val) == BOB_SYS_VAL_SIZE, "sys size");
_Static_assert(sizeof(struct bob_dedup_val) == BOB_DEDUP_VAL_SIZE, "dedup size");

/* Filters, set by user space before load. */
const volatile __u64 target_cgroup = 0;	/* 0: pid mode */
const volatile __u32 target_level = 0;	/* depth of target_cgroup */
const volatile __u16 dns_port = 53;	/* UDP port whose payload is DNS */
const volatile __u32 self_tgid = 0;	/* the capturer: never traced */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BOB_PID_WORDS);
	__type(key, __u32);
	__type(value, __u64);
} traced SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 32768);
	__type(key, struct bob_sys_key);
	__type(value, struct bob_sys_val);
} syscalls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct bob_dedup_val);
} dedup SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BOB_DROP_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

static __always_inline void count_drop(__u32 slot)
{
	__u64 *n = bpf_map_lookup_elem(&drops, &slot);

	if (n)
		*n += 1;
}

/*
 * Where exec and open records are built: they end in a large buffer
 * (argv, path) of which only the used part is copied to the ring, so that
 * a typical open takes about 100 bytes of ring instead of 600.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bob_exec);
} scratch SEC(".maps");

/* Sends the first `len` bytes of the record `e` built in `scratch`. */
static __always_inline void output(void *e, __u64 len)
{
	if (len > sizeof(struct bob_exec))
		len = sizeof(struct bob_exec);
	if (bpf_ringbuf_output(&events, e, len, 0))
		count_drop(BOB_DROP_EVENTS);
}

static __always_inline void *scratch_record(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
}

static __always_inline __u64 *pid_word(__u32 tgid)
{
	__u32 idx = (tgid >> 6) & (BOB_PID_WORDS - 1);

	return bpf_map_lookup_elem(&traced, &idx);
}

/* Whether the current task belongs to the target. */
static __always_inline bool is_traced(__u32 tgid)
{
	/* In cgroup mode the capturer may sit in the group it traces: its own
	 * writes of the trace must not become rows. */
	if (target_cgroup)
		return tgid != self_tgid &&
		       bpf_get_current_ancestor_cgroup_id(target_level) ==
			       target_cgroup;
	__u64 *w = pid_word(tgid);

	return w && ((*w >> (tgid & 63)) & 1);
}

static __always_inline void mark(__u32 tgid, bool on)
{
	__u64 *w = pid_word(tgid);
	__u64 bit = 1ULL << (tgid & 63);

	if (!w || target_cgroup)
		return;
	if (on)
		__sync_fetch_and_or(w, bit);
	else
		__sync_fetch_and_and(w, ~bit);
}

static __always_inline __u32 current_tgid(void)
{
	return bpf_get_current_pid_tgid() >> 32;
}

static __always_inline void fill_header(struct bob_header *h, __u32 kind)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u64 pt = bpf_get_current_pid_tgid();
	__u64 ug = bpf_get_current_uid_gid();

	h->kind = kind;
	h->pid = pt >> 32;
	h->tid = (__u32)pt;
	h->ppid = BPF_CORE_READ(t, real_parent, tgid);
	h->uid = (__u32)ug;
	h->gid = ug >> 32;
	h->ts = bpf_ktime_get_ns();
	h->cgroup_id = bpf_get_current_cgroup_id();
	h->dedup = 0;
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

/* FNV-1a, 64 bits: the identity of a mergeable record. */
#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static __always_inline __u64 fnv_u64(__u64 h, __u64 v)
{
	for (int i = 0; i < 8; i++) {
		h ^= (v >> (i * 8)) & 0xff;
		h *= FNV_PRIME;
	}
	return h;
}

/*
 * Merges a record into an earlier equal one. Returns true when the record
 * is a repeat (the caller discards it); else stores the key in the header
 * so that user space can attach the repeats counted later.
 */
static __always_inline bool merge(struct bob_header *h, __u64 key)
{
	struct bob_dedup_val *v;
	struct bob_dedup_val fresh = {};
	long err;

	key |= 1;	/* 0 means "not merged" */
	v = bpf_map_lookup_elem(&dedup, &key);
	if (v) {
		__sync_fetch_and_add(&v->count, 1);
		v->last = h->ts;
		return true;
	}
	err = bpf_map_update_elem(&dedup, &key, &fresh, BPF_NOEXIST);
	if (err == 0)
		h->dedup = key;
	else if (err != -EEXIST)
		count_drop(BOB_DROP_DEDUP);
	return false;
}

/* x86-64 syscall numbers decoded here. */
#define NR_open 2
#define NR_connect 42
#define NR_accept 43
#define NR_sendto 44
#define NR_sendmsg 46
#define NR_bind 49
#define NR_listen 50
#define NR_exit 60
#define NR_creat 85
#define NR_exit_group 231
#define NR_openat 257
#define NR_accept4 288
#define NR_sendmmsg 307
#define NR_openat2 437
#define NR_chdir 80
#define NR_fchdir 81
#define NR_bpf 321
#define NR_rt_sigreturn 15

#define AT_FDCWD -100
#define CREAT_FLAGS 01101	/* O_CREAT | O_WRONLY | O_TRUNC */
#define S_IFMT 0170000
#define S_IFSOCK 0140000

/* One more call in this CPU's slot of a key. The key may have been made
 * on another CPU: this slot is then zero, and its first call is now.
 * `first` is stored before `count`, so that user space, which may read the
 * map while calls go on, never sees a count without its first time. */
static __always_inline void count_in(struct bob_sys_val *v, __u64 now)
{
	if (v->count == 0)
		v->first = now;
	asm volatile("" ::: "memory");
	v->count += 1;
	v->last = now;
}

static __always_inline void count_syscall(__u32 tgid, __u32 nr)
{
	struct bob_sys_key key = { .pid = tgid, .nr = nr };
	struct bob_sys_val *v;
	__u64 now = bpf_ktime_get_ns();
	long err;

	v = bpf_map_lookup_elem(&syscalls, &key);
	if (v) {
		count_in(v, now);
		return;
	}
	struct bob_sys_val fresh = { .count = 1, .first = now, .last = now };

	err = bpf_map_update_elem(&syscalls, &key, &fresh, BPF_NOEXIST);
	if (err == -EEXIST) {
		/* Another thread of the process made the key on another CPU
		 * since the lookup. */
		v = bpf_map_lookup_elem(&syscalls, &key);
		if (v) {
			count_in(v, now);
			return;
		}
	}
	if (err)
		count_drop(BOB_DROP_SYSCALLS);
}

#endif /* BOB_COMMON_BPF_H */
