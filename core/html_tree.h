/*
 * html_tree.h — an HTML page as the tree libxml2's HTML parser reads it,
 * built in one arena (html_tree.c), for html.c to walk.
 */
#ifndef NB_HTML_TREE_H
#define NB_HTML_TREE_H

#include <stddef.h>

#include <libxml/tree.h>

typedef struct nb_html_tree nb_html_tree;

/* Parses text[0..len) (UTF-8, len > 0 and at most INT_MAX): 0, -ENOMEM, or
 * NB_UNDECODABLE when libxml2 made no document of it. */
int nb_html_parse(const char *text, size_t len, nb_html_tree **out);
/* The first element of the page, its siblings after it (NULL: none). */
const xmlNode *nb_html_root(const nb_html_tree *t);
/* Attribute name of element n: its value, "" when printed without one (a
 * boolean attribute's value is its name), NULL when absent — what
 * libxml2's xmlGetProp gives, with nothing to free. */
const char *nb_html_attr(const xmlNode *n, const char *name);
void nb_html_tree_free(nb_html_tree *t);

#endif
