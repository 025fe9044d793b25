/* SPDX-License-Identifier: GPL-2.0 OR Apache-2.0 */
/*
 * open.bpf.h: open, creat, openat and openat2 records, decoded from
 * the saved registers at sys_exit and merged when they repeat.
 *
 * Part of the one compilation unit capture.bpf.c (included from there,
 * after vmlinux.h, the libbpf headers and capture.h); not a public header.
 */
#ifndef BOB_OPEN_BPF_H
#define BOB_OPEN_BPF_H

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

/*
 * A successful chdir or fchdir: user space follows each process's working
 * directory from these (and from forks), so that it can make relative
 * paths absolute without asking /proc after the fact.
 */
static __noinline int on_chdir(struct pt_regs *regs, __u32 nr, long ret)
{
	struct bob_open *e;
	long n = 0;

	if (ret != 0)
		return 0;
	e = scratch_record();
	if (!e)
		return 0;
	fill_header(&e->h, BOB_EV_CHDIR);
	e->ret = 0;
	e->flags = 0;
	e->cwd = 0;
	e->path[0] = 0;
	if (nr == NR_fchdir) {
		e->dfd = (int)BPF_CORE_READ(regs, di);
	} else {
		e->dfd = AT_FDCWD;
		n = bpf_probe_read_user_str(e->path, sizeof(e->path),
					    (const char *)BPF_CORE_READ(regs, di));
		if (n < 0) {
			e->path[0] = 0;
			n = 0;
		}
	}
	output(e, sizeof(*e) - BOB_PATH_MAX + (n & (2 * BOB_PATH_MAX - 1)));
	return 0;
}

#endif /* BOB_OPEN_BPF_H */
