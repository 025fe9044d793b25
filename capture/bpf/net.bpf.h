/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * net.bpf.h: network records (connect, accept, accept4, bind,
 * listen) and DNS queries (UDP sends to the DNS port), decoded at sys_exit
 * from the socket behind the file descriptor and the user's arguments.
 *
 * Part of the one compilation unit capture.bpf.c (included from there,
 * after vmlinux.h, the libbpf headers and capture.h); not a public header.
 */
#ifndef BOB_NET_BPF_H
#define BOB_NET_BPF_H

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

#endif /* BOB_NET_BPF_H */
