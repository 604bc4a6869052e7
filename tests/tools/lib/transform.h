/*
 * transform.h — the shapes real pipelines give a report's text, made from a
 * fixture so the accuracy tool can score the core on them (issue 6): a
 * crawler that flattens the page to one line, pdftotext's raw reading
 * order, hard-wrapped PDF text with indents, spaces between digits and
 * Chinese, a title broken over two lines.
 */
#ifndef NB_TRANSFORM_H
#define NB_TRANSFORM_H

#include <stddef.h>

typedef enum {
	TF_FLAT,	/* crawler header lines, then the article on one line with
			   cell separators removed (cells run together) */
	TF_RAW,		/* one cell per line in reading order; empty cells vanish */
	TF_WRAP,	/* prose hard-wrapped at 30-40 characters, paragraphs indented;
			   table rows longer than that broken between cells */
	TF_SPACES,	/* a space between every ASCII digit and Han character */
	TF_TITLE,	/* the title split over two lines */
	TF_COUNT
} tf_kind;

const char *tf_name(tf_kind k);

/*
 * The text of a report as plain UTF-8 lines: bytes decoded, and HTML turned
 * into lines (a table row one line, its cells joined by " | ").  *md is set
 * when the text is Markdown (kept so, for the transforms that keep it).
 * 0 or a negative errno.
 */
int tf_text_of(const char *name, const void *buf, size_t len, char **text, size_t *textlen,
	       int *md);

/*
 * Applies transform k to text[0..len); seed picks the wrap width.  The
 * result is malloc'd, NULL on ENOMEM; *ext receives the file ending the
 * transformed report goes under ("txt" or "md"), from md.
 */
char *tf_apply(tf_kind k, const char *text, size_t len, unsigned seed, int md,
	       size_t *outlen, const char **ext);

#endif
