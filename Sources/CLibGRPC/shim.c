#include "CLibGRPC.h"

#include <stdlib.h>
#include <string.h>

// MARK: - Batches

void CLibGRPC_batch_init(CLibGRPC_batch *batch) {
    memset(batch, 0, sizeof(*batch));
    grpc_metadata_array_init(&batch->recv_initial_metadata);
    grpc_metadata_array_init(&batch->recv_trailing_metadata);
}

static void free_send_metadata(CLibGRPC_batch *batch) {
    for (size_t i = 0; i < batch->send_metadata_count; i++) {
        grpc_slice_unref(batch->send_metadata[i].key);
        grpc_slice_unref(batch->send_metadata[i].value);
    }
    free(batch->send_metadata);
    batch->send_metadata = NULL;
    batch->send_metadata_count = 0;
}

void CLibGRPC_batch_reset(CLibGRPC_batch *batch) {
    free_send_metadata(batch);
    if (batch->send_message != NULL) grpc_byte_buffer_destroy(batch->send_message);
    if (batch->has_send_status_details) grpc_slice_unref(batch->send_status_details);
    if (batch->recv_message != NULL) grpc_byte_buffer_destroy(batch->recv_message);
    grpc_slice_unref(batch->recv_status_details);
    if (batch->recv_error_string != NULL) gpr_free((void *)batch->recv_error_string);
    grpc_metadata_array_destroy(&batch->recv_initial_metadata);
    grpc_metadata_array_destroy(&batch->recv_trailing_metadata);
    CLibGRPC_batch_init(batch);
}

static grpc_op *next_op(CLibGRPC_batch *batch, grpc_op_type type) {
    // More than CLIBGRPC_MAX_OPS ops is a bug in the Swift caller, never a runtime condition.
    if (batch->op_count >= CLIBGRPC_MAX_OPS) abort();
    grpc_op *op = &batch->ops[batch->op_count++];
    memset(op, 0, sizeof(*op));
    op->op = type;
    return op;
}

static void copy_metadata(CLibGRPC_batch *batch, const char *const *keys, const uint8_t *const *values,
                          const size_t *value_lengths, size_t count) {
    free_send_metadata(batch);
    if (count == 0) return;
    batch->send_metadata = calloc(count, sizeof(grpc_metadata));
    if (batch->send_metadata == NULL) abort();
    for (size_t i = 0; i < count; i++) {
        batch->send_metadata[i].key = grpc_slice_from_copied_string(keys[i]);
        batch->send_metadata[i].value = grpc_slice_from_copied_buffer((const char *)values[i], value_lengths[i]);
    }
    batch->send_metadata_count = count;
}

void CLibGRPC_batch_add_send_initial_metadata(CLibGRPC_batch *batch, const char *const *keys,
                                              const uint8_t *const *values, const size_t *value_lengths,
                                              size_t count) {
    copy_metadata(batch, keys, values, value_lengths, count);
    grpc_op *op = next_op(batch, GRPC_OP_SEND_INITIAL_METADATA);
    op->data.send_initial_metadata.count = batch->send_metadata_count;
    op->data.send_initial_metadata.metadata = batch->send_metadata;
}

void CLibGRPC_batch_add_send_message(CLibGRPC_batch *batch, const void *bytes, size_t length) {
    grpc_slice slice = grpc_slice_from_copied_buffer((const char *)bytes, length);
    batch->send_message = grpc_raw_byte_buffer_create(&slice, 1);
    grpc_slice_unref(slice);  // the byte buffer holds its own reference
    grpc_op *op = next_op(batch, GRPC_OP_SEND_MESSAGE);
    op->data.send_message.send_message = batch->send_message;
}

void CLibGRPC_batch_add_send_slice(CLibGRPC_batch *batch, const grpc_slice *slice) {
    batch->send_message = grpc_raw_byte_buffer_create((grpc_slice *)slice, 1);  // takes its own reference
    grpc_op *op = next_op(batch, GRPC_OP_SEND_MESSAGE);
    op->data.send_message.send_message = batch->send_message;
}

void CLibGRPC_batch_add_send_close_from_client(CLibGRPC_batch *batch) {
    next_op(batch, GRPC_OP_SEND_CLOSE_FROM_CLIENT);
}

void CLibGRPC_batch_add_send_status_from_server(CLibGRPC_batch *batch, grpc_status_code code,
                                                const char *details, const char *const *keys,
                                                const uint8_t *const *values, const size_t *value_lengths,
                                                size_t count) {
    copy_metadata(batch, keys, values, value_lengths, count);
    batch->send_status_details = grpc_slice_from_copied_string(details);
    batch->has_send_status_details = 1;
    grpc_op *op = next_op(batch, GRPC_OP_SEND_STATUS_FROM_SERVER);
    op->data.send_status_from_server.trailing_metadata_count = batch->send_metadata_count;
    op->data.send_status_from_server.trailing_metadata = batch->send_metadata;
    op->data.send_status_from_server.status = code;
    op->data.send_status_from_server.status_details = &batch->send_status_details;
}

void CLibGRPC_batch_add_recv_initial_metadata(CLibGRPC_batch *batch) {
    grpc_op *op = next_op(batch, GRPC_OP_RECV_INITIAL_METADATA);
    op->data.recv_initial_metadata.recv_initial_metadata = &batch->recv_initial_metadata;
}

void CLibGRPC_batch_add_recv_message(CLibGRPC_batch *batch) {
    grpc_op *op = next_op(batch, GRPC_OP_RECV_MESSAGE);
    op->data.recv_message.recv_message = &batch->recv_message;
}

void CLibGRPC_batch_add_recv_status_on_client(CLibGRPC_batch *batch) {
    grpc_op *op = next_op(batch, GRPC_OP_RECV_STATUS_ON_CLIENT);
    op->data.recv_status_on_client.trailing_metadata = &batch->recv_trailing_metadata;
    op->data.recv_status_on_client.status = &batch->recv_status;
    op->data.recv_status_on_client.status_details = &batch->recv_status_details;
    op->data.recv_status_on_client.error_string = &batch->recv_error_string;
}

void CLibGRPC_batch_add_recv_close_on_server(CLibGRPC_batch *batch) {
    grpc_op *op = next_op(batch, GRPC_OP_RECV_CLOSE_ON_SERVER);
    op->data.recv_close_on_server.cancelled = &batch->recv_cancelled;
}

grpc_call_error CLibGRPC_batch_start(grpc_call *call, CLibGRPC_batch *batch, void *tag) {
    return grpc_call_start_batch(call, batch->ops, batch->op_count, tag, NULL);
}

// MARK: - Byte buffers and slices

size_t CLibGRPC_byte_buffer_length(grpc_byte_buffer *buffer) {
    // Core decompresses messages on receipt, so this is the common case and costs no copy.
    if (buffer->type == GRPC_BB_RAW && buffer->data.raw.compression == GRPC_COMPRESS_NONE) {
        return grpc_byte_buffer_length(buffer);
    }
    grpc_byte_buffer_reader reader;
    if (!grpc_byte_buffer_reader_init(&reader, buffer)) return 0;
    size_t total = 0;
    grpc_slice slice;
    while (grpc_byte_buffer_reader_next(&reader, &slice)) {
        total += GRPC_SLICE_LENGTH(slice);
        grpc_slice_unref(slice);
    }
    grpc_byte_buffer_reader_destroy(&reader);
    return total;
}

int CLibGRPC_byte_buffer_copy(grpc_byte_buffer *buffer, uint8_t *destination) {
    grpc_byte_buffer_reader reader;
    if (!grpc_byte_buffer_reader_init(&reader, buffer)) return 0;
    grpc_slice slice;
    while (grpc_byte_buffer_reader_next(&reader, &slice)) {
        size_t length = GRPC_SLICE_LENGTH(slice);
        memcpy(destination, GRPC_SLICE_START_PTR(slice), length);
        destination += length;
        grpc_slice_unref(slice);
    }
    grpc_byte_buffer_reader_destroy(&reader);
    return 1;
}

const uint8_t *CLibGRPC_slice_start(const grpc_slice *slice) { return GRPC_SLICE_START_PTR(*slice); }

size_t CLibGRPC_slice_length(const grpc_slice *slice) { return GRPC_SLICE_LENGTH(*slice); }

grpc_slice CLibGRPC_slice_from_bytes(const void *bytes, size_t length) {
    return grpc_slice_from_copied_buffer((const char *)bytes, length);
}

void CLibGRPC_slice_unref(const grpc_slice *slice) { grpc_slice_unref(*slice); }

grpc_slice CLibGRPC_slice_from_string(const char *string) { return grpc_slice_from_copied_string(string); }

// MARK: - Metadata arrays

void CLibGRPC_metadata_entry(const grpc_metadata_array *array, size_t index, const grpc_slice **key,
                             const grpc_slice **value) {
    *key = &array->metadata[index].key;
    *value = &array->metadata[index].value;
}

// MARK: - Server call bookkeeping

void CLibGRPC_request_call_init(CLibGRPC_request_call *request) {
    memset(request, 0, sizeof(*request));
    grpc_call_details_init(&request->details);
    grpc_metadata_array_init(&request->request_metadata);
}

void CLibGRPC_request_call_reset(CLibGRPC_request_call *request) {
    grpc_call_details_destroy(&request->details);
    grpc_metadata_array_destroy(&request->request_metadata);
    CLibGRPC_request_call_init(request);
}

grpc_call_error CLibGRPC_server_request_call(grpc_server *server, CLibGRPC_request_call *request,
                                      grpc_completion_queue *cq, void *tag) {
    return grpc_server_request_call(server, &request->call, &request->details, &request->request_metadata, cq, cq,
                                    tag);
}

// MARK: - Channel arguments

grpc_channel_args *CLibGRPC_args_create(size_t capacity) {
    grpc_channel_args *args = calloc(1, sizeof(grpc_channel_args));
    if (args == NULL) abort();
    args->args = calloc(capacity == 0 ? 1 : capacity, sizeof(grpc_arg));
    if (args->args == NULL) abort();
    return args;
}

void CLibGRPC_args_add_integer(grpc_channel_args *args, const char *key, int value) {
    grpc_arg *arg = &args->args[args->num_args++];
    arg->type = GRPC_ARG_INTEGER;
    arg->key = strdup(key);
    arg->value.integer = value;
}

void CLibGRPC_args_add_string(grpc_channel_args *args, const char *key, const char *value) {
    grpc_arg *arg = &args->args[args->num_args++];
    arg->type = GRPC_ARG_STRING;
    arg->key = strdup(key);
    arg->value.string = strdup(value);
}

void CLibGRPC_args_destroy(grpc_channel_args *args) {
    for (size_t i = 0; i < args->num_args; i++) {
        free(args->args[i].key);
        if (args->args[i].type == GRPC_ARG_STRING) free(args->args[i].value.string);
    }
    free(args->args);
    free(args);
}

// MARK: - Time

gpr_timespec CLibGRPC_deadline_after_ms(int64_t milliseconds) {
    if (milliseconds < 0) return gpr_inf_future(GPR_CLOCK_MONOTONIC);
    return gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_millis(milliseconds, GPR_TIMESPAN));
}

gpr_timespec CLibGRPC_infinite_future(void) { return gpr_inf_future(GPR_CLOCK_MONOTONIC); }

// MARK: - Security

grpc_server_credentials *CLibGRPC_ssl_server_credentials(const char *certificate_chain, const char *private_key,
                                                         const char *client_ca, int require_client_certificate) {
    grpc_ssl_pem_key_cert_pair pair = {.private_key = private_key, .cert_chain = certificate_chain};
    grpc_ssl_client_certificate_request_type request = GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE;
    if (client_ca != NULL) {
        request = require_client_certificate ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                                             : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY;
    }
    return grpc_ssl_server_credentials_create_ex(client_ca, &pair, 1, request, NULL);
}

grpc_channel_credentials *CLibGRPC_ssl_channel_credentials(const char *root_certificates,
                                                           const char *certificate_chain,
                                                           const char *private_key) {
    grpc_ssl_pem_key_cert_pair pair = {.private_key = private_key, .cert_chain = certificate_chain};
    int has_pair = certificate_chain != NULL && private_key != NULL;
    return grpc_ssl_credentials_create(root_certificates, has_pair ? &pair : NULL, NULL, NULL);
}

void CLibGRPC_call_auth_properties(grpc_call *call, void *context,
                                   void (*visit)(void *context, const char *name, const char *value,
                                                 size_t value_length)) {
    grpc_auth_context *auth = grpc_call_auth_context(call);
    if (auth == NULL) return;
    grpc_auth_property_iterator it = grpc_auth_context_property_iterator(auth);
    const grpc_auth_property *property;
    while ((property = grpc_auth_property_iterator_next(&it)) != NULL) {
        visit(context, property->name, property->value, property->value_length);
    }
    grpc_auth_context_release(auth);
}

void CLibGRPC_call_peer(grpc_call *call, char *buffer, size_t capacity) {
    char *peer = grpc_call_get_peer(call);
    if (capacity == 0) {
        gpr_free(peer);
        return;
    }
    buffer[0] = '\0';
    if (peer != NULL) {
        strncpy(buffer, peer, capacity - 1);
        buffer[capacity - 1] = '\0';
        gpr_free(peer);
    }
}

// MARK: - ThreadSanitizer

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CLIBGRPC_TSAN 1
#endif
#endif

#ifdef CLIBGRPC_TSAN
// From the TSan runtime (<sanitizer/tsan_interface.h>).
void __tsan_release(void *addr);
void __tsan_acquire(void *addr);

void CLibGRPC_tsan_release(const void *address) { __tsan_release((void *)address); }
void CLibGRPC_tsan_acquire(const void *address) { __tsan_acquire((void *)address); }
#else
void CLibGRPC_tsan_release(const void *address) { (void)address; }
void CLibGRPC_tsan_acquire(const void *address) { (void)address; }
#endif
