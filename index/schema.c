/* schema.c — the index's tables.  README.md ("Where the index lives and its
 * schema") documents every column; keep the two in step, and bump
 * IX_SCHEMA_VERSION with any change here or in what is rendered. */
#include <errno.h>
#include <string.h>

#include "ix.h"

static const char schema_sql[] =
	"CREATE TABLE info("
	" key TEXT PRIMARY KEY,"
	" value TEXT NOT NULL"
	") WITHOUT ROWID;"

	"CREATE TABLE source("
	" id INTEGER PRIMARY KEY,"
	" path TEXT NOT NULL UNIQUE,"
	" size INTEGER NOT NULL,"
	" mtime_ns INTEGER NOT NULL,"
	" sha256 TEXT,"
	" error TEXT,"
	" errno INTEGER"
	");"

	/* A report's facts in stored_report, its text in report_text: the
	 * view report shows them as one row.  Kept apart because a row over a
	 * page keeps up to a page of its start in the table's leaves, however
	 * late its long columns come: with the text in the row, the leaves of
	 * report were 4,251 pages at 10,000 bench reports (two rows a page),
	 * and every scan of the facts (naming the tree, the orders of _all
	 * and of the trends, the unchanged reports of a refresh) read them
	 * all. */
	"CREATE TABLE stored_report("
	" id INTEGER PRIMARY KEY,"
	" agency TEXT,"
	" agency_as_printed TEXT,"
	" agency_source TEXT,"
	" year INTEGER NOT NULL,"
	" year_rule TEXT NOT NULL,"
	" title TEXT,"
	" published TEXT,"
	" format TEXT NOT NULL,"
	" encoding TEXT,"
	" traditional INTEGER NOT NULL,"
	" agency_dir TEXT,"
	" year_dir TEXT"
	");"
	"CREATE INDEX report_agency_year ON stored_report(agency, year);"
	/* the preamble is the start of text: stored as where it is (bytes),
	 * or itself in preamble_text when it is not found there */
	"CREATE TABLE report_text("
	" id INTEGER PRIMARY KEY,"
	" text TEXT,"
	" preamble_off INTEGER,"
	" preamble_len INTEGER,"
	" preamble_text TEXT"
	");"
	"CREATE VIEW report AS"
	" SELECT r.id, r.agency, r.agency_as_printed, r.agency_source, r.year,"
	"  r.year_rule, r.title, r.published, r.format, r.encoding,"
	"  r.traditional, r.agency_dir, r.year_dir, t.text, t.preamble_off,"
	"  t.preamble_len, t.preamble_text,"
	"  CASE WHEN t.preamble_off IS NULL THEN t.preamble_text"
	"   ELSE CAST(substr(CAST(t.text AS BLOB), t.preamble_off + 1,"
	"    t.preamble_len) AS TEXT) END AS preamble"
	" FROM stored_report r LEFT JOIN report_text t ON t.id = r.id;"
	"CREATE TRIGGER report_insert INSTEAD OF INSERT ON report"
	" BEGIN"
	"  INSERT INTO stored_report(id, agency, agency_as_printed,"
	"   agency_source, year, year_rule, title, published, format, encoding,"
	"   traditional, agency_dir, year_dir) VALUES(NEW.id, NEW.agency,"
	"   NEW.agency_as_printed, NEW.agency_source, NEW.year, NEW.year_rule,"
	"   NEW.title, NEW.published, NEW.format, NEW.encoding,"
	"   NEW.traditional, NEW.agency_dir, NEW.year_dir);"
	"  INSERT INTO report_text(id, text, preamble_off, preamble_len,"
	"   preamble_text) VALUES(coalesce(NEW.id, last_insert_rowid()),"
	"   NEW.text, NEW.preamble_off, NEW.preamble_len, NEW.preamble_text);"
	" END;"

	/* A section's heading and text are parts of its report's: each
	 * stored as where it is in report.text (heading_off, heading_len,
	 * text_off, text_len, in bytes), or itself (heading, text) when it is
	 * not found there; its directory only when it is not N-name (name,
	 * else heading); its name, which repeats from report to report, as
	 * its str id.  The view section shows them all. */
	"CREATE TABLE stored_section("
	" report INTEGER NOT NULL,"
	" seq INTEGER NOT NULL,"
	" number INTEGER NOT NULL,"
	" canonical INTEGER NOT NULL,"
	" name INTEGER,"
	" heading TEXT,"
	" heading_off INTEGER,"
	" heading_len INTEGER,"
	" text_off INTEGER,"
	" text_len INTEGER,"
	" text TEXT,"
	" dir TEXT,"
	" PRIMARY KEY(report, seq)"
	") WITHOUT ROWID;"
	"CREATE VIEW section AS"
	" SELECT report, seq, number, canonical, name, heading, text,"
	"  coalesce(dir, number || '-' ||"
	"   coalesce(nullif(name, ''), heading, '')) AS dir"
	" FROM (SELECT s.report, s.seq, s.number, s.canonical, n.text AS name,"
	"  s.dir,"
	"  CASE WHEN s.heading_off IS NULL THEN s.heading"
	"   ELSE CAST(substr(CAST(r.text AS BLOB), s.heading_off + 1,"
	"    s.heading_len) AS TEXT) END AS heading,"
	"  CASE WHEN s.text_off IS NULL THEN s.text"
	"   ELSE CAST(substr(CAST(r.text AS BLOB), s.text_off + 1, s.text_len)"
	"    AS TEXT) END AS text"
	" FROM stored_section s LEFT JOIN report_text r ON r.id = s.report"
	" LEFT JOIN str n ON n.id = s.name);"

	/* a table's name and label header as their str ids (str, below);
	 * headers, its columns' headers: a JSON array of their str ids (null
	 * for none), shown by the view table_column */
	"CREATE TABLE stored_table("
	" report INTEGER NOT NULL,"
	" tbl_no INTEGER NOT NULL,"
	" kind INTEGER NOT NULL,"
	" format TEXT NOT NULL,"
	" name INTEGER,"
	" label_header INTEGER,"
	" ncols INTEGER NOT NULL,"
	" nrows INTEGER NOT NULL,"
	" headers TEXT,"
	" PRIMARY KEY(report, tbl_no)"
	") WITHOUT ROWID;"
	"CREATE VIEW report_table AS"
	" SELECT t.report, t.tbl_no, t.kind, t.format, n.text AS name,"
	"  h.text AS label_header, t.ncols, t.nrows"
	" FROM stored_table t LEFT JOIN str n ON n.id = t.name"
	" LEFT JOIN str h ON h.id = t.label_header;"
	"CREATE TRIGGER report_table_insert INSTEAD OF INSERT ON report_table"
	" BEGIN"
	"  INSERT OR IGNORE INTO str(text)"
	"   VALUES(NEW.name), (NEW.label_header);"
	"  INSERT INTO stored_table(report, tbl_no, kind, format, name,"
	"   label_header, ncols, nrows) VALUES(NEW.report, NEW.tbl_no,"
	"   NEW.kind, NEW.format, (SELECT id FROM str WHERE text = NEW.name),"
	"   (SELECT id FROM str WHERE text = NEW.label_header), NEW.ncols,"
	"   NEW.nrows);"
	" END;"

	/* Labels, headers, tables' names and the checks' rules, subjects and
	 * details repeat from report to report: each is stored once, in str,
	 * and the tables holding them (stored_*) hold its id.  The views
	 * report_table, table_column, table_row and check_result show them as
	 * text, and take inserts. */
	"CREATE TABLE str("
	" id INTEGER PRIMARY KEY,"
	" text TEXT NOT NULL UNIQUE"
	");"

	/* a column inserted sets its place in its table's headers (the table
	 * inserted first) */
	"CREATE VIEW table_column AS"
	" SELECT t.report, t.tbl_no, c.key AS col_no, h.text AS header"
	" FROM stored_table t, json_each(t.headers) c"
	" LEFT JOIN str h ON h.id = c.value;"
	"CREATE TRIGGER table_column_insert INSTEAD OF INSERT ON table_column"
	" BEGIN"
	"  INSERT OR IGNORE INTO str(text) VALUES(NEW.header);"
	"  UPDATE stored_table SET headers = json_set(coalesce(headers, '[]'),"
	"   '$[' || NEW.col_no || ']',"
	"   (SELECT id FROM str WHERE text = NEW.header))"
	"   WHERE report = NEW.report AND tbl_no = NEW.tbl_no;"
	" END;"

	/* cells: the row's cells packed, one JSON array element per column
	 * (cellpack.c); NULL for a row without cells */
	"CREATE TABLE stored_row("
	" report INTEGER NOT NULL,"
	" tbl_no INTEGER NOT NULL,"
	" row_no INTEGER NOT NULL,"
	" label INTEGER,"
	" printed TEXT,"
	" extra INTEGER NOT NULL,"
	" cells TEXT,"
	" PRIMARY KEY(report, tbl_no, row_no)"
	") WITHOUT ROWID;"
	"CREATE VIEW table_row AS"
	" SELECT r.report, r.tbl_no, r.row_no, l.text AS label, r.printed,"
	"  r.extra"
	" FROM stored_row r LEFT JOIN str l ON l.id = r.label;"
	"CREATE TRIGGER table_row_insert INSTEAD OF INSERT ON table_row"
	" BEGIN"
	"  INSERT OR IGNORE INTO str(text) VALUES(NEW.label);"
	"  INSERT INTO stored_row(report, tbl_no, row_no, label, printed,"
	"   extra) VALUES(NEW.report, NEW.tbl_no, NEW.row_no,"
	"   (SELECT id FROM str WHERE text = NEW.label), NEW.printed,"
	"   NEW.extra);"
	" END;"

	/* One row per cell, as the table cell of schema 6 had them, from the
	 * rows' packed cells: lean (the labels are table_row's and
	 * table_column's, raw of a number is NULL when printed as its value,
	 * state is IX_CELL_*); cell_view shows them all. */
	"CREATE VIEW cell AS"
	" SELECT r.report, r.tbl_no, r.row_no, c.key AS col_no,"
	"  CASE c.type WHEN 'array' THEN json_extract(c.value, '$[1]') END"
	"   AS raw,"
	"  CASE c.type WHEN 'array' THEN json_extract(c.value, '$[2]')"
	"   WHEN 'null' THEN NULL ELSE CAST(c.value AS TEXT) END AS value,"
	"  CASE c.type WHEN 'array' THEN json_extract(c.value, '$[0]')"
	"   WHEN 'null' THEN 2 ELSE 0 END AS state,"
	"  CASE c.type WHEN 'array' THEN json_extract(c.value, '$[3]') END"
	"   AS note"
	" FROM stored_row r, json_each(r.cells) c;"

	"CREATE TABLE warning("
	" report INTEGER NOT NULL,"
	" seq INTEGER NOT NULL,"
	" text TEXT NOT NULL,"
	" PRIMARY KEY(report, seq)"
	") WITHOUT ROWID;"

	"CREATE TABLE note("
	" report INTEGER NOT NULL,"
	" seq INTEGER NOT NULL,"
	" text TEXT NOT NULL,"
	" PRIMARY KEY(report, seq)"
	") WITHOUT ROWID;"

	/* A report's checks, packed (checkpack.c): kinds, the str id of the
	 * list of its own checks' [rule, subject] str ids; results, per own
	 * check its detail's str id, in an array when it failed; cross, the
	 * checks across years (crossyear.c), each [rule, subject, ok, detail]
	 * (str ids), NULL when none.  Its seq is its place in results, then
	 * in cross. */
	"CREATE TABLE check_list("
	" report INTEGER PRIMARY KEY,"
	" kinds INTEGER NOT NULL,"
	" results TEXT NOT NULL,"
	" cross TEXT"
	");"
	/* One SELECT, not a UNION of the two kinds: a query for one report,
	 * correlated too, then reads its row alone.  LEFT JOINs where every
	 * row has a match: a query that does not read their text (count(*)
	 * ... WHERE ok = 0) then skips them. */
	"CREATE VIEW check_result AS"
	" SELECT l.report, d.key AS seq,"
	"  CASE WHEN d.key < json_array_length(l.results) THEN 'report'"
	"   ELSE 'cross_year' END AS scope,"
	"  r.text AS rule, s.text AS subject,"
	"  CASE WHEN d.key < json_array_length(l.results)"
	"   THEN d.type != 'array' ELSE json_extract(d.value, '$[2]') END AS ok,"
	"  t.text AS detail"
	" FROM check_list l JOIN str k ON k.id = l.kinds,"
	"  json_each(CASE WHEN l.cross IS NULL THEN l.results"
	"   WHEN l.results = '[]' THEN l.cross"
	"   ELSE substr(l.results, 1, length(l.results) - 1) || ','"
	"    || substr(l.cross, 2) END) d"
	" LEFT JOIN str r ON r.id = CASE WHEN d.key < json_array_length(l.results)"
	"  THEN json_extract(k.text, '$[' || d.key || '][0]')"
	"  ELSE json_extract(d.value, '$[0]') END"
	" LEFT JOIN str s ON s.id = CASE WHEN d.key < json_array_length(l.results)"
	"  THEN json_extract(k.text, '$[' || d.key || '][1]')"
	"  ELSE json_extract(d.value, '$[1]') END"
	" LEFT JOIN str t ON t.id = CASE"
	"  WHEN d.key >= json_array_length(l.results)"
	"   THEN json_extract(d.value, '$[3]')"
	"  WHEN d.type = 'array' THEN json_extract(d.value, '$[0]')"
	"  ELSE d.value END;"
	/* an insert appends (its seq is its place, not NEW.seq): to cross,
	 * or to the report's own checks, whose new list of kinds goes into
	 * str */
	"CREATE TRIGGER check_result_insert INSTEAD OF INSERT ON check_result"
	" BEGIN"
	"  INSERT OR IGNORE INTO str(text)"
	"   VALUES(NEW.rule), (NEW.subject), (NEW.detail), ('[]');"
	"  INSERT OR IGNORE INTO check_list(report, kinds, results)"
	"   VALUES(NEW.report, (SELECT id FROM str WHERE text = '[]'), '[]');"
	"  UPDATE check_list SET cross = json_insert(coalesce(cross, '[]'),"
	"   '$[#]', json_array((SELECT id FROM str WHERE text = NEW.rule),"
	"   (SELECT id FROM str WHERE text = NEW.subject), NEW.ok,"
	"   (SELECT id FROM str WHERE text = NEW.detail)))"
	"   WHERE report = NEW.report AND NEW.scope = 'cross_year';"
	"  INSERT OR IGNORE INTO str(text)"
	"   SELECT json_insert(k.text, '$[#]', json_array("
	"    (SELECT id FROM str WHERE text = NEW.rule),"
	"    (SELECT id FROM str WHERE text = NEW.subject)))"
	"   FROM check_list l JOIN str k ON k.id = l.kinds"
	"   WHERE l.report = NEW.report AND NEW.scope = 'report';"
	"  UPDATE check_list SET"
	"   kinds = (SELECT id FROM str WHERE text = json_insert("
	"    (SELECT text FROM str WHERE id = kinds), '$[#]', json_array("
	"    (SELECT id FROM str WHERE text = NEW.rule),"
	"    (SELECT id FROM str WHERE text = NEW.subject)))),"
	"   results = CASE WHEN NEW.ok"
	"    THEN json_insert(results, '$[#]',"
	"     (SELECT id FROM str WHERE text = NEW.detail))"
	"    ELSE json_insert(results, '$[#]', json_array("
	"     (SELECT id FROM str WHERE text = NEW.detail))) END"
	"   WHERE report = NEW.report AND NEW.scope = 'report';"
	" END;"

	/* Kept in (parent, ino) order: readdir walks a directory's children
	 * in ino order, which are then one range of the table's own pages
	 * (the ~21,500 entries of the root at 100,000 reports read from
	 * contiguous pages, not one row, mostly a page, each: issue 7, the
	 * first `ls` of that root, warm, ~1.0 s -> ~0.4 s).  Up to schema 6
	 * a covering index (parent, ino, ...) gave that order beside a rowid
	 * table: a third copy of every listed column (12.3 MB at 10,000
	 * reports, where node_ino takes 2.9).  A lookup by number goes
	 * through node_ino, one by name through node_name: made as the tree
	 * goes in and once it is in (ix_schema_node_ino, _name). */
	"CREATE TABLE node("
	" ino INTEGER NOT NULL,"
	" parent INTEGER NOT NULL,"
	" name TEXT NOT NULL,"
	" is_dir INTEGER NOT NULL,"
	" size INTEGER NOT NULL,"
	" size_unix INTEGER,"
	" mtime_ns INTEGER NOT NULL,"
	" nlink INTEGER NOT NULL,"
	" report INTEGER,"
	/* a report's file, rendered on read: its rank among the report's
	 * files (reptree.c) and a digest of its bytes (inodes.c) */
	" part INTEGER,"
	" digest INTEGER,"
	" PRIMARY KEY(parent, ino)"
	") WITHOUT ROWID;"

	/* _all: each file's rows stored once, compressed in blocks (blocks.c);
	 * chunk says where each report's records are in its file's body */
	"CREATE TABLE all_file("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE,"
	" header BLOB NOT NULL"
	");"
	"CREATE TABLE chunk("
	" file INTEGER NOT NULL,"
	" report INTEGER NOT NULL,"
	" records INTEGER NOT NULL,"
	" size INTEGER NOT NULL,"
	" off INTEGER NOT NULL,"
	" off_excel INTEGER NOT NULL,"
	" PRIMARY KEY(file, report)"
	") WITHOUT ROWID;"
	"CREATE TABLE all_block("
	" id INTEGER PRIMARY KEY,"
	" file INTEGER NOT NULL,"
	" off INTEGER NOT NULL,"
	" off_excel INTEGER NOT NULL,"
	" size INTEGER NOT NULL,"
	" records INTEGER NOT NULL,"
	" data BLOB NOT NULL"
	");"
	/* a read's first block: the greatest offset not after it */
	"CREATE UNIQUE INDEX all_block_off ON all_block(file, off);"
	"CREATE UNIQUE INDEX all_block_excel ON all_block(file, off_excel);"
	"CREATE TABLE chunk_node("
	" ino INTEGER PRIMARY KEY,"
	" file INTEGER NOT NULL,"
	" start INTEGER NOT NULL,"
	" stop INTEGER NOT NULL,"
	" start_excel INTEGER NOT NULL,"
	" stop_excel INTEGER NOT NULL"
	");"

	"CREATE VIEW cell_view AS"
	" SELECT r.agency, r.year, r.agency_dir, r.year_dir, s.path AS source,"
	"  t.name AS table_name, t.kind, t.format,"
	"  c.row_no, tr.label AS row_label, c.col_no, tc.header AS col_label,"
	"  CASE WHEN c.state = 0 AND c.raw IS NULL THEN c.value ELSE c.raw END"
	"   AS raw,"
	"  c.value,"
	"  CASE WHEN c.state = 0 THEN CAST(c.value AS REAL) END AS num,"
	"  CASE c.state WHEN 0 THEN 'number' WHEN 1 THEN 'blank'"
	"   ELSE 'absent' END AS state,"
	"  c.note"
	" FROM cell c"
	" JOIN stored_report r ON r.id = c.report"
	" JOIN source s ON s.id = c.report"
	" JOIN report_table t ON t.report = c.report AND t.tbl_no = c.tbl_no"
	" JOIN table_row tr ON tr.report = c.report AND tr.tbl_no = c.tbl_no"
	"  AND tr.row_no = c.row_no"
	" JOIN table_column tc ON tc.report = c.report AND tc.tbl_no = c.tbl_no"
	"  AND tc.col_no = c.col_no;"

	"CREATE VIEW node_path AS"
	" WITH RECURSIVE p(ino, path) AS ("
	"  SELECT ino, '' FROM node WHERE ino = 1"
	"  UNION ALL"
	"  SELECT n.ino, p.path || '/' || n.name"
	"  FROM node n JOIN p ON n.parent = p.ino WHERE n.ino != 1)"
	" SELECT ino, path FROM p;";

const ix_report_table ix_report_tables[] = {
	{"stored_report", "id"}, {"report_text", "id"},
	{"stored_section", "report"}, {"stored_table", "report"},
	{"stored_row", "report"}, {"warning", "report"}, {"note", "report"},
	{"check_list", "report"}, {NULL, NULL},
};

int ix_exec(sqlite3 *db, const char *sql, FILE *err)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		ix_say_db_msg(err, db, msg);
		sqlite3_free(msg);
		return -EIO;
	}
	return 0;
}

int ix_old_attached(sqlite3 *db, FILE *err, bool *attached)
{
	bool ok;
	int64_t n = ix_query_int(db, "SELECT count(*) FROM pragma_database_list"
				 " WHERE name = 'old'", &ok);
	if (!ok) {
		ix_say_db(err, db);
		return -EIO;
	}
	*attached = n > 0;
	return 0;
}

int64_t ix_query_int(sqlite3 *db, const char *sql, bool *ok)
{
	sqlite3_stmt *st;
	int64_t v = 0;
	*ok = false;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		v = sqlite3_column_int64(st, 0);
		*ok = true;
	}
	sqlite3_finalize(st);
	return v;
}

/* Made from a sort once the tree's rows are in, an index's pages come out
 * full; kept up row by row as the tree went in, the two indexes were a
 * tenth empty (dbstat, schema 7: 1.2 MB of their 10.9 MB at 10,000
 * reports, 12.5 of 107 MB at 100,000: more than the index's whole margin
 * over issue 7's 2x the raw bytes); the index by number, kept up in
 * number order, costs 0.35 MB (below).  Nothing reads node by name before:
 * the tree is written in order (tree.c).  A refresh keeps both indexes
 * from the index it copied (carryover.c): only the nodes that are not an
 * unchanged report's go in again, row by row. */
int ix_schema_node_name(sqlite3 *db, FILE *err)
{
	return ix_exec(db, "CREATE UNIQUE INDEX IF NOT EXISTS node_name"
		       " ON node(parent, name);", err);
}

/* The index by number is the exception: a tree built from scratch goes in
 * in number order but for _all's directory (numbered first, inserted
 * after the reports: tree.c), so its rows are appended to it.  Kept up
 * so, it cost the writer's inserts ~0.015 s at 10,000 bench reports where
 * its sort at the end, the build alone on one core, took 0.06 s; its
 * pages are 0.35 MB larger (2.86 against 2.51 MB). */
int ix_schema_node_ino(sqlite3 *db, FILE *err)
{
	return ix_exec(db, "CREATE UNIQUE INDEX IF NOT EXISTS node_ino"
		       " ON node(ino);", err);
}

int ix_schema_create(sqlite3 *db, const char *rawdir, FILE *err)
{
	int rc = ix_exec(db, schema_sql, err);
	if (rc)
		return rc;
	char pragma[64];
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d;",
		 IX_SCHEMA_VERSION);
	if ((rc = ix_exec(db, pragma, err)))
		return rc;
	return ix_schema_info(db, rawdir, err);
}

int ix_schema_info(sqlite3 *db, const char *rawdir, FILE *err)
{
	int rc = 0;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "INSERT INTO info(key, value) VALUES(?, ?)",
			       -1, &st, NULL) != SQLITE_OK) {
		ix_say_db(err, db);
		return -EIO;
	}
	const char *rows[][2] = {
		{"parser_version", NB_VERSION},
		{"rawdir", rawdir},
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows && !rc; i++) {
		sqlite3_bind_text(st, 1, rows[i][0], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, rows[i][1], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			ix_say_db(err, db);
			rc = -EIO;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}
