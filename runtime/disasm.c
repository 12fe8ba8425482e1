/* Disassembler: prints a decoded instruction exactly as
 * `riscv64-linux-gnu-objdump -d -M no-aliases` (binutils 2.40) prints its
 * mnemonic and operand columns, driven by the operand strings of rv_isa.h.
 * tests/disasm/check.sh holds it to that. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rv_cpu.h"
#include "rv_isa.h"

static const char *const op_ops[RV_OP_COUNT] = {
#define X(name, mn, mask, match, ops) [RV_OP_##name] = ops,
	RV_INSNS(X)
#undef X
};

static const char *const cop_name[RV_COP_COUNT] = {
#define X(name, mn, mask, match, ops, base) [RV_COP_##name] = mn,
	RV_CINSNS(X)
#undef X
};

static const char *const cop_ops[RV_COP_COUNT] = {
#define X(name, mn, mask, match, ops, base) [RV_COP_##name] = ops,
	RV_CINSNS(X)
#undef X
};

/* binutils prints rounding modes 5 and 6 and an empty fence set as
 * "unknown". */
static const char *const rm_name[8] = {
	"rne", "rtz", "rdn", "rup", "rmm", "unknown", "unknown", "dyn",
};

static const char *const fence_set[16] = {
	"unknown", "w", "r", "rw", "o", "ow", "or", "orw",
	"i", "iw", "ir", "irw", "io", "iow", "ior", "iorw",
};

static const char *const amo_suffix[4] = { "", ".rl", ".aq", ".aqrl" };

/* The CSR names objdump 2.40 knows (default privileged spec), read off its
 * output for all 4096 numbers.
 * A numbered family (hpmcounter3..31) is one row: n names from first. */
struct csr {
	uint16_t num, n, first;
	const char *name, *suffix;
};
#define CSR(num, name) { num, 0, 0, name, "" }
#define CSRN(num, n, first, name, suffix) { num, n, first, name, suffix }
static const struct csr csrs[] = {
	CSR(0x001, "fflags"), CSR(0x002, "frm"), CSR(0x003, "fcsr"),
	CSR(0x008, "vstart"), CSR(0x009, "vxsat"), CSR(0x00a, "vxrm"),
	CSR(0x00f, "vcsr"), CSR(0x015, "seed"), CSR(0x100, "sstatus"),
	CSR(0x104, "sie"), CSR(0x105, "stvec"), CSR(0x106, "scounteren"),
	CSR(0x10a, "senvcfg"), CSRN(0x10c, 4, 0, "sstateen", ""),
	CSR(0x114, "sieh"), CSR(0x140, "sscratch"), CSR(0x141, "sepc"),
	CSR(0x142, "scause"), CSR(0x143, "stval"), CSR(0x144, "sip"),
	CSR(0x14d, "stimecmp"), CSR(0x150, "siselect"), CSR(0x151, "sireg"),
	CSR(0x154, "siph"), CSR(0x15c, "stopei"), CSR(0x15d, "stimecmph"),
	CSR(0x180, "satp"), CSR(0x200, "vsstatus"), CSR(0x204, "vsie"),
	CSR(0x205, "vstvec"), CSR(0x214, "vsieh"), CSR(0x240, "vsscratch"),
	CSR(0x241, "vsepc"), CSR(0x242, "vscause"), CSR(0x243, "vstval"),
	CSR(0x244, "vsip"), CSR(0x24d, "vstimecmp"), CSR(0x250, "vsiselect"),
	CSR(0x251, "vsireg"), CSR(0x254, "vsiph"), CSR(0x25c, "vstopei"),
	CSR(0x25d, "vstimecmph"), CSR(0x280, "vsatp"), CSR(0x300, "mstatus"),
	CSR(0x301, "misa"), CSR(0x302, "medeleg"), CSR(0x303, "mideleg"),
	CSR(0x304, "mie"), CSR(0x305, "mtvec"), CSR(0x306, "mcounteren"),
	CSR(0x308, "mvien"), CSR(0x309, "mvip"), CSR(0x30a, "menvcfg"),
	CSRN(0x30c, 4, 0, "mstateen", ""), CSR(0x310, "mstatush"),
	CSR(0x313, "midelegh"), CSR(0x314, "mieh"), CSR(0x318, "mvienh"),
	CSR(0x319, "mviph"), CSR(0x31a, "menvcfgh"),
	CSRN(0x31c, 4, 0, "mstateen", "h"), CSR(0x320, "mcountinhibit"),
	CSRN(0x323, 29, 3, "mhpmevent", ""), CSR(0x340, "mscratch"),
	CSR(0x341, "mepc"), CSR(0x342, "mcause"), CSR(0x343, "mtval"),
	CSR(0x344, "mip"), CSR(0x34a, "mtinst"), CSR(0x34b, "mtval2"),
	CSR(0x350, "miselect"), CSR(0x351, "mireg"), CSR(0x354, "miph"),
	CSR(0x35c, "mtopei"), CSRN(0x3a0, 16, 0, "pmpcfg", ""),
	CSRN(0x3b0, 64, 0, "pmpaddr", ""), CSR(0x5a8, "scontext"),
	CSR(0x600, "hstatus"), CSR(0x602, "hedeleg"), CSR(0x603, "hideleg"),
	CSR(0x604, "hie"), CSR(0x605, "htimedelta"), CSR(0x606, "hcounteren"),
	CSR(0x607, "hgeie"), CSR(0x608, "hvien"), CSR(0x609, "hvictl"),
	CSR(0x60a, "henvcfg"), CSRN(0x60c, 4, 0, "hstateen", ""),
	CSR(0x613, "hidelegh"), CSR(0x615, "htimedeltah"), CSR(0x618, "hvienh"),
	CSR(0x61a, "henvcfgh"), CSRN(0x61c, 4, 0, "hstateen", "h"),
	CSR(0x643, "htval"), CSR(0x644, "hip"), CSR(0x645, "hvip"),
	CSR(0x646, "hviprio1"), CSR(0x647, "hviprio2"), CSR(0x64a, "htinst"),
	CSR(0x655, "hviph"), CSR(0x656, "hviprio1h"), CSR(0x657, "hviprio2h"),
	CSR(0x680, "hgatp"), CSR(0x6a8, "hcontext"),
	CSRN(0x723, 29, 3, "mhpmevent", "h"), CSR(0x747, "mseccfg"),
	CSR(0x757, "mseccfgh"), CSR(0x7a0, "tselect"),
	CSRN(0x7a1, 3, 1, "tdata", ""), CSR(0x7a4, "tinfo"),
	CSR(0x7a5, "tcontrol"), CSR(0x7a8, "mcontext"), CSR(0x7aa, "mscontext"),
	CSR(0x7b0, "dcsr"), CSR(0x7b1, "dpc"), CSR(0x7b2, "dscratch0"),
	CSR(0x7b3, "dscratch1"), CSR(0xb00, "mcycle"), CSR(0xb02, "minstret"),
	CSRN(0xb03, 29, 3, "mhpmcounter", ""), CSR(0xb80, "mcycleh"),
	CSR(0xb82, "minstreth"), CSRN(0xb83, 29, 3, "mhpmcounter", "h"),
	CSR(0xc00, "cycle"), CSR(0xc01, "time"), CSR(0xc02, "instret"),
	CSRN(0xc03, 29, 3, "hpmcounter", ""), CSR(0xc20, "vl"),
	CSR(0xc21, "vtype"), CSR(0xc22, "vlenb"), CSR(0xc80, "cycleh"),
	CSR(0xc81, "timeh"), CSR(0xc82, "instreth"),
	CSRN(0xc83, 29, 3, "hpmcounter", "h"), CSR(0xda0, "scountovf"),
	CSR(0xdb0, "stopi"), CSR(0xe12, "hgeip"), CSR(0xeb0, "vstopi"),
	CSR(0xf11, "mvendorid"), CSR(0xf12, "marchid"), CSR(0xf13, "mimpid"),
	CSR(0xf14, "mhartid"), CSR(0xf15, "mconfigptr"), CSR(0xfb0, "mtopi"),
};
#undef CSR
#undef CSRN

/* A bounded appender: keeps counting past cap, as snprintf does. */
struct out {
	char *buf;
	size_t cap, len;
};

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	size_t room = o->len < o->cap ? o->cap - o->len : 0;

	va_start(ap, fmt);
	int n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static void put_csr(struct out *o, unsigned num)
{
	for (size_t i = 0; i < sizeof csrs / sizeof csrs[0]; i++) {
		const struct csr *c = &csrs[i];
		if (c->n == 0 && num == c->num) {
			put(o, "%s", c->name);
			return;
		}
		if (c->n && num >= c->num && num < c->num + c->n) {
			put(o, "%s%u%s", c->name, c->first + num - c->num,
			    c->suffix);
			return;
		}
	}
	put(o, "0x%x", num);
}

int rv_disasm(char *buf, size_t cap, const rv_insn *in, uint64_t pc)
{
	struct out o = { buf, cap, 0 };
	const char *mn, *ops;

	if (cap)
		buf[0] = '\0';
	if (in->cop != RV_COP_NONE) {
		mn = cop_name[in->cop];
		ops = cop_ops[in->cop];
	} else if (in->op != RV_OP_ILLEGAL) {
		mn = rv_op_name[in->op];
		ops = op_ops[in->op];
	} else {
		put(&o, "%s\t0x%" PRIx32, in->len == 2 ? ".2byte" : ".4byte",
		    (uint32_t)in->imm);
		return (int)o.len;
	}

	put(&o, "%s", mn);
	if (strchr(ops, 'A'))
		put(&o, "%s", amo_suffix[in->rm & 3]);
	if (*ops)
		put(&o, "\t");
	for (const char *p = ops; *p; p++) {
		switch (*p) {
		case 'd': put(&o, "%s", rv_xreg_name[in->rd]); break;
		case 's': put(&o, "%s", rv_xreg_name[in->rs1]); break;
		case 't': put(&o, "%s", rv_xreg_name[in->rs2]); break;
		case 'r': put(&o, "%s", rv_xreg_name[in->rs3]); break;
		case 'D': put(&o, "%s", rv_freg_name[in->rd]); break;
		case 'S': put(&o, "%s", rv_freg_name[in->rs1]); break;
		case 'T': put(&o, "%s", rv_freg_name[in->rs2]); break;
		case 'R': put(&o, "%s", rv_freg_name[in->rs3]); break;
		case 'j': case 'o': case 'q': put(&o, "%d", in->imm); break;
		case 'Z': put(&o, "%d", in->rs1); break;
		case 'p': case 'a':
			put(&o, "%" PRIx64, pc + (uint64_t)(int64_t)in->imm);
			break;
		case 'u': put(&o, "0x%x", (uint32_t)in->imm >> 12); break;
		case '>': case '<': put(&o, "0x%x", (unsigned)in->imm); break;
		case 'E': put_csr(&o, (unsigned)in->imm); break;
		case 'm': case 'M': put(&o, "%s", rm_name[in->rm & 7]); break;
		case 'P': put(&o, "%s", fence_set[in->imm >> 4 & 15]); break;
		case 'Q': put(&o, "%s", fence_set[in->imm & 15]); break;
		case 'A': break;
		case ',':
			/* A default rounding mode is left out, comma and all. */
			if ((p[1] == 'm' && in->rm == RV_DYN) ||
			    (p[1] == 'M' && in->rm == RV_RNE))
				p++;
			else
				put(&o, ",");
			break;
		default: put(&o, "%c", *p); break;
		}
	}
	return (int)o.len;
}
