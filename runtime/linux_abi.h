/* The Linux user ABI as a riscv64 guest sees it (asm-generic layouts).
 *
 * Every constant and struct the runtime exchanges with the guest is defined
 * here, with an LX_ / lx_ prefix, so that nothing depends on the host's
 * headers: the wasm build's libc (Emscripten) uses WASI errno numbers and
 * its own struct layouts, and even x86-64 Linux differs from riscv64 in
 * struct stat. Structs use fixed-width fields and are checked for size
 * below. Keep it organised by area; add new areas at the end.
 *
 * Areas: errno, identity, file types and modes, open and *at flags, stat
 * and statx, directories, statfs, fcntl and locks, poll and select,
 * terminals and ioctls, misc (rename, utimensat, memfd, seals). */
#ifndef LINUX_ABI_H
#define LINUX_ABI_H

#include <stdint.h>

/* ---- errno (asm-generic/errno-base.h, asm-generic/errno.h) ---- */
#define LX_EPERM 1
#define LX_ENOENT 2
#define LX_ESRCH 3
#define LX_EINTR 4
#define LX_EIO 5
#define LX_ENXIO 6
#define LX_E2BIG 7
#define LX_ENOEXEC 8
#define LX_EBADF 9
#define LX_ECHILD 10
#define LX_EAGAIN 11
#define LX_ENOMEM 12
#define LX_EACCES 13
#define LX_EFAULT 14
#define LX_ENOTBLK 15
#define LX_EBUSY 16
#define LX_EEXIST 17
#define LX_EXDEV 18
#define LX_ENODEV 19
#define LX_ENOTDIR 20
#define LX_EISDIR 21
#define LX_EINVAL 22
#define LX_ENFILE 23
#define LX_EMFILE 24
#define LX_ENOTTY 25
#define LX_ETXTBSY 26
#define LX_EFBIG 27
#define LX_ENOSPC 28
#define LX_ESPIPE 29
#define LX_EROFS 30
#define LX_EMLINK 31
#define LX_EPIPE 32
#define LX_EDOM 33
#define LX_ERANGE 34
#define LX_EDEADLK 35
#define LX_ENAMETOOLONG 36
#define LX_ENOLCK 37
#define LX_ENOSYS 38
#define LX_ENOTEMPTY 39
#define LX_ELOOP 40
#define LX_ENOMSG 42
#define LX_EIDRM 43
#define LX_ENODATA 61
#define LX_ETIME 62
#define LX_EPROTO 71
#define LX_EOVERFLOW 75
#define LX_EBADFD 77
#define LX_EILSEQ 84
#define LX_ENOTSOCK 88
#define LX_EDESTADDRREQ 89
#define LX_EMSGSIZE 90
#define LX_EPROTOTYPE 91
#define LX_ENOPROTOOPT 92
#define LX_EPROTONOSUPPORT 93
#define LX_EOPNOTSUPP 95
#define LX_EAFNOSUPPORT 97
#define LX_EADDRINUSE 98
#define LX_EADDRNOTAVAIL 99
#define LX_ENETDOWN 100
#define LX_ENETUNREACH 101
#define LX_ECONNABORTED 103
#define LX_ECONNRESET 104
#define LX_ENOBUFS 105
#define LX_EISCONN 106
#define LX_ENOTCONN 107
#define LX_ETIMEDOUT 110
#define LX_ECONNREFUSED 111
#define LX_EHOSTUNREACH 113
#define LX_EALREADY 114
#define LX_EINPROGRESS 115
#define LX_ECANCELED 125

/* ---- identity: what uname and /proc/version report ---- */
#define LX_UNAME_SYSNAME "Linux"
#define LX_UNAME_RELEASE "6.1.0-friscy"
#define LX_UNAME_VERSION "#1 SMP PREEMPT_DYNAMIC"
#define LX_UNAME_MACHINE "riscv64"
#define LX_HOSTNAME_DEFAULT "friscy"

/* ---- limits ---- */
#define LX_PATH_MAX 4096
#define LX_NAME_MAX 255
#define LX_MAXSYMLINKS 40
#define LX_PIPE_BUF 4096
#define LX_IOV_MAX 1024
#define LX_MAX_RW_COUNT 0x7ffff000L  /* INT_MAX & PAGE_MASK: one read/write */
#define LX_NR_OPEN_DEFAULT 1024      /* RLIMIT_NOFILE soft limit */
#define LX_RLIMIT_NOFILE 7

/* ---- file types and modes (uapi/linux/stat.h) ---- */
#define LX_S_IFMT 0170000
#define LX_S_IFSOCK 0140000
#define LX_S_IFLNK 0120000
#define LX_S_IFREG 0100000
#define LX_S_IFBLK 0060000
#define LX_S_IFDIR 0040000
#define LX_S_IFCHR 0020000
#define LX_S_IFIFO 0010000
#define LX_S_ISUID 04000
#define LX_S_ISGID 02000
#define LX_S_ISVTX 01000
#define LX_S_IRWXUGO 0777
#define LX_S_IALLUGO 07777
#define LX_S_IXUGO 0111
#define LX_S_ISTYPE(m, t) (((m) & LX_S_IFMT) == (t))

/* access(2) modes */
#define LX_F_OK 0
#define LX_X_OK 1
#define LX_W_OK 2
#define LX_R_OK 4

/* Device numbers as the kernel encodes them in st_dev/st_rdev. */
static inline uint64_t lx_makedev(uint32_t major, uint32_t minor)
{
	return (minor & 0xffu) | ((uint64_t)(major & 0xfffu) << 8) |
	       ((uint64_t)(minor & ~0xffu) << 12) |
	       ((uint64_t)(major & ~0xfffu) << 32);
}
static inline uint32_t lx_major(uint64_t dev)
{
	return (uint32_t)(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffULL));
}
static inline uint32_t lx_minor(uint64_t dev)
{
	return (uint32_t)((dev & 0xff) | ((dev >> 12) & ~0xffULL));
}

/* ---- open and *at flags (asm-generic/fcntl.h, uapi/linux/fcntl.h) ---- */
#define LX_O_ACCMODE 00000003
#define LX_O_RDONLY 00000000
#define LX_O_WRONLY 00000001
#define LX_O_RDWR 00000002
#define LX_O_CREAT 00000100
#define LX_O_EXCL 00000200
#define LX_O_NOCTTY 00000400
#define LX_O_TRUNC 00001000
#define LX_O_APPEND 00002000
#define LX_O_NONBLOCK 00004000
#define LX_O_DSYNC 00010000
#define LX_O_ASYNC 00020000
#define LX_O_DIRECT 00040000
#define LX_O_LARGEFILE 00100000
#define LX_O_DIRECTORY 00200000
#define LX_O_NOFOLLOW 00400000
#define LX_O_NOATIME 01000000
#define LX_O_CLOEXEC 02000000
#define LX_O_SYNC 04010000
#define LX_O_PATH 010000000
#define LX_O_TMPFILE_BIT 020000000
#define LX_O_TMPFILE (LX_O_TMPFILE_BIT | LX_O_DIRECTORY)

#define LX_AT_FDCWD (-100)
#define LX_AT_SYMLINK_NOFOLLOW 0x100
#define LX_AT_EACCESS 0x200
#define LX_AT_REMOVEDIR 0x200
#define LX_AT_SYMLINK_FOLLOW 0x400
#define LX_AT_NO_AUTOMOUNT 0x800
#define LX_AT_EMPTY_PATH 0x1000
#define LX_AT_STATX_SYNC_TYPE 0x6000

/* lseek */
#define LX_SEEK_SET 0
#define LX_SEEK_CUR 1
#define LX_SEEK_END 2
#define LX_SEEK_DATA 3
#define LX_SEEK_HOLE 4

/* ---- stat and statx ---- */
/* asm-generic/stat.h: riscv64's struct stat (not x86-64's). */
struct lx_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint32_t st_mode;
	uint32_t st_nlink;
	uint32_t st_uid;
	uint32_t st_gid;
	uint64_t st_rdev;
	uint64_t pad1;
	int64_t st_size;
	int32_t st_blksize;
	int32_t pad2;
	int64_t st_blocks;
	int64_t st_atime_sec, st_atime_nsec;
	int64_t st_mtime_sec, st_mtime_nsec;
	int64_t st_ctime_sec, st_ctime_nsec;
	uint32_t unused[2];
};

struct lx_statx_timestamp {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};

struct lx_statx {
	uint32_t stx_mask;
	uint32_t stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink;
	uint32_t stx_uid;
	uint32_t stx_gid;
	uint16_t stx_mode;
	uint16_t spare0;
	uint64_t stx_ino;
	uint64_t stx_size;
	uint64_t stx_blocks;
	uint64_t stx_attributes_mask;
	struct lx_statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor;
	uint32_t stx_dev_major, stx_dev_minor;
	uint64_t stx_mnt_id;
	uint32_t stx_dio_mem_align, stx_dio_offset_align;
	uint64_t spare3[12];
};

#define LX_STATX_TYPE 0x0001u
#define LX_STATX_MODE 0x0002u
#define LX_STATX_NLINK 0x0004u
#define LX_STATX_UID 0x0008u
#define LX_STATX_GID 0x0010u
#define LX_STATX_ATIME 0x0020u
#define LX_STATX_MTIME 0x0040u
#define LX_STATX_CTIME 0x0080u
#define LX_STATX_INO 0x0100u
#define LX_STATX_SIZE 0x0200u
#define LX_STATX_BLOCKS 0x0400u
#define LX_STATX_BASIC_STATS 0x07ffu
#define LX_STATX_BTIME 0x0800u
#define LX_STATX_MNT_ID 0x1000u
#define LX_STATX__RESERVED 0x80000000u

/* ---- directories (getdents64) ---- */
struct lx_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[]; /* NUL-terminated, record padded to 8 bytes */
};
#define LX_DT_UNKNOWN 0
#define LX_DT_FIFO 1
#define LX_DT_CHR 2
#define LX_DT_DIR 4
#define LX_DT_BLK 6
#define LX_DT_REG 8
#define LX_DT_LNK 10
#define LX_DT_SOCK 12

/* ---- statfs (asm-generic/statfs.h, 64-bit words) ---- */
struct lx_statfs {
	int64_t f_type;
	int64_t f_bsize;
	uint64_t f_blocks;
	uint64_t f_bfree;
	uint64_t f_bavail;
	uint64_t f_files;
	uint64_t f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen;
	int64_t f_frsize;
	int64_t f_flags;
	int64_t f_spare[4];
};
#define LX_TMPFS_MAGIC 0x01021994
#define LX_OVERLAYFS_SUPER_MAGIC 0x794c7630
#define LX_PROC_SUPER_MAGIC 0x9fa0
#define LX_PIPEFS_MAGIC 0x50495045
#define LX_DEVPTS_SUPER_MAGIC 0x1cd1
#define LX_ST_NOSUID 0x0002
#define LX_ST_NODEV 0x0004
#define LX_ST_NOEXEC 0x0008
#define LX_ST_RELATIME 0x1000

/* ---- fcntl and locks ---- */
#define LX_F_DUPFD 0
#define LX_F_GETFD 1
#define LX_F_SETFD 2
#define LX_F_GETFL 3
#define LX_F_SETFL 4
#define LX_F_GETLK 5
#define LX_F_SETLK 6
#define LX_F_SETLKW 7
#define LX_F_SETOWN 8
#define LX_F_GETOWN 9
#define LX_F_SETSIG 10
#define LX_F_GETSIG 11
#define LX_F_SETOWN_EX 15
#define LX_F_GETOWN_EX 16
#define LX_F_OFD_GETLK 36
#define LX_F_OFD_SETLK 37
#define LX_F_OFD_SETLKW 38
#define LX_F_SETLEASE 1024
#define LX_F_GETLEASE 1025
#define LX_F_NOTIFY 1026
#define LX_F_DUPFD_CLOEXEC 1030
#define LX_F_SETPIPE_SZ 1031
#define LX_F_GETPIPE_SZ 1032
#define LX_F_ADD_SEALS 1033
#define LX_F_GET_SEALS 1034
#define LX_FD_CLOEXEC 1

#define LX_F_RDLCK 0
#define LX_F_WRLCK 1
#define LX_F_UNLCK 2

/* asm-generic struct flock on a 64-bit target (32 bytes). */
struct lx_flock {
	int16_t l_type;
	int16_t l_whence;
	int32_t pad0;
	int64_t l_start;
	int64_t l_len;
	int32_t l_pid;
	int32_t pad1;
};

/* flock(2) */
#define LX_LOCK_SH 1
#define LX_LOCK_EX 2
#define LX_LOCK_NB 4
#define LX_LOCK_UN 8

/* close_range(2) */
#define LX_CLOSE_RANGE_UNSHARE 2
#define LX_CLOSE_RANGE_CLOEXEC 4

/* ---- poll and select ---- */
struct lx_pollfd {
	int32_t fd;
	int16_t events;
	int16_t revents;
};
#define LX_POLLIN 0x0001
#define LX_POLLPRI 0x0002
#define LX_POLLOUT 0x0004
#define LX_POLLERR 0x0008
#define LX_POLLHUP 0x0010
#define LX_POLLNVAL 0x0020
#define LX_POLLRDNORM 0x0040
#define LX_POLLRDBAND 0x0080
#define LX_POLLWRNORM 0x0100
#define LX_POLLWRBAND 0x0200
#define LX_POLLRDHUP 0x2000

struct lx_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

/* ---- terminals (asm-generic/termbits.h, asm-generic/ioctls.h) ---- */
#define LX_NCCS 19
struct lx_termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[LX_NCCS];
};
struct lx_termios2 {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[LX_NCCS];
	uint32_t c_ispeed, c_ospeed;
};
struct lx_winsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

/* c_cc indices */
#define LX_VINTR 0
#define LX_VQUIT 1
#define LX_VERASE 2
#define LX_VKILL 3
#define LX_VEOF 4
#define LX_VTIME 5
#define LX_VMIN 6
#define LX_VSWTC 7
#define LX_VSTART 8
#define LX_VSTOP 9
#define LX_VSUSP 10
#define LX_VEOL 11
#define LX_VREPRINT 12
#define LX_VDISCARD 13
#define LX_VWERASE 14
#define LX_VLNEXT 15
#define LX_VEOL2 16
/* termios flags: the ones the line discipline (tty.c) acts on */
#define LX_ISTRIP 0000040
#define LX_INLCR 0000100
#define LX_IGNCR 0000200
#define LX_ICRNL 0000400
#define LX_IXON 0002000
#define LX_IUTF8 0040000
#define LX_OPOST 0000001
#define LX_ONLCR 0000004
#define LX_B38400 0000017
#define LX_CS8 0000060
#define LX_CREAD 0000200
#define LX_HUPCL 0002000
#define LX_ISIG 0000001
#define LX_ICANON 0000002
#define LX_ECHO 0000010
#define LX_ECHOE 0000020
#define LX_ECHOK 0000040
#define LX_ECHONL 0000100
#define LX_NOFLSH 0000200
#define LX_ECHOCTL 0001000
#define LX_ECHOKE 0004000
#define LX_IEXTEN 0100000

#define LX_TCGETS 0x5401
#define LX_TCSETS 0x5402
#define LX_TCSETSW 0x5403
#define LX_TCSETSF 0x5404
#define LX_TCSBRK 0x5409
#define LX_TCXONC 0x540A
#define LX_TCFLSH 0x540B
#define LX_TIOCSCTTY 0x540E
#define LX_TIOCGPGRP 0x540F
#define LX_TIOCSPGRP 0x5410
#define LX_TIOCOUTQ 0x5411
#define LX_TIOCGWINSZ 0x5413
#define LX_TIOCSWINSZ 0x5414
#define LX_FIONREAD 0x541B
#define LX_FIONBIO 0x5421
#define LX_TIOCNOTTY 0x5422
#define LX_TCSBRKP 0x5425
#define LX_TIOCGSID 0x5429
#define LX_TCGETS2 0x802C542AU
#define LX_TCSETS2 0x402C542BU
#define LX_TCSETSW2 0x402C542CU
#define LX_TCSETSF2 0x402C542DU
#define LX_FIONCLEX 0x5450
#define LX_FIOCLEX 0x5451
#define LX_FIOASYNC 0x5452
#define LX_TCIFLUSH 0
#define LX_TCOFLUSH 1
#define LX_TCIOFLUSH 2

/* ---- misc: rename, utimensat, memfd, seals, fallocate, fadvise ---- */
#define LX_RENAME_NOREPLACE 1
#define LX_RENAME_EXCHANGE 2
#define LX_RENAME_WHITEOUT 4

#define LX_UTIME_NOW ((1L << 30) - 1)
#define LX_UTIME_OMIT ((1L << 30) - 2)

#define LX_MFD_CLOEXEC 0x0001
#define LX_MFD_ALLOW_SEALING 0x0002
#define LX_MFD_HUGETLB 0x0004
#define LX_MFD_NOEXEC_SEAL 0x0008
#define LX_MFD_EXEC 0x0010

#define LX_F_SEAL_SEAL 0x0001
#define LX_F_SEAL_SHRINK 0x0002
#define LX_F_SEAL_GROW 0x0004
#define LX_F_SEAL_WRITE 0x0008
#define LX_F_SEAL_FUTURE_WRITE 0x0010
#define LX_F_SEAL_EXEC 0x0020

#define LX_FALLOC_FL_KEEP_SIZE 0x01
#define LX_FALLOC_FL_PUNCH_HOLE 0x02
#define LX_FALLOC_FL_ZERO_RANGE 0x10

#define LX_POSIX_FADV_NOREUSE 5

/* ---- signals used by the file layer ---- */
#define LX_SIGPIPE 13

/* ---- layout checks ---- */
_Static_assert(sizeof(struct lx_stat) == 128, "riscv64 struct stat");
_Static_assert(sizeof(struct lx_statx) == 256, "struct statx");
_Static_assert(sizeof(struct lx_statfs) == 120, "64-bit struct statfs");
_Static_assert(sizeof(struct lx_flock) == 32, "64-bit struct flock");
_Static_assert(sizeof(struct lx_pollfd) == 8, "struct pollfd");
_Static_assert(sizeof(struct lx_termios) == 36, "asm-generic struct termios");
_Static_assert(sizeof(struct lx_termios2) == 44, "asm-generic struct termios2");
_Static_assert(sizeof(struct lx_dirent64) == 24, "linux_dirent64 header (19 + pad)");

#endif
