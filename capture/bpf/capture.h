/* SPDX-License-Identifier: Apache-2.0 */
/*
 * capture.h: the records that the kernel side of `bob capture` hands to
 * user space, and the keys and values of its maps.
 *
 * This is the one definition of these layouts. The Rust mirrors live in
 * capture/src/abi.rs; each is `repr(C)` and asserts the size written in
 * the `*_SIZE` constants below, which the C side asserts too. Only
 * fixed-width types, no pointers, no implicit padding (every struct is
 * laid out so that each field sits at its natural alignment).
 */
#ifndef BOB_CAPTURE_H
#define BOB_CAPTURE_H

/* Limits, documented in capture/README.md. */
#define BOB_COMM_LEN 16
#define BOB_PATH_MAX 512	/* bytes of a path, NUL included */
#define BOB_ARGV_MAX 4096	/* bytes of argv (NUL-separated) */
#define BOB_DNS_MAX 256		/* bytes of a DNS payload kept */
#define BOB_PID_WORDS 65536	/* pid bitmap words: 4194304 pids */

/* Record kinds: the first field of every record. */
#define BOB_EV_EXEC 1
#define BOB_EV_OPEN 2
#define BOB_EV_NET 3
#define BOB_EV_DNS 4
#define BOB_EV_CAP 5
#define BOB_EV_FORK 6
#define BOB_EV_EXIT 7
#define BOB_EV_CHDIR 8	/* a struct bob_open: path (chdir) or dfd (fchdir) */

/* Indices of the `drops` counters. */
#define BOB_DROP_EVENTS 0	/* ring buffer full: a record was lost */
#define BOB_DROP_SYSCALLS 1	/* syscall table full: a count was lost */
#define BOB_DROP_DEDUP 2	/* dedup table full: a row was not merged */
#define BOB_DROP_SLOTS 4

/* Network directions. */
#define BOB_DIR_OUTBOUND 1
#define BOB_DIR_INBOUND 2
#define BOB_DIR_BIND 3
#define BOB_DIR_LISTEN 4

/* Exec record flag: argv was longer than BOB_ARGV_MAX. */
#define BOB_EXEC_ARGV_TRUNCATED 1

/* Common header of every record, 64 bytes. */
struct bob_header {
	__u32 kind;	/* BOB_EV_* */
	__u32 pid;	/* thread group id */
	__u32 tid;
	__u32 ppid;	/* thread group id of the real parent */
	__u32 uid;
	__u32 gid;
	__u64 ts;	/* CLOCK_MONOTONIC, ns */
	__u64 cgroup_id;
	__u64 dedup;	/* key into `dedup`, 0 when not merged */
	char comm[BOB_COMM_LEN];
};
#define BOB_HEADER_SIZE 64

struct bob_exec {
	struct bob_header h;
	__u32 argv_len;	/* bytes of argv kept */
	__u32 flags;	/* BOB_EXEC_* */
	char filename[BOB_PATH_MAX];
	char argv[BOB_ARGV_MAX];
};
#define BOB_EXEC_SIZE (64 + 8 + 512 + 4096)

struct bob_open {
	struct bob_header h;
	__s64 ret;	/* fd or negative errno */
	__s32 dfd;
	__u32 flags;	/* open(2) flags */
	__u64 cwd;	/* identity of the cwd (dentry), for relative paths */
	char path[BOB_PATH_MAX];
};
#define BOB_OPEN_SIZE (64 + 24 + 512)

struct bob_net {
	struct bob_header h;
	__s64 ret;
	__u16 family;	/* AF_INET, AF_INET6 */
	__u16 protocol;	/* IPPROTO_* */
	__u16 sock_type;	/* SOCK_STREAM, SOCK_DGRAM */
	__u16 direction;	/* BOB_DIR_* */
	__u16 local_port;	/* host order */
	__u16 remote_port;	/* host order */
	__u32 pad;
	__u8 local_addr[16];	/* IPv4 in the first 4 bytes */
	__u8 remote_addr[16];
};
#define BOB_NET_SIZE (64 + 8 + 16 + 32)

struct bob_dns {
	struct bob_net n;
	__u32 len;	/* bytes of payload kept */
	__u32 pad;
	__u8 payload[BOB_DNS_MAX];
};
#define BOB_DNS_SIZE (BOB_NET_SIZE + 8 + BOB_DNS_MAX)

struct bob_cap {
	struct bob_header h;
	__s32 cap;
	__s32 ret;	/* 0 granted, negative errno denied */
};
#define BOB_CAP_SIZE (64 + 8)

struct bob_fork {
	struct bob_header h;
	__u32 child;	/* the new process */
	__u32 pad;
};
#define BOB_FORK_SIZE (64 + 8)

struct bob_exit {
	struct bob_header h;
	__s32 code;	/* exit status as wait(2) encodes it */
	__u32 pad;
};
#define BOB_EXIT_SIZE (64 + 8)

/* Key and value of `syscalls`: counts per process and syscall. */
struct bob_sys_key {
	__u32 pid;
	__u32 nr;	/* the number; for bpf, BOB_SYS_BPF_CMD | its command */
};
/* Syscall numbers from BOB_NR_LIMIT up (x32's, BOB_X32_BIT + n, aside)
 * are no syscall: they are all counted as BOB_NR_INVALID. */
#define BOB_NR_LIMIT 1024
#define BOB_X32_BIT 0x40000000u
#define BOB_NR_INVALID 0x7fffffffu
/* bpf(2) is counted per command: R0009 fires on BPF_PROG_LOAD only.
 * Commands from BOB_BPF_CMD_LIMIT up are all BOB_BPF_CMD_INVALID. */
#define BOB_SYS_BPF_CMD 0x80000000u
#define BOB_BPF_CMD_LIMIT 64
#define BOB_BPF_CMD_INVALID 0xffff

struct bob_sys_val {
	__u64 count;
	__u64 first;	/* CLOCK_MONOTONIC, ns */
	__u64 last;
};
#define BOB_SYS_VAL_SIZE 24

/* Value of `dedup`: how often a merged record was seen again. */
struct bob_dedup_val {
	__u64 count;
	__u64 last;	/* CLOCK_MONOTONIC, ns */
};
#define BOB_DEDUP_VAL_SIZE 16

#endif /* BOB_CAPTURE_H */
