// SPDX-License-Identifier: GPL-2.0
/*
 * The rules file behind --ruleset: iptables-save text with counters.
 *
 * Theory of operation.  Writers (every command that may change rules)
 * hold an exclusive flock on a separate lock file, PATH.lock, from before
 * they read the file until after they replaced it; so two concurrent
 * `uptables -A` never lose each other's rule.  The lock is on PATH.lock and
 * not on PATH itself because PATH is replaced by rename: a lock on the old
 * inode would not exclude a writer that opened the new one.  The new text
 * goes to a temporary file in the same directory, is flushed to disk and
 * renamed over PATH, so a reader (which takes no lock) sees the old file or
 * the new one, never a half-written one, and a command that fails before
 * the rename leaves the file exactly as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "rules/save.h"

static int lock_file(struct cli_store *st, int wait_secs)
{
	size_t n = strlen(st->path) + sizeof(".lock");
	char *lp = malloc(n);
	struct timespec nap = {0, 50 * 1000 * 1000};
	long waited_ms = 0;

	if (!lp) {
		fprintf(stderr, "%s: out of memory\n", st->prog);
		return CLI_EXIT_RESOURCE;
	}
	snprintf(lp, n, "%s.lock", st->path);
	st->lockfd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (st->lockfd < 0) {
		fprintf(stderr, "%s: cannot open lock file %s: %s\n", st->prog, lp,
			strerror(errno));
		free(lp);
		return CLI_EXIT_OTHER;
	}
	for (;;) {
		if (flock(st->lockfd, wait_secs < 0 ? LOCK_EX : LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK || waited_ms >= (long)wait_secs * 1000) {
			fprintf(stderr,
				"%s: another process is holding the lock on %s; stopped waiting "
				"after %ds.\n",
				st->prog, lp, wait_secs < 0 ? 0 : wait_secs);
			free(lp);
			close(st->lockfd);
			st->lockfd = -1;
			return CLI_EXIT_RESOURCE;
		}
		nanosleep(&nap, NULL);
		waited_ms += 50;
	}
	free(lp);
	return 0;
}

static int read_all(int fd, char **text, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			return -e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*text = buf;
	*len = n;
	return 0;
}

int cli_store_open(struct cli_store *st, const char *path, const char *prog, bool writer,
		   int wait_secs)
{
	char err[1024];
	char *text = NULL;
	size_t len = 0;
	int fd, rc;

	memset(st, 0, sizeof(*st));
	st->path = path;
	/*
	 * Work on the file a symbolic link points to: renaming over the link
	 * would replace it with a plain file, and the lock must be the same
	 * for every name of the file.
	 */
	st->resolved = realpath(path, NULL);
	if (st->resolved)
		st->path = st->resolved;
	st->prog = prog;
	st->lockfd = -1;
	if (writer && (rc = lock_file(st, wait_secs)) != 0) {
		cli_store_close(st);
		return rc;
	}
	/* O_CREAT without O_TRUNC: a missing file starts empty, an existing one is kept. */
	fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 && !writer && (errno == EACCES || errno == EROFS) &&
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 && errno == ENOENT)
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC); /* a reader may not create: empty */
	if (fd < 0) {
		fprintf(stderr, "%s: cannot open rules file %s: %s\n", prog, path, strerror(errno));
		cli_store_close(st);
		return CLI_EXIT_OTHER;
	}
	rc = read_all(fd, &text, &len);
	close(fd);
	if (rc < 0) {
		fprintf(stderr, "%s: cannot read rules file %s: %s\n", prog, path, strerror(-rc));
		cli_store_close(st);
		return CLI_EXIT_OTHER;
	}
	st->rs = upt_rules_create();
	if (!st->rs) {
		free(text);
		fprintf(stderr, "%s: out of memory\n", prog);
		cli_store_close(st);
		return CLI_EXIT_RESOURCE;
	}
	rc = upt_rules_restore(st->rs, text, len, UPT_RESTORE_COUNTERS, NULL, err, sizeof(err));
	free(text);
	if (rc < 0) {
		fprintf(stderr, "%s: rules file %s is not valid iptables-save input: %s\n", prog,
			path, err);
		cli_store_close(st);
		return CLI_EXIT_OTHER;
	}
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int cli_store_commit(struct cli_store *st)
{
	struct upt_sb sb;
	struct stat old;
	size_t n = strlen(st->path) + sizeof(".XXXXXX");
	char *tmp = malloc(n);
	mode_t mode;
	int fd = -1, rc = CLI_EXIT_OTHER;

	upt_sb_init(&sb);
	if (st->lockfd < 0) {
		/* Only a writer that held the lock since it read the file may replace it. */
		fprintf(stderr, "%s: refusing to write %s without its lock\n", st->prog, st->path);
		goto out;
	}
	if (!tmp || upt_rules_save(st->rs, NULL, UPT_SAVE_COUNTERS | UPT_SAVE_STORE, &sb) < 0) {
		fprintf(stderr, "%s: out of memory\n", st->prog);
		goto out;
	}
	if (stat(st->path, &old) == 0) {
		mode = old.st_mode & 07777;
	} else {
		mode_t um = umask(0);
		umask(um);
		mode = 0644 & ~um;
	}
	snprintf(tmp, n, "%s.XXXXXX", st->path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot create a temporary file next to %s: %s\n", st->prog,
			st->path, strerror(errno));
		goto out;
	}
	if (fchmod(fd, mode) < 0 || write_all(fd, sb.buf ? sb.buf : "", sb.len) < 0 ||
	    fsync(fd) < 0) {
		fprintf(stderr, "%s: cannot write %s: %s\n", st->prog, tmp, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (close(fd) < 0 || rename(tmp, st->path) < 0) {
		fd = -1;
		fprintf(stderr, "%s: cannot replace %s: %s\n", st->prog, st->path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	fd = -1;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(tmp);
	upt_sb_free(&sb);
	return rc;
}

void cli_store_close(struct cli_store *st)
{
	upt_rules_destroy(st->rs);
	st->rs = NULL;
	if (st->lockfd >= 0)
		close(st->lockfd);
	st->lockfd = -1;
	free(st->resolved);
	st->resolved = NULL;
}
