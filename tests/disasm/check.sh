#!/bin/sh
# check.sh ELF... — compare friscy's disassembler (rvdis) with
# `riscv64-linux-gnu-objdump -d -z -M no-aliases` on every executable
# section, instruction by instruction (address, raw bytes, mnemonic,
# operands). Prints per file the number of instructions compared and of
# mismatches, and the first 20 mismatches; exits non-zero on any mismatch.
#
# Normalizations, applied to both sides:
#   - only instruction lines (`addr:\traw\t...`) are compared, keyed by
#     section and address; headers and `<sym>:` lines are dropped.
#   - objdump's ` <sym+off>` after a branch target and its `# ...` comments
#     (jalr/load targets it computes from an earlier auipc) are dropped:
#     rvdis prints no symbols.
#   - runs of blanks collapse to one space.
#   - in a file without any symbol objdump prints branch and jump targets
#     as 0x...; the 0x is dropped.
#   - -z makes objdump print blocks of zero bytes (c.unimp) instead of `...`.
# Known differences, never seen in compiled code: rvdis has no mapping
# symbols ($d), so data that an object file marks as such inside a code
# section is printed as instructions, where objdump prints .word/.byte; a
# fence or fence.i with non-zero reserved fields (fm, rd, rs1, imm) and
# c.addi16sp with a zero immediate (reserved) print differently, since the
# decoder follows the ISA spec there rather than binutils; privileged
# instructions (sret, wfi, sfence.vma, ...) print as .4byte.
#
# RVDIS (default: tests/disasm/rvdis next to this script) is built with
#   gcc -std=c11 -O2 -Wall -Wextra -Werror -Iinclude \
#       tests/disasm/rvdis.c runtime/decode.c runtime/disasm.c \
#       -o tests/disasm/rvdis
set -u
here=$(dirname "$0")
RVDIS=${RVDIS:-$here/rvdis}
OBJDUMP=${OBJDUMP:-riscv64-linux-gnu-objdump}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# Reduce a disassembly listing to "section addr<TAB>rest" lines.
normalize() {
	awk '
	/^Disassembly of section / { sec = $4; sub(/:$/, "", sec); next }
	/^ *[0-9a-f]+:\t/ {
		sub(/ <[^>]*>/, "")
		sub(/[ \t]*#.*$/, "")
		gsub(/[ \t]+/, " ")
		sub(/^ /, ""); sub(/ $/, "")
		if ($3 ~ /^(beq|bne|blt|bge|bltu|bgeu|jal|c\.j|c\.beqz|c\.bnez)$/)
			if (match($0, /0x[0-9a-f]+$/))
				$0 = substr($0, 1, RSTART - 1) substr($0, RSTART + 2)
		addr = $1
		rest = $0; sub(/^[^ ]* ?/, "", rest)
		print sec " " addr "\t" rest
	}'
}

status=0
for elf in "$@"; do
	if ! "$RVDIS" "$elf" >"$tmp/rvdis.raw"; then
		echo "$elf: rvdis failed"
		status=1
		continue
	fi
	if ! "$OBJDUMP" -d -z -M no-aliases "$elf" >"$tmp/objdump.raw"; then
		echo "$elf: objdump failed"
		status=1
		continue
	fi
	normalize <"$tmp/objdump.raw" >"$tmp/objdump"
	normalize <"$tmp/rvdis.raw" >"$tmp/rvdis"
	awk -F'\t' -v name="$elf" '
	NR == FNR { want[$1] = $2; order[++n] = $1; next }
	{ got[$1] = $2; if (!($1 in want)) extra[++m] = $1 }
	END {
		bad = 0
		for (i = 1; i <= n; i++) {
			k = order[i]
			if (!(k in got) || got[k] != want[k]) {
				if (++bad <= 20)
					printf "  %s\n    objdump: %s\n    rvdis:   %s\n",
					    k, want[k], (k in got) ? got[k] : "(none)"
			}
		}
		for (i = 1; i <= m; i++)
			if (++bad <= 20)
				printf "  %s\n    objdump: (none)\n    rvdis:   %s\n",
				    extra[i], got[extra[i]]
		printf "%s: %d instructions compared, %d mismatches\n", name, n, bad
		exit bad != 0
	}' "$tmp/objdump" "$tmp/rvdis" || status=1
done
exit $status
