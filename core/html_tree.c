/*
 * html_tree.c — an HTML page's tree as libxml2's HTML parser reads it,
 * built from the parser's SAX events into one arena.
 *
 * libxml2's own tree builder (SAX2.c) made an allocation for every element,
 * its name, each attribute and its value, and each text node, and freed
 * them all again with the document: two thirds of an HTML report's
 * allocations.  The nodes here are libxml2's xmlNode, linked as
 * xmlSAX2StartElement, xmlSAX2Text, xmlSAX2Comment and
 * xmlSAX2ProcessingInstruction link them, and pushed on the parser's node
 * stack as they push them (nodePush, nodePop): the parser itself reads
 * ctxt->node (whether white space is blank depends on the current node's
 * last child) and stops at the same depth.  The page's names stay in the
 * parser's dictionary, so the parser lives as long as the tree.  The
 * document and its DTD are still libxml2's (the parser reads the DTD).
 *
 * An element's attributes are a list of our own in its _private, read by
 * nb_html_attr; a text node's content is gathered in a buffer while
 * libxml2 hands it over in pieces (entities, chunks), copied once whole.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>

#include "html_tree.h"
#include "internal.h"

typedef struct attr {
	const char *name, *value;
	struct attr *next;
} attr;

struct nb_html_tree {
	xmlParserCtxtPtr ctxt;
	nb_arena *mem;
	xmlNode top;		/* the document's children (not its DTD) */
	xmlNode *open;		/* the text node whose content is in text */
	nb_buf text;
	bool oom;
};

static void fail(nb_html_tree *t)
{
	t->oom = true;
	xmlStopParser(t->ctxt);
}

/* The open text node's content, copied whole. */
static void close_text(nb_html_tree *t)
{
	if (!t->open)
		return;
	t->open->content = t->text.oom ? NULL :
			   (xmlChar *)nb_arena_strndup(t->mem, t->text.s ? t->text.s : "", t->text.len);
	if (!t->open->content)
		fail(t);
	t->open = NULL;
}

static xmlNode *node_new(nb_html_tree *t, xmlElementType type, const xmlChar *name)
{
	xmlNode *n = nb_arena_calloc(t->mem, 1, sizeof *n);

	if (!n) {
		fail(t);
		return NULL;
	}
	n->type = type;
	n->name = name;
	return n;
}

/* n after parent's last child (xmlAddChild, which merges only text nodes,
 * and those never reach here beside another). */
static void append(xmlNode *parent, xmlNode *n)
{
	n->parent = parent;
	n->prev = parent->last;
	if (parent->last)
		parent->last->next = n;
	else
		parent->children = n;
	parent->last = n;
}

/* Where a comment or instruction goes: the current element, else the
 * document. */
static void append_here(nb_html_tree *t, xmlNode *n)
{
	append(t->ctxt->node ? t->ctxt->node : &t->top, n);
}

static void start_element(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	xmlParserCtxtPtr ctxt = ctx;
	nb_html_tree *t = ctxt->_private;
	xmlNode *parent = ctxt->node;

	if (t->oom || !name)
		return;
	close_text(t);
	/* A prefixed name (Word's <o:p>) is its local part in the tree, as
	 * xmlSplitQName makes it; any other name is itself. */
	if (strchr((const char *)name, ':')) {
		xmlChar *prefix = NULL, *local = xmlSplitQName(ctxt, name, &prefix);
		char *copy = local ? nb_arena_strdup(t->mem, (const char *)local) : NULL;
		xmlFree(local);
		xmlFree(prefix);
		if (!copy) {
			fail(t);
			return;
		}
		name = (const xmlChar *)copy;
	}
	xmlNode *n = node_new(t, XML_ELEMENT_NODE, name);
	if (!n)
		return;
	/* -1 at libxml2's depth limit (it stops, as its own builder does)
	 * or when its stack could not grow: that is out of memory */
	if (nodePush(ctxt, n) < 0) {
		if (ctxt->errNo == XML_ERR_NO_MEMORY)
			fail(t);
		return;
	}
	append(parent ? parent : &t->top, n);

	attr **tail = (attr **)&n->_private;
	for (size_t i = 0; atts && atts[i]; i += 2) {
		attr *a = nb_arena_alloc(t->mem, sizeof *a);
		const char *v = (const char *)atts[i + 1];
		if (!v)
			v = htmlIsBooleanAttr(atts[i]) ? (const char *)atts[i] : "";
		else if (!(v = nb_arena_strdup(t->mem, v)))
			a = NULL;
		if (!a) {
			fail(t);
			return;
		}
		*a = (attr){ .name = (const char *)atts[i], .value = v };
		*tail = a;
		tail = &a->next;
	}
}

static void end_element(void *ctx, const xmlChar *name)
{
	xmlParserCtxtPtr ctxt = ctx;

	(void)name;
	close_text(ctxt->_private);
	nodePop(ctxt);
}

/* Text of type (text or CDATA) after the current element's last child:
 * joined to it when it is text of the same type, as xmlSAX2Text joins. */
static void text(xmlParserCtxtPtr ctxt, const xmlChar *s, int len, xmlElementType type)
{
	nb_html_tree *t = ctxt->_private;
	xmlNode *cur = ctxt->node;

	if (t->oom || !cur || len < 0)
		return;
	xmlNode *last = cur->last;
	if (last && last->type == type) {
		if (last != t->open) {
			const char *had = (const char *)last->content;
			close_text(t);
			nb_buf_reset(&t->text);
			nb_buf_adds(&t->text, had);
			t->open = last;
		}
	} else {
		close_text(t);
		xmlNode *n = node_new(t, type, type == XML_TEXT_NODE ? xmlStringText : NULL);
		if (!n)
			return;
		append(cur, n);
		nb_buf_reset(&t->text);
		t->open = n;
	}
	nb_buf_add(&t->text, s, (size_t)len);
}

static void characters(void *ctx, const xmlChar *s, int len)
{
	text(ctx, s, len, XML_TEXT_NODE);
}

static void cdata(void *ctx, const xmlChar *s, int len)
{
	text(ctx, s, len, XML_CDATA_SECTION_NODE);
}

static void comment(void *ctx, const xmlChar *value)
{
	xmlParserCtxtPtr ctxt = ctx;
	nb_html_tree *t = ctxt->_private;

	(void)value;
	if (t->oom)
		return;
	close_text(t);
	xmlNode *n = node_new(t, XML_COMMENT_NODE, xmlStringComment);
	if (n)
		append_here(t, n);
}

static void instruction(void *ctx, const xmlChar *target, const xmlChar *data)
{
	xmlParserCtxtPtr ctxt = ctx;
	nb_html_tree *t = ctxt->_private;

	(void)data;
	if (t->oom)
		return;
	close_text(t);
	/* its name is read (as an element's) when white space follows it */
	char *name = target ? nb_arena_strdup(t->mem, (const char *)target) : NULL;
	if (target && !name) {
		fail(t);
		return;
	}
	xmlNode *n = node_new(t, XML_PI_NODE, (const xmlChar *)name);
	if (n)
		append_here(t, n);
}

/*
 * As htmlReadMemory(text, len, NULL, "UTF-8", options) reads: a memory
 * parser with the HTML handlers (ours for the tree), the options, the
 * encoding switched to UTF-8, then htmlParseDocument.
 */
int nb_html_parse(const char *text, size_t len, nb_html_tree **out)
{
	const int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
			    HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC;
	xmlSAXHandler sax;

	*out = NULL;
	if (len == 0 || len > INT_MAX)
		return -EINVAL;

	nb_html_tree *t = calloc(1, sizeof *t);

	if (!t || nb_arena_new(&t->mem) < 0) {
		nb_html_tree_free(t);
		return -ENOMEM;
	}
	xmlInitParser();
	t->ctxt = xmlCreateMemoryParserCtxt(text, (int)len);
	if (!t->ctxt || !t->ctxt->sax) {
		nb_html_tree_free(t);
		return -ENOMEM;
	}
	/* it fills only a handler not yet initialized */
	memset(&sax, 0, sizeof sax);
	xmlSAX2InitHtmlDefaultSAXHandler(&sax);
	sax.startElement = start_element;
	sax.endElement = end_element;
	sax.characters = characters;
	sax.cdataBlock = cdata;
	sax.comment = comment;
	sax.processingInstruction = instruction;
	memcpy(t->ctxt->sax, &sax, sizeof(xmlSAXHandlerV1));
	t->ctxt->_private = t;

	htmlCtxtUseOptions(t->ctxt, options);
	t->ctxt->html = 1;
	xmlCharEncodingHandlerPtr utf8 = xmlFindCharEncodingHandler("UTF-8");
	if (utf8) {
		xmlSwitchToEncoding(t->ctxt, utf8);
		xmlFree((xmlChar *)t->ctxt->input->encoding);
		t->ctxt->input->encoding = xmlStrdup((const xmlChar *)"UTF-8");
	}
	htmlParseDocument(t->ctxt);
	close_text(t);
	if (t->oom) {
		nb_html_tree_free(t);
		return -ENOMEM;
	}
	if (!t->ctxt->myDoc) {
		nb_html_tree_free(t);
		return NB_UNDECODABLE;
	}
	*out = t;
	return 0;
}

const xmlNode *nb_html_root(const nb_html_tree *t)
{
	for (const xmlNode *n = t->top.children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return n;
	return NULL;
}

const char *nb_html_attr(const xmlNode *n, const char *name)
{
	for (const attr *a = n->_private; a; a = a->next)
		if (strcmp(a->name, name) == 0)
			return a->value;
	return NULL;
}

void nb_html_tree_free(nb_html_tree *t)
{
	if (!t)
		return;
	if (t->ctxt) {
		xmlFreeDoc(t->ctxt->myDoc);
		t->ctxt->myDoc = NULL;
		xmlFreeParserCtxt(t->ctxt);
	}
	nb_buf_free(&t->text);
	nb_arena_free(t->mem);
	free(t);
}
