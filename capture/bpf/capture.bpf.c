// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/*
 * capture.bpf.c: the kernel side of `bob capture`.
 *
 * Which tasks are traced: in pid mode a bitmap of thread group ids
 * (`traced`), seeded by user space with the spawned child and extended
 * here at every fork of a traced process; in cgroup mode every task whose
 * cgroup is `target_cgroup` or below it. The check is one inlined array
 * load (or one helper call), so untraced tasks pay almost nothing.
 *
 * Everything about syscalls is taken at one hook, `sys_exit`, where the
 * arguments are still in the saved registers and the result is known:
 * every syscall is counted, per process and number, in a per-CPU hash
 * (`syscalls`) that user space reads at the end, and the few syscalls that
 * make a record (opens, connect, accept, bind, listen, UDP sends to the
 * DNS port) are decoded there. Every other record
 * goes to one bounded ring buffer (`events`); opens, network rows, DNS
 * queries and capability checks that repeat are merged here (`dedup`) so
 * that a storm costs a counter increment, not a record. A record that finds
 * the ring full is counted in `drops`, never lost silently.
 *
 * Hooks are BTF tracepoints only: no tracefs, and CAP_BPF with CAP_PERFMON
 * are enough to load them. fentry/fexit would be more direct, but the
 * kernels this runs on refuse trampolines (EPERM) and have no kprobes.
 * Syscall numbers are x86-64's.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "capture.h"

char LICENSE[] SEC("license") = "GPL";

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
	if (target_cgroup)
		return bpf_get_current_ancestor_cgroup_id(target_level) ==
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

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sched_process_exec, struct task_struct *p, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	struct bob_exec *e;
	__u64 start, end, len;

	if (!is_traced(current_tgid()))
		return 0;
	e = scratch_record();
	if (!e)
		return 0;
	fill_header(&e->h, BOB_EV_EXEC);
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename),
				  BPF_CORE_READ(bprm, filename));
	start = BPF_CORE_READ(p, mm, arg_start);
	end = BPF_CORE_READ(p, mm, arg_end);
	len = end > start ? end - start : 0;
	e->flags = 0;
	if (len > BOB_ARGV_MAX) {
		len = BOB_ARGV_MAX;
		e->flags = BOB_EXEC_ARGV_TRUNCATED;
	}
	e->argv_len = 0;
	if (len > 0 && len <= BOB_ARGV_MAX &&
	    bpf_probe_read_user(e->argv, len, (void *)start) == 0)
		e->argv_len = len;
	output(e, sizeof(*e) - BOB_ARGV_MAX + e->argv_len);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sched_process_fork, struct task_struct *parent,
	     struct task_struct *child)
{
	__u32 child_tgid = BPF_CORE_READ(child, tgid);
	struct bob_fork *e;

	if (!is_traced(current_tgid()))
		return 0;
	mark(child_tgid, true);
	if (BPF_CORE_READ(child, pid) != child_tgid)
		return 0;	/* a thread, not a process */
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(BOB_DROP_EVENTS);
		return 0;
	}
	fill_header(&e->h, BOB_EV_FORK);
	e->child = child_tgid;
	e->pad = 0;
	bpf_ringbuf_submit(e, 0);
	return 0;
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

#define AT_FDCWD -100
#define CREAT_FLAGS 01101	/* O_CREAT | O_WRONLY | O_TRUNC */
#define S_IFMT 0170000
#define S_IFSOCK 0140000

static __always_inline void count_syscall(__u32 tgid, __u32 nr)
{
	struct bob_sys_key key = { .pid = tgid, .nr = nr };
	struct bob_sys_val *v;
	__u64 now = bpf_ktime_get_ns();

	v = bpf_map_lookup_elem(&syscalls, &key);
	if (v) {
		v->count += 1;
		v->last = now;
		return;
	}
	struct bob_sys_val fresh = { .count = 1, .first = now, .last = now };

	if (bpf_map_update_elem(&syscalls, &key, &fresh, BPF_NOEXIST))
		count_drop(BOB_DROP_SYSCALLS);
}

static __noinline int on_open(struct pt_regs *regs, __u32 nr, long ret)
{
	struct task_struct *t;
	const char *filename;
	struct bob_open *e;
	__u64 key, flags;
	int dfd;
	long n;

	switch (nr) {
	case NR_open:
		dfd = AT_FDCWD;
		filename = (const char *)BPF_CORE_READ(regs, di);
		flags = BPF_CORE_READ(regs, si);
		break;
	case NR_creat:
		dfd = AT_FDCWD;
		filename = (const char *)BPF_CORE_READ(regs, di);
		flags = CREAT_FLAGS;
		break;
	case NR_openat:
		dfd = (int)BPF_CORE_READ(regs, di);
		filename = (const char *)BPF_CORE_READ(regs, si);
		flags = BPF_CORE_READ(regs, dx);
		break;
	default:	/* openat2: flags are the first field of open_how */
		dfd = (int)BPF_CORE_READ(regs, di);
		filename = (const char *)BPF_CORE_READ(regs, si);
		flags = 0;
		bpf_probe_read_user(&flags, sizeof(flags),
				    (void *)BPF_CORE_READ(regs, dx));
		break;
	}
	e = scratch_record();
	if (!e)
		return 0;
	fill_header(&e->h, BOB_EV_OPEN);
	e->ret = ret;
	e->dfd = dfd;
	e->flags = (__u32)flags;
	e->cwd = 0;
	n = bpf_probe_read_user_str(e->path, sizeof(e->path), filename);
	if (n < 0) {
		e->path[0] = 0;
		n = 0;
	}
	if (e->path[0] != '/') {
		t = bpf_get_current_task_btf();
		e->cwd = (__u64)BPF_CORE_READ(t, fs, pwd.dentry);
	}
	key = fnv_u64(FNV_OFFSET, ((__u64)BOB_EV_OPEN << 32) | e->h.pid);
	key = fnv_u64(key, ((__u64)(__u32)dfd << 32) | e->flags);
	key = fnv_u64(key, e->cwd);
	key = fnv_u64(key, e->ret < 0 ? (__u64)e->ret : 0);
	for (int i = 0; i < BOB_PATH_MAX; i++) {
		if (i >= n)
			break;
		key ^= (__u8)e->path[i];
		key *= FNV_PRIME;
	}
	if (!merge(&e->h, key))
		output(e, sizeof(*e) - BOB_PATH_MAX + (n & (2 * BOB_PATH_MAX - 1)));
	return 0;
}

/* The socket behind file descriptor `fd` of the current task, or NULL. */
static __always_inline struct sock *sock_of(long fd)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;
	struct socket *sock;

	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	if (!f || (BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(f, private_data);
	return sock ? BPF_CORE_READ(sock, sk) : NULL;
}

/* A socket address in user memory: family, address and port. */
static __always_inline __u16 user_sockaddr(const void *uaddr, __u8 *addr,
					   __u16 *port)
{
	struct sockaddr_in6 sa = {};

	if (!uaddr || bpf_probe_read_user(&sa, sizeof(sa), uaddr))
		return 0;
	if (sa.sin6_family == AF_INET) {
		struct sockaddr_in *in = (void *)&sa;

		*port = bpf_ntohs(in->sin_port);
		__builtin_memcpy(addr, &in->sin_addr, 4);
	} else if (sa.sin6_family == AF_INET6) {
		*port = bpf_ntohs(sa.sin6_port);
		__builtin_memcpy(addr, &sa.sin6_addr, 16);
	}
	return sa.sin6_family;
}

/* The address fields are read with their own sizes: BPF_CORE_READ_INTO
 * would take the size of one array element. */
static __always_inline void sock_local(struct sock *sk, struct bob_net *e)
{
	e->local_port = BPF_CORE_READ(sk, __sk_common.skc_num);
	if (e->family == AF_INET6)
		bpf_core_read(e->local_addr, 16,
			      &sk->__sk_common.skc_v6_rcv_saddr);
	else
		bpf_core_read(e->local_addr, 4, &sk->__sk_common.skc_rcv_saddr);
}

static __always_inline void sock_remote(struct sock *sk, struct bob_net *e)
{
	e->remote_port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (e->family == AF_INET6)
		bpf_core_read(e->remote_addr, 16, &sk->__sk_common.skc_v6_daddr);
	else
		bpf_core_read(e->remote_addr, 4, &sk->__sk_common.skc_daddr);
}

static __always_inline __u64 net_key(struct bob_net *e)
{
	__u64 key = fnv_u64(FNV_OFFSET, ((__u64)BOB_EV_NET << 32) | e->h.pid);
	__u64 a, b;

	key = fnv_u64(key, ((__u64)e->family << 48) |
			       ((__u64)e->protocol << 32) |
			       ((__u64)e->direction << 16) | e->remote_port);
	/* An outbound or accepted socket's local port carries no meaning
	 * for outbound rows (it is ephemeral): leave it out. */
	key = fnv_u64(key, e->direction == BOB_DIR_OUTBOUND ? 0 : e->local_port);
	key = fnv_u64(key, e->ret < 0 ? (__u64)e->ret : 0);
	__builtin_memcpy(&a, e->remote_addr, 8);
	__builtin_memcpy(&b, e->remote_addr + 8, 8);
	key = fnv_u64(fnv_u64(key, a), b);
	__builtin_memcpy(&a, e->local_addr, 8);
	__builtin_memcpy(&b, e->local_addr + 8, 8);
	return fnv_u64(fnv_u64(key, a), b);
}

/* The address family of `sk` when it is IPv4 or IPv6, else 0. */
static __always_inline __u16 inet_family(struct sock *sk)
{
	__u16 family;

	if (!sk)
		return 0;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	return family == AF_INET || family == AF_INET6 ? family : 0;
}

static __always_inline void net_fill(struct bob_net *e, struct sock *sk,
				     __u16 family, __u16 direction, long ret)
{
	e->ret = ret;
	e->family = family;
	e->protocol = BPF_CORE_READ(sk, sk_protocol);
	e->sock_type = BPF_CORE_READ(sk, sk_type);
	e->direction = direction;
}

/* connect, accept, accept4, bind, listen. */
static __noinline int on_net(struct pt_regs *regs, __u32 nr, long ret)
{
	bool accepted = nr == NR_accept || nr == NR_accept4;
	long fd = accepted ? ret : (long)BPF_CORE_READ(regs, di);
	const void *uaddr = (const void *)BPF_CORE_READ(regs, si);
	struct sock *sk;
	struct bob_net *e;
	__u16 family, port = 0, dir;

	if (accepted && ret < 0)
		return 0;	/* nothing was accepted */
	sk = sock_of(fd);
	family = inet_family(sk);
	if (!family)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(BOB_DROP_EVENTS);
		return 0;
	}
	__builtin_memset(&e->ret, 0, sizeof(*e) - sizeof(e->h));
	fill_header(&e->h, BOB_EV_NET);
	dir = nr == NR_connect ? BOB_DIR_OUTBOUND :
	      accepted ? BOB_DIR_INBOUND :
	      nr == NR_bind ? BOB_DIR_BIND : BOB_DIR_LISTEN;
	net_fill(e, sk, family, dir, accepted ? 0 : ret);
	if (nr == NR_connect) {
		sock_local(sk, e);
		if (user_sockaddr(uaddr, e->remote_addr, &e->remote_port) !=
		    family && ret == 0)
			sock_remote(sk, e);
	} else if (nr == NR_bind) {
		user_sockaddr(uaddr, e->local_addr, &port);
		e->local_port = port;
	} else {
		sock_local(sk, e);
		if (accepted)
			sock_remote(sk, e);
	}
	if (merge(&e->h, net_key(e)))
		bpf_ringbuf_discard(e, 0);
	else
		bpf_ringbuf_submit(e, 0);
	return 0;
}

/* sendto, sendmsg, sendmmsg (first message): kept when UDP to the DNS port. */
static __noinline int on_send(struct pt_regs *regs, __u32 nr, long ret)
{
	struct sock *sk = sock_of((long)BPF_CORE_READ(regs, di));
	__u16 family = inet_family(sk), port = 0;
	__u8 raddr[16] = {};
	const void *name, *base;
	struct user_msghdr m;
	struct iovec iov;
	struct bob_dns *e;
	__u64 count, key;

	if (!family || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_UDP || ret < 0)
		return 0;
	if (nr == NR_sendto) {
		base = (const void *)BPF_CORE_READ(regs, si);
		count = BPF_CORE_READ(regs, dx);
		name = (const void *)BPF_CORE_READ(regs, r8);
	} else {
		/* A struct mmsghdr starts with its struct user_msghdr. */
		if (bpf_probe_read_user(&m, sizeof(m),
					(void *)BPF_CORE_READ(regs, si)) ||
		    m.msg_iovlen < 1 ||
		    bpf_probe_read_user(&iov, sizeof(iov), m.msg_iov))
			return 0;
		name = m.msg_name;
		base = iov.iov_base;
		count = iov.iov_len;
	}
	if (!name || user_sockaddr(name, raddr, &port) == 0)
		port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (port != dns_port)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(BOB_DROP_EVENTS);
		return 0;
	}
	__builtin_memset(&e->n.ret, 0, sizeof(*e) - sizeof(e->n.h));
	fill_header(&e->n.h, BOB_EV_DNS);
	net_fill(&e->n, sk, family, BOB_DIR_OUTBOUND, 0);
	sock_local(sk, &e->n);
	if (name && raddr[0] | raddr[1] | raddr[2] | raddr[3] | raddr[15]) {
		__builtin_memcpy(e->n.remote_addr, raddr, 16);
		e->n.remote_port = port;
	} else {
		sock_remote(sk, &e->n);
	}
	if (count > BOB_DNS_MAX)
		count = BOB_DNS_MAX;
	if (count < 12 || bpf_probe_read_user(e->payload, count, base))
		goto discard;
	e->len = count;
	/* The query, without its 16-bit id, is what repeats. */
	key = fnv_u64(FNV_OFFSET, ((__u64)BOB_EV_DNS << 32) | e->n.h.pid);
	for (int i = 2; i < BOB_DNS_MAX; i++) {
		if (i >= count)
			break;
		key ^= e->payload[i];
		key *= FNV_PRIME;
	}
	if (merge(&e->n.h, key))
		goto discard;
	bpf_ringbuf_submit(e, 0);
	return 0;
discard:
	bpf_ringbuf_discard(e, 0);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	__u32 tgid = current_tgid();
	__u32 nr;

	if (!is_traced(tgid))
		return 0;
	nr = (__u32)BPF_CORE_READ(regs, orig_ax);
	count_syscall(tgid, nr);
	switch (nr) {
	case NR_open:
	case NR_creat:
	case NR_openat:
	case NR_openat2:
		return on_open(regs, nr, ret);
	case NR_connect:
	case NR_accept:
	case NR_accept4:
	case NR_bind:
	case NR_listen:
		return on_net(regs, nr, ret);
	case NR_sendto:
	case NR_sendmsg:
	case NR_sendmmsg:
		return on_send(regs, nr, ret);
	}
	return 0;
}

SEC("tp_btf/cap_capable")
int BPF_PROG(cap_capable, const struct cred *cred, struct user_namespace *ns,
	     const struct user_namespace *capable_ns, int cap, int ret)
{
	struct bob_cap *e;
	__u64 key;

	if (!is_traced(current_tgid()))
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_drop(BOB_DROP_EVENTS);
		return 0;
	}
	fill_header(&e->h, BOB_EV_CAP);
	e->cap = cap;
	e->ret = ret;
	key = fnv_u64(FNV_OFFSET, ((__u64)BOB_EV_CAP << 32) | e->h.pid);
	key = fnv_u64(key, ((__u64)(__u32)cap << 32) | (__u32)ret);
	if (merge(&e->h, key)) {
		bpf_ringbuf_discard(e, 0);
		return 0;
	}
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_process_exit, struct task_struct *p, bool group_dead)
{
	__u32 tgid = current_tgid();
	struct bob_exit *e;

	if (!is_traced(tgid))
		return 0;
	/* exit and exit_group never return, so sys_exit never counts them. */
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(p);
	__u64 nr = BPF_CORE_READ(regs, orig_ax);

	if (nr == NR_exit || nr == NR_exit_group)
		count_syscall(tgid, nr);
	if (!group_dead)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		fill_header(&e->h, BOB_EV_EXIT);
		e->code = BPF_CORE_READ(p, exit_code);
		e->pad = 0;
		bpf_ringbuf_submit(e, 0);
	} else {
		count_drop(BOB_DROP_EVENTS);
	}
	mark(tgid, false);
	return 0;
}
