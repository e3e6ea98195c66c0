// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE	/* fstatat, dirfd */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "host.h"
#include "reasons.h"

#define HEADER	"reason name exits cycles"

static void say(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
}

/* ---- one file ---- */

/* @s[0..len) quoted for a message: at most 40 bytes, unprintables as '?' */
static const char *quoted(const char *s, size_t len, char *buf, size_t size)
{
	size_t i, n = 0;

	buf[n++] = '\'';
	for (i = 0; i < len && i < 40 && n + 5 < size; i++)
		buf[n++] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (i < len)
		n += snprintf(buf + n, size - n, "...");
	buf[n++] = '\'';
	buf[n] = '\0';
	return buf;
}

/* Decimal digits only, below 2^64 (strtoull takes signs and spaces). */
static bool parse_u64(const char *s, size_t len, uint64_t *v)
{
	size_t i;

	if (!len || len > 20)
		return false;
	*v = 0;
	for (i = 0; i < len; i++) {
		unsigned int d = s[i] - '0';

		if (s[i] < '0' || s[i] > '9' || *v > (UINT64_MAX - d) / 10)
			return false;
		*v = *v * 10 + d;
	}
	return true;
}

/*
 * Which vendor's table names the reasons of a file as it does.  A name one
 * table does not know (a newer kernel's) rules no vendor out; a different
 * name does.
 */
struct vendor_vote {
	unsigned int possible;	/* bit per vendor */
	unsigned int matched;
};

static const enum kvm_exitstat_vendor vendors[] = {
	KVM_EXITSTAT_VENDOR_VMX, KVM_EXITSTAT_VENDOR_SVM,
};

static void vote(struct vendor_vote *v, uint32_t code, const char *name,
		 size_t len)
{
	const char *t;
	size_t i;

	if (len == 1 && name[0] == '-')
		return;
	for (i = 0; i < 2; i++) {
		t = reason_name(vendors[i], code);
		if (!t)
			continue;
		if (strlen(t) == len && !memcmp(t, name, len))
			v->matched |= 1U << i;
		else
			v->possible &= ~(1U << i);
	}
}

static enum kvm_exitstat_vendor voted(const struct vendor_vote *v)
{
	unsigned int m = v->possible & v->matched;

	if (m == 1)
		return vendors[0];
	if (m == 2)
		return vendors[1];
	return KVM_EXITSTAT_VENDOR_NONE;
}

/* A line "<reason> <name> <exits> <cycles>"; the name may hold spaces. */
struct line {
	const char *first, *name;
	size_t first_len, name_len;
	uint64_t exits, cycles;
};

static bool split(const char *s, size_t len, struct line *l)
{
	const char *sp1, *sp3, *sp2;

	sp1 = memchr(s, ' ', len);
	if (!sp1)
		return false;
	for (sp3 = s + len; sp3 > sp1 && sp3[-1] != ' '; sp3--)
		;
	for (sp2 = sp3 - 1; sp2 > sp1 && sp2[-1] != ' '; sp2--)
		;
	if (sp2 <= sp1 + 1 || sp3 <= sp2)
		return false;
	sp2--;			/* the space before exits */
	l->first = s;
	l->first_len = sp1 - s;
	l->name = sp1 + 1;
	l->name_len = sp2 - l->name;
	return l->name_len && l->name[0] != ' ' && l->name[l->name_len - 1] != ' ' &&
	       parse_u64(sp2 + 1, sp3 - 1 - (sp2 + 1), &l->exits) &&
	       parse_u64(sp3, s + len - sp3, &l->cycles);
}

static bool is(const struct line *l, const char *first, const char *name)
{
	return l->first_len == strlen(first) &&
	       !memcmp(l->first, first, l->first_len) &&
	       l->name_len == strlen(name) && !memcmp(l->name, name, l->name_len);
}

static int add_row(struct host_counts *c, size_t *cap, uint32_t code,
		   const struct line *l)
{
	struct host_row *r;

	if (c->n == *cap) {
		*cap = *cap ? 2 * *cap : 32;
		r = realloc(c->row, *cap * sizeof(*r));
		if (!r)
			return -1;
		c->row = r;
	}
	c->row[c->n++] = (struct host_row){ code, l->exits, l->cycles };
	return 0;
}

int host_parse(const char *path, const char *text, size_t len,
	       struct host_counts *c, char *err, size_t size)
{
	struct vendor_vote v = { 3, 0 };
	uint64_t exits = 0, cycles = 0, code, vcpus;
	const char *p = text, *end = text + len, *nl;
	bool total = false, other = false, vcpus_line = false;
	size_t cap = 0, nr = 0, i;
	char q[64];
	struct line l;

	memset(c, 0, sizeof(*c));
	if (memchr(text, '\0', len)) {
		say(err, size, "%s: not a text file (it holds a NUL byte)", path);
		goto bad;
	}
	for (; p < end; p = nl + 1) {
		size_t n;

		nl = memchr(p, '\n', end - p);
		if (!nl)
			nl = end;	/* a last line without its newline */
		n = nl - p;
		nr++;
		if (nr == 1) {
			if (n != strlen(HEADER) || memcmp(p, HEADER, n)) {
				say(err, size, "%s line 1: %s is not the header '" HEADER "'",
				    path, quoted(p, n, q, sizeof(q)));
				goto bad;
			}
			continue;
		}
		if (total) {
			/* only the global file says more: its vCPUs */
			if (!vcpus_line && n > 6 && !memcmp(p, "vcpus ", 6) &&
			    parse_u64(p + 6, n - 6, &vcpus)) {
				vcpus_line = true;
				continue;
			}
			say(err, size, "%s line %zu: %s after the total line",
			    path, nr, quoted(p, n, q, sizeof(q)));
			goto bad;
		}
		if (!split(p, n, &l)) {
			say(err, size, "%s line %zu: %s is not a line of reason, name, exits and cycles (numbers below 2^64)",
			    path, nr, quoted(p, n, q, sizeof(q)));
			goto bad;
		}
		if (is(&l, "total", "-")) {
			total = true;
			c->total_exits = l.exits;
			c->total_cycles = l.cycles;
			if (exits != l.exits || cycles != l.cycles) {
				say(err, size, "%s line %zu: the lines above add up to %" PRIu64 " exits and %" PRIu64 " cycles, not %" PRIu64 " and %" PRIu64,
				    path, nr, exits, cycles, l.exits, l.cycles);
				goto bad;
			}
			continue;
		}
		exits += l.exits;
		cycles += l.cycles;
		if (is(&l, "other", "-") && !other) {
			other = true;
			continue;
		}
		if (!parse_u64(l.first, l.first_len, &code) || code > UINT32_MAX) {
			say(err, size, "%s line %zu: reason %s is not a number below 2^32",
			    path, nr, quoted(l.first, l.first_len, q, sizeof(q)));
			goto bad;
		}
		for (i = 0; i < c->n; i++)
			if (c->row[i].code == code)
				break;
		if (i < c->n) {
			say(err, size, "%s line %zu: reason %" PRIu64 " is there twice",
			    path, nr, code);
			goto bad;
		}
		vote(&v, code, l.name, l.name_len);
		if (!v.possible) {
			say(err, size, "%s line %zu: %s is neither a VMX nor an SVM exit reason, or the lines above are of the other vendor",
			    path, nr, quoted(p, n, q, sizeof(q)));
			goto bad;
		}
		if (add_row(c, &cap, code, &l) < 0) {
			say(err, size, "out of memory");
			goto bad;
		}
	}
	if (!total) {
		say(err, size, "%s: no total line (the file ends after line %zu)",
		    path, nr);
		goto bad;
	}
	if ((v.possible & v.matched) == 3) {
		say(err, size, "%s: names exit reasons as VMX does and as SVM does",
		    path);
		goto bad;
	}
	c->vendor = voted(&v);
	return 0;
bad:
	free(c->row);
	memset(c, 0, sizeof(*c));
	return -1;
}

enum read_status { READ_OK, READ_GONE, READ_DENIED, READ_BAD };

static enum read_status read_counts(const char *path, struct host_counts *c,
				    char *err, size_t size)
{
	static char buf[HOST_FILE_MAX + 1];
	size_t len = 0;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		/* KVM answers ENOENT for a VM that is going away */
		if (errno == ENOENT)
			return READ_GONE;
		if (errno == EACCES || errno == EPERM)
			return READ_DENIED;
		say(err, size, "cannot read %s: %s", path, strerror(errno));
		return READ_BAD;
	}
	while (len < sizeof(buf)) {
		r = read(fd, buf + len, sizeof(buf) - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			say(err, size, "cannot read %s: %s", path,
			    strerror(errno));
			close(fd);
			return READ_BAD;
		}
		if (!r)
			break;
		len += r;
	}
	close(fd);
	if (len > HOST_FILE_MAX) {
		say(err, size, "%s: longer than %d bytes, so not kvm-exitstat's",
		    path, HOST_FILE_MAX);
		return READ_BAD;
	}
	return host_parse(path, buf, len, c, err, size) ? READ_BAD : READ_OK;
}

/* ---- the directories ---- */

/* "<digits>" into @v, at most @max */
static bool parse_num(const char *s, size_t len, uint64_t max, uint64_t *v)
{
	return parse_u64(s, len, v) && *v <= max;
}

/* A VM's directory is "<pid>-<fd>" (kvm_create_vm_debugfs()). */
static bool vm_dir(const char *name, long *pid, unsigned int *fd)
{
	const char *dash = strchr(name, '-');
	uint64_t p, f;

	if (!dash || !parse_num(name, dash - name, INT32_MAX, &p) ||
	    !parse_num(dash + 1, strlen(dash + 1), INT32_MAX, &f))
		return false;
	*pid = p;
	*fd = f;
	return true;
}

static int by_pid_fd(const void *pa, const void *pb)
{
	const struct host_vm *a = pa, *b = pb;

	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	return a->fd < b->fd ? -1 : a->fd > b->fd;
}

static int by_id(const void *pa, const void *pb)
{
	const struct host_vcpu *a = pa, *b = pb;

	return a->id < b->id ? -1 : a->id > b->id;
}

static void counts_free(struct host_counts *c)
{
	free(c->row);
	c->row = NULL;
	c->n = 0;
}

static void vm_free(struct host_vm *vm)
{
	size_t i;

	counts_free(&vm->c);
	for (i = 0; i < vm->nr_vcpus; i++)
		counts_free(&vm->vcpu[i].c);
	free(vm->vcpu);
	vm->vcpu = NULL;
	vm->nr_vcpus = 0;
}

void host_state_free(struct host_state *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		vm_free(&st->vm[i]);
	free(st->vm);
	st->vm = NULL;
	st->n = 0;
}

static int denied(char *err, size_t size, const char *path)
{
	say(err, size, "cannot read %s: permission denied; KVM's debugfs files are root's: run exitstat --host as root (e.g. sudo exitstat --host)",
	    path);
	return EXITSTAT_EXIT_USAGE;
}

static int no_memory(char *err, size_t size)
{
	say(err, size, "out of memory");
	return EXITSTAT_EXIT_FAILURE;
}

/* Is a debugfs mounted anywhere (@proc/mounts)?  If unknown: yes. */
static bool debugfs_mounted(const char *proc)
{
	char path[4096], line[4096], fs[256];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/mounts", proc);
	f = fopen(path, "re");
	if (!f)
		return true;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %*s %255s", fs) == 1 &&
			!strcmp(fs, "debugfs");
	fclose(f);
	return found;
}

/* Why @debugfs cannot be opened, for people. */
static int no_debugfs(const char *debugfs, const char *proc, int e, char *err,
		      size_t size)
{
	char mnt[4096], *slash;

	if (e == EACCES || e == EPERM)
		return denied(err, size, debugfs);
	if (e != ENOENT) {
		say(err, size, "cannot read %s: %s", debugfs, strerror(e));
		return EXITSTAT_EXIT_USAGE;
	}
	snprintf(mnt, sizeof(mnt), "%s", debugfs);
	slash = strrchr(mnt, '/');
	if (slash && slash != mnt)
		*slash = '\0';
	if (!debugfs_mounted(proc))
		say(err, size, "%s does not exist: debugfs is not mounted (not in %s/mounts); mount it with: mount -t debugfs none %s",
		    debugfs, proc, mnt);
	else
		say(err, size, "%s does not exist: KVM is not loaded; load it with: modprobe kvm_intel (or kvm_amd)",
		    debugfs);
	return EXITSTAT_EXIT_USAGE;
}

/* Not an exit code: read_vcpus() found the VM's directory gone. */
#define VM_GONE	(-1)

/* The vCPUs of @vm in its directory @path; VM_GONE if the VM went away. */
static int read_vcpus(const char *path, struct host_vm *vm, char *err,
		      size_t size)
{
	char file[4096 + 300];
	struct dirent *e;
	size_t cap = 0;
	uint64_t id;
	DIR *d;
	int rc = 0;

	d = opendir(path);
	if (!d)
		return errno == ENOENT ? VM_GONE :
		       errno == EACCES ? denied(err, size, path) :
		       (say(err, size, "cannot read %s: %s", path,
			    strerror(errno)), EXITSTAT_EXIT_USAGE);
	while ((e = readdir(d))) {
		struct host_vcpu *v;

		if (strncmp(e->d_name, "vcpu", 4) ||
		    !parse_num(e->d_name + 4, strlen(e->d_name + 4), UINT32_MAX,
			       &id))
			continue;
		if (vm->nr_vcpus == cap) {
			cap = cap ? 2 * cap : 8;
			v = realloc(vm->vcpu, cap * sizeof(*v));
			if (!v) {
				rc = no_memory(err, size);
				break;
			}
			vm->vcpu = v;
		}
		v = &vm->vcpu[vm->nr_vcpus];
		v->id = id;
		snprintf(file, sizeof(file), "%s/%s/exitstat", path, e->d_name);
		switch (read_counts(file, &v->c, err, size)) {
		case READ_OK:
			vm->nr_vcpus++;
			break;
		case READ_GONE:
			break;	/* a vCPU being made: not counting yet */
		case READ_DENIED:
			rc = denied(err, size, file);
			break;
		case READ_BAD:
			rc = EXITSTAT_EXIT_USAGE;
			break;
		}
		if (rc)
			break;
	}
	closedir(d);
	if (vm->nr_vcpus)
		qsort(vm->vcpu, vm->nr_vcpus, sizeof(*vm->vcpu), by_id);
	return rc;
}

/* The one vendor of all files, or a message naming two that differ. */
static int one_vendor(const char *debugfs, struct host_state *st, char *err,
		      size_t size)
{
	const struct host_vm *first = NULL;
	size_t i;

	st->vendor = KVM_EXITSTAT_VENDOR_NONE;
	for (i = 0; i < st->n; i++) {
		enum kvm_exitstat_vendor v = st->vm[i].c.vendor;

		if (v == KVM_EXITSTAT_VENDOR_NONE)
			continue;
		if (!first) {
			first = &st->vm[i];
			st->vendor = v;
		} else if (v != st->vendor) {
			say(err, size, "%s/%ld-%u/exitstat has %s exit reasons, but %s/%ld-%u/exitstat %s ones",
			    debugfs, first->pid, first->fd, vendor_name(st->vendor),
			    debugfs, st->vm[i].pid, st->vm[i].fd, vendor_name(v));
			return EXITSTAT_EXIT_USAGE;
		}
	}
	return 0;
}

/* The VM directories of @d, each with an exitstat file; none: say why. */
static int list_vms(DIR *d, const char *debugfs, struct host_state *st,
		    char *err, size_t size)
{
	size_t cap = 0, dirs = 0;
	struct dirent *e;
	struct stat sb;
	char file[300];
	unsigned int fd;
	long pid;

	while ((e = readdir(d))) {
		struct host_vm *vm;

		if (!vm_dir(e->d_name, &pid, &fd))
			continue;
		dirs++;
		snprintf(file, sizeof(file), "%s/exitstat", e->d_name);
		if (fstatat(dirfd(d), file, &sb, 0) < 0) {
			if (errno == EACCES)
				return denied(err, size, debugfs);
			continue;	/* being made, or gone */
		}
		if (st->n == cap) {
			cap = cap ? 2 * cap : 8;
			vm = realloc(st->vm, cap * sizeof(*vm));
			if (!vm)
				return no_memory(err, size);
			st->vm = vm;
		}
		vm = &st->vm[st->n++];
		memset(vm, 0, sizeof(*vm));
		vm->pid = pid;
		vm->fd = fd;
	}
	if (dirs && !st->n) {
		say(err, size, "this KVM has no kvm-exitstat counters: %s has %zu VM director%s but no exitstat file; install kvm-exitstat's modules (make modules-install) or boot its kernel",
		    debugfs, dirs, dirs == 1 ? "y" : "ies");
		return EXITSTAT_EXIT_USAGE;
	}
	if (st->n)
		qsort(st->vm, st->n, sizeof(*st->vm), by_pid_fd);
	return 0;
}

int host_read(const char *debugfs, const char *proc, bool vcpus,
	      struct host_state *st, char *err, size_t size)
{
	char path[4096], file[4096 + 16];
	size_t i, kept = 0;
	DIR *d;
	int rc;

	memset(st, 0, sizeof(*st));
	d = opendir(debugfs);
	if (!d)
		return no_debugfs(debugfs, proc, errno, err, size);
	rc = list_vms(d, debugfs, st, err, size);
	closedir(d);
	for (i = 0; !rc && i < st->n; i++) {
		struct host_vm *vm = &st->vm[i];

		snprintf(path, sizeof(path), "%s/%ld-%u", debugfs, vm->pid,
			 vm->fd);
		snprintf(file, sizeof(file), "%s/exitstat", path);
		switch (read_counts(file, &vm->c, err, size)) {
		case READ_OK:
			break;
		case READ_GONE:
			continue;	/* ended since it was listed */
		case READ_DENIED:
			rc = denied(err, size, file);
			continue;
		case READ_BAD:
			rc = EXITSTAT_EXIT_USAGE;
			continue;
		}
		if (vcpus)
			rc = read_vcpus(path, vm, err, size);
		if (rc) {
			vm_free(vm);
			rc = rc == VM_GONE ? 0 : rc;	/* ended meanwhile */
			continue;
		}
		qemu_name(proc, vm->pid, vm->name, sizeof(vm->name));
		st->vm[kept++] = *vm;
	}
	/* the VMs not kept hold nothing more to free */
	st->n = kept;
	if (!rc)
		rc = one_vendor(debugfs, st, err, size);
	if (rc)
		host_state_free(st);
	return rc;
}

/* ---- differences and sums ---- */

static const struct host_row *find_row(const struct host_counts *c,
				       uint32_t code)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->row[i].code == code)
			return &c->row[i];
	return NULL;
}

/* A copy of @b, less @a unless a count of @b is below @a's (a new VM). */
static int counts_diff(const struct host_counts *a,
		       const struct host_counts *b, struct host_counts *d)
{
	bool fresh = !a || b->total_exits < a->total_exits ||
		     b->total_cycles < a->total_cycles;
	size_t i;

	*d = *b;
	d->row = malloc((b->n ? b->n : 1) * sizeof(*d->row));
	if (!d->row)
		return -1;
	memcpy(d->row, b->row, b->n * sizeof(*d->row));
	/* counters only grow: one of @a that @b lacks or has less of: new */
	for (i = 0; !fresh && a && i < a->n; i++) {
		const struct host_row *r = find_row(b, a->row[i].code);

		fresh = !r || r->exits < a->row[i].exits ||
			r->cycles < a->row[i].cycles;
	}
	if (fresh)
		return 0;
	for (i = 0; i < d->n; i++) {
		const struct host_row *r = find_row(a, d->row[i].code);

		if (r) {
			d->row[i].exits -= r->exits;
			d->row[i].cycles -= r->cycles;
		}
	}
	d->total_exits -= a->total_exits;
	d->total_cycles -= a->total_cycles;
	return 0;
}

static const struct host_vm *find_vm(const struct host_state *st,
				     const struct host_vm *vm)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (st->vm[i].pid == vm->pid && st->vm[i].fd == vm->fd)
			return &st->vm[i];
	return NULL;
}

static const struct host_counts *find_vcpu(const struct host_vm *vm,
					   unsigned int id)
{
	size_t i;

	for (i = 0; vm && i < vm->nr_vcpus; i++)
		if (vm->vcpu[i].id == id)
			return &vm->vcpu[i].c;
	return NULL;
}

static int vm_diff(const struct host_vm *a, const struct host_vm *b,
		   struct host_vm *d)
{
	size_t i;

	*d = *b;
	d->c.row = NULL;
	d->nr_vcpus = 0;
	d->vcpu = calloc(b->nr_vcpus ? b->nr_vcpus : 1, sizeof(*d->vcpu));
	if (!d->vcpu || counts_diff(a ? &a->c : NULL, &b->c, &d->c))
		return -1;
	/* a VM whose pid and fd a new one took: all of its vCPUs are new */
	if (a && d->c.total_exits == b->c.total_exits &&
	    d->c.total_cycles == b->c.total_cycles)
		a = NULL;
	for (i = 0; i < b->nr_vcpus; i++) {
		d->vcpu[i].id = b->vcpu[i].id;
		if (counts_diff(find_vcpu(a, b->vcpu[i].id), &b->vcpu[i].c,
				&d->vcpu[i].c))
			return -1;
		d->nr_vcpus++;
	}
	return 0;
}

int host_state_diff(const struct host_state *a, const struct host_state *b,
		    struct host_state *d)
{
	size_t i;

	memset(d, 0, sizeof(*d));
	d->vendor = b->vendor ? b->vendor : a->vendor;
	d->vm = calloc(b->n ? b->n : 1, sizeof(*d->vm));
	if (!d->vm)
		return -1;
	for (i = 0; i < b->n; i++) {
		int rc = vm_diff(find_vm(a, &b->vm[i]), &b->vm[i], &d->vm[i]);

		d->n++;
		if (rc) {
			host_state_free(d);
			return -1;
		}
	}
	return 0;
}

/*
 * What KVM counts in a slot of its own (kvm_exitstat_slot_reason()): all
 * of VMX's table; of SVM's, not the SEV-ES VMGEXIT codes, which only a
 * guest's GHCB carries.  As the guest mode's --all, -a shows only these.
 */
static bool counted(enum kvm_exitstat_vendor vendor, uint32_t code)
{
	return vendor != KVM_EXITSTAT_VENDOR_SVM || code < 0x80000000U ||
	       code >= 0xfffffffeU;
}

int host_snapshot(const struct host_counts *const *c, size_t n,
		  enum kvm_exitstat_vendor vendor, const uint32_t *codes,
		  const char *const *names, size_t nr, struct snapshot *s)
{
	size_t i, j, k;

	memset(s, 0, sizeof(*s));
	s->vendor = vendor;
	s->n = nr;
	s->s = calloc(nr ? nr : 1, sizeof(*s->s));
	if (!s->s)
		return -1;
	for (k = 0; k < nr; k++) {
		s->s[k].code = codes[k];
		s->s[k].name = names[k];
		s->s[k].defined = counted(vendor, codes[k]);
	}
	for (i = 0; i < n; i++) {
		s->total_exits += c[i]->total_exits;
		s->total_cycles += c[i]->total_cycles;
		for (j = 0; j < c[i]->n; j++) {
			for (k = 0; k < nr; k++)
				if (s->s[k].code == c[i]->row[j].code)
					break;
			if (k == nr)
				continue;	/* not asked for */
			s->s[k].exits += c[i]->row[j].exits;
			s->s[k].cycles += c[i]->row[j].cycles;
		}
	}
	return 0;
}
