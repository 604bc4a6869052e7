/*
 * certainty.c — the one way a table is made: readers stage what they found,
 * nb_stage_commit decides which cells are written (see internal.h).
 *
 * Why one mechanism: the rule that a number is right or empty must not
 * depend on each reader remembering it.  A reader says how it knows each
 * row's place (the table's own cells, or inference from reading order, a
 * row's position, a split of a digit run); the commit writes structured
 * cells as printed and writes inferred cells only where the template's
 * arithmetic confirms them, and is the only code that appends to
 * r->tables.  Money columns are converted to one unit here too, so that
 * the value a rule or a reader sees is the value written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct {
	bool offered;
	nb_place how;
	size_t n;		/* values offered */
	/* the strings and v, in the stage's arena: the report adopts them */
	char **v;		/* their text, n copies */
	char *printed;		/* label as printed, or NULL */
	char *why;		/* why the row has no values, or NULL */
	char *label;		/* extra rows: the printed label */
} srow;

struct nb_stage {
	const nb_template *t;
	nb_unit header_unit;
	bool quiet;
	size_t nrows, cap;	/* the template's rows, then extra rows */
	srow *rows;
	nb_arena *strings;	/* the rows' strings */
};

int nb_stage_new(const nb_template *t, nb_stage **out)
{
	nb_stage *s = calloc(1, sizeof *s);

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->t = t;
	s->cap = t->nrows + 4;
	s->rows = calloc(s->cap, sizeof *s->rows);
	if (!s->rows || nb_arena_new(&s->strings) < 0) {
		free(s->rows);
		free(s);
		return -ENOMEM;
	}
	s->nrows = t->nrows;
	*out = s;
	return 0;
}

void nb_stage_free(nb_stage *s)
{
	if (!s)
		return;
	free(s->rows);
	nb_arena_free(s->strings);
	free(s);
}

static int offer(nb_stage *s, srow *r, const nb_text *v, size_t n, nb_place how,
		 const char *printed)
{
	r->offered = true;
	r->how = how;
	r->v = nb_arena_calloc(s->strings, n ? n : 1, sizeof *r->v);
	if (!r->v)
		return -ENOMEM;
	for (size_t k = 0; k < n; k++) {
		r->v[k] = nb_arena_strndup(s->strings, v[k].s ? v[k].s : "", v[k].s ? v[k].n : 0);
		if (!r->v[k])
			return -ENOMEM;
		r->n = k + 1;
	}
	if (printed && !(r->printed = nb_arena_strdup(s->strings, printed)))
		return -ENOMEM;
	return 0;
}

int nb_stage_row(nb_stage *s, size_t row, const nb_text *v, size_t n, nb_place how,
		 const char *printed)
{
	if (row >= s->t->nrows || s->rows[row].offered)
		return -EINVAL;
	return offer(s, &s->rows[row], v, n, how, printed);
}

int nb_stage_extra(nb_stage *s, const char *label, const nb_text *v, size_t n,
		   nb_place how)
{
	if (s->nrows == s->cap) {
		srow *nr = realloc(s->rows, 2 * s->cap * sizeof *nr);
		if (!nr)
			return -ENOMEM;
		memset(nr + s->cap, 0, s->cap * sizeof *nr);
		s->rows = nr;
		s->cap *= 2;
	}
	srow *r = &s->rows[s->nrows++];
	if (!(r->label = nb_arena_strdup(s->strings, label ? label : "")))
		return -ENOMEM;
	return offer(s, r, v, n, how, NULL);
}

int nb_stage_why(nb_stage *s, size_t row, const char *why)
{
	if (row >= s->t->nrows)
		return -EINVAL;
	s->rows[row].why = nb_arena_strdup(s->strings, why);
	return s->rows[row].why ? 0 : -ENOMEM;
}

void nb_stage_unit(nb_stage *s, nb_unit unit)
{
	s->header_unit = unit;
}

void nb_stage_quiet(nb_stage *s)
{
	s->quiet = true;
}

/* ---- the cells as offered ------------------------------------------------ */

static const char *unit_name(nb_unit u)
{
	return u == NB_UNIT_WANYUAN ? "万元" : u == NB_UNIT_YUAN ? "元" : "";
}

static const char *place_name(nb_place how)
{
	switch (how) {
	case NB_PLACE_CELLS:
		return "the table's cells";
	case NB_PLACE_ORDER:
		return "reading order (a value per line)";
	case NB_PLACE_ROW_ORDER:
		return "the template's order (the row has no label of its own)";
	case NB_PLACE_SPLIT:
		return "splitting a run of digits";
	case NB_PLACE_FUZZY:
		return "a label that names the row only approximately";
	}
	return "inference";
}

/* A row whose values fit the template's columns. */
static bool fits(const nb_stage *s, size_t i)
{
	return s->rows[i].offered && s->rows[i].n == s->t->ncols;
}

/* The money column's unit: fixed by the template, named by the header, or
 * else the one the values carry (万元 when they carry both). */
static nb_unit money_unit(const nb_stage *s)
{
	const nb_template *t = s->t;
	nb_unit seen = NB_UNIT_NONE;

	if (t->money_header_fixed)
		return NB_UNIT_WANYUAN;
	if (s->header_unit != NB_UNIT_NONE)
		return s->header_unit;
	for (size_t i = 0; i < s->nrows; i++) {
		nb_num num;
		if (!fits(s, i))
			continue;
		const char *v = s->rows[i].v[t->money_col];
		if (nb_read_number(v, strlen(v), &num) == NB_CELL_NUMBER && num.unit != NB_UNIT_NONE) {
			if (seen != NB_UNIT_NONE && seen != num.unit)
				return NB_UNIT_WANYUAN;
			seen = num.unit;
		}
	}
	return seen;
}

/* The commit's view of every cell: read, and whether it is to be written. */
typedef struct {
	nb_stage *s;
	nb_num *num;		/* [row * ncols + col] for fitting rows */
	nb_cell_state *state;
	bool *reject;
	bool *inferred;		/* per row */
} view;

static bool view_value(void *ctx, size_t row, size_t col, long long *v)
{
	const view *w = ctx;
	size_t k = row * w->s->t->ncols + col;

	/* A cell already rejected is no evidence for or against the others:
	 * the rules over it cannot be applied. */
	if (!fits(w->s, row) || w->reject[k])
		return false;
	if (w->state[k] == NB_CELL_BLANK) {
		*v = 0;
		return true;
	}
	if (w->state[k] != NB_CELL_NUMBER)
		return false;
	return nb_whole_number(w->num[k].value, v);
}

/* ---- certification --------------------------------------------------------- */

static const char *row_name(const nb_stage *s, size_t i)
{
	return i < s->t->nrows ? s->t->rows[i].label : s->rows[i].label;
}

/* Rejects the inferred cells rule r names that are not rejected yet,
 * naming them in b: by row along a column, by column along a row. */
static void reject_cells(nb_buf *b, view *w, const nb_rule *r)
{
	const nb_stage *s = w->s;
	const nb_cref *sides[2] = { r->lhs, r->rhs };
	size_t ns[2] = { r->nlhs, r->nrhs }, listed = 0;

	for (size_t k = 0; k < 2; k++)
		for (size_t j = 0; j < ns[k]; j++) {
			const nb_cref *c = &sides[k][j];
			bool *rej = &w->reject[c->row * s->t->ncols + c->col];
			if (!w->inferred[c->row] || !fits(s, c->row) || *rej)
				continue;
			*rej = true;
			nb_buf_printf(b, "%s%s", listed++ ? ", " : "",
				      r->column ? row_name(s, c->row) : s->t->cols[c->col]);
		}
}

static void list_values(nb_buf *b, const nb_stage *s, const nb_cref *v, size_t n)
{
	for (size_t j = 0; j < n; j++) {
		const srow *row = &s->rows[v[j].row];
		const char *x = fits(s, v[j].row) ? row->v[v[j].col] : "?";
		if (j)
			nb_buf_adds(b, " + ");
		nb_buf_adds(b, *x ? x : "空");
	}
}

/* Applies rule r: when it does not hold, every inferred cell it names is
 * rejected, with one warning. */
static int apply(nb_report *r, view *w, const nb_rule *rule)
{
	const nb_stage *s = w->s;
	const nb_template *t = s->t;
	size_t ncols = t->ncols, inferred = 0;
	const nb_cref *sides[2] = { rule->lhs, rule->rhs };
	size_t ns[2] = { rule->nlhs, rule->nrhs };

	for (size_t k = 0; k < 2; k++)
		for (size_t j = 0; j < ns[k]; j++) {
			const nb_cref *c = &sides[k][j];
			inferred += w->inferred[c->row] && fits(s, c->row) &&
				    !w->reject[c->row * ncols + c->col];
		}
	if (!inferred)
		return 0;
	long long l = 0, x = 0;
	nb_rule_state st = nb_rule_eval(rule, view_value, w, &l, &x);
	/* Along a row the rule must hold; down a column (the rows it needs
	 * may not have been printed) it must not fail. */
	if (st == NB_RULE_HOLDS || (rule->column && st == NB_RULE_UNKNOWN))
		return 0;
	nb_buf b = {0};
	if (rule->column)
		nb_buf_printf(&b, "%s: column %s: %s ", t->name, t->cols[rule->at], rule->id);
	else
		nb_buf_printf(&b, "%s: row %s: its values were placed by %s, and %s ", t->name,
			      row_name(s, rule->at), place_name(s->rows[rule->at].how), rule->id);
	if (st == NB_RULE_FAILS) {
		nb_buf_adds(&b, "does not hold (");
		list_values(&b, s, rule->lhs, rule->nlhs);
		nb_buf_printf(&b, " = %lld, not ", l);
		list_values(&b, s, rule->rhs, rule->nrhs);
		nb_buf_printf(&b, " = %lld)", x);
	} else {
		nb_buf_adds(&b, "cannot be checked (a value is no whole number)");
	}
	nb_buf_adds(&b, rule->column ? ", and of its cells these were placed by inference, so "
			"their places are uncertain: " : ", so their places are uncertain: ");
	reject_cells(&b, w, rule);
	nb_buf_adds(&b, " left empty");
	char *msg = nb_buf_take(&b);
	int rc = msg ? nb_warn(r, "%s", msg) : -ENOMEM;
	free(msg);
	return rc;
}

/*
 * In a row read in reading order, an empty value is a blank cell only by a
 * grid's structure; once the row runs over several lines it may as well be
 * the filler of a merged cell, so which column each value belongs to is not
 * certain, whatever the sums say (a value moved between two blank columns
 * keeps the row's total).
 */
static int blanks_in_order(nb_report *r, view *w, size_t i)
{
	nb_stage *s = w->s;
	const srow *row = &s->rows[i];
	size_t empty = 0;

	if (row->how != NB_PLACE_ORDER)
		return 0;
	for (size_t c = 0; c < s->t->ncols; c++)
		empty += !row->v[c][0];
	if (!empty)
		return 0;
	for (size_t c = 0; c < s->t->ncols; c++)
		w->reject[i * s->t->ncols + c] = true;
	return nb_warn(r, "%s: row %s: its values run over several lines and %zu of them are "
		       "empty cells, which may be blanks or the filler of merged cells, so their "
		       "places are uncertain: all %zu cells left empty", s->t->name,
		       row_name(s, i), empty, s->t->ncols);
}

/*
 * A row placed by inference must hold in each column a value of the
 * column's kind (rules.c); and where the template has no arithmetic (table
 * 2), a row placed by the template's order alone has nothing to confirm
 * it.  Either way all of the row's cells are left empty.
 */
static int unconfirmed(nb_report *r, view *w, size_t i)
{
	nb_stage *s = w->s;
	const nb_template *t = s->t;
	const srow *row = &s->rows[i];
	size_t bad = t->ncols;

	if (!w->inferred[i])
		return 0;
	for (size_t c = 0; c < t->ncols && bad == t->ncols; c++)
		if (!nb_rule_kind_fits(nb_rule_col_kind(t, c), row->v[c], strlen(row->v[c])))
			bad = c;
	bool by_order = row->how == NB_PLACE_ROW_ORDER && !nb_rule_confirms_row_order(t);
	if (bad == t->ncols && !by_order)
		return 0;
	for (size_t c = 0; c < t->ncols; c++)
		w->reject[i * t->ncols + c] = true;
	if (by_order)
		return nb_warn(r, "%s: row %s: its values were placed by %s, and no rule of the "
			       "template can confirm that place: all %zu cells left empty", t->name,
			       row_name(s, i), place_name(row->how), t->ncols);
	return nb_warn(r, "%s: row %s: its values were placed by %s, and %s is no value of "
		       "column %s, so their places are uncertain: all %zu cells left empty",
		       t->name, row_name(s, i), place_name(row->how), row->v[bad], t->cols[bad],
		       t->ncols);
}

static int certify(nb_report *r, view *w)
{
	nb_stage *s = w->s;
	const nb_template *t = s->t;
	nb_rule rule;
	bool any = false;	/* a fitting row placed by inference */
	int rc = 0;

	for (size_t i = 0; i < s->nrows && rc == 0; i++) {
		w->inferred[i] = s->rows[i].how != NB_PLACE_CELLS;
		any = any || (w->inferred[i] && fits(s, i));
		if (fits(s, i))
			rc = blanks_in_order(r, w, i);
		if (fits(s, i) && rc == 0)
			rc = unconfirmed(r, w, i);
	}
	/* Without one, no rule names a cell apply could reject (most tables:
	 * their rows are the table's cells). */
	size_t n = any ? nb_rule_count(t) : 0;
	/* nb_rule_get gives the rules along rows first: a row found misplaced
	 * by its own total takes no part in the column sums. */
	for (size_t i = 0; i < n && rc == 0; i++) {
		nb_rule_get(t, i, &rule);
		rc = apply(r, w, &rule);
	}
	return rc;
}

/* ---- the table ------------------------------------------------------------ */

static int table_push(nb_report *r, nb_table **out)
{
	nb_table *v = realloc(r->tables, (r->ntables + 1) * sizeof *v);

	if (!v)
		return -ENOMEM;
	r->tables = v;
	*out = &v[r->ntables++];
	memset(*out, 0, sizeof **out);
	return 0;
}

/*
 * Writes one certified cell.  In the money column values are written in the
 * column's unit: a value printed in the other unit is converted exactly and
 * the conversion noted.  The cell takes raw, the stage's copy of the
 * printed value, which the report's arena has adopted: a copy per cell was
 * a tenth of the parser's allocations.
 */
static int write_cell(nb_report *r, const nb_template *t, const char *rowlabel, size_t col,
		      char *raw, const nb_num *num, nb_cell_state state,
		      nb_unit colunit, nb_cell *c)
{
	c->raw = raw;
	c->state = state;
	if (state != NB_CELL_NUMBER)
		return 0;
	/* the number as read, or its conversion (in conv) */
	char conv[80];
	const char *value = num->value;
	if ((int)col == t->money_col && num->unit != NB_UNIT_NONE && colunit != NB_UNIT_NONE &&
	    num->unit != colunit) {
		int shift = colunit == NB_UNIT_WANYUAN ? -4 : 4;
		value = conv;
		if (nb_decimal_shift(num->value, shift, conv, sizeof conv) < 0) {
			c->state = NB_CELL_ABSENT;
			return nb_warn(r, "%s: %s/%s: %s could not be converted to %s; left empty",
				       t->name, rowlabel, t->cols[col], raw, unit_name(colunit));
		}
		if (nb_note(r, "%s: %s/%s: printed %s, converted to %s %s", t->name, rowlabel,
			    t->cols[col], raw, value, unit_name(colunit)) < 0)
			return -ENOMEM;
	}
	/* printed plainly (most cells): the value is the printed string */
	if (!strcmp(value, raw))
		c->value = c->raw;
	else if (!(c->value = nb_arena_strdup(r->arena, value)))
		return -ENOMEM;
	if (num->note[0]) {
		c->note = nb_arena_strdup(r->arena, num->note);
		if (!c->note ||
		    nb_note(r, "%s: %s/%s: printed %s; the number is %s, the note \"%s\"", t->name,
			    rowlabel, t->cols[col], raw, value, num->note) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Says why an offered or missing row has no cells. */
static int warn_row(nb_report *r, const nb_stage *s, size_t i)
{
	const srow *row = &s->rows[i];
	const char *name = row_name(s, i);

	if (!row->offered) {
		if (row->why)
			return nb_warn(r, "%s: row %s: %s; its cells are empty", s->t->name, name,
				       row->why);
		return s->quiet ? 0 : nb_warn(r, "%s: row %s not found; its cells are empty",
					      s->t->name, name);
	}
	return nb_warn(r, "%s: row %s: %zu values printed where %zu were expected; its cells "
		       "are left empty", s->t->name, name, row->n, s->t->ncols);
}

static int fill(nb_report *r, view *w, nb_table *tb, nb_unit colunit)
{
	nb_stage *s = w->s;
	const nb_template *t = s->t;
	int rc = 0;

	/* the table's cells in one block, row after row, in the report's
	 * arena */
	size_t ncells = s->nrows * t->ncols;
	nb_cell *cells = s->nrows ? nb_arena_calloc(r->arena, ncells ? ncells : 1, sizeof *cells) : NULL;

	if (s->nrows && !cells)
		return -ENOMEM;
	for (size_t i = 0; i < s->nrows && rc == 0; i++) {
		nb_row *row = &tb->rows[tb->nrows++];
		srow *sr = &s->rows[i];
		row->extra = i >= t->nrows;
		/* the extra row's label and the printed one are the stage's,
		 * adopted with its arena */
		row->label = i >= t->nrows ? sr->label : nb_arena_strdup(r->arena, row_name(s, i));
		row->printed = sr->printed;
		row->cells = cells + i * t->ncols;
		if (!row->label)
			return -ENOMEM;
		if (!fits(s, i)) {
			/* Printed values that fit no reading, or a reader's
			 * word that several fit. */
			for (size_t c = 0; c < t->ncols; c++)
				row->cells[c].uncertain = sr->offered || sr->why || s->quiet;
			rc = warn_row(r, s, i);
			continue;
		}
		for (size_t c = 0; c < t->ncols && rc == 0; c++) {
			size_t k = i * t->ncols + c;
			if (w->reject[k]) {
				row->cells[c].uncertain = true;
				continue;
			}
			rc = write_cell(r, t, row->label, c, sr->v[c], &w->num[k], w->state[k],
					colunit, &row->cells[c]);
		}
	}
	return rc;
}

/* The view's arrays, in one block: num first, for its alignment. */
static int view_alloc(view *w, size_t ncells, size_t nrows)
{
	size_t n = ncells ? ncells : 1, m = nrows ? nrows : 1;
	size_t each = sizeof *w->num + sizeof *w->state + sizeof *w->reject;

	if (n > (SIZE_MAX - m) / each)
		return -ENOMEM;
	/* num is not zeroed: a row's numbers are read (and written first)
	 * only where the row fits */
	char *p = malloc(n * each + m);
	if (!p)
		return -ENOMEM;
	w->num = (nb_num *)p;
	w->state = (nb_cell_state *)(p + n * sizeof *w->num);
	w->reject = (bool *)(p + n * (sizeof *w->num + sizeof *w->state));
	w->inferred = w->reject + n;
	memset(w->state, 0, n * (sizeof *w->state + sizeof *w->reject) + m);
	return 0;
}

int nb_stage_commit(nb_stage *s, nb_report *r)
{
	const nb_template *t = s->t;
	size_t ncells = s->nrows * t->ncols;
	view w = { .s = s };
	nb_table *tb;
	int rc;

	if ((rc = view_alloc(&w, ncells, s->nrows)) < 0)
		goto out;
	for (size_t i = 0; i < s->nrows; i++)
		for (size_t c = 0; fits(s, i) && c < t->ncols; c++) {
			size_t k = i * t->ncols + c;
			w.state[k] = nb_read_number(s->rows[i].v[c], strlen(s->rows[i].v[c]),
						    &w.num[k]);
		}
	if ((rc = certify(r, &w)) < 0 || (rc = table_push(r, &tb)) < 0)
		goto out;
	rc = -ENOMEM;
	/* the stage's strings become the report's: cells take them */
	nb_arena_adopt(&r->arena, &s->strings);
	nb_unit colunit = t->money_col >= 0 ? money_unit(s) : NB_UNIT_NONE;
	tb->kind = t->kind;
	tb->format = t->format;
	tb->name = nb_arena_strdup(r->arena, t->name);
	tb->label_header = nb_arena_strdup(r->arena, t->label_header);
	/* the table's arrays are the report's arena's too (report.c) */
	tb->cols = nb_arena_calloc(r->arena, t->ncols ? t->ncols : 1, sizeof *tb->cols);
	tb->rows = nb_arena_calloc(r->arena, s->nrows ? s->nrows : 1, sizeof *tb->rows);
	if (!tb->name || !tb->label_header || !tb->cols || !tb->rows)
		goto out;
	tb->ncols = t->ncols;
	for (size_t c = 0; c < t->ncols; c++) {
		const char *name = t->cols[c] ? t->cols[c] : "";
		if ((int)c == t->money_col && !t->money_header_fixed && colunit != NB_UNIT_NONE) {
			nb_buf b = {0};
			nb_buf_printf(&b, "%s（%s）", name, unit_name(colunit));
			tb->cols[c] = b.oom ? NULL : nb_arena_strndup(r->arena, b.s, b.len);
			nb_buf_free(&b);
		} else {
			tb->cols[c] = nb_arena_strdup(r->arena, name);
		}
		if (!tb->cols[c])
			goto out;
	}
	rc = fill(r, &w, tb, colunit);
out:
	free(w.num);
	nb_stage_free(s);
	return rc;
}
