/*
 * build.c — nb_index_build: brings the index up to date with RAWDIR.
 *
 * An index that matches RAWDIR file for file (path, size, mtime) is left
 * alone and nothing is parsed.  Otherwise a new index is written into
 * "<dbpath>.tmp-<pid>", starting from a copy of the old one when its rows
 * can be reused (carryover.c): the rows of files that did not change are
 * kept, only new and changed files are parsed, the tree is rendered again
 * where it changed, and the file is renamed over dbpath — so an
 * interrupted or failed build never leaves a broken index behind.
 *
 * What is at dbpath is looked at by oldindex.c, raw files are read by
 * rawfile.c, renamed files are found by renamed.c, and the temporary file
 * is locked and cleaned up by tmpindex.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "index.h"
#include "ix.h"
#include "store.h"
#include "prerender.h"
#include "spill.h"

/* ---- reading and parsing one file ------------------------------------------ */

/* A new or changed file: read, hashed and parsed by a worker (work_file),
 * then stored by the one writer (store_file). */
typedef struct {
	const ix_file *f;
	int64_t id;
	int rc;			/* of reading or parsing */
	int64_t size, mtime_ns;
	bool hashed;
	char sha[65];
	ix_ready *ready;	/* parsed, made ready to store */
	nb_buf rec;		/* its files measured (prerender.c) */
	const char *fatal;	/* the parser could not start: why */
	unsigned worker;	/* who parsed it, and frees it */
} parse_job;

typedef struct {
	const char *rawdir;
	const char *realroot;	/* rawdir resolved: files must stay below */
	FILE *err;
	sqlite3 *db;
	sqlite3_stmt *add_source, *add_reuse;
	ix_store *store;
	nb_parser **parsers;	/* one per worker, made on its first file */
	ix_prerender **render;	/* one per worker, made on its first report */
	ix_spill *spill;	/* the parsed reports' records */
	unsigned nworkers;
	parse_job *jobs;
	size_t njobs;
	/* The jobs before stored_upto are stored, and hold their reports
	 * until the worker that parsed them frees them (on the writer they
	 * cost a tenth of its store step): each worker's jobs before its
	 * freed_upto are freed. */
	pthread_mutex_t spent;
	size_t stored_upto;
	size_t *freed_upto;
	nb_build_stats *stats;
	nb_progress_fn progress;
	void *progress_ctx;
	const atomic_int *cancel;	/* the caller's stop request, or NULL */
	int file;		/* the temporary file, open (its lock) */
	unsigned done;		/* files done, for progress */
	unsigned uncommitted;	/* reports stored since the last commit */
	ix_renames *renames;	/* the old index's reports whose path is gone */
} builder;

static int add_source(builder *b, int64_t id, const char *rel, int64_t size,
		      int64_t mtime_ns, const char *sha256, int failure)
{
	sqlite3_stmt *st = b->add_source;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, rel, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, size);
	sqlite3_bind_int64(st, 4, mtime_ns);
	if (sha256)
		sqlite3_bind_text(st, 5, sha256, -1, SQLITE_STATIC);
	/* error: a status's name, or the system's words with the errno */
	if (failure)
		sqlite3_bind_text(st, 6, nb_strstatus(failure), -1,
				  SQLITE_TRANSIENT);
	if (failure && !nb_status_name(failure))
		sqlite3_bind_int(st, 7, -failure);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}


/* ---- parsing on every core ------------------------------------------------ */

/* Workers: about one per core (the writer, on the calling thread, needs
 * less than a core: parsing is most of the time).  Capped so that a huge
 * machine does not hold a parser, and its OpenCC tables, per core. */
#define MAX_WORKERS 16
/* Files parsed ahead of the writer, at most: bounds the memory held by
 * parsed reports not yet stored (a report parses to well under 1 MiB). */
#define PARSE_WINDOW 64
/* Reports stored to a commit, while parsing.  The file is journal-less, so
 * a commit only writes the pages changed since the last one: written a
 * little at a time here, while the workers parse, they are not all left
 * to the commit before the tree phase, which runs alone (10,000 bench
 * reports: 14,300 pages, 0.3 s of system time, with nothing parsed
 * meanwhile; 0.03 s with this, for 3,200 pages written twice, the ends
 * of the tables, in all).  A failed build is thrown away whole all the
 * same. */
#define COMMIT_EVERY 512

/* Starts writing the file's pages to the disk, without waiting: the
 * fsync before the rename then finds less to write, at the end of the
 * build when nothing else runs (10,000 reports: the close and fsync
 * took 0.12 s of idle wall time with every page left to them, 0.03 s
 * with this after each commit).  Only a hint: a failure
 * leaves the pages to the fsync, which says what went wrong. */
static void start_writeback(int file)
{
	sync_file_range(file, 0, 0, SYNC_FILE_RANGE_WRITE);
}

static unsigned worker_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > MAX_WORKERS ? MAX_WORKERS : (unsigned)n;
}

static void free_job(parse_job *j)
{
	ix_ready_free(j->ready);
	j->ready = NULL;
	nb_buf_free(&j->rec);
}

/* On worker w: frees the reports it parsed of the jobs stored since, and
 * only those.  A report freed by the other worker went back to the heap
 * of the thread that allocated it, under that heap's lock, which its
 * owner was taking for its next report: a build of the 10,000 bench
 * reports made 35,000-41,000 futex calls freeing any stored job, 13,000-
 * 19,000 with this (perf stat -e syscalls:sys_enter_futex, 3 runs each). */
static void free_stored(builder *b, unsigned w)
{
	pthread_mutex_lock(&b->spent);
	size_t to = b->stored_upto;
	pthread_mutex_unlock(&b->spent);
	for (size_t k = b->freed_upto[w]; k < to; k++)
		if (b->jobs[k].worker == w)
			free_job(&b->jobs[k]);
	b->freed_upto[w] = to;
}

/* On a worker: reads, hashes, parses job i and makes it ready to store. */
static void work_file(void *ctx, unsigned worker, size_t i)
{
	builder *b = ctx;
	parse_job *j = &b->jobs[i];
	char *data = NULL;
	size_t len = 0;
	struct stat st;

	free_stored(b, worker);
	j->worker = worker;
	j->size = j->f->size;
	j->mtime_ns = j->f->mtime_ns;
	j->rc = ix_read_raw(b->rawdir, b->realroot, j->f, &data, &len, &st);
	if (j->rc)
		return;
	j->size = st.st_size;
	j->mtime_ns = ix_mtime_ns(&st);
	if ((j->rc = ix_sha256_hex(data, len, j->sha)))
		goto out;
	j->hashed = true;
	nb_parser **p = &b->parsers[worker];
	if (!*p && (j->rc = nb_parser_new(p, &j->fatal))) {
		if (!j->fatal)
			j->fatal = strerror(-j->rc);
		goto out;
	}
	nb_report *r;
	if (!(j->rc = nb_parse(*p, j->f->rel, data, len, &r)))
		j->rc = ix_ready_make(r, &j->ready);
	ix_prerender **w = &b->render[worker];
	if (!j->rc && !*w)
		j->rc = ix_prerender_new(w);
	if (!j->rc)
		j->rc = ix_prerender_report(*w, ix_ready_report(j->ready),
					    j->f->rel, j->sha, &j->rec);
out:
	free(data);
}

/* On the writer: stores what work_file found for job i.  A file that
 * cannot be read or parsed is reported and recorded; only running out of
 * memory, the parser failing to start or a database error stops the
 * build. */
static int store_file(void *ctx, size_t i)
{
	builder *b = ctx;
	parse_job *j = &b->jobs[i];
	const ix_file *f = j->f;
	const char *sha = j->hashed ? j->sha : NULL;
	int rc = j->rc;

	if (ix_cancelled(b->cancel))
		return NB_CANCELLED;	/* the map hands out no more files */
	if (j->fatal) {
		ix_say(b->err, "cannot start the parser: %s", j->fatal);
		goto out;
	}
	if (rc == -ENOMEM)
		goto out;
	if (rc) {
		ix_left_out(b->err, b->rawdir, f->rel, rc, NULL, b->stats);
		rc = add_source(b, j->id, f->rel, j->size, j->mtime_ns, sha, rc);
		goto out;
	}
	rc = add_source(b, j->id, f->rel, j->size, j->mtime_ns, sha, 0);
	if (!rc)
		rc = ix_store_report(b->store, j->id, j->ready);
	if (!rc)
		rc = ix_spill_add(b->spill, j->id, j->rec.s, j->rec.len);
	if (!rc)
		b->stats->parsed++;
	if (!rc && ++b->uncommitted == COMMIT_EVERY) {
		rc = ix_exec(b->db, "COMMIT; BEGIN;", b->err);
		b->uncommitted = 0;
		start_writeback(b->file);
	}
out:
	if (rc == -EIO)
		ix_say_db(b->err, b->db);
	else if (rc == -ENOMEM)
		ix_say(b->err, "%s/%s: out of memory", b->rawdir, f->rel);
	pthread_mutex_lock(&b->spent);
	b->stored_upto = i + 1;
	pthread_mutex_unlock(&b->spent);
	if (!rc && b->progress)
		b->progress(b->progress_ctx, ++b->done, b->stats->files);
	return rc;
}

/* The parsers, their renderers and the store: what only the parse phase
 * uses. */
static void free_parsing(builder *b)
{
	for (unsigned i = 0; b->parsers && i < b->nworkers; i++)
		nb_parser_free(b->parsers[i]);
	for (unsigned i = 0; b->render && i < b->nworkers; i++)
		ix_prerender_free(b->render[i]);
	free(b->parsers);
	free(b->render);
	free(b->freed_upto);
	b->freed_upto = NULL;
	b->parsers = NULL;
	b->render = NULL;
	ix_store_free(b->store);
	b->store = NULL;
}

/* Parses and stores every job, on every core. */
static int parse_jobs(builder *b)
{
	b->nworkers = worker_count();
	b->parsers = calloc(b->nworkers, sizeof *b->parsers);
	b->render = calloc(b->nworkers, sizeof *b->render);
	b->freed_upto = calloc(b->nworkers, sizeof *b->freed_upto);
	if (!b->parsers || !b->render || !b->freed_upto)
		return -ENOMEM;
	pthread_mutex_init(&b->spent, NULL);
	int rc = ix_pmap(b->njobs, b->nworkers, PARSE_WINDOW, work_file,
			 store_file, b);
	pthread_mutex_destroy(&b->spent);
	/* the last ones stored, and those parsed but not stored when a store
	 * failed */
	for (size_t i = 0; i < b->njobs; i++)
		free_job(&b->jobs[i]);
	/* gone before the tree phase, where the indexer's peak is */
	free_parsing(b);
	if (!rc)
		rc = ix_spill_finish(b->spill);
	if (rc == -ENOMEM)
		ix_say(b->err, "%s: out of memory", b->rawdir);
	return rc;
}

/* The parsers, the store and the jobs. */
static void free_work(builder *b)
{
	free_parsing(b);
	ix_spill_free(b->spill);
	free(b->jobs);
}

/* ---- the new index ------------------------------------------------------------ */

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, FILE *err)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK)
		return 0;
	ix_say_db(err, db);
	return -EIO;
}

/* ---- renamed files ------------------------------------------------------------ */

/* Records f, unchanged or renamed, as the old report id: its rows are
 * copied from the old index. */
static int reuse(builder *b, int64_t id, const ix_file *f, const char *sha)
{
	int rc = add_source(b, id, f->rel, f->size, f->mtime_ns, sha, 0);
	sqlite3_bind_int64(b->add_reuse, 1, id);
	if (!rc && sqlite3_step(b->add_reuse) != SQLITE_DONE)
		rc = -EIO;
	sqlite3_reset(b->add_reuse);
	if (rc)
		ix_say_db(b->err, b->db);
	b->stats->reused++;
	return rc;
}

/* The build's figures, counted once the tree is in (ix_tree_build's
 * after), kept by the writer. */
typedef struct {
	nb_build_stats *stats;
	ix_node_totals nodes;
} totals;

static int count_totals(sqlite3 *db, FILE *err, void *ctx)
{
	totals *t = ctx;
	return ix_totals_count(db, err, t->stats, &t->nodes);
}

static int fill(builder *b, const ix_old_index *o, const ix_files *files,
		const char *dbpath)
{
	sqlite3 *db = b->db;
	int rc = 0;
	/* attached to compare with (renamed.c, treekeep.c), for its
	 * blocks of _all (blocks.c) and its inode numbers (inodes.c); its
	 * rows, when reusable, are in the copy already (carryover.c) */
	if (o->same_schema && (rc = ix_old_attach(db, dbpath, b->err)))
		return rc;
	if ((rc = ix_exec(db, "CREATE TEMP TABLE reuse(id INTEGER PRIMARY KEY);"
			  "BEGIN;", b->err)) ||
	    (rc = prepare(db, "INSERT INTO source(id, path, size, mtime_ns,"
			  " sha256, error, errno) VALUES(?,?,?,?,?,?,?)",
			  &b->add_source, b->err)) ||
	    (rc = prepare(db, "INSERT INTO temp.reuse(id) VALUES(?)",
			  &b->add_reuse, b->err)))
		return rc;
	if ((rc = ix_store_new(db, &b->store))) {
		if (rc == -ENOMEM)
			ix_say(b->err, "%s: out of memory", b->rawdir);
		else
			ix_say_db(b->err, db);
		return rc;
	}

	/* a file keeps its id while its path stays; new paths get new ids */
	int64_t next_id = o->max_id + 1;
	size_t cursor = 0;
	if (files->n && !(b->jobs = calloc(files->n, sizeof *b->jobs)))
		return -ENOMEM;
	if (o->reusable && (rc = ix_renames_new(o, files, &b->renames)))
		return rc;
	for (size_t i = 0; i < files->n && !rc; i++) {
		if (ix_cancelled(b->cancel))
			return NB_CANCELLED;
		const ix_file *f = &files->v[i];
		const ix_old_source *s = o->reusable ? ix_old_find(o, &cursor, f->rel) : NULL;
		const ix_gone *g = s || !b->renames ? NULL :
			ix_renamed_from(b->renames, db, b->rawdir,
					b->realroot, f, b->err, &rc);
		int64_t id = s ? s->id : g ? g->id : next_id++;
		if (rc)
			break;
		if (g) {
			rc = reuse(b, id, f, g->sha256);
		} else if (ix_old_same_file(s, f) && !s->error) {
			rc = reuse(b, id, f, s->sha256);
		} else if (ix_old_same_file(s, f) && ix_old_failure_stands(s)) {
			ix_left_out(b->err, b->rawdir, f->rel, s->status, NULL,
				    b->stats);
			rc = add_source(b, id, f->rel, f->size, f->mtime_ns,
					s->sha256, s->status);
		} else {
			b->jobs[b->njobs++] = (parse_job){.f = f, .id = id};
			continue;
		}
		if (!rc && b->progress)
			b->progress(b->progress_ctx, ++b->done, b->stats->files);
	}
	/* before the parsed reports, which keep the ids of those they
	 * replace, are stored */
	if (!rc && o->reusable)
		rc = ix_carry_prune(db, b->err);
	if (!rc)
		rc = parse_jobs(b);
	totals t = {.stats = b->stats};
	if (!rc)
		rc = ix_tree_build(db, b->rawdir, b->spill, b->err, b->cancel,
				   count_totals, &t);
	if (!rc)
		start_writeback(b->file);
	if (!rc)
		rc = ix_totals_save(db, b->stats, &t.nodes, b->err);
	if (!rc)
		rc = ix_exec(db, "COMMIT;", b->err);
	return rc;
}

/* SQLite's "database or disk is full" is the system's ENOSPC: said so, with
 * the old index named as intact. */
static bool disk_full(sqlite3 *db, FILE *err)
{
	if (sqlite3_errcode(db) != SQLITE_FULL)
		return false;
	ix_say(err, "%s: no space left on device; the index as it was is "
	       "kept", sqlite3_db_filename(db, "main"));
	return true;
}

static int build_new(const char *dbpath, const char *rawdir,
		     const char *realroot, const ix_old_index *o,
		     const ix_files *files, FILE *err, nb_build_stats *stats,
		     nb_progress_fn progress, void *progress_ctx,
		     const atomic_int *cancel)
{
	nb_buf tmp = {0};
	nb_buf_printf(&tmp, "%s.tmp-%ld", dbpath, (long)getpid());
	if (tmp.oom)
		return -ENOMEM;
	ix_tmp_remove_stale(dbpath);
	unlink(tmp.s);
	/* created here so that a directory we cannot write is named plainly */
	int lock = open(tmp.s, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (lock < 0) {
		int e = errno;
		ix_say(err, "%s: cannot write the index: %s", tmp.s, strerror(e));
		nb_buf_free(&tmp);
		return -e;
	}
	int rc = ix_tmp_lock(lock);
	if (rc)
		ix_say(err, "%s: cannot lock: %s", tmp.s, strerror(-rc));
	/* a refresh starts from the old index, reused rows and all; the
	 * copy's pages start to the disk while the refresh works, not all at
	 * the fsync before the rename (one file changed at 100,000 reports:
	 * the gigabyte copied in 0.6 s, then written by that fsync in 0.4 s
	 * at the end, strace -T; 5.77 -> 5.45 s, medians of 5 pairs) */
	if (!rc && o->reusable && !(rc = ix_carry_copy(dbpath, lock, err,
							cancel)))
		start_writeback(lock);

	builder b = {.rawdir = rawdir, .realroot = realroot, .err = err,
		     .stats = stats, .progress = progress,
		     .progress_ctx = progress_ctx, .cancel = cancel,
		     .file = lock};
	if (!rc && sqlite3_open_v2(tmp.s, &b.db, SQLITE_OPEN_READWRITE |
				   SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI,
				   NULL) != SQLITE_OK) {
		ix_say(err, "%s: %s", tmp.s, sqlite3_errmsg(b.db));
		rc = -EIO;
	}
	/* The file is renamed into place only once complete: no journal.
	 * Temporary storage stays in files: the sorts of the build (before
	 * _all was stored in blocks, its offsets sorted every chunk, ~3 KB a
	 * report) then spill to disk past cache_size instead of growing the
	 * indexer's memory with the collection (419 MB at 100,000 reports
	 * with temp_store = MEMORY).
	 *
	 * A small page cache: the writer mostly appends, and what it reads
	 * again (the B-trees' inner pages, the str table) fits in 4 MiB.
	 * 64 MiB cost page faults to fill (35,000 against 14,000 for a build
	 * of the 10,000 bench reports) and was slower: 3.7-4.2 s against
	 * 3.1-3.5 s (alternated, 6 runs each); a one-file refresh 1.30 s
	 * against 1.05 s (median of 5); the same at 100,000 reports (build
	 * 43 s, refresh 12 s), with half the peak memory (262 -> 130 MB).
	 * 1 and 2 MiB were as fast as 4; 8 to 32 MiB in between. */
	if (!rc)
		rc = ix_exec(b.db, "PRAGMA journal_mode = OFF;"
			     "PRAGMA synchronous = OFF;"
			     "PRAGMA locking_mode = EXCLUSIVE;"
			     "PRAGMA cache_size = -4096;", err);
	if (!rc)
		ix_cancel_watch(b.db, cancel);
	if (!rc)
		rc = o->reusable ? ix_carry_reset(b.db, rawdir, err) :
			ix_schema_create(b.db, rawdir, err);
	if (!rc)
		rc = ix_spill_new(tmp.s, err, &b.spill);
	if (!rc)
		rc = fill(&b, o, files, dbpath);
	if (rc == -EIO && disk_full(b.db, err))
		rc = -ENOSPC;
	else if (rc && ix_cancelled(cancel))
		rc = NB_CANCELLED;	/* what failed was interrupted */

	sqlite3_finalize(b.add_source);
	sqlite3_finalize(b.add_reuse);
	ix_renames_free(b.renames);
	free_work(&b);
	if (sqlite3_close(b.db) != SQLITE_OK && !rc) {
		ix_say(err, "%s: %s", tmp.s, sqlite3_errmsg(b.db));
		rc = -EIO;
	}
	if (!rc) {
		int fd = open(tmp.s, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fsync(fd) < 0) {
			rc = -errno;
			ix_say(err, "%s: %s", tmp.s, strerror(errno));
		}
		if (fd >= 0)
			close(fd);
	}
	if (!rc && rename(tmp.s, dbpath) < 0) {
		rc = -errno;
		ix_say(err, "%s: cannot replace the index: %s", dbpath,
		       strerror(errno));
	}
	if (rc) {
		ix_tmp_discard(tmp.s);
		/* the old index may be what failed it: checked in full next
		 * (not after a cancel, which nothing failed) */
		if (rc != NB_CANCELLED)
			ix_seal_remove(dbpath);
	} else {
		/* opening it read-only made them; a log left beside the new
		 * file would be replayed into it were it switched to write-ahead
		 * logging again */
		if (o->wal)
			ix_remove_log(dbpath);
		ix_sync_dir_of(dbpath);
		ix_seal_fd(dbpath, lock);	/* whole: fsynced, renamed */
	}
	close(lock);
	nb_buf_free(&tmp);
	return rc;
}

int nb_index_build(const char *dbpath, const char *rawdir, FILE *err,
		   nb_build_stats *stats)
{
	return nb_index_build_progress(dbpath, rawdir, err, stats, NULL, NULL);
}

int nb_index_build_progress(const char *dbpath, const char *rawdir, FILE *err,
			    nb_build_stats *stats, nb_progress_fn progress,
			    void *progress_ctx)
{
	return nb_index_build_cancellable(dbpath, rawdir, err, stats, progress,
					  progress_ctx, NULL);
}

int nb_index_build_cancellable(const char *dbpath, const char *rawdir,
			       FILE *err, nb_build_stats *stats,
			       nb_progress_fn progress, void *progress_ctx,
			       const atomic_int *cancel)
{
	nb_build_stats s = {0};
	ix_files files;
	int rc = ix_walk(rawdir, err, &files, cancel);
	if (rc)
		return rc;
	s.files = (unsigned)files.n;
	s.unreadable = files.problems;
	s.unreadable_dirs = files.dir_problems;
	char realroot[PATH_MAX];
	if (!realpath(rawdir, realroot)) {
		rc = -errno;
		ix_say(err, "%s: %s", rawdir, strerror(-rc));
		ix_files_free(&files);
		return rc;
	}

	int lock = ix_build_lock(dbpath);
	ix_old_index o;
	rc = ix_old_open(dbpath, err, &o, cancel);
	if (!rc && ix_old_current(&o, &files))
		rc = ix_report_current(dbpath, rawdir, &o, err, &s);
	else if (!rc)
		rc = build_new(dbpath, rawdir, realroot, &o, &files, err, &s,
			       progress, progress_ctx, cancel);
	ix_old_free(&o);
	ix_build_unlock(lock);
	ix_files_free(&files);
	if (stats)
		*stats = s;
	return rc;
}
