/*
 * Carriage-return collapsing and line counting for printed job output (see
 * logfmt.h). Pure; one owner per state.
 */
#include <string.h>

#include <mlops/logfmt.h>

void
mlops_logfmt_init(struct mlops_logfmt *lf)
{
	strbuf_init(&lf->lf_line);
	lf->lf_cr = false;
}

void
mlops_logfmt_fini(struct mlops_logfmt *lf)
{
	strbuf_fini(&lf->lf_line);
	lf->lf_cr = false;
}

/* Appends the open line and its newline to `out`; starts a new one. */
static void
mlops_logfmt_end_line(struct mlops_logfmt *lf, struct strbuf *out)
{
	strbuf_append(out, lf->lf_line.buf, lf->lf_line.len);
	strbuf_putc(out, '\n');
	strbuf_reset(&lf->lf_line);
	lf->lf_cr = false;
}

void
mlops_logfmt_feed(
    struct mlops_logfmt *lf, const void *data, size_t len, struct strbuf *out)
{
	const char *p = data;
	size_t      i = 0;

	while (i < len) {
		size_t j = i;
		char   c;

		while (
		    j < len && p[j] != '\r' && p[j] != '\n' && p[j] != '\0') {
			j++;
		}
		if (j > i) {
			if (lf->lf_cr) {
				/* "\r" then text: the line is redrawn */
				strbuf_reset(&lf->lf_line);
				lf->lf_cr = false;
			}
			strbuf_append(&lf->lf_line, p + i, j - i);
			if (lf->lf_line.len > MLOPS_LOGFMT_LINE_MAX) {
				strbuf_append(
				    out, lf->lf_line.buf, lf->lf_line.len);
				strbuf_reset(&lf->lf_line);
			}
		}
		if (j == len) {
			break;
		}
		c = p[j];
		i = j + 1;
		if (c == '\n') {
			mlops_logfmt_end_line(lf, out);
		} else if (c == '\r') {
			lf->lf_cr = true;
		}
	}
}

bool
mlops_logfmt_flush(struct mlops_logfmt *lf, struct strbuf *out)
{
	bool any = lf->lf_line.len > 0;

	strbuf_append(out, lf->lf_line.buf, lf->lf_line.len);
	strbuf_reset(&lf->lf_line);
	lf->lf_cr = false;
	return any;
}

size_t
mlops_logfmt_tail_start(const char *buf, size_t len, size_t n, bool *enough)
{
	size_t end = len, seen = 0;

	*enough = true;
	if (n == 0) {
		return len;
	}
	if (end > 0 && buf[end - 1] == '\n') {
		end--;
	}
	for (size_t k = end; k > 0; k--) {
		if (buf[k - 1] == '\n' && ++seen == n) {
			return k;
		}
	}
	*enough = false;
	return 0;
}
