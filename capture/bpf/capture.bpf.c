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
 * every syscall is counted, per process and number (and per command
 * for bpf), in a per-CPU hash (`syscalls`) that user space reads at the
 * end, and the few syscalls that make a record (opens, connect, accept,
 * bind, listen, UDP sends to the DNS port) are decoded there. Records go
 * to one bounded ring buffer (`events`); opens, network rows, DNS
 * queries and capability checks that repeat are merged (`dedup`) so that
 * a storm costs a counter increment, not a record. A record that finds
 * the ring full is counted in `drops`, never lost silently.
 *
 * This file holds the programs; the shared maps and helpers are in
 * common.bpf.h, the open decoding in open.bpf.h, the network and DNS
 * decoding in net.bpf.h, all one compilation unit.
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
#include "common.bpf.h"
#include "open.bpf.h"
#include "net.bpf.h"

char LICENSE[] SEC("license") = "GPL";

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


SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	__u32 tgid = current_tgid();
	__u32 nr;

	if (!is_traced(tgid))
		return 0;
	nr = (__u32)BPF_CORE_READ(regs, orig_ax);
	/* rt_sigreturn restores the signal frame and with it sets orig_ax to
	 * -1, so that the return is not taken for a syscall to restart: at
	 * sys_exit, -1 is taken for rt_sigreturn. It is also what a program's
	 * own syscall(-1), a call a tracer skipped (seccomp RET_TRACE, fault
	 * injection) and the 32-bit sigreturns leave, all rare. Numbers that
	 * are no syscall share one key, so that a program trying many cannot
	 * fill the table, nor pass for a bpf command (BOB_SYS_BPF_CMD). */
	if (nr == (__u32)-1)
		nr = NR_rt_sigreturn;
	else if (nr >= BOB_NR_LIMIT &&
		 (nr < BOB_X32_BIT || nr >= BOB_X32_BIT + BOB_NR_LIMIT))
		nr = BOB_NR_INVALID;
	if (nr == NR_bpf) {
		__u32 cmd = (__u32)BPF_CORE_READ(regs, di);

		/* Any command the kernel rejects shares one key: a loop over
		 * command numbers must not fill the table. */
		count_syscall(tgid, BOB_SYS_BPF_CMD |
				    (cmd < BOB_BPF_CMD_LIMIT ? cmd : BOB_BPF_CMD_INVALID));
	} else
		count_syscall(tgid, nr);
	switch (nr) {
	case NR_open:
	case NR_creat:
	case NR_openat:
	case NR_openat2:
		return on_open(regs, nr, ret);
	case NR_chdir:
	case NR_fchdir:
		return on_chdir(regs, nr, ret);
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
