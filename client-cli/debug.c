/*
 * --debug: dumps requests, replies and events to stderr in a text form
 * close to protobuf's, walking the protobuf-c descriptors so that every
 * message prints with its real field names (Transmission's --debug idea).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static void debug_message(const ProtobufCMessage *msg, int depth);

static void
debug_indent(int depth)
{
	for (int i = 0; i < depth; i++) {
		fputs("  ", stderr);
	}
}

static void
debug_string(const char *s)
{
	fputc('"', stderr);
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char) *s;

		if (c == '"' || c == '\\') {
			fprintf(stderr, "\\%c", c);
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(stderr, "\\x%02x", c);
		} else {
			fputc(c, stderr);
		}
	}
	fputc('"', stderr);
}

/* One value of field `f` stored at `p`. */
static void
debug_value(const ProtobufCFieldDescriptor *f, const void *p, int depth)
{
	const ProtobufCEnumValue *ev;

	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		fprintf(stderr, "%" PRId32, *(const int32_t *) p);
		break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		fprintf(stderr, "%" PRIu32, *(const uint32_t *) p);
		break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		fprintf(stderr, "%" PRId64, *(const int64_t *) p);
		break;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		fprintf(stderr, "%" PRIu64, *(const uint64_t *) p);
		break;
	case PROTOBUF_C_TYPE_FLOAT:
		fprintf(stderr, "%g", (double) *(const float *) p);
		break;
	case PROTOBUF_C_TYPE_DOUBLE:
		fprintf(stderr, "%g", *(const double *) p);
		break;
	case PROTOBUF_C_TYPE_BOOL:
		fputs(*(const protobuf_c_boolean *) p ? "true" : "false",
		    stderr);
		break;
	case PROTOBUF_C_TYPE_ENUM:
		ev = protobuf_c_enum_descriptor_get_value(
		    f->descriptor, *(const int *) p);
		if (ev != NULL) {
			fputs(ev->name, stderr);
		} else {
			fprintf(stderr, "%d", *(const int *) p);
		}
		break;
	case PROTOBUF_C_TYPE_STRING:
		debug_string(*(char *const *) p);
		break;
	case PROTOBUF_C_TYPE_BYTES:
		fprintf(stderr, "<%zu bytes>",
		    ((const ProtobufCBinaryData *) p)->len);
		break;
	case PROTOBUF_C_TYPE_MESSAGE:
		fputs("{\n", stderr);
		debug_message(*(ProtobufCMessage *const *) p, depth + 1);
		debug_indent(depth);
		fputc('}', stderr);
		break;
	}
}

static size_t
debug_type_size(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return 8;
	case PROTOBUF_C_TYPE_DOUBLE:
		return sizeof(double);
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(void *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	default:
		return 4;
	}
}

/* True when a singular proto3 field holds its default (and is skipped). */
static bool
debug_is_default(const ProtobufCFieldDescriptor *f, const void *p)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(char *const *) p;
		return s == NULL || *s == '\0';
	}
	case PROTOBUF_C_TYPE_MESSAGE:
		return *(void *const *) p == NULL;
	case PROTOBUF_C_TYPE_BYTES:
		return ((const ProtobufCBinaryData *) p)->len == 0;
	default: {
		static const char zero[8];
		return memcmp(p, zero, debug_type_size(f->type)) == 0;
	}
	}
}

static void
debug_message(const ProtobufCMessage *msg, int depth)
{
	const ProtobufCMessageDescriptor *d;
	const char                       *base = (const char *) msg;

	if (msg == NULL) {
		return;
	}
	d = msg->descriptor;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const char                     *p = base + f->offset;

		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			if (*(const uint32_t *) (base + f->quantifier_offset)
			    != f->id) {
				continue;
			}
		} else if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n
			    = *(const size_t *) (base + f->quantifier_offset);
			const char *arr = *(char *const *) p;
			size_t      sz  = debug_type_size(f->type);

			for (size_t j = 0; j < n; j++) {
				debug_indent(depth);
				fprintf(stderr, "%s: ", f->name);
				debug_value(f, arr + j * sz, depth);
				fputc('\n', stderr);
			}
			continue;
		} else if (debug_is_default(f, p)) {
			continue;
		}
		debug_indent(depth);
		fprintf(stderr, "%s: ", f->name);
		debug_value(f, p, depth);
		fputc('\n', stderr);
	}
}

void
debug_dump(const char *label, const ProtobufCMessage *msg)
{
	fprintf(stderr, "mlops: debug: %s %s {\n", label,
	    msg != NULL ? msg->descriptor->name : "(none)");
	debug_message(msg, 1);
	fputs("}\n", stderr);
	fflush(stderr);
}
