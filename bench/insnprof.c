// SPDX-License-Identifier: GPL-2.0
/*
 * A qemu TCG plugin that counts the instructions each translated block
 * runs, for scripts/profile: "perf" for a guest under -icount, whose
 * sampling profile is useless (every tick lands where interrupts come
 * back on).  Exact, not sampled: a block's count times its length.
 *
 * A guest program marks the moments to snapshot (bench/insnmark: a
 * multi-byte NOP with a magic displacement); each mark writes every
 * block's address and instructions so far to OUT.N.  scripts/profile
 * subtracts two snapshots and names the addresses from /proc/kallsyms.
 *
 *   qemu ... -plugin bench/insnprof.so,out=PREFIX
 *
 * Built against the plugin interface of qemu 7.2 (API version 1),
 * declared here: Debian ships no qemu-plugin.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id,
					       struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu, void *data);

#define EXPORT __attribute__((visibility("default")))

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
						 size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
					      enum qemu_plugin_op op,
					      void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
					    qemu_plugin_vcpu_udata_cb_t cb,
					    enum qemu_plugin_cb_flags flags,
					    void *data);

EXPORT int qemu_plugin_version = 1;

/* nopl 0x4b4e4154(%rax,%rax,1): "KNAT", nothing a compiler emits. */
static const unsigned char mark[] = { 0x0f, 0x1f, 0x84, 0x00,
				      0x54, 0x41, 0x4e, 0x4b };

struct block {
	uint64_t vaddr;
	uint64_t insns;
	uint64_t runs;		/* added to by the generated code */
};

static struct block **blocks;
static size_t nblocks, capblocks;
static const char *out = "insnprof";
static unsigned int nsnap;

static void snapshot(unsigned int vcpu, void *data)
{
	char path[4096];
	FILE *f;
	size_t i;

	(void)vcpu;
	(void)data;
	snprintf(path, sizeof(path), "%s.%u", out, nsnap++);
	f = fopen(path, "w");
	if (!f)
		return;
	/* A block translated again has records of its own: the sum counts. */
	for (i = 0; i < nblocks; i++)
		if (blocks[i]->runs)
			fprintf(f, "%llx %llu\n",
				(unsigned long long)blocks[i]->vaddr,
				(unsigned long long)(blocks[i]->runs *
						     blocks[i]->insns));
	fclose(f);
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;
	struct block *b;

	(void)id;
	if (nblocks == capblocks) {
		capblocks = capblocks ? capblocks * 2 : 65536;
		blocks = realloc(blocks, capblocks * sizeof(*blocks));
		if (!blocks)
			abort();
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		abort();
	b->vaddr = qemu_plugin_tb_vaddr(tb);
	b->insns = n;
	blocks[nblocks++] = b;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &b->runs, 1);
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

		if (qemu_plugin_insn_size(insn) == sizeof(mark) &&
		    !memcmp(qemu_plugin_insn_data(insn), mark, sizeof(mark)))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, snapshot,
							       QEMU_PLUGIN_CB_NO_REGS,
							       NULL);
	}
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const void *info,
			       int argc, char **argv)
{
	int i;

	(void)info;
	for (i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			out = argv[i] + 4;
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	return 0;
}
